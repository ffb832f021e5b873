"""The time-lapse of a CNF from the Gaussian (t = 0) to the data (t = t1): the density on a grid, samples
and the velocity field at each of a set of output times.

All frames' densities come from one solve with output times: a grid of base points is carried forward with
its log-density (exact trace), and each frame's warped grid is resampled onto the regular one (flows.raster).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from models.flows.cnf import CNF, DIM, Augmented, standard_normal_logp
from models.flows.raster import mesh_triangles, rasterize
from models.ode.solve import Budget, solve

#: The base grid reaches this far beyond the shown window, so that points flowing inward fill it.
_MARGIN = 1.0


@dataclass(frozen=True)
class FrameGrid:
    """Frames at `frames` evenly spaced times over [0, t1], densities on an n x n grid of [-lim, lim]^2."""

    frames: int = 41
    n: int = 100
    lim: float = 4.0
    arrows: int = 15

    def __post_init__(self) -> None:
        if self.frames < 2 or self.n < 2 or self.arrows < 2 or not self.lim > 0:
            raise ValueError("frames, n and arrows must be >= 2 and lim positive")

    def axis(self, n: int | None = None) -> Tensor:
        return torch.linspace(-self.lim, self.lim, n or self.n)

    def points(self, n: int | None = None) -> Tensor:
        """The grid's points, row-major (y outer, x inner): (n * n, 2)."""
        ax = self.axis(n)
        yy, xx = torch.meshgrid(ax, ax, indexing="ij")
        return torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=1)


def frame_times(cnf: CNF, grid: FrameGrid) -> Tensor:
    """The output times 0 … t1: (frames,)."""
    return torch.linspace(0.0, cnf.cfg.t1, grid.frames)


def density_frames(cnf: CNF, grid: FrameGrid, budget: Budget | None = None) -> Tensor:
    """log p_t on the grid at every frame time: (frames, n, n), rows along y; one solve, exact trace.

    Pixels the carried base window does not reach get the base grid's lowest log-density.
    """
    times = frame_times(cnf, grid)
    base = grid.points()
    base = base * (grid.lim + _MARGIN) / grid.lim
    y0 = torch.cat([base, torch.zeros(base.shape[0], 3)], dim=1)
    with torch.no_grad():
        path = solve(Augmented(cnf.field, None), y0, times, cnf.cfg.solver("none", budget)).y
    logp = standard_normal_logp(base)[None] + path[:, :, DIM]
    triangles, axis, fill = mesh_triangles(grid.n), grid.axis(), float(logp[0].min())
    return torch.stack(
        [rasterize(path[k, :, :DIM], logp[k], triangles, axis, fill) for k in range(grid.frames)]
    )


def sample_frames(cnf: CNF, grid: FrameGrid, n: int, seed: int, budget: Budget | None = None) -> Tensor:
    """`n` base draws at every frame time: (frames, n, 2)."""
    return cnf.sample(n, torch.Generator().manual_seed(seed), frame_times(cnf, grid), budget)


def reverse_frames(cnf: CNF, grid: FrameGrid, x: Tensor, budget: Budget | None = None) -> Tensor:
    """Data points x: (n, 2) carried back from t1 to 0, at the frame times from t1 down: (frames, n, 2)."""
    return cnf.carry(x, frame_times(cnf, grid).flip(0), budget, reverse=True)


def field_frames(cnf: CNF, grid: FrameGrid) -> tuple[Tensor, Tensor]:
    """The velocity on a coarse arrows x arrows grid at every frame time.

    Returns:
        points: (arrows², 2); velocity: (frames, arrows², 2).
    """
    points = grid.points(grid.arrows)
    with torch.no_grad():
        velocity = torch.stack([cnf.field(t, points) for t in frame_times(cnf, grid)])
    return points, velocity
