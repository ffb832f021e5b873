"""The continuous flow's numerical truths: a linear flow's log-density in closed form, the exact trace equal
to the autograd Jacobian's, Hutchinson's estimate unbiased, samples distributed as the density."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from models.flows.cnf import CNF, CNFConfig, divergence, draw_noise, standard_normal_logp
from models.flows.estimators import nfe_comparison, trace_spread
from models.flows.targets import TARGETS, sample_target
from models.flows.timelapse import FrameGrid, density_frames, reverse_frames, sample_frames

TIGHT = CNFConfig(rtol=1e-7, atol=1e-9)


class LinearField(nn.Module):
    """f(z, t) = A z."""

    def __init__(self, a: torch.Tensor) -> None:
        super().__init__()
        self.a = nn.Parameter(a)

    def forward(self, t: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        return z @ self.a.T


def test_linear_flow_log_density_matches_closed_form() -> None:
    a = torch.tensor([[0.3, -0.7], [0.4, -0.2]], dtype=torch.float64)
    cnf = CNF(TIGHT)
    cnf.field = LinearField(a)
    x = torch.randn(64, 2, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    density = cnf.log_prob(x.float().double())
    # z(1) = e^A z(0), so p1(x) = N(e^{-A} x) |det e^{-A}| = N(e^{-A} x) e^{-tr A}.
    z0 = x @ torch.linalg.matrix_exp(-a).T
    expected = standard_normal_logp(z0) - torch.trace(a)
    assert torch.allclose(density.logp.double(), expected, atol=1e-5)
    assert torch.allclose(density.z0.double(), z0, atol=1e-5)


def test_exact_trace_equals_trace_of_autograd_jacobian() -> None:
    cnf = CNF(CNFConfig(hidden=16, layers=2), seed=3)
    z = torch.randn(10, 2, generator=torch.Generator().manual_seed(0)).requires_grad_(True)
    t = torch.tensor(0.4)
    trace, frobenius = divergence(cnf.field(t, z), z, None, create_graph=False)
    for i in range(10):
        jac = torch.autograd.functional.jacobian(lambda p: cnf.field(t, p[None])[0], z[i].detach())
        assert float(trace[i]) == pytest.approx(float(torch.trace(jac)), abs=1e-5)
        assert float(frobenius[i]) == pytest.approx(float((jac**2).sum()), abs=1e-5)


@pytest.mark.parametrize("noise", ["gaussian", "rademacher"])
def test_hutchinson_is_unbiased_within_its_standard_error(noise: str) -> None:
    cnf = CNF(seed=5)
    x = sample_target("moons", 8, 0)
    spread = trace_spread(cnf, x, 0.5, noise, draws=4000, seed=2)
    standard_error = spread.std / math.sqrt(spread.draws)
    assert bool(((spread.mean - spread.exact).abs() <= 4 * standard_error + 1e-6).all())
    assert float(spread.std.max()) > 0  # it is an estimate, not the exact value in disguise


def test_rademacher_noise_is_plus_or_minus_one() -> None:
    e = draw_noise((1000, 2), "rademacher", torch.Generator().manual_seed(0))
    assert set(e.unique().tolist()) == {-1.0, 1.0}


def test_sample_histogram_matches_the_density() -> None:
    cnf = CNF(seed=7)
    with torch.no_grad():
        for p in cnf.parameters():
            p.mul_(2.0)  # a flow far from the identity
    n, bins, lim = 40_000, 16, 4.0
    x = cnf.sample(n, torch.Generator().manual_seed(0), torch.tensor([0.0, 1.0]))[-1]
    hist = torch.histogramdd(x, bins=[bins, bins], range=[-lim, lim, -lim, lim]).hist / n
    edges = torch.linspace(-lim, lim, bins + 1)
    centres = (edges[:-1] + edges[1:]) / 2
    # Each bin's probability by a 4 x 4 midpoint rule on the density.
    fine = torch.linspace(-lim, lim, 4 * bins + 1)
    mids = (fine[:-1] + fine[1:]) / 2
    xx, yy = torch.meshgrid(mids, mids, indexing="ij")
    with torch.no_grad():
        logp = cnf.log_prob(torch.stack([xx.reshape(-1), yy.reshape(-1)], 1)).logp
    cell = (2 * lim / (4 * bins)) ** 2
    prob = (logp.exp() * cell).reshape(bins, 4, bins, 4).sum((1, 3))
    assert centres.shape == (bins,)
    assert float((hist - prob).abs().sum() / 2) < 0.03  # total variation


def test_density_frames_match_the_reverse_solve_and_integrate_to_one() -> None:
    cnf = CNF(seed=1)
    grid = FrameGrid(frames=5, n=60)
    frames = density_frames(cnf, grid)
    assert frames.shape == (5, 60, 60)
    with torch.no_grad():
        last = cnf.log_prob(grid.points()).logp.reshape(60, 60)
    assert float((frames[-1] - last).abs().max()) < 0.02
    assert torch.allclose(
        frames[0], standard_normal_logp(grid.points()).reshape(60, 60), atol=0.02
    )  # linear between warped vertices
    cell = (2 * grid.lim / (grid.n - 1)) ** 2
    assert float(frames.exp().sum((1, 2)).min() * cell) > 0.98


def test_reverse_frames_undo_the_forward_ones() -> None:
    cnf = CNF(seed=2)
    grid = FrameGrid(frames=6, n=10)
    forward = sample_frames(cnf, grid, 50, seed=0)
    back = reverse_frames(cnf, grid, forward[-1])
    assert back.shape == forward.shape
    assert torch.allclose(back[-1], forward[0], atol=5e-3)


def test_noise_redrawn_inside_a_solve_costs_more_evaluations() -> None:
    cnf = CNF(CNFConfig(trace="hutchinson", rtol=1e-3, atol=1e-4), seed=0)
    comparison = nfe_comparison(cnf, sample_target("moons", 64, 0), "gaussian", seed=0, cap=1000)
    assert comparison.once <= 1.5 * comparison.exact
    assert comparison.resampled > 3 * comparison.once


@pytest.mark.parametrize("target", TARGETS)
def test_targets_are_seeded(target: str) -> None:
    a, b = sample_target(target, 500, 3), sample_target(target, 500, 3)
    assert a.shape == (500, 2) and a.dtype == torch.float32
    assert torch.equal(a, b) and not torch.equal(a, sample_target(target, 500, 4))
    assert float(a.abs().max()) < 5.0


def test_unknown_target_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown target"):
        sample_target("spiral", 5, 0)  # type: ignore[arg-type]


def test_rasterize_reproduces_a_linear_function_on_a_warped_mesh() -> None:
    from models.flows.raster import mesh_triangles, rasterize

    n = 30
    axis = torch.linspace(-1, 1, n)
    yy, xx = torch.meshgrid(torch.linspace(-1.5, 1.5, n), torch.linspace(-1.5, 1.5, n), indexing="ij")
    base = torch.stack([xx.reshape(-1), yy.reshape(-1)], 1)
    warped = base + 0.2 * torch.sin(base.flip(1))  # a smooth, invertible warp
    values = 2 * warped[:, 0] - warped[:, 1]  # linear in the warped position: interpolation is exact
    image = rasterize(warped, values, mesh_triangles(n), axis, fill=float("nan"))
    gy, gx = torch.meshgrid(axis, axis, indexing="ij")
    covered = ~image.isnan()
    assert bool(covered.all())
    assert torch.allclose(image, 2 * gx - gy, atol=1e-4)
