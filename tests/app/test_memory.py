"""The malloc arena cap that keeps memory flat as sessions multiply (kit/memory.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"


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
    # Run in app/, which `python -c` puts on sys.path as Streamlit does: kit imports as a top-level name.
    out = subprocess.run([sys.executable, "-c", code], cwd=APP, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip(), out.stderr.count("Arena ")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_capped_threads_share_two_arenas_where_uncapped_ones_take_more():
    capped_result, capped = _arenas_after_threads(cap=True)
    _, uncapped = _arenas_after_threads(cap=False)
    assert capped_result == "(True, True)"  # applied, and a second call is a no-op that still says so
    assert capped <= 2 < uncapped
