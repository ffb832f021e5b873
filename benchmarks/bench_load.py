"""Load on the real server (`streamlit run app/main.py`), driven by Playwright in Debian's Chromium.

Three measurements, each against a fresh server:
- cold start: server start to the first chart in an already open browser, for the landing page (the link
  an audience is given) and for a deep link to the Solver lab (which must import torch and solve first);
- load: N browser sessions (one Playwright context each) arrive every `--arrival` seconds, open a page
  (alternately the Solver lab and Phase portraits), wait for it to finish, change its step size and wait
  again; every session stays connected until the last one is done, so all N are live at once at the end.
  Prints P50/P95 time to a finished page, errors, server memory growth after a warm-up session, and the
  CPU seconds the server used against the whole machine's (the browsers share these 2 cores);
- distinct: one session asks for `--distinct` different step sizes (each a new solve and a new cache
  entry), half on each page; prints the server's memory growth.

Each load run is made twice, first against benchmarks/reference_app.py (a title, the same input, one plotly
chart: Streamlit and the browser alone) and then against the explorer, so the floor set by Chromium on this
machine is printed beside our figures.

Run from the repository root:
    python -m benchmarks.bench_load [--only cold,load,distinct] [--sessions 5,50] [--arrival 1]
Targets (issue 7): 50 sessions, P95 <= 5 s, 0 errors, memory growth <= 100 MB after warm-up;
500 distinct requests, growth <= 150 MB; cold start <= 6 s.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import (
    APPS,
    PAGES,
    TICKS,
    print_latencies,
    process_cpu_s,
    rss_mb,
    server,
    verdict,
    wait_until_idle,
)
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS

TITLE = "[data-testid='stMain'] h1"
RUNNING = "[data-testid='stApp'][data-test-script-state='running']"
DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHART = "[data-testid='stPlotlyChart'], [data-testid='stVegaLiteChart']"


def machine_busy_cpu_s() -> float:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICKS  # all but idle and iowait


# --- cold start ---------------------------------------------------------------------------------------


def cold_start() -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # The visitor's browser is already open: launching it is not the server's start-up.
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for label, path in (("landing page", ""), ("deep link /solver_lab", "solver_lab")):
            page = browser.new_context().new_page()
            with server() as (_, base, start):
                healthy = time.perf_counter() - start
                page.goto(f"{base}/{path}")
                page.wait_for_selector(TITLE, timeout=120_000)
                title = time.perf_counter() - start
                page.wait_for_selector(CHART, timeout=120_000)
                chart = time.perf_counter() - start
            page.context.close()
            print(
                f"cold start, {label}: server healthy {healthy:.1f} s, title {title:.1f} s, first chart "
                f"{chart:.1f} s (target <= 6 s: {verdict(chart <= 6)})"
            )
        browser.close()


# --- concurrent sessions ------------------------------------------------------------------------------


@dataclass
class LoadResult:
    opened: list[float] = field(default_factory=list)  # goto to a finished page with a chart
    changed: list[float] = field(default_factory=list)  # control change to a finished page
    errors: list[str] = field(default_factory=list)
    live: int = 0
    most_live: int = 0


async def _finished(page, timeout_ms: int) -> None:
    await page.wait_for_selector(TITLE, timeout=timeout_ms)
    await page.wait_for_selector(DONE, timeout=timeout_ms)


async def _change_step(page, value: float, timeout_ms: int) -> None:
    field_ = page.get_by_label("Step size h")
    await field_.fill(f"{value:.4f}")
    await field_.press("Enter")
    # A warm rerun can start and end between two polls: then there is no running state to wait for.
    with suppress(Exception):
        await page.wait_for_selector(RUNNING, timeout=1500)
    await page.wait_for_selector(DONE, timeout=timeout_ms)


async def one_session(
    browser, url: str, k: int, out: LoadResult, all_done: asyncio.Event, timeout_ms: int
) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    out.live += 1
    out.most_live = max(out.most_live, out.live)
    try:
        t0 = time.perf_counter()
        await page.goto(url, timeout=timeout_ms)
        await _finished(page, timeout_ms)
        await page.wait_for_selector(CHART, timeout=timeout_ms)
        out.opened.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        await _change_step(page, 0.05 + 0.001 * (k % 50), timeout_ms)
        out.changed.append(time.perf_counter() - t0)
        if await page.locator("[data-testid='stException']").count():
            out.errors.append(f"session {k}: exception shown")
    except Exception as exc:  # noqa: BLE001 - a benchmark counts failures instead of stopping
        out.errors.append(f"session {k}: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
    finally:
        await all_done.wait()  # stay connected: the sessions are concurrent, not one after another
        out.live -= 1
        await context.close()


async def _load(
    app: str, base: str, paths: tuple[str, ...], pid: int, sessions: int, arrival: float, timeout_ms: int
) -> None:
    from playwright.async_api import async_playwright

    urls = [f"{base}/{paths[k % len(paths)]}" for k in range(sessions)]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for k, path in enumerate(paths):  # warm-up: imports, each page's caches, first-run costs
            await one_session(browser, f"{base}/{path}", k, LoadResult(), _set(asyncio.Event()), timeout_ms)
        await asyncio.to_thread(wait_until_idle, pid)
        rss_before, cpu_server, cpu_machine = rss_mb(pid), process_cpu_s(pid), machine_busy_cpu_s()
        out, all_done = LoadResult(), asyncio.Event()
        t0 = time.perf_counter()
        tasks = []
        for k in range(sessions):
            tasks.append(asyncio.create_task(one_session(browser, urls[k], k, out, all_done, timeout_ms)))
            await asyncio.sleep(arrival)
        while len(out.opened) + len(out.errors) < sessions or len(out.changed) + len(out.errors) < sessions:
            if all(t.done() for t in tasks):
                break
            await asyncio.sleep(0.2)
        wall = time.perf_counter() - t0
        rss_live = rss_mb(pid)
        cpu_server, cpu_machine = process_cpu_s(pid) - cpu_server, machine_busy_cpu_s() - cpu_machine
        all_done.set()
        await asyncio.gather(*tasks)
        await browser.close()
    await asyncio.sleep(3)
    rss_after = rss_mb(pid)
    print(
        f"{app}: {sessions} sessions arriving every {arrival:g} s ({out.most_live} connected at once), "
        f"{wall:.1f} s from first arrival to last finished page:"
    )
    p95 = print_latencies(out.opened, out.changed)
    print(f"  P95 time to a finished page {p95:.2f} s (target <= 5 s: {verdict(p95 <= 5)})")
    print(f"  errors: {len(out.errors)} (target 0: {verdict(not out.errors)})")
    for e in out.errors[:5]:
        print("   ", e)
    growth = max(rss_live, rss_after) - rss_before
    print(
        f"  server RSS {rss_before:.0f} MB after warm-up -> {rss_live:.0f} MB with all sessions live -> "
        f"{rss_after:.0f} MB after they left; growth {growth:.0f} MB (target <= 100 MB: {verdict(growth <= 100)})"
    )
    print(
        f"  CPU over the run: server {cpu_server:.1f} s, whole machine {cpu_machine:.1f} s of "
        f"{2 * wall:.1f} s available on 2 cores (the rest is Chromium and this script)"
    )


def _set(event: asyncio.Event) -> asyncio.Event:
    event.set()
    return event


def load(sessions: int, arrival: float, timeout_s: float, apps: list[str]) -> None:
    for app in apps:
        script, paths = APPS[app]
        with server(script) as (proc, base, _):
            asyncio.run(_load(app, base, paths, proc.pid, sessions, arrival, int(timeout_s * 1000)))


# --- many distinct views ------------------------------------------------------------------------------


def distinct(n: int) -> None:
    from playwright.sync_api import sync_playwright

    with server() as (proc, base, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        for path in PAGES:  # warm-up
            page.goto(f"{base}/{path}")
            page.wait_for_selector(TITLE, timeout=120_000)
            page.wait_for_selector(DONE, timeout=120_000)
        wait_until_idle(proc.pid)
        before = rss_mb(proc.pid)
        t0 = time.perf_counter()
        for half, path in enumerate(PAGES):
            page.goto(f"{base}/{path}")
            page.wait_for_selector(TITLE, timeout=120_000)
            page.wait_for_selector(DONE, timeout=120_000)
            field_ = page.get_by_label("Step size h")
            for k in range(half, n, 2):
                field_.fill(f"{0.02 + 0.001 * k:.4f}")  # distinct for every k: a new solve each time
                field_.press("Enter")
                with suppress(Exception):  # the run may be quicker than the poll
                    page.wait_for_selector(RUNNING, timeout=1500)
                page.wait_for_selector(DONE, timeout=120_000)
        wall = time.perf_counter() - t0
        after = rss_mb(proc.pid)
        browser.close()
    growth = after - before
    print(
        f"{n} distinct step sizes ({n // 2} per page) in {wall:.0f} s: server RSS {before:.0f} -> {after:.0f} MB, "
        f"growth {growth:.0f} MB (target <= 150 MB: {verdict(growth <= 150)})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="cold,load,distinct", help="comma-separated: cold, load, distinct")
    ap.add_argument("--sessions", default="50", help="comma-separated session counts, e.g. 5,10,50")
    ap.add_argument("--apps", default="reference,explorer", help="comma-separated: reference, explorer")
    ap.add_argument(
        "--arrival", type=float, default=0.5, help="seconds between session arrivals (0: at once)"
    )
    ap.add_argument("--timeout", type=float, default=120.0, help="per-step timeout of a session, seconds")
    ap.add_argument("--distinct", type=int, default=500)
    args = ap.parse_args()
    parts = set(args.only.split(","))
    if "cold" in parts:
        cold_start()
    if "load" in parts:
        for sessions in (int(n) for n in args.sessions.split(",")):
            load(sessions, args.arrival, args.timeout, args.apps.split(","))
    if "distinct" in parts:
        distinct(args.distinct)


if __name__ == "__main__":
    main()
