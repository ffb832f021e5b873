"""What one page run costs the server once its caches are warm, and what it sends: every page's default view.

One websocket session at a time speaks Streamlit's own protocol (as benchmarks/bench_sessions.py does): it
opens a view (the first visit fills the shared caches), then a fresh session opens it again and reruns it,
and the time from request to script_finished is taken, median of `--repeats`, with the server process's CPU
time per run beside it (what a run costs the server whatever else the machine is doing). Payload: the bytes
of every ForwardMsg of a fresh session's first run of the view. benchmarks/reference_app.py (one input, one
plotly chart) is measured in the same run as the floor. After every view, the server's RSS.

`--cold`: a fresh server per link, from starting the process to the link's first chart arriving over the
websocket (server side: no browser renders it), for the landing page and a deep link.

Run from the repository root:
    python -m benchmarks.bench_warm_runs [--repeats 15] [--pages solver_lab,tour?tour=1]
    python -m benchmarks.bench_warm_runs --cold
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.bench_sessions import FINISHED, _rerun
from benchmarks.common import process_cpu_s, rss_mb, server, verdict

#: Each page's default view (registry urls), the tour page on a step, and the landing page.
VIEWS = (
    "",
    "solver_lab",
    "phase_portraits",
    "node_anode_lab",
    "how_they_learn",
    "latent_spirals",
    "ode_nets",
    "flows",
    "tour",
    "tour?tour=1",
)
WARM_TARGET_MS = {"tour": 15.0}  # the targets: the tour page 15 ms, every other default view 30 ms
PAYLOAD_TARGET_KB = 300.0
MEMORY_TARGET_MB = 600.0
#: Cold start: (link, target seconds to its first chart).
COLD_LINKS = (("", 4.0), ("phase_portraits?system=lotka_volterra", 5.0))


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


async def measure(base: str, view: str, repeats: int, pid: int) -> tuple[float, float, int, str | None]:
    """(median warm run in ms, server CPU ms per warm run, payload bytes of a fresh session's first run,
    exception) of `view`."""
    import websockets

    page, _, query = view.partition("?")
    url = base.replace("http://", "ws://") + "/_stcore/stream"
    connect = lambda: websockets.connect(url, subprotocols=["streamlit"], max_size=None)  # noqa: E731
    async with connect() as ws:  # the first visitor fills the shared caches
        await _run_once(ws, page, query)
    async with connect() as ws:  # a later visitor: the cost every other session pays
        _, payload, exception = await _run_once(ws, page, query)
        cpu = process_cpu_s(pid)
        runs = [(await _run_once(ws, page, query))[0] for _ in range(repeats)]
        cpu = process_cpu_s(pid) - cpu
    return 1000 * statistics.median(runs), 1000 * cpu / repeats, payload, exception


async def first_chart(base: str, link: str) -> None:
    """Ask for `link` and read until its first chart (a plotly or vega-lite element) arrives."""
    import websockets

    page, _, query = link.partition("?")
    url = base.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(url, subprotocols=["streamlit"], max_size=None) as ws:
        await ws.send(_rerun(page, query=query))
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await ws.recv())
            element = msg.delta.new_element if msg.WhichOneof("type") == "delta" else None
            if element is not None and element.WhichOneof("type") in ("plotly_chart", "vega_lite_chart"):
                return


def cold_starts() -> None:
    for link, target in COLD_LINKS:
        with server("app/main.py") as (_, base, start):
            asyncio.run(first_chart(base, link))
            cold = time.perf_counter() - start
        print(
            f"cold start to the first chart of /{link}: {cold:.2f} s (target <= {target:.0f} s: "
            f"{verdict(cold <= target)})"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--pages", default=",".join(VIEWS), help="comma-separated views (url?query)")
    ap.add_argument("--cold", action="store_true", help="instead: cold start to the first chart")
    args = ap.parse_args()
    if args.cold:
        cold_starts()
        return
    with server("benchmarks/reference_app.py") as (proc, base, _):
        ref_ms, ref_cpu, ref_bytes, _ = asyncio.run(measure(base, "", args.repeats, proc.pid))
    print(
        f"reference app (one input, one chart): warm run {ref_ms:.1f} ms (server CPU {ref_cpu:.1f} ms), "
        f"payload {ref_bytes / 1000:.0f} kB"
    )
    with server("app/main.py") as (proc, base, _):
        for view in args.pages.split(","):
            ms, cpu, size, exception = asyncio.run(measure(base, view, args.repeats, proc.pid))
            target = WARM_TARGET_MS.get(view.partition("?")[0], 30.0)
            print(
                f"/{view:<16} warm run {ms:6.1f} ms ({ms / ref_ms:4.1f}x reference), server CPU {cpu:5.1f} ms "
                f"(target <= {target:.0f} ms: {verdict(max(ms, cpu) <= target)}), payload {size / 1000:4.0f} kB "
                f"(target <= {PAYLOAD_TARGET_KB:.0f} kB: {verdict(size / 1000 <= PAYLOAD_TARGET_KB)})"
                + (f"  EXCEPTION: {exception}" if exception else "")
            )
        rss = rss_mb(proc.pid)
        print(
            f"server RSS after every view above: {rss:.0f} MB (target <= {MEMORY_TARGET_MB:.0f} MB: "
            f"{verdict(rss <= MEMORY_TARGET_MB)})"
        )


if __name__ == "__main__":
    main()
