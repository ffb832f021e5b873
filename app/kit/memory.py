"""Keep the server's memory from growing with the number of simultaneous sessions and the views they open.

Streamlit runs each session's script in its own thread, and glibc's malloc gives busy threads their own
arenas (up to 8 per core) that keep freed memory. With 50 sessions at once that alone was ~55 MB of the
server's growth (benchmarks/bench_sessions.py: 130 MB with the default, 76 MB with two arenas, same run
otherwise). MALLOC_ARENA_MAX=2 in the environment does the same before start-up (the Dockerfile sets it);
this covers `streamlit run` started any other way.

Large blocks (a solve's or a training step's tensors, a figure's arrays) are a second leak in all but name:
glibc serves a block over its mmap threshold from its own mapping, returned to the system when freed, but
raises that threshold to the size of every such block freed (up to 32 MB), so that from then on large
blocks come from the heap, whose freed memory stays with the process while anything above it lives. A fixed
threshold keeps them mapped: after every page and tab, 557 MB instead of 626 MB (bench_warm_runs --tabs).
At glibc's own 128 kB it was 551 MB, but every warm run then mapped and faulted in its figure's JSON
(a few hundred kB), ~5 ms more server CPU per run on the Phase portraits and NODE vs ANODE lab pages.

Freed memory in the middle of the heap is the third: the trim threshold gives back only the heap's top, and
after every page and tab the freed holes below it held ~60 MB (612 MB RSS, 551 MB after one malloc_trim(0),
the same server). `trim_when_quiet` returns them once the server has gone quiet after work: a first trim of a
fragmented heap took ~45 ms and later ones ~5 ms, outside the GIL, never while the server is busy.

Python's cyclic garbage collector is the fourth: a generation-0 pass starts after every 700 allocations net,
and a page run (Streamlit's protobufs, a figure's dicts) makes tens of thousands, so the collector ran about
11 times per run and every few hundred runs a full pass over torch's and plotly's objects (~300 ms, holding
the GIL, so every other session waits). Measured with 4 herds of 50 sessions on `/solver_lab?tour=1`, one
replica: default thresholds, P95 1.16–1.60 s and 28–37 ms of server CPU per session (563 gen-0 passes,
1.5–1.8 s in all, and 5 full passes); a gen-0 threshold of 10,000, P95 0.95–0.96 s and 22–23 ms per session
(46 gen-0 passes, 0.3 s). 50,000 was worse again (1.15 s: each pass has more to walk), and `gc.freeze()`
after the warm-up added nothing. Reference counting still frees almost everything at once; the threshold
only lets cyclic garbage wait a little longer.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import threading
import time

M_TRIM_THRESHOLD = -1  # from glibc's malloc.h
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
ARENAS = 2
#: How often the trimming thread looks at the process's CPU time, and the share of a core under which an
#: interval counts as quiet: a trim follows within two intervals of the end of a burst of work.
TRIM_CHECK_S = 3.0
QUIET_SHARE = 0.05
#: Net allocations between generation-0 collections (Python's default is 700): see the module docstring.
GC_GEN0_THRESHOLD = 10_000
#: Blocks of 1 MB and more are mapped and given back when freed, and a heap with as much free at its top is
#: trimmed; smaller ones (a page's JSON, a figure's arrays) are reused from the heap, as before.
LARGE_BLOCK = 1024 * 1024


@functools.cache
def _libc() -> ctypes.CDLL | None:
    # Looked up once per process (the router calls in on every run, and find_library may spawn a
    # subprocess where there is no glibc).
    name = ctypes.util.find_library("c")
    return None if name is None else ctypes.CDLL(name)


def _mallopt(param: int, value: int) -> bool:
    libc = _libc()
    if libc is None:
        return False
    try:
        return bool(libc.mallopt(param, value))
    except AttributeError:  # not glibc (macOS, musl without mallopt): nothing to do
        return False


@functools.cache
def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas for threads created from now on; False where there is no glibc.
    Applied once per process and remembered."""
    return _mallopt(M_ARENA_MAX, arenas)


@functools.cache
def give_back_large_blocks(threshold: int = LARGE_BLOCK) -> bool:
    """Fix glibc's mmap and trim thresholds at `threshold` bytes, so that freed large blocks go back to the
    system; False where there is no glibc. Applied once per process and remembered."""
    return _mallopt(M_MMAP_THRESHOLD, threshold) and _mallopt(M_TRIM_THRESHOLD, threshold)


@functools.cache
def collect_less_often(gen0: int = GC_GEN0_THRESHOLD) -> tuple[int, int, int]:
    """Raise the cyclic collector's generation-0 threshold to `gen0`, keeping the older generations'
    ratios; returns the thresholds now in force. Applied once per process and remembered, so that a
    later deliberate `gc.set_threshold` elsewhere is not undone by the next page run."""
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(gen0, gen1, gen2)
    return gc.get_threshold()


@functools.cache
def trim_when_quiet(check_s: float = TRIM_CHECK_S) -> bool:
    """Start one daemon thread that calls glibc's malloc_trim(0) in the first quiet interval (under
    QUIET_SHARE of a core for `check_s` seconds) after the server has worked; False where there is no glibc.
    Started once per process and remembered."""
    libc = _libc()
    if libc is None or not hasattr(libc, "malloc_trim"):
        return False
    threading.Thread(target=_trim_loop, args=(libc, check_s), name="malloc-trim", daemon=True).start()
    return True


def _trim_loop(libc: ctypes.CDLL, check_s: float) -> None:
    worked, last = False, time.process_time()
    while True:
        time.sleep(check_s)
        now = time.process_time()
        if now - last >= QUIET_SHARE * check_s:
            worked = True  # a burst of work is under way: trimming now would only slow it down
        elif worked:
            libc.malloc_trim(0)  # ctypes releases the GIL: sessions run on meanwhile
            worked = False
        last = time.process_time()
