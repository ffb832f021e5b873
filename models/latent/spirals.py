"""Noisy 2-D spirals of linear ODEs dz/dt = W z, half clockwise and half counter-clockwise (SCIENCE.md §6).

Either every spiral draws its own W (the blog's version) or all share one W and its mirror image, the
paper's "two sets of time-invariant dynamics"; splits train/val/test, the test split being held out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import torch
from torch import Tensor

#: E|N(0, 1)| = sqrt(2 / pi): the shared W sits at the mean of the blog's distribution.
_MEAN_ABS_NORMAL = math.sqrt(2.0 / math.pi)
#: Random one-off spirals (the page's "new spiral") draw from their own stream, never the data set's.
_RANDOM_SPIRAL_STREAM = 1_000_003


@dataclass(frozen=True)
class SpiralConfig:
    """How to make the spirals.

    Attributes:
        dynamics: "per_spiral": each spiral draws its own W (the blog); "shared": one clockwise W at the mean
            of that distribution, W = [[-0.13, 0.80], [-0.80, -0.13]], and its mirror image for the
            counter-clockwise half, so spirals differ only in z0 and direction (the paper's design).
        n_spirals: total spirals; the last `n_val + n_test` are the validation and held-out sets.
        n_val, n_test: sizes of the validation and held-out (test) splits.
        n_points: regularly spaced time points on [0, t_max].
        t_max: end time (the blog's 5 x 6.29: five turns of a unit-frequency spiral).
        noise_std: std of the Gaussian observation noise.
        z0_scale: z0 ~ z0_scale * N(0, I).
        seed: seed of the generator that draws every W, z0 and noise.
    """

    dynamics: Literal["per_spiral", "shared"] = "per_spiral"
    n_spirals: int = 1000
    n_val: int = 100
    n_test: int = 100
    n_points: int = 200
    t_max: float = 5 * 6.29
    noise_std: float = 0.02
    z0_scale: float = 2.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.dynamics not in ("per_spiral", "shared"):
            raise ValueError(f"dynamics must be per_spiral or shared, got {self.dynamics!r}")
        if self.n_val < 1 or self.n_test < 1 or self.n_spirals - self.n_val - self.n_test < 1:
            raise ValueError("need at least one spiral in each of train, val and test")
        if self.n_points < 2 or not (0 < self.t_max < math.inf):
            raise ValueError(f"need n_points >= 2 and a finite t_max > 0, got {self.n_points}, {self.t_max}")
        if not (0 <= self.noise_std < math.inf) or not (0 < self.z0_scale < math.inf):
            raise ValueError("noise_std must be >= 0 and z0_scale > 0")

    @property
    def dt(self) -> float:
        """Spacing of the time grid."""
        return self.t_max / (self.n_points - 1)

    def times(self) -> Tensor:
        """The time grid, (n_points,) float32, exactly `arange(n_points) * dt`."""
        return torch.arange(self.n_points, dtype=torch.float64).mul(self.dt).float()


@dataclass(frozen=True)
class Spirals:
    """A batch of spirals on one time grid.

    Attributes:
        t: (T,) times.
        obs: (n, T, 2) noisy observations.
        true: (n, T, 2) noise-free trajectories.
        W: (n, 2, 2) the linear fields.
        z0: (n, 2) initial states.
        clockwise: (n,) bool, the turning direction.
    """

    t: Tensor
    obs: Tensor
    true: Tensor
    W: Tensor
    z0: Tensor
    clockwise: Tensor

    def __len__(self) -> int:
        return int(self.obs.shape[0])

    def select(self, idx: slice | Tensor) -> Spirals:
        """The spirals at `idx` (a slice or index tensor)."""
        return Spirals(self.t, self.obs[idx], self.true[idx], self.W[idx], self.z0[idx], self.clockwise[idx])


def sample_spirals(
    n: int, cfg: SpiralConfig, generator: torch.Generator, first_clockwise: bool = True
) -> Spirals:
    """Draw `n` spirals; directions alternate starting with `first_clockwise`.

    W = [[a, b], [-c, d]] with a, d = -0.1|N(0,1)| - 0.05 and b, c = |N(0,1)| turns clockwise; every
    other spiral has b and c swapped (W12 = -c, W21 = +b) and turns counter-clockwise. With shared
    dynamics each |N(0,1)| is replaced by its mean. The trajectory is exact: z(t) = expm(W t) z0.
    """
    decay = -0.1 * torch.randn(n, 2, generator=generator, dtype=torch.float64).abs() - 0.05
    turn = torch.randn(n, 2, generator=generator, dtype=torch.float64).abs()
    if cfg.dynamics == "shared":
        decay = torch.full_like(decay, -0.1 * _MEAN_ABS_NORMAL - 0.05)
        turn = torch.full_like(turn, _MEAN_ABS_NORMAL)
    z0 = cfg.z0_scale * torch.randn(n, 2, generator=generator, dtype=torch.float64)
    clockwise = (torch.arange(n) % 2 == 0) == first_clockwise
    sign = torch.where(clockwise, 1.0, -1.0).to(torch.float64)
    W = torch.zeros(n, 2, 2, dtype=torch.float64)
    W[:, 0, 0], W[:, 1, 1] = decay[:, 0], decay[:, 1]
    W[:, 0, 1] = sign * torch.where(clockwise, turn[:, 0], turn[:, 1])
    W[:, 1, 0] = -sign * torch.where(clockwise, turn[:, 1], turn[:, 0])
    t = cfg.times()
    flows = torch.linalg.matrix_exp(W[:, None] * t.double()[None, :, None, None])  # (n, T, 2, 2)
    true = (flows @ z0[:, None, :, None]).squeeze(-1)
    noise = cfg.noise_std * torch.randn(true.shape, generator=generator, dtype=torch.float64)
    return Spirals(
        t=t, obs=(true + noise).float(), true=true.float(), W=W.float(), z0=z0.float(), clockwise=clockwise
    )


@dataclass(frozen=True)
class SpiralData:
    """The data set: all spirals and its train / val / test (held-out) splits.

    Each split, as `fit` wants it, is the tuple (obs (n, T, 2), true (n, T, 2)).
    """

    cfg: SpiralConfig
    spirals: Spirals

    @property
    def t(self) -> Tensor:
        return self.spirals.t

    def _part(self, name: str) -> Spirals:
        n_train = self.cfg.n_spirals - self.cfg.n_val - self.cfg.n_test
        bounds = {
            "train": slice(0, n_train),
            "val": slice(n_train, n_train + self.cfg.n_val),
            "test": slice(n_train + self.cfg.n_val, self.cfg.n_spirals),
        }
        return self.spirals.select(bounds[name])

    @property
    def held_out(self) -> Spirals:
        """The test split: spirals no model was trained or tuned on."""
        return self._part("test")

    @property
    def train(self) -> tuple[Tensor, Tensor]:
        part = self._part("train")
        return part.obs, part.true

    @property
    def val(self) -> tuple[Tensor, Tensor]:
        part = self._part("val")
        return part.obs, part.true

    @property
    def test(self) -> tuple[Tensor, Tensor]:
        part = self._part("test")
        return part.obs, part.true


def make_spirals(cfg: SpiralConfig = SpiralConfig()) -> SpiralData:
    """The seeded data set; the same config always gives the same tensors."""
    generator = torch.Generator().manual_seed(cfg.seed)
    return SpiralData(cfg, sample_spirals(cfg.n_spirals, cfg, generator))


def random_spiral(seed: int, cfg: SpiralConfig = SpiralConfig()) -> Spirals:
    """One fresh spiral (direction by coin flip) from `seed`, drawn apart from the data set's stream."""
    generator = torch.Generator().manual_seed(_RANDOM_SPIRAL_STREAM + seed)
    clockwise = bool(torch.rand(1, generator=generator).item() < 0.5)
    return sample_spirals(1, cfg, generator, first_clockwise=clockwise)
