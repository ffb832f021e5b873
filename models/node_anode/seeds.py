"""Repeated runs: NODE and ANODE trained from scratch for each of several seeds (data, initial weights and
batch order all drawn from the seed), and their curves over training reduced to a median with a min-max
band, as the ANODE paper plots loss, accuracy and NFE (SCIENCE.md §4).

Every run goes through the one trainer (`nn.supervised.fit_splits`) and the classifiers' one solve.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import torch

from models.nn.supervised import fit_splits
from models.nn.training import TrainConfig
from models.node_anode.classifiers import ModelConfig, ModelSolver, build_model
from models.node_anode.data import ToyDataConfig, make_dataset
from models.node_anode.presets import PRESETS
from models.node_anode.regularisation import Regularisation, classification_loss
from models.ode.solve import Tolerances

#: The curves each run keeps, by name: (metric key in the trainer's history, fallback key).
CURVES: dict[str, tuple[str, str]] = {
    "loss": ("task_loss", "loss"),
    "accuracy": ("accuracy", "accuracy"),
    "nfe": ("nfe_forward", "nfe_forward"),
}
#: on_seed_step(kind, seed, step, metrics) -> True to stop every remaining run.
OnSeedStep = Callable[[str, int, int, dict[str, float]], bool | None]


@dataclass(frozen=True)
class SeedsConfig:
    """What to repeat: the models (their shipped architectures on `data`), the seeds, how each trains.

    Attributes:
        data: the data set; its `seed` is replaced by each run's seed.
        kinds: the models, "node" and/or "anode".
        seeds: one full training per model per seed.
        train: steps, learning rate, batch (full batch by default); its `seed` is replaced too.
        solver: the solver every model runs with.
        reg: the kinetic/Jacobian penalties (off by default).
        max_total_s: stop every run once this much wall time has gone (None: no limit).
    """

    data: ToyDataConfig = ToyDataConfig("moons")
    kinds: tuple[str, ...] = ("node", "anode")
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    train: TrainConfig = TrainConfig(steps=60, lr=0.02, batch_size=100_000, eval_every=0)
    solver: ModelSolver = ModelSolver("dopri5", Tolerances(1e-3, 1e-3))
    reg: Regularisation = Regularisation()
    max_total_s: float | None = None

    def model(self, kind: str) -> ModelConfig:
        """The model of `kind` as shipped for this data set, with this solver."""
        return ModelConfig(PRESETS[(kind, self.data.name)].model.arch, self.solver)


@dataclass(frozen=True)
class SeedCurves:
    """One run's curves, one value per optimiser step (step k at index k - 1), and the trained model's test
    accuracy and plain forward NFE on the test split (without any penalty columns in its solve)."""

    kind: str
    seed: int
    loss: list[float]
    accuracy: list[float]
    nfe: list[float]
    test_accuracy: float
    test_nfe: float
    wall_s: float

    def curve(self, name: str) -> list[float]:
        return {"loss": self.loss, "accuracy": self.accuracy, "nfe": self.nfe}[name]


def train_seed(cfg: SeedsConfig, kind: str, seed: int, on_step: OnSeedStep | None = None) -> SeedCurves:
    """Train the `kind` model from scratch with `seed` (data, weights, batches) and keep its curves."""
    data = make_dataset(replace(cfg.data, seed=seed))
    model = build_model(cfg.model(kind), data.in_dim, data.n_out, seed=seed)
    reg = replace(cfg.reg, seed=seed)

    def step(k: int, metrics: dict[str, float]) -> bool | None:
        return on_step(kind, seed, k, metrics) if on_step is not None else None

    result = fit_splits(model, data, classification_loss(reg), replace(cfg.train, seed=seed), step)
    picked = {
        name: [float(m.get(key, m.get(fallback, float("nan")))) for m in result.history]
        for name, (key, fallback) in CURVES.items()
    }
    test = result.test
    return SeedCurves(
        kind,
        seed,
        **picked,
        test_accuracy=test["accuracy"],
        test_nfe=test["nfe_forward"],
        wall_s=result.wall_s,
    )


def run_seeds(
    cfg: SeedsConfig, on_step: OnSeedStep | None = None, on_run: Callable[[SeedCurves], None] | None = None
) -> list[SeedCurves]:
    """Every model for every seed, in seed order (NODE then ANODE for each seed, so a stop keeps pairs),
    each finished run passed to `on_run` as it ends.

    A stop by `on_step`, or `cfg.max_total_s` running out, ends the repetition: the runs finished before
    it are returned, the one cut short is dropped (its curves would be shorter than the others').
    """
    start = time.perf_counter()
    stopped = False

    def step(kind: str, seed: int, k: int, metrics: dict[str, float]) -> bool:
        nonlocal stopped
        late = cfg.max_total_s is not None and time.perf_counter() - start > cfg.max_total_s
        stopped = stopped or bool(on_step is not None and on_step(kind, seed, k, metrics)) or late
        return stopped

    runs: list[SeedCurves] = []
    for seed in cfg.seeds:
        for kind in cfg.kinds:
            run = train_seed(cfg, kind, seed, step)
            if stopped and len(run.nfe) < cfg.train.steps:
                return runs
            runs.append(run)
            if on_run is not None:
                on_run(run)
            if stopped:
                return runs
    return runs


@dataclass(frozen=True)
class Band:
    """One model's curve across seeds: the median and the min-max band at each step 1..len(steps)."""

    kind: str
    steps: list[int]
    median: list[float]
    low: list[float]
    high: list[float]
    seeds: int


def bands(runs: list[SeedCurves], name: str) -> list[Band]:
    """Per model (in first-seen order), the median, min and max of curve `name` over its seeds, on the
    steps every one of its runs reached."""
    out = []
    for kind in dict.fromkeys(r.kind for r in runs):
        curves = [r.curve(name) for r in runs if r.kind == kind]
        length = min(len(c) for c in curves)
        if length == 0:
            continue
        values = torch.tensor([c[:length] for c in curves], dtype=torch.float64)
        out.append(
            Band(
                kind,
                list(range(1, length + 1)),
                values.quantile(0.5, dim=0).tolist(),
                values.min(dim=0).values.tolist(),
                values.max(dim=0).values.tolist(),
                len(curves),
            )
        )
    return out


@dataclass(frozen=True)
class SeedsResult:
    """A repetition's runs with the description of the config that made them (see `describe`)."""

    description: dict
    runs: list[SeedCurves] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"description": self.description, "runs": [dataclasses.asdict(r) for r in self.runs]}

    @classmethod
    def from_dict(cls, d: dict) -> SeedsResult:
        return cls(d["description"], [SeedCurves(**r) for r in d["runs"]])


def describe(cfg: SeedsConfig) -> dict:
    """The config as plain JSON values (what a precomputed result is looked up by); the time limit, which
    only cuts a run short, is left out."""
    plain = {
        "data": dataclasses.asdict(cfg.data),
        "kinds": list(cfg.kinds),
        "seeds": list(cfg.seeds),
        "train": dataclasses.asdict(cfg.train),
        "solver": {"method": cfg.solver.method, "step": dataclasses.asdict(cfg.solver.step)},
        "reg": dataclasses.asdict(cfg.reg),
    }
    return json.loads(json.dumps(plain))


def save_results(path: Path, results: list[SeedsResult]) -> None:
    """Write precomputed repetitions as one small JSON file."""
    path.write_text(json.dumps([r.to_dict() for r in results], separators=(",", ":")) + "\n")


def load_results(path: Path) -> list[SeedsResult]:
    """The repetitions `save_results` wrote."""
    return [SeedsResult.from_dict(d) for d in json.loads(path.read_text())]


def find_result(results: list[SeedsResult], cfg: SeedsConfig) -> SeedsResult | None:
    """The repetition made by `cfg`, if `results` holds one."""
    wanted = describe(cfg)
    return next((r for r in results if r.description == wanted), None)


#: The penalty weight the lab's Seeds tab opens with when regularisation is switched on.
DEFAULT_WEIGHT = 0.01


def shipped_configs() -> list[SeedsConfig]:
    """The repetitions shipped precomputed (scripts/make_node_seeds.py): plain, and regularised at
    `DEFAULT_WEIGHT`."""
    plain = SeedsConfig()
    return [plain, replace(plain, reg=Regularisation.both(DEFAULT_WEIGHT))]
