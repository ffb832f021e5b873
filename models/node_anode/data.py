"""Toy data sets for the NODE vs ANODE lab: half moons, concentric circles, the 1-D flip g(x) = -x, and
points a visitor placed by hand.

Every made data set is split 80/10/10 into train/val/test after a seeded shuffle; hand-placed points are
too few to split, so all three splits are all of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, NamedTuple

import torch
from torch import Tensor

DatasetName = Literal["moons", "circles", "flip1d", "own"]
Task = Literal["classification", "regression"]

#: The data sets made by a generator (the shipped models were trained on these).
DATASETS: tuple[DatasetName, ...] = ("moons", "circles", "flip1d")
#: Points placed by hand: `ToyDataConfig.points`, classified like the moons.
OWN: DatasetName = "own"
#: Hand-placed points need this many of each class to train on.
MIN_PER_CLASS = 2
_DEFAULT_NOISE: dict[str, float] = {"moons": 0.1, "circles": 0.05, "flip1d": 0.0, OWN: 0.0}
_TASK: dict[str, Task] = {
    "moons": "classification",
    "circles": "classification",
    "flip1d": "regression",
    OWN: "classification",
}
_INNER_RADIUS, _OUTER_RADIUS = 0.5, 1.0


def default_noise(name: DatasetName) -> float:
    """The noise scale the sources use for a data set.

    Moons: 0.1 (half-width of uniform noise); circles: 0.05 (Gaussian std); flip1d: 0.0 (std of
    Gaussian noise on the target).
    """
    return _DEFAULT_NOISE[name]


def task_of(name: DatasetName) -> Task:
    """Whether a data set is a classification (integer labels) or a regression (float targets) task."""
    return _TASK[name]


@dataclass(frozen=True)
class ToyDataConfig:
    """Which toy data set to make.

    Attributes:
        name: "moons", "circles", "flip1d" or "own".
        n: total number of points before the 80/10/10 split (not used by "own").
        noise: noise scale; None means the data set's own default (see `default_noise`).
        seed: seed of the generator that draws noise, positions and the split.
        points: "own" only: (x, y, label) of each point, label 0 or 1, at least MIN_PER_CLASS of each.
    """

    name: DatasetName = "moons"
    n: int = 1000
    noise: float | None = None
    seed: int = 0
    points: tuple[tuple[float, float, int], ...] = ()

    def __post_init__(self) -> None:
        if self.name not in (*DATASETS, OWN):
            raise ValueError(f"unknown data set {self.name!r}; expected one of {(*DATASETS, OWN)}")
        if self.name == OWN:
            counts = [sum(p[2] == c for p in self.points) for c in (0, 1)]
            if min(counts) < MIN_PER_CLASS or sum(counts) != len(self.points):
                raise ValueError(f"own points need labels 0 and 1, at least {MIN_PER_CLASS} of each")
            if not all(math.isfinite(v) for p in self.points for v in p[:2]):
                raise ValueError("own points must be finite")
        elif self.points:
            raise ValueError("points are for the data set 'own' only")
        if self.n < 10:
            raise ValueError(f"n must be at least 10 to split 80/10/10, got {self.n}")
        if self.noise is not None and not (0.0 <= self.noise < math.inf):
            raise ValueError(f"noise must be a finite number >= 0, got {self.noise}")

    @property
    def resolved_noise(self) -> float:
        """The noise scale actually used."""
        return default_noise(self.name) if self.noise is None else self.noise


class Split(NamedTuple):
    """One split of a data set, a tuple of tensors sharing their first dimension.

    Attributes:
        x: (n, d) float32 inputs.
        y: (n,) int64 class labels for classification; (n, 1) float32 targets for regression.
    """

    x: Tensor
    y: Tensor


@dataclass(frozen=True)
class ToySplits:
    """Train, validation and test splits of one toy data set.

    Attributes:
        train, val, test: the splits (80/10/10).
        task: "classification" (y are labels in [0, n_classes)) or "regression" (y are float targets).
        n_out: number of classes for classification, target dimension for regression.
    """

    train: Split
    val: Split
    test: Split
    task: Task
    n_out: int

    @property
    def in_dim(self) -> int:
        """Input dimension d."""
        return int(self.train.x.shape[1])


def _moons(n: int, noise: float, gen: torch.Generator) -> tuple[Tensor, Tensor]:
    n_outer = n // 2
    n_inner = n - n_outer
    a_out = torch.linspace(0.0, math.pi, n_outer, dtype=torch.float64)
    a_in = torch.linspace(0.0, math.pi, n_inner, dtype=torch.float64)
    outer = torch.stack([torch.cos(a_out), torch.sin(a_out)], dim=1)
    inner = torch.stack([1.0 - torch.cos(a_in), 1.0 - torch.sin(a_in) - 0.5], dim=1)
    x = torch.cat([outer, inner])
    # Uniform noise on [-noise, noise], as in the tutorial (not sklearn's Gaussian).
    x = x + noise * (2.0 * torch.rand(x.shape, generator=gen, dtype=torch.float64) - 1.0)
    y = torch.cat([torch.zeros(n_outer, dtype=torch.int64), torch.ones(n_inner, dtype=torch.int64)])
    return x, y


def _circles(n: int, noise: float, gen: torch.Generator) -> tuple[Tensor, Tensor]:
    n_outer = n // 2
    n_inner = n - n_outer
    angle = 2.0 * math.pi * torch.rand(n, generator=gen, dtype=torch.float64)
    radius = torch.cat(
        [
            torch.full((n_outer,), _OUTER_RADIUS, dtype=torch.float64),
            torch.full((n_inner,), _INNER_RADIUS, dtype=torch.float64),
        ]
    )
    x = radius[:, None] * torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
    x = x + noise * torch.randn(x.shape, generator=gen, dtype=torch.float64)
    y = torch.cat([torch.zeros(n_outer, dtype=torch.int64), torch.ones(n_inner, dtype=torch.int64)])
    return x, y


def _flip1d(n: int, noise: float, gen: torch.Generator) -> tuple[Tensor, Tensor]:
    x = 2.0 * torch.rand(n, 1, generator=gen, dtype=torch.float64) - 1.0
    y = -x + noise * torch.randn(x.shape, generator=gen, dtype=torch.float64)
    return x, y.float()


def _split(x: Tensor, y: Tensor, gen: torch.Generator) -> tuple[Split, Split, Split]:
    n = x.shape[0]
    perm = torch.randperm(n, generator=gen)
    n_train, n_val = int(round(0.8 * n)), int(round(0.1 * n))
    parts = (perm[:n_train], perm[n_train : n_train + n_val], perm[n_train + n_val :])
    return tuple(Split(x[i], y[i]) for i in parts)  # type: ignore[return-value]


def make_dataset(cfg: ToyDataConfig) -> ToySplits:
    """Make a toy data set and split it 80/10/10 (hand-placed points: every split is all of them).

    Moons: outer arc (cos a, sin a) is label 0, inner arc (1 - cos a, 1 - sin a - 0.5) label 1, a on an
    even grid over [0, pi], plus uniform noise on [-noise, noise]. Circles: radius 1.0 is label 0,
    radius 0.5 label 1, uniform random angles, plus Gaussian noise of std `noise`. Flip1d: x uniform in
    [-1, 1], regression target y = -x (plus Gaussian noise of std `noise`), y of shape (n, 1).

    Args:
        cfg: which data set, its size, noise and seed.

    Returns:
        The splits; x is (n_i, d) float32 and y is (n_i,) int64 or (n_i, 1) float32.
    """
    if cfg.name == OWN:
        x = torch.tensor([p[:2] for p in cfg.points], dtype=torch.float32)
        every = Split(x, torch.tensor([p[2] for p in cfg.points], dtype=torch.int64))
        return ToySplits(train=every, val=every, test=every, task="classification", n_out=2)
    gen = torch.Generator().manual_seed(cfg.seed)
    maker = {"moons": _moons, "circles": _circles, "flip1d": _flip1d}[cfg.name]
    x, y = maker(cfg.n, cfg.resolved_noise, gen)
    train, val, test = _split(x.float(), y, gen)
    task = task_of(cfg.name)
    n_out = 2 if task == "classification" else 1
    return ToySplits(train=train, val=val, test=test, task=task, n_out=n_out)


def jittered(split: Split, scale: float = 0.1, copies: int = 10, seed: int = 0) -> Split:
    """A stress test of a classifier: every point of `split` `copies` times, moved by Gaussian noise of
    std `scale`, its label kept. A flow that separates the classes only through thin gaps between the
    training points (the circles NODE) loses accuracy here that a clean test split does not show.

    Args:
        split: x (n, d), y (n,) class labels.

    Returns:
        x (copies * n, d), y (copies * n,).
    """
    gen = torch.Generator().manual_seed(seed)
    x = split.x.repeat(copies, 1)
    return Split(x + scale * torch.randn(x.shape, generator=gen), split.y.repeat(copies))
