"""A server-wide limit on page solves running at once, so that a lecture hall asking for fifty new views in
the same instant is answered one or two solves at a time instead of fifty at a time.

Every session's script shares one interpreter. Fifty solves at once each ran in a fiftieth of it, and their
tensor operations handed the GIL back and forth thousands of times a second: with 50 sessions each asking
for a new view, the server spent 20 s of CPU, and 6 s with two solves at a time (benchmarks/bench_sessions.py:
P95 13 s against 3.8-4.0 s). A solve's deadline counts its own thread's CPU time (models/ode/budget.py),
so the wait for a slot never counts against it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

#: Solves at once on a 2-core host: one per core (the other sessions' script runs keep the rest busy).
DEFAULT_SOLVE_SLOTS = int(os.environ.get("EXPLORER_SOLVE_SLOTS", "2"))


@st.cache_resource
def solve_slots() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(DEFAULT_SOLVE_SLOTS)


@contextmanager
def solve_slot() -> Iterator[None]:
    """Hold one of the server's solve slots for the block, waiting for one to come free. Only leaf solves
    take one (never a block that calls another such block), so that waiting can never deadlock."""
    with solve_slots():
        yield
