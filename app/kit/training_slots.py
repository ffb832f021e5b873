"""A server-wide limit on simultaneous trainings, so N visitors pressing Train cannot starve the machine.

One `TrainingSlots` object is shared by every session through `st.cache_resource`; a visitor who has to
wait sees that they are queued.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

#: On a 2-core host two trainings at once keep the pages responsive; raise it on a bigger machine.
DEFAULT_SLOTS = int(os.environ.get("EXPLORER_TRAINING_SLOTS", "2"))


class TrainingSlots:
    """A counting semaphore that also knows how many are running and waiting (for the queue notice)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._sem = threading.BoundedSemaphore(capacity)
        self._lock = threading.Lock()
        self.running = 0
        self.waiting = 0

    def acquire(self, timeout: float) -> bool:
        with self._lock:
            self.waiting += 1
        got = self._sem.acquire(timeout=timeout)
        with self._lock:
            self.waiting -= 1
            if got:
                self.running += 1
        return got

    def release(self) -> None:
        with self._lock:
            self.running -= 1
        self._sem.release()


@st.cache_resource
def training_slots() -> TrainingSlots:
    return TrainingSlots(DEFAULT_SLOTS)


@contextmanager
def training_slot(notice: Any, max_wait_s: float = 120.0, poll_s: float = 0.5) -> Iterator[bool]:
    """Hold one slot for the duration of the block; yields False if none came free in `max_wait_s`.

    `notice` is a Streamlit container (e.g. `st.empty()`) where the queue position is shown while waiting.
    """
    slots = training_slots()
    start = time.monotonic()
    while not slots.acquire(timeout=poll_s):
        waited = time.monotonic() - start
        if waited > max_wait_s:
            notice.warning("The server is busy training for other visitors; please try again in a minute.")
            yield False
            return
        notice.info(
            f"All {slots.capacity} training slots are in use by other visitors; you are queued "
            f"({waited:.0f} s so far). Training starts as soon as one frees up.",
            icon=":material/hourglass_top:",
        )
    notice.empty()
    try:
        yield True
    finally:
        slots.release()
