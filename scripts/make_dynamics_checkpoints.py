"""Train and write the small checkpoints the "How Neural ODEs learn" page shows at once.

    python scripts/make_dynamics_checkpoints.py            # everything (a few minutes on one core)
    python scripts/make_dynamics_checkpoints.py --only spiral_linear

Writes checkpoints/dynamics/{spiral,nonlinear}_{linear,mlp}.pt (fitted fields with training
snapshots) and checkpoints/dynamics/regression.pt (the textbook ResNets at several depths and the ODE-Net).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from models.learning.checkpoints import (
    DynamicsCheckpoint,
    RegressionCheckpoint,
    save_dynamics,
    save_regression,
)
from models.learning.dynamics_fit import (
    DynamicsDataConfig,
    FitConfig,
    build_field,
    fit_dynamics,
    observe,
    trajectory_mse,
)
from models.learning.resnet_vs_odenet import (
    RegressionConfig,
    build_odenet,
    build_resnet,
    extrapolation_error,
    train_regressor,
)
from models.nn.training import snapshot_state

OUT = Path(__file__).resolve().parents[1] / "checkpoints" / "dynamics"
#: (system, field) -> (steps, lr, snapshot every). A linear field learns the spiral in a few hundred steps;
#: the MLP needs a few thousand for the non-linear field (the blog's ~3000).
RECIPES = {
    ("spiral", "linear"): (300, 0.05, 15),
    ("spiral", "mlp"): (1000, 0.01, 50),
    ("nonlinear", "linear"): (300, 0.05, 15),
    ("nonlinear", "mlp"): (2000, 0.01, 100),
}
DEPTHS = (1, 2, 3, 5, 10, 20)
SEED = 0


def make_dynamics(system: str, kind: str) -> None:
    steps, lr, every = RECIPES[(system, kind)]
    data = DynamicsDataConfig(system=system)
    obs = observe(data)
    field = build_field(kind, SEED)
    cfg = FitConfig(steps=steps, lr=lr, snapshots_every=every)
    start = time.perf_counter()
    fit = fit_dynamics(field, obs, cfg)
    save_dynamics(
        OUT / f"{system}_{kind}.pt", DynamicsCheckpoint(data, cfg, kind, fit.snapshots, fit.losses, SEED)
    )
    print(
        f"{system}_{kind}: {len(fit.losses)} steps in {time.perf_counter() - start:.1f} s, "
        f"trajectory MSE {trajectory_mse(field, obs):.2e} ({fit.stopped})"
    )


def make_regression() -> None:
    base = RegressionConfig(seed=SEED)
    resnets, resnet_losses = {}, {}
    for depth in DEPTHS:
        cfg = RegressionConfig(depth=depth, seed=SEED)
        model = build_resnet(cfg)
        fit = train_regressor(model, cfg)
        resnets[depth] = snapshot_state(model)
        resnet_losses[depth] = list(fit.losses)
        print(
            f"resnet depth {depth}: loss {fit.losses[-1]:.4f}, RMSE on [-3, 3] {extrapolation_error(model):.3f}"
        )
    odenet = build_odenet(base)
    fit = train_regressor(odenet, base)
    print(
        f"odenet: loss {fit.losses[-1]:.4f}, RMSE on [-3, 3] {extrapolation_error(odenet):.3f}, {fit.wall_s:.1f} s"
    )
    state = snapshot_state(odenet)
    save_regression(
        OUT / "regression.pt", RegressionCheckpoint(base, resnets, resnet_losses, state, list(fit.losses))
    )


def main() -> None:
    torch.set_num_threads(1)
    names = [f"{s}_{k}" for s, k in RECIPES] + ["regression"]
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=names, action="append", help="make only these (repeatable)")
    chosen = parser.parse_args().only or names
    for system, kind in RECIPES:
        if f"{system}_{kind}" in chosen:
            make_dynamics(system, kind)
    if "regression" in chosen:
        make_regression()


if __name__ == "__main__":
    main()
