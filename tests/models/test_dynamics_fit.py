"""Learning dynamics from noisy trajectories: data, windows, fields, and fits that lower their losses."""

from __future__ import annotations

import pytest
import torch

from models.learning.dynamics_fit import (
    DynamicsDataConfig,
    FitConfig,
    build_field,
    field_grid,
    fit_dynamics,
    nonlinear_field,
    observe,
    sample_windows,
    trajectory_mse,
    window_mse,
)


@pytest.fixture(scope="module")
def spiral():
    return observe(DynamicsDataConfig(system="spiral"))


def test_observations_follow_the_true_spiral_with_the_asked_noise(spiral):
    assert spiral.t.shape == (200,) and spiral.noisy.shape == (200, 2)
    assert torch.allclose(spiral.clean[0], torch.tensor([0.6, 0.3]))
    # Exact solution of dz/dt = [[-0.1, -1], [1, -0.1]] z at the last time.
    t = float(spiral.t[-1])
    rot = torch.tensor(
        [
            [torch.cos(torch.tensor(t)), -torch.sin(torch.tensor(t))],
            [torch.sin(torch.tensor(t)), torch.cos(torch.tensor(t))],
        ]
    )
    exact = torch.exp(torch.tensor(-0.1 * t)) * rot @ torch.tensor([0.6, 0.3])
    assert torch.allclose(spiral.clean[-1], exact, atol=1e-4)
    assert 0.007 < float((spiral.noisy - spiral.clean).std()) < 0.013


def test_nonlinear_field_matches_its_formula():
    x = torch.tensor([[0.3, -0.7]], dtype=torch.float64)
    x0 = torch.tensor([-1.0, 0.0], dtype=torch.float64)
    a = torch.tensor([[-0.1, -0.5], [0.5, -0.1]], dtype=torch.float64)
    b = torch.tensor([[0.2, 1.0], [-1.0, 0.2]], dtype=torch.float64)
    s = torch.sigmoid(x[0] @ x0)
    expected = s * a @ (x[0] - x0) + (1 - s) * b @ (x[0] + x0)
    assert torch.allclose(nonlinear_field(torch.tensor(0.0), x)[0], expected)


def test_windows_respect_their_bounds(spiral):
    cfg = FitConfig(min_window=1.0, max_window=5.0, max_points=32, windows_per_step=4)
    gen = torch.Generator().manual_seed(0)
    dt = float(spiral.t[1] - spiral.t[0])
    for _ in range(50):
        starts, offsets = sample_windows(spiral, cfg, gen)
        assert starts.shape == (4,) and offsets[0] == 0 and len(offsets) <= 32
        assert (offsets[1:] > offsets[:-1]).all()
        assert float(offsets[-1]) * dt <= 5.0 + 1e-6
        assert int((starts + offsets[-1]).max()) < len(spiral.t)


@pytest.mark.parametrize(("system", "kind", "lr"), [("spiral", "linear", 0.05), ("nonlinear", "mlp", 0.01)])
def test_fits_lower_their_loss_in_a_few_steps(system, kind, lr):
    obs = observe(DynamicsDataConfig(system=system))
    field = build_field(kind, seed=0)
    cfg = FitConfig(steps=40, lr=lr, max_window=2.0, snapshots_every=20)
    before = window_mse(field, obs, cfg)
    fit = fit_dynamics(field, obs, cfg)
    assert fit.stopped == "completed" and len(fit.losses) == 40
    assert window_mse(field, obs, cfg) < 0.7 * before
    assert [s for s, _ in fit.snapshots] == [0, 20, 40]


def test_linear_field_recovers_the_spiral_matrix(spiral):
    field = build_field("linear", seed=0)
    before = trajectory_mse(field, spiral)
    fit_dynamics(field, spiral, FitConfig(steps=250, lr=0.05, max_window=2.0))
    truth = torch.tensor([[-0.1, -1.0], [1.0, -0.1]])
    assert torch.allclose(field.weight.detach(), truth, atol=0.1)
    assert trajectory_mse(field, spiral) < 1e-3 < before


def test_field_grid_shape_and_orientation():
    xs, ys, values = field_grid(nonlinear_field, ((-2.0, 2.0), (-1.0, 1.0)), n=5)
    assert values.shape == (5, 5, 2)
    z = torch.tensor([[float(xs[1]), float(ys[3])]], dtype=torch.float64)
    assert torch.allclose(values[3, 1], nonlinear_field(torch.tensor(0.0), z)[0].float())


def test_callback_stops_training(spiral):
    fit = fit_dynamics(build_field("mlp", 0), spiral, FitConfig(steps=50), on_step=lambda s, m: s >= 2)
    assert fit.stopped == "callback" and len(fit.losses) == 2
