"""What one page run costs the server once its caches are warm, and what it sends: every page's default view.

One websocket session at a time speaks Streamlit's own protocol (as benchmarks/bench_sessions.py does): it
opens a view (the first visit fills the shared caches), then a fresh session opens it again and reruns it,
and the server time from request to script_finished is taken, median of `--repeats`. Payload: the bytes of
every ForwardMsg of a fresh session's first run of the view. benchmarks/reference_app.py (one input, one
plotly chart) is measured in the same run as the floor.

Run from the repository root:
    python -m benchmarks.bench_warm_runs [--repeats 15] [--pages solver_lab,tour?tour=1]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.bench_sessions import FINISHED, _rerun
from benchmarks.common import server, verdict

#: Each page's default view (registry urls), the tour page on a step, and the landing page.
VIEWS = (
    "",
    "solver_lab",
    "phase_portraits",
    "node_anode_lab",
    "how_they_learn",
    "latent_spirals",
    "tour?tour=1",
)
WARM_TARGET_MS = {"tour": 15.0}  # the targets: the tour page 15 ms, every other default view 30 ms
PAYLOAD_TARGET_KB = 300.0


async def _run_once(ws, page: str, query: str) -> tuple[float, int, str | None]:
    """(server seconds, bytes received, exception message or None) of one script run."""
    t0, size, exception = time.perf_counter(), 0, None
    await ws.send(_rerun(page, query=query))
    while True:
        raw = await ws.recv()
        size += len(raw)
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            if msg.delta.new_element.WhichOneof("type") == "exception":
                exception = msg.delta.new_element.exception.message[:120]
        elif kind == "script_finished" and msg.script_finished in FINISHED:
            return time.perf_counter() - t0, size, exception


async def measure(base: str, view: str, repeats: int) -> tuple[float, int, str | None]:
    """(median warm run in ms, payload bytes of a fresh session's first run, exception) of `view`."""
    import websockets

    page, _, query = view.partition("?")
    url = base.replace("http://", "ws://") + "/_stcore/stream"
    connect = lambda: websockets.connect(url, subprotocols=["streamlit"], max_size=None)  # noqa: E731
    async with connect() as ws:  # the first visitor fills the shared caches
        await _run_once(ws, page, query)
    async with connect() as ws:  # a later visitor: the cost every other session pays
        _, payload, exception = await _run_once(ws, page, query)
        runs = [(await _run_once(ws, page, query))[0] for _ in range(repeats)]
    return 1000 * statistics.median(runs), payload, exception


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--pages", default=",".join(VIEWS), help="comma-separated views (url?query)")
    args = ap.parse_args()
    with server("benchmarks/reference_app.py") as (_, base, _):
        ref_ms, ref_bytes, _ = asyncio.run(measure(base, "", args.repeats))
    print(
        f"reference app (one input, one chart): warm run {ref_ms:.1f} ms, payload {ref_bytes / 1000:.0f} kB"
    )
    with server("app/main.py") as (_, base, _):
        for view in args.pages.split(","):
            ms, size, exception = asyncio.run(measure(base, view, args.repeats))
            target = WARM_TARGET_MS.get(view.partition("?")[0], 30.0)
            print(
                f"/{view:<18} warm run {ms:6.1f} ms ({ms / ref_ms:4.1f}x reference; target <= {target:.0f} ms: "
                f"{verdict(ms <= target)}), payload {size / 1000:5.0f} kB (target <= {PAYLOAD_TARGET_KB:.0f} kB: "
                f"{verdict(size / 1000 <= PAYLOAD_TARGET_KB)})"
                + (f"  EXCEPTION: {exception}" if exception else "")
            )


if __name__ == "__main__":
    main()
