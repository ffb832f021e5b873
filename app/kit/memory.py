"""Keep the server's memory from growing with the number of simultaneous sessions.

Streamlit runs each session's script in its own thread, and glibc's malloc gives busy threads their own
arenas (up to 8 per core) that keep freed memory. With 50 sessions at once that alone was ~55 MB of the
server's growth (benchmarks/bench_sessions.py: 130 MB with the default, 76 MB with two arenas, same run
otherwise). MALLOC_ARENA_MAX=2 in the environment does the same before start-up (the Dockerfile sets it);
this covers `streamlit run` started any other way.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

M_ARENA_MAX = -8  # from glibc's malloc.h
ARENAS = 2


@functools.cache
def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas for threads created from now on; False where there is no glibc.

    Tried once per process and remembered (the router calls this on every run, and find_library may
    spawn a subprocess where there is no glibc).
    """
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        return bool(ctypes.CDLL(name).mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # not glibc (macOS, musl without mallopt): nothing to do
        return False
