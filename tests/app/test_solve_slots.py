"""The server-wide limit on simultaneous page solves (kit/solve_slots.py): fifty sessions asking for new views
at once are solved at most DEFAULT_SOLVE_SLOTS at a time, and every one of them is solved."""

from __future__ import annotations

import threading
import time

from cached.solver import trajectory
from kit import solve_slots
from models.ode.solve import FixedStep, SolverConfig
from models.systems.spec import Problem


class Watched:
    """The server's semaphore, counting the solves inside it and holding each a little (so that they overlap)."""

    def __init__(self) -> None:
        self.sem = threading.BoundedSemaphore(solve_slots.DEFAULT_SOLVE_SLOTS)
        self.lock = threading.Lock()
        self.running = self.most = 0

    def __enter__(self) -> None:
        self.sem.acquire()
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.02)

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            self.running -= 1
        self.sem.release()


def test_no_more_solves_run_at_once_than_there_are_slots(monkeypatch):
    watched = Watched()
    monkeypatch.setattr(solve_slots, "solve_slots", lambda: watched)
    trajectory.clear()
    views = [SolverConfig(method="rk4", step=FixedStep(0.05 + 0.001 * k)) for k in range(12)]
    results = []
    threads = [threading.Thread(target=lambda c=c: results.append(trajectory(Problem(), c))) for c in views]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        trajectory.clear()
    assert len(results) == 12 and all(r.nfe > 0 for r in results)  # every one solved
    assert watched.most == solve_slots.DEFAULT_SOLVE_SLOTS  # as many at once as there are slots, never more
