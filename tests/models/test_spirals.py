"""The spiral data set: exact linear-ODE trajectories, directions, noise, splits, seeding."""

from __future__ import annotations

import pytest
import torch

from models.latent.spirals import SpiralConfig, make_spirals, random_spiral, sample_spirals

SMALL = SpiralConfig(n_spirals=40, n_val=5, n_test=5, n_points=120)


def _turning(true: torch.Tensor) -> torch.Tensor:
    """Mean signed angular velocity x dy - y dx of each trajectory (n, T, 2) -> (n,)."""
    d = true[:, 1:] - true[:, :-1]
    return (true[:, :-1, 0] * d[..., 1] - true[:, :-1, 1] * d[..., 0]).mean(dim=1)


@pytest.mark.parametrize("dynamics", ["per_spiral", "shared"])
def test_trajectories_solve_their_linear_ode(dynamics):
    s = make_spirals(SpiralConfig(dynamics=dynamics, n_spirals=20, n_val=2, n_test=2)).spirals
    dt = SpiralConfig().dt
    z = s.true.double()
    derivative = (z[:, 2:] - z[:, :-2]) / (2 * dt)  # central differences, error O(dt^2)
    field = torch.einsum("nij,ntj->nti", s.W.double(), z[:, 1:-1])
    scale = z.abs().amax(dim=(1, 2), keepdim=True)
    assert ((derivative - field).abs() / scale).max() < 0.02
    assert torch.allclose(s.true[:, 0], s.z0, atol=1e-6)


def test_directions_alternate_and_match_the_turning_sense():
    s = make_spirals(SMALL).spirals
    assert s.clockwise.tolist() == [i % 2 == 0 for i in range(len(s))]
    turning = _turning(s.true)
    # A per-spiral W with a tiny off-diagonal entry can barely turn, so ask it of nearly all of them...
    assert (turning[s.clockwise] < 0).float().mean() > 0.9 and (
        turning[~s.clockwise] > 0
    ).float().mean() > 0.9
    # ...and of every one with the shared W, whose rotation part dominates.
    shared = make_spirals(SpiralConfig(dynamics="shared", n_spirals=40, n_val=5, n_test=5)).spirals
    turning = _turning(shared.true)
    assert (turning[shared.clockwise] < 0).all() and (turning[~shared.clockwise] > 0).all()


def test_per_spiral_w_follows_the_blog():
    s = make_spirals(SMALL).spirals
    assert (s.W[:, 0, 0] <= -0.05).all() and (s.W[:, 1, 1] <= -0.05).all()
    sign = torch.where(s.clockwise, 1.0, -1.0)
    assert (s.W[:, 0, 1] * sign > 0).all() and (s.W[:, 1, 0] * sign < 0).all()
    assert len({round(float(w), 6) for w in s.W[:, 0, 1].abs()}) > 30  # every spiral its own W


def test_shared_dynamics_use_one_w_and_its_mirror():
    s = make_spirals(SpiralConfig(dynamics="shared", n_spirals=10, n_val=2, n_test=2)).spirals
    cw, ccw = s.W[s.clockwise], s.W[~s.clockwise]
    assert torch.allclose(cw, cw[:1].expand_as(cw)) and torch.allclose(ccw, ccw[:1].expand_as(ccw))
    assert torch.allclose(ccw[0], cw[0].T)
    assert cw[0, 0, 0].item() == pytest.approx(-0.1 * (2 / torch.pi) ** 0.5 - 0.05, abs=1e-6)


def test_noise_has_the_configured_std():
    s = make_spirals(SpiralConfig(n_spirals=100, n_val=10, n_test=10, noise_std=0.05)).spirals
    assert (s.obs - s.true).std().item() == pytest.approx(0.05, rel=0.03)
    assert make_spirals(SpiralConfig(n_spirals=5, n_val=1, n_test=1, noise_std=0.0)).spirals.obs.equal(
        make_spirals(SpiralConfig(n_spirals=5, n_val=1, n_test=1, noise_std=0.0)).spirals.true
    )


def test_time_grid_and_shapes():
    data = make_spirals(SMALL)
    assert data.t.shape == (120,) and data.t[0] == 0 and data.t[-1].item() == pytest.approx(SMALL.t_max)
    assert data.train[0].shape == (30, 120, 2) and data.val[0].shape == (5, 120, 2)
    assert data.test[1].shape == (5, 120, 2)
    assert data.held_out.obs.equal(data.test[0])


def test_splits_are_disjoint():
    data = make_spirals(SMALL)
    train, test = data.train[1][:, 0], data.held_out.true[:, 0]
    assert torch.cdist(test, train).min() > 1e-4


def test_seeded_and_reproducible_without_touching_the_global_rng():
    state = torch.random.get_rng_state()
    a, b = make_spirals(SMALL), make_spirals(SMALL)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert a.spirals.obs.equal(b.spirals.obs)
    c = make_spirals(SpiralConfig(n_spirals=40, n_val=5, n_test=5, n_points=120, seed=1))
    assert not a.spirals.obs.equal(c.spirals.obs)


def test_random_spiral_is_seeded_and_apart_from_the_data_set():
    one, again, other = random_spiral(3), random_spiral(3), random_spiral(4)
    assert one.obs.shape == (1, 200, 2) and one.obs.equal(again.obs) and not one.obs.equal(other.obs)
    held = make_spirals().held_out
    assert torch.cdist(one.z0, held.z0).min() > 1e-4
    directions = {bool(random_spiral(s).clockwise[0]) for s in range(12)}
    assert directions == {True, False}


def test_sample_spirals_can_start_counter_clockwise():
    s = sample_spirals(4, SMALL, torch.Generator().manual_seed(0), first_clockwise=False)
    assert s.clockwise.tolist() == [False, True, False, True]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"dynamics": "random"},
        {"n_spirals": 10, "n_val": 5, "n_test": 5},
        {"n_points": 1},
        {"t_max": float("inf")},
        {"noise_std": -0.1},
        {"z0_scale": 0.0},
    ],
)
def test_bad_configs_are_rejected(kwargs):
    with pytest.raises(ValueError):
        SpiralConfig(**kwargs)
