"""The server alone under many simultaneous sessions: Streamlit's own websocket protocol, no browser.

bench_load.py drives real Chromium, which on this 2-core machine costs 6-17 CPU-seconds per session (one
open, one change) and so measures the load generator as much as the server. Here each session is what a
browser sends and receives, nothing else: it connects to /_stcore/stream, asks for a page (BackMsg rerun_script), waits
for the server's script_finished, then sets "Step size h" by its widget id, exactly as the frontend
would, and waits again. Sessions stay connected until all are done. Run against the explorer and against
benchmarks/reference_app.py in the same run.

Prints P50/P95 from request to script_finished (server time only: no rendering), errors (exception
elements or failed runs), server memory growth and CPU.

Run from the repository root:
    python -m benchmarks.bench_sessions [--sessions 50] [--arrival 0] [--same-view]
    python -m benchmarks.bench_sessions --distinct 500    # server memory over many distinct views
    python -m benchmarks.bench_sessions --herd 50 --replicas 1,2 --rounds 3   # one link at one instant, then via nginx
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

from benchmarks.common import (
    APPS,
    percentile,
    print_latencies,
    process_cpu_s,
    rss_mb,
    server,
    verdict,
    wait_until_idle,
)

QUERY = ""
#: The herd's link: the tour's first step, as a lecture hall told "open this now" asks for it.
HERD_PAGE, HERD_QUERY = "solver_lab", "tour=1"
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


@dataclass
class Result:
    opened: list[float] = field(default_factory=list)
    changed: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _rerun(page: str, widget: WidgetState | None = None, query: str = QUERY) -> bytes:
    state = ClientState(page_name=page, query_string=query)
    if widget is not None:
        state.widget_states.CopyFrom(WidgetStates(widgets=[widget]))
    return BackMsg(rerun_script=state).SerializeToString()


async def _until_finished(ws, seen: dict) -> None:
    """Read ForwardMsgs until the script run ends; note the step-size widget's id, any exception and any
    failure line."""
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await ws.recv())
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            which = element.WhichOneof("type")
            if which == "number_input" and element.number_input.label == "Step size h":
                seen["h"] = element.number_input.id
            elif which == "exception":
                seen["exception"] = element.exception.message[:120]
            elif which == "alert" and element.alert.format == Alert.Format.ERROR:
                # A failure line (kit.failure): a view cut short, by a budget or a deadline, is no answer.
                seen["failure"] = element.alert.body[:120]
        elif kind == "script_finished" and msg.script_finished in FINISHED:
            return


async def one_session(url: str, page: str, k: int, h: float, out: Result, all_done: asyncio.Event) -> None:
    import websockets

    try:
        async with websockets.connect(url, subprotocols=["streamlit"], max_size=None) as ws:
            try:
                seen: dict = {}
                t0 = time.perf_counter()
                await ws.send(_rerun(page))
                await _until_finished(ws, seen)
                out.opened.append(time.perf_counter() - t0)
                if "h" not in seen:
                    raise RuntimeError("no 'Step size h' input on the page")
                t0 = time.perf_counter()
                await ws.send(_rerun(page, WidgetState(id=seen["h"], double_value=h)))
                await _until_finished(ws, seen)
                out.changed.append(time.perf_counter() - t0)
                if "exception" in seen:
                    out.errors.append(f"session {k}: exception shown: {seen['exception']}")
                elif "failure" in seen:
                    out.errors.append(f"session {k}: failure shown: {seen['failure']}")
            finally:
                await all_done.wait()  # stay connected until every session is done
    except Exception as exc:  # noqa: BLE001 - a benchmark counts failures instead of stopping
        out.errors.append(f"session {k}: {type(exc).__name__}: {str(exc)[:120]}")


async def _run(app: str, base: str, pages: tuple[str, ...], pid: int, args) -> None:
    url = base.replace("http://", "ws://") + "/_stcore/stream"
    done = asyncio.Event()
    done.set()
    for k, page in enumerate(pages):  # warm-up: imports, caches, first-run costs
        await one_session(url, page, k, 0.1, Result(), done)
    await asyncio.to_thread(wait_until_idle, pid)
    rss_before, cpu_before = rss_mb(pid), process_cpu_s(pid)
    out, all_done = Result(), asyncio.Event()
    t0 = time.perf_counter()
    tasks = []
    for k in range(args.sessions):
        h = 0.2 if args.same_view else 0.05 + 0.001 * k  # one shared view, or a new solve per session
        tasks.append(asyncio.create_task(one_session(url, pages[k % len(pages)], k, h, out, all_done)))
        if args.arrival:
            await asyncio.sleep(args.arrival)
    while len(out.changed) + len(out.errors) < args.sessions and not all(t.done() for t in tasks):
        await asyncio.sleep(0.05)
    wall = time.perf_counter() - t0
    rss_live, cpu = rss_mb(pid), process_cpu_s(pid) - cpu_before
    all_done.set()
    await asyncio.gather(*tasks)
    print(
        f"{app}: {args.sessions} websocket sessions, arriving every {args.arrival:g} s, "
        f"{'one shared view' if args.same_view else 'a different h each'}; {wall:.1f} s in all:"
    )
    p95 = print_latencies(out.opened, out.changed)
    print(f"  P95 {p95:.2f} s (target <= 5 s: {verdict(p95 <= 5)}); errors {len(out.errors)}")
    for e in out.errors[:3]:
        print("   ", e)
    print(
        f"  server CPU {cpu:.1f} s ({cpu / max(1, args.sessions):.2f} s per session), RSS {rss_before:.0f} -> "
        f"{rss_live:.0f} MB (growth {rss_live - rss_before:.0f} MB, target <= 100 MB: "
        f"{verdict(rss_live - rss_before <= 100)})"
    )


async def _distinct(base: str, pages: tuple[str, ...], pid: int, n: int) -> None:
    """One session per page asks for n / len(pages) different step sizes, each a new solve and cache entry."""
    import websockets

    url = base.replace("http://", "ws://") + "/_stcore/stream"
    done = asyncio.Event()
    done.set()
    for k, page in enumerate(pages):  # warm-up
        await one_session(url, page, k, 0.1, Result(), done)
    await asyncio.to_thread(wait_until_idle, pid)
    before, t0, asked = rss_mb(pid), time.perf_counter(), 0
    for half, page in enumerate(pages):
        async with websockets.connect(url, subprotocols=["streamlit"], max_size=None) as ws:
            seen: dict = {}
            await ws.send(_rerun(page))
            await _until_finished(ws, seen)
            for k in range(half, n, len(pages)):
                await ws.send(_rerun(page, WidgetState(id=seen["h"], double_value=0.02 + 0.001 * k)))
                await _until_finished(ws, seen)
                asked += 1
    after = rss_mb(pid)
    print(
        f"{asked} distinct step sizes over {len(pages)} pages in {time.perf_counter() - t0:.0f} s: server RSS "
        f"{before:.0f} -> {after:.0f} MB, growth {after - before:.0f} MB (target <= 150 MB: "
        f"{verdict(after - before <= 150)}); exception shown: {seen.get('exception', 'none')}"
    )


async def herd_session(url: str, k: int, out: Result, connected: list[int], go: asyncio.Event) -> None:
    """Connect, wait for the others, then ask for the tour link at the same instant as all of them."""
    import websockets

    try:
        async with websockets.connect(url, subprotocols=["streamlit"], max_size=None) as ws:
            connected.append(k)
            await go.wait()
            seen: dict = {}
            t0 = time.perf_counter()
            await ws.send(_rerun(HERD_PAGE, query=HERD_QUERY))
            await _until_finished(ws, seen)
            out.opened.append(time.perf_counter() - t0)
            if "exception" in seen:
                out.errors.append(f"session {k}: exception shown: {seen['exception']}")
    except Exception as exc:  # noqa: BLE001 - a benchmark counts failures instead of stopping
        out.errors.append(f"session {k}: {type(exc).__name__}: {str(exc)[:120]}")


@dataclass
class Herd:
    p95: float
    p50: float
    wall: float
    client_cpu: float  # this process's CPU seconds during the herd: the load generator's own share
    errors: list[str]


async def _herd(base: str, n: int, warm: int, pids: tuple[int, ...]) -> Herd:
    """n sessions connect; once all are connected they ask for one tour link at once."""
    url = base.replace("http://", "ws://") + "/_stcore/stream"
    go = asyncio.Event()
    go.set()
    for k in range(warm):  # warm every replica's caches (routes are random behind the load balancer)
        await herd_session(url, k, Result(), [], go)
    # Each server starts its background warm-up (kit.warmup) seconds after its first page: a herd that
    # overlapped it measured the warm-up too, and did so on some runs and not others.
    await asyncio.gather(*(asyncio.to_thread(wait_until_idle, pid) for pid in pids))
    go.clear()
    out, connected = Result(), []
    tasks = [asyncio.create_task(herd_session(url, k, out, connected, go)) for k in range(n)]
    while len(connected) + len(out.errors) < n:
        await asyncio.sleep(0.02)
    t0, cpu0 = time.perf_counter(), time.process_time()
    go.set()
    await asyncio.gather(*tasks)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    inf = float("inf")
    p95 = percentile(out.opened, 95) if out.opened else inf
    p50 = percentile(out.opened, 50) if out.opened else inf
    return Herd(p95, p50, wall, cpu, out.errors)


def _sessions_per_replica(c) -> Counter:
    """How many websocket sessions each replica has served, from nginx's access log."""
    return Counter(e["upstream"] for e in c.access_log() if "/_stcore/stream" in e["request"])


def _report(label: str, n: int, h: Herd, extra: str = "") -> None:
    print(
        f"    {label}: herd of {n}: P50 {h.p50:.2f} s, P95 {h.p95:.2f} s, all done in {h.wall:.2f} s, "
        f"load generator CPU {h.client_cpu:.2f} s, errors {len(h.errors)}{extra}"
    )
    for e in h.errors[:3]:
        print("     ", e)


def _herds(n: int, replicas: tuple[int, ...], rounds: int) -> None:
    """The reference app and the explorer on one replica, then the explorer through nginx, in interleaved
    rounds with every server kept up: on a shared 2-core machine one herd is one noisy sample, so each
    verdict is on the median over the rounds."""
    from scripts.serve_replicas import cluster

    print(f"Herds: N sessions connect, then all ask for one tour link at the same instant ({HERD_QUERY}).")
    with ExitStack() as stack:
        ref_proc, ref_base, _ = stack.enter_context(server(APPS["reference"][0]))
        one_proc, one_base, _ = stack.enter_context(server(APPS["explorer"][0]))
        clusters = {r: stack.enter_context(cluster(replicas=r)) for r in replicas}
        ref, one, lb = [], [], {r: [] for r in replicas}
        for k in range(1, rounds + 1):
            print(f"  round {k} of {rounds}:")
            ref.append(asyncio.run(_herd(ref_base, n, 1, (ref_proc.pid,))))
            _report("reference app, one replica", n, ref[-1])
            one.append(asyncio.run(_herd(one_base, n, 1, (one_proc.pid,))))
            _report("explorer, one replica", n, one[-1])
            for r, c in clusters.items():
                before = _sessions_per_replica(c)
                lb[r].append(asyncio.run(_herd(c.url, n * r, 4 * r, c.pids)))
                herd = _sessions_per_replica(c) - before  # the herd and this round's warm-up sessions
                split = "/".join(str(herd.get(a, 0)) for a in c.replicas)
                _report(
                    f"explorer, nginx + {r} replica(s)",
                    n * r,
                    lb[r][-1],
                    f", sessions per replica (warm-up included) {split}",
                )
    median = statistics.median
    one_p95 = median(h.p95 for h in one)
    ref_p95 = median(h.p95 for h in ref)
    print(
        f"  medians over {rounds} rounds: reference P95 {ref_p95:.2f} s; explorer, one replica, P95 {one_p95:.2f} s"
    )
    print(f"  target for one replica: median P95 <= 1.5 s: {verdict(one_p95 <= 1.5)}")
    for r in replicas:
        ratios = [h.p95 / o.p95 for h, o in zip(lb[r], one, strict=True)]
        lb_p95 = median(h.p95 for h in lb[r])
        print(
            f"  herd of {n * r} on {r} replica(s): median P95 {lb_p95:.2f} s, {lb_p95 / one_p95:.2f}x the one-replica "
            f"herd of {n} (per round: {', '.join(f'{x:.2f}x' for x in ratios)}; target <= 1.5x: "
            f"{verdict(lb_p95 <= 1.5 * one_p95)})"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--arrival", type=float, default=0.0, help="seconds between arrivals (0: all at once)")
    ap.add_argument("--same-view", action="store_true", help="every session asks for the same h")
    ap.add_argument("--apps", default="reference,explorer")
    ap.add_argument(
        "--distinct", type=int, default=0, help="instead: this many distinct views, explorer only"
    )
    ap.add_argument("--herd", type=int, default=0, help="instead: a herd of this many sessions per replica")
    ap.add_argument("--replicas", default="1,2", help="with --herd: replica counts behind nginx")
    ap.add_argument(
        "--rounds", type=int, default=3, help="with --herd: interleaved rounds, verdicts on medians"
    )
    args = ap.parse_args()
    if args.herd:
        _herds(args.herd, tuple(int(r) for r in args.replicas.split(",") if r), args.rounds)
        return
    if args.distinct:
        script, pages = APPS["explorer"]
        with server(script) as (proc, base, _):
            asyncio.run(_distinct(base, pages, proc.pid, args.distinct))
        return
    for app in args.apps.split(","):
        script, pages = APPS[app]
        with server(script) as (proc, base, _):
            asyncio.run(_run(app, base, pages, proc.pid, args))


if __name__ == "__main__":
    main()
