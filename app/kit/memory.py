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
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

M_TRIM_THRESHOLD = -1  # from glibc's malloc.h
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
ARENAS = 2
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
