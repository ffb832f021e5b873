"""NODE vs ANODE lab page: warm rerun time of each tab with the shipped models and with models trained in
the session, and the wall time of a default live training (AppTest, in process, one core).

Run from the repository root: `python -m benchmarks.bench_node_page [--reruns 5]`
"""

from __future__ import annotations

import argparse
import statistics

from benchmarks.common import setup, time_open, time_reruns, timed, verdict

URL = "node_anode_lab"
VIEWS = ("what-it-learned", "depth", "3-d", "animation", "vector-field", "training-replay")
#: The page promises a rerun within about two seconds.
TARGET_S = 2.0


def warm_rerun_s(at, reruns: int) -> float:
    """Median wall time of `reruns` plain reruns of an already-opened page (every cache warm)."""
    return statistics.median(time_reruns(at, reruns))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reruns", type=int, default=5)
    reruns = parser.parse_args().reruns
    setup()

    _, first = time_open(URL)
    print(f"first open in a fresh process (imports, checkpoint loads, cold caches): {first:.2f} s")

    worst = 0.0
    for data in ("moons", "circles", "flip1d"):
        print(f"\n{data}: median warm rerun of {reruns} (s)")
        print(f"  {'view':<16} {'shipped':>8} {'trained here':>13}")
        trained, _ = time_open(URL, data=data, steps="20")
        train_s, _ = timed(trained.button(key="node_anode.train").click().run)
        for view in VIEWS:
            shipped, _ = time_open(URL, data=data, view=view)
            shipped_s = warm_rerun_s(shipped, reruns)
            session, _ = time_open(URL, data=data, steps="20", view=view)
            session.session_state["node_anode.__runs"] = trained.session_state["node_anode.__runs"]
            session.run()
            session_s = warm_rerun_s(session, reruns)
            worst = max(worst, shipped_s, session_s)
            print(f"  {view:<16} {shipped_s:8.2f} {session_s:13.2f}", flush=True)
        print(f"  (a 20-step training of every model, page included: {train_s:.1f} s)")

    at, _ = time_open(URL)
    train_s, _ = timed(at.button(key="node_anode.train").click().run)
    note = next((c.value for c in at.caption if c.value.startswith("Trained on the same data")), "")
    print(f"\ndefault live training (80 steps each, moons), click to redrawn page: {train_s:.1f} s; {note}")
    print(f"worst warm rerun: {worst:.2f} s (target <= {TARGET_S:g} s): {verdict(worst <= TARGET_S)}")


if __name__ == "__main__":
    main()
