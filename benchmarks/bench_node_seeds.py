"""The NODE vs ANODE lab's 5-seed repetition on half moons, as the Seeds tab reruns it live: wall time against
the target (<= 30 s, the lab's per-training limit), and the NODE/ANODE forward-NFE claim with its spread.

    python -m benchmarks.bench_node_seeds [--regularised]
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchmarks.common import setup
from models.node_anode.seeds import SeedsConfig, run_seeds, shipped_configs

TARGET_S = 30.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regularised", action="store_true", help="time the regularised repetition instead")
    args = parser.parse_args()
    setup()
    cfg: SeedsConfig = shipped_configs()[1 if args.regularised else 0]
    start = time.perf_counter()
    runs = run_seeds(cfg)
    wall = time.perf_counter() - start
    print(
        f"{len(cfg.seeds)} seeds x {cfg.kinds} on {cfg.data.name}, {cfg.train.steps} steps, penalties {cfg.reg}"
    )
    for r in runs:
        print(
            f"  {r.kind:5s} seed {r.seed}: {r.wall_s:5.1f} s, final forward NFE {r.nfe[-1]:.0f}, "
            f"mean {statistics.fmean(r.nfe):.1f}, test accuracy {r.test_accuracy:.3f}"
        )
    for kind in cfg.kinds:
        finals = [r.nfe[-1] for r in runs if r.kind == kind]
        accuracy = [r.test_accuracy for r in runs if r.kind == kind]
        print(
            f"{kind}: final NFE median {statistics.median(finals):.0f} (min {min(finals):.0f}, max "
            f"{max(finals):.0f}); test accuracy median {statistics.median(accuracy):.3f}"
        )
    ratios = [
        statistics.fmean(a.nfe) / statistics.fmean(b.nfe) for a, b in zip(runs[0::2], runs[1::2], strict=True)
    ]
    print(f"NODE/ANODE mean-NFE ratio per seed: {', '.join(f'{x:.2f}' for x in ratios)}")
    print(f"total {wall:.1f} s (target <= {TARGET_S:.0f} s): {'met' if wall <= TARGET_S else 'NOT met'}")


if __name__ == "__main__":
    main()
