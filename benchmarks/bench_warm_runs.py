"""What one page run costs the server once its caches are warm, and what it sends: every page's default view.

One websocket session at a time speaks Streamlit's own protocol (as benchmarks/bench_sessions.py does): it
opens a view (the first visit fills the shared caches), then a fresh session opens it again and reruns it,
and the time from request to script_finished is taken, median of `--repeats`, with the server process's CPU
time per run beside it (what a run costs the server whatever else the machine is doing). Payload: the bytes
of every ForwardMsg of a fresh session's first run of the view. benchmarks/reference_app.py (one input, one
plotly chart) is measured in the same run as the floor. After every view (and with `--tabs` every other
tab of each, opened by its link), the server's RSS.

`--cold`: a fresh server per link, from starting the process to the link's first chart arriving over the
websocket (server side: no browser renders it), for the landing page and a deep link.

Run from the repository root:
    python -m benchmarks.bench_warm_runs [--repeats 15] [--pages solver_lab,tour?tour=1]
    python -m benchmarks.bench_warm_runs --tabs     # then every tab of every page, and the memory after
    python -m benchmarks.bench_warm_runs --cold
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass, field

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from app.kit.link_values import slug  # no other import: loads without the app on sys.path
from benchmarks.bench_sessions import FINISHED, _rerun
from benchmarks.common import process_cpu_s, rss_mb, server, verdict, wait_until_idle

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


@dataclass
class Run:
    """One script run as a session saw it."""

    seconds: float = 0.0
    size: int = 0  # bytes of every ForwardMsg
    exception: str | None = None
    tabs: list[str] = field(default_factory=list)  # labels of the page's first set of tabs


async def _run_once(ws, page: str, query: str) -> Run:
    run, t0, tab_parent = Run(), time.perf_counter(), None
    await ws.send(_rerun(page, query=query))
    while True:
        raw = await ws.recv()
        run.size += len(raw)
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        delta = msg.delta.WhichOneof("type") if kind == "delta" else None
        if delta == "new_element" and msg.delta.new_element.WhichOneof("type") == "exception":
            run.exception = msg.delta.new_element.exception.message[:120]
        elif delta == "add_block" and msg.delta.add_block.WhichOneof("type") == "tab":
            parent = tuple(msg.metadata.delta_path[:-1])
            tab_parent = tab_parent or parent
            if parent == tab_parent:
                run.tabs.append(msg.delta.add_block.tab.label)
        elif kind == "script_finished" and msg.script_finished in FINISHED:
            run.seconds = time.perf_counter() - t0
            return run


async def measure(base: str, view: str, repeats: int, pid: int) -> tuple[float, float, Run]:
    """(median warm run in ms, server CPU ms per warm run, a fresh session's first run) of `view`."""
    page, _, query = view.partition("?")
    async with _connect(base) as ws:  # the first visitor fills the shared caches
        await _run_once(ws, page, query)
    async with _connect(base) as ws:  # a later visitor: the cost every other session pays
        first = await _run_once(ws, page, query)
        cpu = process_cpu_s(pid)
        runs = [(await _run_once(ws, page, query)).seconds for _ in range(repeats)]
        cpu = process_cpu_s(pid) - cpu
    return 1000 * statistics.median(runs), 1000 * cpu / repeats, first


def _connect(base: str):
    import websockets

    url = base.replace("http://", "ws://") + "/_stcore/stream"
    return websockets.connect(url, subprotocols=["streamlit"], max_size=None)


async def every_tab(base: str, view: str, tabs: list[str]) -> tuple[list[str], dict[str, int]]:
    """Open each of `view`'s tabs but the first (shown by default) in a fresh session; the exceptions, and
    each tab's payload (bytes of a fresh session's first run) by its link."""
    page, _, query = view.partition("?")
    shown, sizes = [], {}
    for label in tabs[1:]:
        link = f"/{page}?" + "&".join(q for q in (query, f"view={slug(label)}") if q)
        async with _connect(base) as ws:
            run = await _run_once(ws, page, link.partition("?")[2])
        sizes[link] = run.size
        if run.exception:
            shown.append(f"{link}: {run.exception}")
    return shown, sizes


async def first_chart(base: str, link: str) -> None:
    """Ask for `link` and read until its first chart (a plotly or vega-lite element) arrives."""
    page, _, query = link.partition("?")
    async with _connect(base) as ws:
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
    ap.add_argument("--tabs", action="store_true", help="then open every tab of every view, and the memory")
    args = ap.parse_args()
    if args.cold:
        cold_starts()
        return
    with server("benchmarks/reference_app.py") as (proc, base, _):
        ref_ms, ref_cpu, ref = asyncio.run(measure(base, "", args.repeats, proc.pid))
    print(
        f"reference app (one input, one chart): warm run {ref_ms:.1f} ms (server CPU {ref_cpu:.1f} ms), "
        f"payload {ref.size / 1000:.0f} kB"
    )
    with server("app/main.py") as (proc, base, _):
        tabs = {}
        for view in args.pages.split(","):
            ms, cpu, first = asyncio.run(measure(base, view, args.repeats, proc.pid))
            tabs[view] = first.tabs
            target = WARM_TARGET_MS.get(view.partition("?")[0], 30.0)
            print(
                f"/{view:<16} warm run {ms:6.1f} ms ({ms / ref_ms:4.1f}x reference), server CPU {cpu:5.1f} ms "
                f"(target <= {target:.0f} ms: {verdict(max(ms, cpu) <= target)}), payload {first.size / 1000:4.0f} "
                f"kB (target <= {PAYLOAD_TARGET_KB:.0f} kB: {verdict(first.size / 1000 <= PAYLOAD_TARGET_KB)})"
                + (f"  EXCEPTION: {first.exception}" if first.exception else "")
            )
        _memory("every view above", proc.pid)
        if args.tabs:
            t0, shown, sizes = time.perf_counter(), [], {}
            for view, labels in tabs.items():
                errors, tab_sizes = asyncio.run(every_tab(base, view, labels))
                shown, sizes = shown + errors, {**sizes, **tab_sizes}
            _memory(f"{len(sizes)} more tabs ({time.perf_counter() - t0:.0f} s)", proc.pid)
            _tab_payloads(sizes)
            for line in shown:
                print("  EXCEPTION", line)


def _tab_payloads(sizes: dict[str, int]) -> None:
    """The largest tab's payload, and every tab over the target."""
    if not sizes:
        return
    link = max(sizes, key=sizes.__getitem__)
    over = {k: v for k, v in sizes.items() if v / 1000 > PAYLOAD_TARGET_KB}
    print(
        f"largest tab payload: {link} {sizes[link] / 1000:.0f} kB (target <= {PAYLOAD_TARGET_KB:.0f} kB: "
        f"{verdict(not over)})"
    )
    for k, v in over.items():
        print(f"  over the target: {k} {v / 1000:.0f} kB")


def _memory(after: str, pid: int) -> None:
    """The server's RSS once it is idle (its background warm-up, kit.warmup, done)."""
    wait_until_idle(pid)
    rss = rss_mb(pid)
    print(
        f"server RSS after {after}: {rss:.0f} MB (target <= {MEMORY_TARGET_MB:.0f} MB: {verdict(rss <= MEMORY_TARGET_MB)})"
    )


if __name__ == "__main__":
    main()
