"""What the benchmarks share: set-up as the app runs (one torch thread, Streamlit's out-of-server warnings
silenced), timing and verdict helpers, a page opened through AppTest, and a real server to measure."""

from __future__ import annotations

import logging
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
#: The logger of Streamlit's "Thread 'MainThread': missing ScriptRunContext!" warning, printed for every
#: st.* call and cached function run outside a server (AppTest runs, builders called from a script).
SCRIPT_RUN_CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"
#: The pages whose "Step size h" the server benchmarks change, and what each server benchmark serves: the
#: explorer, and the reference page (benchmarks/reference_app.py) that shows what a session costs with
#: Streamlit and plotly alone on this machine.
PAGES = ("solver_lab", "phase_portraits")
APPS = {"explorer": ("app/main.py", PAGES), "reference": ("benchmarks/reference_app.py", ("",))}
TICKS = os.sysconf("SC_CLK_TCK")
T = TypeVar("T")


# --- set-up --------------------------------------------------------------------------------------------


class _NoMissingContext(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "missing ScriptRunContext" not in record.getMessage()


def setup() -> None:
    """One torch thread, as the app sets at start-up, and no missing-ScriptRunContext warnings.

    A filter, not a level: Streamlit resets the level of each of its loggers when it reads its config,
    but leaves their filters alone."""
    import torch

    torch.set_num_threads(1)
    logger = logging.getLogger(SCRIPT_RUN_CONTEXT_LOGGER)
    if not any(isinstance(f, _NoMissingContext) for f in logger.filters):
        logger.addFilter(_NoMissingContext())


# --- timing and verdicts -------------------------------------------------------------------------------


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """(wall seconds, result) of one call."""
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def _runs(fn: Callable[[], T], repeats: int) -> tuple[list[float], T]:
    runs = [timed(fn) for _ in range(repeats)]
    return [s for s, _ in runs], runs[-1][1]


def best_of(fn: Callable[[], T], repeats: int = 5) -> tuple[float, T]:
    """(fastest wall seconds over `repeats` calls, the last call's result)."""
    times, out = _runs(fn, repeats)
    return min(times), out


def median_of(fn: Callable[[], T], repeats: int = 5) -> tuple[float, T]:
    """(median wall seconds over `repeats` calls, the last call's result)."""
    times, out = _runs(fn, repeats)
    return statistics.median(times), out


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def print_latencies(opened: list[float], changed: list[float]) -> float:
    """Print P50 / P95 / max of opening a page, changing h, and both; return the P95 of both."""
    both = opened + changed
    for label, values in (("open a page", opened), ("change h", changed), ("all", both)):
        print(
            f"  {label:12s} n={len(values):3d}  P50 {statistics.median(values) if values else float('nan'):.2f} s"
            f"  P95 {percentile(values, 0.95):.2f} s  max {max(values, default=float('nan')):.2f} s"
        )
    return percentile(both, 0.95)


# --- pages through AppTest -----------------------------------------------------------------------------


def time_open(url: str, timeout: float = 120, **params: str) -> tuple[AppTest, float]:
    """Open `/<url>?<params>` through the real router (tests/app/apptest_helpers.open_page); return the
    finished AppTest and the seconds its first run took. Raises if the page shows an exception."""
    from tests.app.apptest_helpers import assert_clean, open_page

    seconds, at = timed(lambda: open_page(url, timeout=timeout, **params))
    assert_clean(at)
    return at, seconds


def time_reruns(at: AppTest, repeats: int = 5) -> list[float]:
    """Wall seconds of `repeats` plain reruns of an opened page (every cache warm after the first run)."""
    from tests.app.apptest_helpers import assert_clean

    times = []
    for _ in range(repeats):
        times.append(timed(at.run)[0])
        assert_clean(at)
    return times


# --- a real server -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def process_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


@contextmanager
def server(script: str = "app/main.py"):
    """A fresh server as the README starts it; yields (process, base url, time.perf_counter() at start)."""
    port = free_port()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("server exited during start-up") from None
                time.sleep(0.05)
        yield proc, base, start
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def wait_until_idle(pid: int, quiet_s: float = 1.0, limit_s: float = 120.0) -> None:
    """Wait until the server has used under 5% of a core for `quiet_s`: its background warm-up (kit.warmup)
    has finished, so the measurement that follows is not sharing the interpreter with it. The warm-up
    starts 8 s (kit.warmup.DELAY_S) after the first page: wait that out first."""
    time.sleep(9.0)
    end = time.perf_counter() + limit_s
    while time.perf_counter() < end:
        before = process_cpu_s(pid)
        time.sleep(quiet_s)
        if process_cpu_s(pid) - before < 0.05 * quiet_s:
            return
