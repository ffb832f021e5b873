"""NODE vs ANODE lab: time to target accuracy (fast settings vs the tutorial's own, same run) and NFE ratio.

Run from the repository root: `python -m benchmarks.bench_node_anode [--seeds 3]` (a few minutes on one core).
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass

from benchmarks.common import setup, verdict
from models.nn.supervised import cross_entropy_loss, evaluate, fit_splits
from models.nn.training import TrainConfig
from models.node_anode.classifiers import (
    Architecture,
    ModelConfig,
    ModelSolver,
    build_model,
    count_parameters,
)
from models.node_anode.data import ToyDataConfig, ToySplits, make_dataset
from models.ode.solve import Tolerances

FULL_BATCH = 100_000


@dataclass(frozen=True)
class Recipe:
    """A model and how to train it, with a label for the report."""

    label: str
    model: ModelConfig
    train: TrainConfig


@dataclass(frozen=True)
class Hit:
    """Outcome of one race to a target test accuracy."""

    seconds: float | None  # training wall time until the target was first met; None if never
    steps: int
    final_accuracy: float


def time_to_accuracy(data: ToySplits, recipe: Recipe, target: float, seed: int) -> Hit:
    """Train until the test accuracy first reaches `target`; the accuracy checks are not timed."""
    model = build_model(recipe.model, data.in_dim, data.n_out, seed=seed)
    checks = {"seconds": 0.0, "hit": None, "accuracy": 0.0}

    def on_step(step: int, metrics: dict[str, float]) -> bool:
        start = time.perf_counter()
        checks["accuracy"] = evaluate(model, data.test)["accuracy"]
        if checks["accuracy"] >= target:
            checks["hit"] = metrics["wall_s"] - checks["seconds"]
        checks["seconds"] += time.perf_counter() - start
        return checks["hit"] is not None

    result = fit_splits(model, data, cross_entropy_loss, recipe.train, on_step)
    return Hit(checks["hit"], result.steps_done, checks["accuracy"])


def final_nfe(data: ToySplits, recipe: Recipe, seed: int) -> tuple[float, float]:
    """Train the full recipe; return (forward NFE on the whole test set, test accuracy)."""
    model = build_model(recipe.model, data.in_dim, data.n_out, seed=seed)
    result = fit_splits(model, data, cross_entropy_loss, recipe.train)
    return result.test["nfe_forward"], result.test["accuracy"]


def _race(title: str, data: ToySplits, fast: Recipe, tutorial: Recipe, target: float, limit_s: float, seeds):
    print(f"\n{title}: wall time until test accuracy >= {target:.2f} (target <= {limit_s:g} s)")
    hits = []
    for recipe, recipe_seeds in ((fast, seeds), (tutorial, seeds[:1])):
        params = count_parameters(build_model(recipe.model, data.in_dim, data.n_out, seed=0))
        print(f"  {recipe.label} [{params} parameters]")
        for seed in recipe_seeds:
            hit = time_to_accuracy(data, recipe, target, seed)
            hits.append((recipe, hit))
            reached = (
                f"{hit.seconds:6.2f} s after {hit.steps} steps" if hit.seconds is not None else "not reached"
            )
            print(f"    seed {seed}: {reached} (test accuracy {hit.final_accuracy:.3f})", flush=True)
    fast_times = [h.seconds for r, h in hits if r is fast]
    tutorial_time = next(h.seconds for r, h in hits if r is tutorial)
    if any(t is None for t in fast_times):
        print("  fast settings missed the target on some seed: NOT met")
        return
    worst = max(fast_times)
    speedup = (
        f", {tutorial_time / statistics.median(fast_times):.1f}x faster than the tutorial"
        if tutorial_time
        else ""
    )
    print(
        f"  fast, worst seed: {worst:.2f} s, median {statistics.median(fast_times):.2f} s{speedup}: {verdict(worst <= limit_s)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=3, help="initialisation seeds of the fast settings")
    seeds = list(range(parser.parse_args().seeds))
    setup()
    moons = make_dataset(ToyDataConfig(name="moons"))
    circles = make_dataset(ToyDataConfig(name="circles"))

    tutorial_solver = ModelSolver("dopri5", Tolerances(1e-4, 1e-4), adjoint=True)
    tutorial_label = "tutorial: dopri5 rtol=atol=1e-4, adjoint, Adam lr 5e-3, full-batch epochs"
    _race(
        "NODE on moons",
        moons,
        Recipe(
            "fast: dopri5 rtol=atol=1e-3, backprop through the solver, Adam lr 2e-2, full batch",
            ModelConfig(Architecture(kind="node")),
            TrainConfig(steps=300, lr=2e-2, batch_size=FULL_BATCH, eval_every=0),
        ),
        Recipe(
            tutorial_label + " (200 epochs at most)",
            ModelConfig(Architecture(kind="node"), tutorial_solver),
            TrainConfig(steps=200, lr=5e-3, batch_size=FULL_BATCH, eval_every=0),
        ),
        target=0.99,
        limit_s=8.0,
        seeds=seeds,
    )
    _race(
        "ANODE (p = 1) on circles",
        circles,
        Recipe(
            "fast: width 32, dopri5 rtol=atol=1e-3, backprop through the solver, Adam lr 2e-2, full batch",
            ModelConfig(Architecture(kind="anode", augment_dim=1, hidden=32)),
            TrainConfig(steps=300, lr=2e-2, batch_size=FULL_BATCH, eval_every=0),
        ),
        Recipe(
            tutorial_label + ", width 64 (300 epochs at most; the tutorial ran 100)",
            ModelConfig(Architecture(kind="anode", augment_dim=1), tutorial_solver),
            TrainConfig(steps=300, lr=5e-3, batch_size=FULL_BATCH, eval_every=0),
        ),
        target=1.0,
        limit_s=5.0,
        seeds=seeds,
    )

    same_training = TrainConfig(steps=300, lr=5e-3, batch_size=FULL_BATCH, eval_every=0)
    node = Recipe(
        "NODE 2-64-64-2 (the tutorial's circles model)",
        ModelConfig(Architecture(kind="node", layers=2)),
        same_training,
    )
    anode = Recipe(
        "ANODE p = 1, width 32",
        ModelConfig(Architecture(kind="anode", augment_dim=1, hidden=32)),
        same_training,
    )
    print(
        "\nCircles: forward NFE on the test set after 300 full-batch steps, Adam lr 5e-3, "
        "dopri5 rtol=atol=1e-3 (target NODE / ANODE >= 1.5)"
    )
    means = {}
    for recipe in (node, anode):
        figures = [final_nfe(circles, recipe, seed) for seed in seeds]
        means[recipe.label] = statistics.mean(nfe for nfe, _ in figures)
        per_seed = ", ".join(
            f"seed {s}: {nfe:.0f} (acc {acc:.2f})" for s, (nfe, acc) in zip(seeds, figures, strict=True)
        )
        print(f"  {recipe.label}: mean {means[recipe.label]:.1f}; {per_seed}", flush=True)
    ratio = means[node.label] / means[anode.label]
    print(f"  NODE / ANODE mean forward NFE: {ratio:.2f}: {verdict(ratio >= 1.5)}")


if __name__ == "__main__":
    main()
