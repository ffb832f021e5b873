"""Load on the real server: N concurrent browser sessions (Playwright contexts in Chromium) each open a
page, wait for it to finish, move a control and wait again. Prints P50/P95 time to a finished page,
errors, and the server's memory growth; then the cold start (server start to first chart) and the memory
growth over many distinct parameter requests.

Run: python benchmarks/bench_load.py [--sessions 50] [--distinct 500]
Targets (issue 7): 50 sessions, P95 <= 5 s, 0 errors, memory growth <= 100 MB after warm-up;
500 distinct requests, growth <= 150 MB; cold start <= 6 s.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHART = "[data-testid='stPlotlyChart'], [data-testid='stVegaLiteChart']"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server() -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app/main.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    while True:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).read() == b"ok":
                return proc, base, start
        except OSError:
            time.sleep(0.1)


async def finished(page, timeout_ms: int = 120_000) -> None:
    await page.wait_for_selector("[data-testid='stMain'] h1", timeout=timeout_ms)
    await page.wait_for_selector(DONE, timeout=timeout_ms)
    await page.wait_for_timeout(300)
    await page.wait_for_selector(DONE, timeout=timeout_ms)


async def one_session(browser, base: str, k: int, times: list[float], errors: list[str]) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    try:
        t0 = time.perf_counter()
        await page.goto(f"{base}/solver_lab?h={0.1 + 0.01 * (k % 10):.2f}")
        await finished(page)
        await page.wait_for_selector(CHART, timeout=60_000)
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        field = page.get_by_label("Step size h")
        await field.fill(f"{0.05 + 0.01 * (k % 7):.2f}")
        await field.press("Enter")
        await page.wait_for_timeout(200)
        await finished(page)
        times.append(time.perf_counter() - t0)
        if await page.locator("[data-testid='stException']").count():
            errors.append(f"session {k}: exception shown")
    except Exception as exc:  # a benchmark reports failures instead of stopping at the first
        errors.append(f"session {k}: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
    finally:
        await context.close()


async def load(base: str, pid: int, sessions: int) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        warm: list[float] = []
        await one_session(browser, base, 0, warm, [])  # warm-up: imports and caches
        before = rss_mb(pid)
        times: list[float] = []
        errors: list[str] = []
        t0 = time.perf_counter()
        await asyncio.gather(*(one_session(browser, base, k, times, errors) for k in range(sessions)))
        wall = time.perf_counter() - t0
        after = rss_mb(pid)
        await browser.close()
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))] if times else float("nan")
    print(f"{sessions} concurrent sessions (open Solver lab, change h), {wall:.1f} s wall:")
    print(
        f"  finished pages: {len(times)}, P50 {statistics.median(times) if times else float('nan'):.2f} s, "
        f"P95 {p95:.2f} s (target <= 5 s: {'met' if p95 <= 5 else 'NOT met'})"
    )
    print(f"  errors: {len(errors)} (target 0)")
    for e in errors[:5]:
        print("   ", e)
    growth = after - before
    print(
        f"  server RSS {before:.0f} MB -> {after:.0f} MB, growth {growth:.0f} MB "
        f"(target <= 100 MB: {'met' if growth <= 100 else 'NOT met'})"
    )


def distinct_requests(base: str, pid: int, n: int) -> None:
    """Many different views through the app's own script runs (AppTest would not touch the server)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{base}/solver_lab")
        page.wait_for_selector(DONE, timeout=120_000)
        before = rss_mb(pid)
        t0 = time.perf_counter()
        for k in range(n):
            page.goto(
                f"{base}/solver_lab?system=harmonic&omega={0.5 + 4.0 * k / n:.4f}&h={0.05 + 0.2 * (k % 13) / 13:.4f}"
            )
            page.wait_for_selector("[data-testid='stMain'] h1", timeout=120_000)
            page.wait_for_selector(DONE, timeout=120_000)
        after = rss_mb(pid)
        browser.close()
    growth = after - before
    print(
        f"{n} distinct parameter requests in {time.perf_counter() - t0:.0f} s: server RSS {before:.0f} -> "
        f"{after:.0f} MB, growth {growth:.0f} MB (target <= 150 MB: {'met' if growth <= 150 else 'NOT met'})"
    )


def cold_start() -> None:
    from playwright.sync_api import sync_playwright

    proc, base, start = start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"{base}/solver_lab")
            page.wait_for_selector(CHART, timeout=120_000)
            elapsed = time.perf_counter() - start
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(
        f"cold start, server start to first chart in a browser: {elapsed:.1f} s "
        f"(target <= 6 s: {'met' if elapsed <= 6 else 'NOT met'})"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--distinct", type=int, default=500)
    args = ap.parse_args()
    cold_start()
    proc, base, _ = start_server()
    try:
        asyncio.run(load(base, proc.pid, args.sessions))
        distinct_requests(base, proc.pid, args.distinct)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
