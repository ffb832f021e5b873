"""Toy data sets: shapes, 80/10/10 splits, geometry of moons and circles, noise laws, seeds."""

import math

import pytest
import torch

from models.node_anode.data import ToyDataConfig, default_noise, make_dataset, task_of


def _all(splits):
    x = torch.cat([splits.train.x, splits.val.x, splits.test.x])
    y = torch.cat([splits.train.y, splits.val.y, splits.test.y])
    return x, y


@pytest.mark.parametrize("name", ["moons", "circles"])
def test_classification_shapes_and_split(name):
    s = make_dataset(ToyDataConfig(name=name, n=1000))
    assert [len(p.x) for p in (s.train, s.val, s.test)] == [800, 100, 100]
    assert s.train.x.shape == (800, 2) and s.train.x.dtype == torch.float32
    assert s.train.y.shape == (800,) and s.train.y.dtype == torch.int64
    assert s.task == "classification" and s.n_out == 2 and s.in_dim == 2
    x, y = _all(s)
    assert torch.unique(x, dim=0).shape[0] == 1000, "splits overlap or repeat points"
    assert int((y == 0).sum()) == 500 and int((y == 1).sum()) == 500


def test_moons_geometry_without_noise():
    x, y = _all(make_dataset(ToyDataConfig(name="moons", n=200, noise=0.0)))
    outer, inner = x[y == 0].double(), x[y == 1].double()
    assert torch.allclose(outer.norm(dim=1), torch.ones(100, dtype=torch.float64), atol=1e-6)
    assert (outer[:, 1] >= -1e-6).all()
    centre = torch.tensor([1.0, 0.5], dtype=torch.float64)
    assert torch.allclose((inner - centre).norm(dim=1), torch.ones(100, dtype=torch.float64), atol=1e-6)
    assert (inner[:, 1] <= 0.5 + 1e-6).all()


def test_moons_noise_is_uniform_of_the_given_half_width():
    noisy, _ = _all(make_dataset(ToyDataConfig(name="moons", n=2000, noise=0.1, seed=3)))
    clean, _ = _all(make_dataset(ToyDataConfig(name="moons", n=2000, noise=0.0, seed=3)))
    residual = noisy - clean
    assert residual.abs().max() <= 0.1 + 1e-6
    assert residual.abs().max() > 0.099
    # U(-a, a) has std a / sqrt(3) (a Gaussian of std a would give 0.1).
    assert residual.std().item() == pytest.approx(0.1 / math.sqrt(3), rel=0.05)


def test_circles_radii_and_gaussian_noise():
    x, y = _all(make_dataset(ToyDataConfig(name="circles", n=400, noise=0.0)))
    assert torch.allclose(x[y == 0].norm(dim=1), torch.ones(200), atol=1e-6)
    assert torch.allclose(x[y == 1].norm(dim=1), torch.full((200,), 0.5), atol=1e-6)
    noisy, yn = _all(make_dataset(ToyDataConfig(name="circles", n=4000, seed=1)))
    radial = noisy[yn == 0].norm(dim=1) - 1.0
    assert radial.std().item() == pytest.approx(0.05, rel=0.1)


def test_flip1d_is_regression_with_target_minus_x():
    s = make_dataset(ToyDataConfig(name="flip1d", n=100))
    assert s.task == "regression" and s.n_out == 1 and s.in_dim == 1
    assert s.train.x.shape == (80, 1) and s.train.y.shape == (80, 1)
    assert s.train.y.dtype == torch.float32
    assert torch.equal(s.train.y, -s.train.x)
    assert s.train.x.abs().max() <= 1.0


def test_default_noise_differs_per_data_set():
    assert default_noise("moons") == 0.1
    assert default_noise("circles") == 0.05
    assert default_noise("flip1d") == 0.0
    assert ToyDataConfig(name="circles").resolved_noise == 0.05
    assert ToyDataConfig(name="circles", noise=0.2).resolved_noise == 0.2
    assert task_of("moons") == "classification"


def test_seeds_reproduce_and_differ():
    a = make_dataset(ToyDataConfig(name="circles", seed=7))
    b = make_dataset(ToyDataConfig(name="circles", seed=7))
    c = make_dataset(ToyDataConfig(name="circles", seed=8))
    assert torch.equal(a.train.x, b.train.x) and torch.equal(a.test.y, b.test.y)
    assert not torch.equal(a.train.x, c.train.x)


def test_make_dataset_leaves_global_rng_alone():
    before = torch.random.get_rng_state()
    make_dataset(ToyDataConfig(name="moons"))
    assert torch.equal(before, torch.random.get_rng_state())


@pytest.mark.parametrize("kwargs", [{"name": "spirals"}, {"n": 5}, {"noise": -0.1}, {"noise": float("nan")}])
def test_invalid_configs_are_rejected(kwargs):
    with pytest.raises(ValueError):
        ToyDataConfig(**kwargs)


def test_own_points_are_every_split_and_need_two_of_each_class():
    points = ((0.0, 0.0, 0), (0.5, 0.0, 0), (0.0, 1.0, 1), (1.0, 1.5, 1))
    s = make_dataset(ToyDataConfig(name="own", points=points))
    assert s.task == task_of("own") == "classification" and s.n_out == 2 and s.in_dim == 2
    for split in (s.train, s.val, s.test):  # too few to hold any out
        assert split.x.tolist() == [list(p[:2]) for p in points] and split.y.tolist() == [0, 0, 1, 1]
    for bad in (points[1:], ((0.0, 0.0, 0), (1.0, 0.0, 0), (2.0, 0.0, 2), (0.0, 1.0, 1), (1.0, 1.0, 1))):
        with pytest.raises(ValueError):
            ToyDataConfig(name="own", points=bad)
    with pytest.raises(ValueError):
        ToyDataConfig(name="moons", points=points)
