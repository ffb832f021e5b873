"""The process-level runtime settings of kit/memory.py: malloc arenas, large blocks, the cyclic collector."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"


def _in_a_fresh_process(code: str) -> subprocess.CompletedProcess:
    """Run `code` in a new interpreter, in app/, which `python -c` puts on sys.path as Streamlit does (kit
    imports as a top-level name): a process-wide setting is tested where nothing has set it yet."""
    out = subprocess.run([sys.executable, "-c", code], cwd=APP, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out


def _arenas_after_threads(cap: bool) -> tuple[str, int]:
    """Run 8 allocating threads at once in a fresh process; return (cap result, arenas glibc reports)."""
    code = textwrap.dedent(
        f"""
        import ctypes, ctypes.util, sys, threading
        from kit.memory import limit_malloc_arenas
        result = (limit_malloc_arenas(), limit_malloc_arenas()) if {cap} else None
        start = threading.Barrier(8)
        def churn():
            start.wait()
            for _ in range(50):
                blocks = [bytearray(1000) for _ in range(2000)]
                del blocks
        threads = [threading.Thread(target=churn) for _ in range(8)]
        for t in threads: t.start()
        for t in threads: t.join()
        print(result, flush=True)
        ctypes.CDLL(ctypes.util.find_library("c")).malloc_stats()  # one "Arena k:" block per arena, to stderr
        """
    )
    out = _in_a_fresh_process(code)
    return out.stdout.strip(), out.stderr.count("Arena ")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_capped_threads_share_two_arenas_where_uncapped_ones_take_more():
    capped_result, capped = _arenas_after_threads(cap=True)
    _, uncapped = _arenas_after_threads(cap=False)
    assert capped_result == "(True, True)"  # applied, and a second call is a no-op that still says so
    assert capped <= 2 < uncapped


def _rss_kept_after_large_blocks(give_back: bool) -> tuple[str, float]:
    """In a fresh process: free one 8 MB block (which raises glibc's dynamic mmap threshold to 8 MB), then
    make 60 blocks of 2 MB and free all but the last; return (the call's result, MB of RSS still held)."""
    code = textwrap.dedent(
        f"""
        from kit.memory import give_back_large_blocks
        result = give_back_large_blocks() if {give_back} else None
        def rss():
            line = next(l for l in open("/proc/self/status") if l.startswith("VmRSS:"))
            return int(line.split()[1]) / 1024
        big = b"\\x01" * (8 << 20)
        del big
        before = rss()
        blocks = [b"\\x01" * (2 << 20) for _ in range(60)]
        last = blocks.pop()
        del blocks
        print(result, rss() - before, flush=True)
        """
    )
    result, kept = _in_a_fresh_process(code).stdout.split()
    return result, float(kept)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_freed_large_blocks_go_back_to_the_system_where_the_default_keeps_them():
    result, kept = _rss_kept_after_large_blocks(give_back=True)
    _, kept_by_default = _rss_kept_after_large_blocks(give_back=False)
    assert result == "True"
    assert kept < 20 < 100 < kept_by_default  # the last 2 MB block against all 118 MB freed


def _gen0_passes_while_allocating(raise_threshold: bool) -> tuple[str, int]:
    """In a fresh process: keep 200,000 small objects alive (as a page run's protobufs and figure dicts are
    while it runs); return (the call's result, generation-0 collections meanwhile)."""
    code = textwrap.dedent(
        f"""
        import gc
        from kit.memory import collect_less_often
        result = (collect_less_often(), collect_less_often()) if {raise_threshold} else None
        before = gc.get_stats()[0]["collections"]
        kept = [[i] for i in range(200_000)]
        print(repr(result).replace(" ", ""), gc.get_stats()[0]["collections"] - before, flush=True)
        """
    )
    result, passes = _in_a_fresh_process(code).stdout.split()
    return result, int(passes)


def test_the_collector_passes_far_less_often_with_the_raised_threshold():
    result, passes = _gen0_passes_while_allocating(raise_threshold=True)
    _, default_passes = _gen0_passes_while_allocating(raise_threshold=False)
    # Applied, the older generations' ratios kept, and a second call is a no-op returning the same.
    assert result == "((10000,10,10),(10000,10,10))"
    assert passes <= 25 and default_passes >= 200  # 200,000 / 10,000 against 200,000 / 700


def _rss_after_a_quiet_spell(trim: bool) -> tuple[str, float]:
    """In a fresh process: fill ~400 MB with blocks under the mmap threshold, free every other one (holes in
    the heap, not at its top), then sit quiet for a second; return (the call's result, MB of RSS given back)."""
    code = textwrap.dedent(
        f"""
        import time
        from kit.memory import give_back_large_blocks, trim_when_quiet
        give_back_large_blocks()
        result = trim_when_quiet(0.2) if {trim} else None
        def rss():
            line = next(l for l in open("/proc/self/status") if l.startswith("VmRSS:"))
            return int(line.split()[1]) / 1024
        blocks = [b"\x01" * (100_000 + 997 * (i % 100)) for i in range(4000)]
        del blocks[::2]
        before = rss()
        time.sleep(1.5)
        print(result, before - rss(), flush=True)
        """
    )
    result, given_back = _in_a_fresh_process(code).stdout.split()
    return result, float(given_back)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_holes_in_the_heap_go_back_once_the_process_is_quiet():
    result, given_back = _rss_after_a_quiet_spell(trim=True)
    _, given_back_untrimmed = _rss_after_a_quiet_spell(trim=False)
    assert result == "True"
    assert given_back_untrimmed < 20 < 100 < given_back  # ~200 MB of freed holes, kept without the trim


def test_the_router_applies_every_setting_on_its_first_run(monkeypatch):
    """The settings are only worth something if the server makes them: the router calls each (once per
    process, remembered), whatever page is asked for."""
    import gc

    monkeypatch.setenv("EXPLORER_WARMUP", "off")
    from kit import memory
    from tests.app.apptest_helpers import open_page

    thresholds = gc.get_threshold()
    memory.limit_malloc_arenas.cache_clear()
    memory.give_back_large_blocks.cache_clear()
    memory.collect_less_often.cache_clear()
    memory.trim_when_quiet.cache_clear()
    gc.set_threshold(700, 10, 10)
    try:
        open_page("tour")
        assert memory.limit_malloc_arenas.cache_info().currsize == 1
        assert memory.give_back_large_blocks.cache_info().currsize == 1
        assert memory.collect_less_often.cache_info().currsize == 1
        assert memory.trim_when_quiet.cache_info().currsize == 1
        assert gc.get_threshold()[0] == memory.GC_GEN0_THRESHOLD
    finally:
        gc.set_threshold(*thresholds)
