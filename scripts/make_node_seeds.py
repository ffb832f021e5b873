"""Run the NODE vs ANODE lab's shipped 5-seed repetitions on half moons (models/node_anode/seeds.py), plain and
regularised, and write their curves to checkpoints/node_anode/seeds_moons.json, so the lab's Seeds tab opens
showing the bands at once.

Run from the repository root: `python scripts/make_node_seeds.py` (about a minute and a half on one core).
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.node_anode.seeds import (  # noqa: E402
    SeedCurves,
    SeedsResult,
    describe,
    run_seeds,
    save_results,
    shipped_configs,
)

OUT = ROOT / "checkpoints" / "node_anode" / "seeds_moons.json"


def _rounded(run: SeedCurves) -> SeedCurves:
    def r(values: list[float]) -> list[float]:
        return [float(f"{v:.4g}") for v in values]

    return SeedCurves(
        run.kind,
        run.seed,
        r(run.loss),
        r(run.accuracy),
        r(run.nfe),
        run.test_accuracy,
        run.test_nfe,
        round(run.wall_s, 2),
    )


def main() -> None:
    torch.set_num_threads(1)
    results = []
    for cfg in shipped_configs():
        runs = [_rounded(r) for r in run_seeds(cfg)]
        seconds = sum(r.wall_s for r in runs)
        print(f"reg {cfg.reg.kinetic:g}/{cfg.reg.jacobian:g}: {len(runs)} runs in {seconds:.1f} s")
        results.append(SeedsResult(describe(cfg), runs))
    save_results(OUT, results)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
