"""The server-wide training limit admits at most N trainings at once and reports the queue."""

from __future__ import annotations

import threading
import time

from kit.training_slots import TrainingSlots


def test_semaphore_admits_at_most_n():
    slots = TrainingSlots(2)
    peak, lock = [0], threading.Lock()

    def work() -> None:
        assert slots.acquire(timeout=10)
        with lock:
            peak[0] = max(peak[0], slots.running)
        time.sleep(0.05)
        slots.release()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 2
    assert slots.running == 0 and slots.waiting == 0


def test_a_full_server_times_out_and_counts_the_waiting():
    slots = TrainingSlots(1)
    assert slots.acquire(timeout=0.1)
    seen = []

    def wait() -> None:
        seen.append(slots.acquire(timeout=0.3))

    t = threading.Thread(target=wait)
    t.start()
    time.sleep(0.1)
    assert slots.waiting == 1
    t.join()
    assert seen == [False]
    slots.release()
    assert slots.acquire(timeout=0.1)
