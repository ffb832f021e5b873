"""NODE vs ANODE lab page: warm rerun time of each tab with the shipped models and with models trained in
the session, and the wall time of a default live training (AppTest, in process, one core).

Run from the repository root: `python benchmarks/bench_node_page.py [--reruns 5]`
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.app.apptest_helpers import open_page  # noqa: E402

URL = "node_anode_lab"
VIEWS = ("what-it-learned", "depth", "3-d", "animation", "vector-field", "training-replay")
#: The page promises a rerun within about two seconds.
TARGET_S = 2.0


def warm_rerun_s(at, reruns: int) -> float:
    """Median wall time of `reruns` plain reruns of an already-opened page (every cache warm)."""
    times = []
    for _ in range(reruns):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        assert not at.exception, [e.value for e in at.exception]
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reruns", type=int, default=5)
    reruns = parser.parse_args().reruns
    torch.set_num_threads(1)

    start = time.perf_counter()
    open_page(URL, timeout=120)
    print(
        f"first open in a fresh process (imports, checkpoint loads, cold caches): {time.perf_counter() - start:.2f} s"
    )

    worst = 0.0
    for data in ("moons", "circles", "flip1d"):
        print(f"\n{data}: median warm rerun of {reruns} (s)")
        print(f"  {'view':<16} {'shipped':>8} {'trained here':>13}")
        trained = open_page(URL, timeout=120, data=data, steps="20")
        start = time.perf_counter()
        trained.button(key="node_anode.train").click().run()
        train_s = time.perf_counter() - start
        for view in VIEWS:
            shipped = open_page(URL, timeout=120, data=data, view=view)
            shipped_s = warm_rerun_s(shipped, reruns)
            session = open_page(URL, timeout=120, data=data, steps="20", view=view)
            session.session_state["node_anode.__runs"] = trained.session_state["node_anode.__runs"]
            session.run()
            session_s = warm_rerun_s(session, reruns)
            worst = max(worst, shipped_s, session_s)
            print(f"  {view:<16} {shipped_s:8.2f} {session_s:13.2f}", flush=True)
        print(f"  (a 20-step training of every model, page included: {train_s:.1f} s)")

    at = open_page(URL, timeout=120)
    start = time.perf_counter()
    at.button(key="node_anode.train").click().run()
    train_s = time.perf_counter() - start
    note = next((c.value for c in at.caption if c.value.startswith("Trained on the same data")), "")
    print(f"\ndefault live training (80 steps each, moons), click to redrawn page: {train_s:.1f} s; {note}")
    verdict = "MET" if worst <= TARGET_S else "NOT MET"
    print(f"worst warm rerun: {worst:.2f} s (target <= {TARGET_S:g} s): {verdict}")


if __name__ == "__main__":
    main()
