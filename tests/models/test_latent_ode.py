"""The latent ODE, its loss, the RNN baseline, training, analysis and checkpoints (small models, seconds)."""

from __future__ import annotations

import math

import pytest
import torch
from torch.distributions import Normal, kl_divergence

from models.latent.analysis import (
    encode_mean,
    extrapolation_scores,
    interpolate_z0,
    interpolation_family,
    latent_extrapolation,
    pca_basis,
    prior_samples,
    project,
)
from models.latent.checkpoints import load_latent_checkpoint, save_latent_checkpoint
from models.latent.losses import ELBOLoss, ExtrapolationLoss, WindowConfig
from models.latent.model import LatentODE, LatentODEConfig, kl_to_standard_normal, negative_elbo
from models.latent.rnn import RNNBaseline, RNNConfig
from models.latent.spirals import SpiralConfig, make_spirals
from models.nn.checkpoints import CheckpointError
from models.nn.supervised import evaluate, fit_splits
from models.nn.training import TrainConfig

DATA = SpiralConfig(dynamics="shared", n_spirals=24, n_val=4, n_test=4, n_points=40, t_max=6.0)
DT = DATA.dt
TINY = LatentODEConfig(latent_dim=4, hidden=16, rnn_hidden=8, dec_hidden=8, step_size=DT)


@pytest.fixture(scope="module")
def data():
    return make_spirals(DATA)


def test_shapes(data):
    model = LatentODE(TINY)
    x = data.train[0][:5]
    mean, logvar = model.encode(x[:, :10], data.t[:10])
    assert mean.shape == logvar.shape == (5, 4)
    assert model.decode(mean, data.t).shape == (5, 40, 2)
    assert model.latent_path(mean, data.t).shape == (5, 40, 4)
    x_hat, mean2, _ = model(x[:, :10], data.t[:10], data.t[::2], torch.Generator().manual_seed(0))
    assert x_hat.shape == (5, 20, 2) and torch.equal(mean, mean2)


def test_kl_matches_the_closed_form_of_torch_distributions():
    g = torch.Generator().manual_seed(0)
    mean, logvar = torch.randn(6, 5, generator=g), torch.randn(6, 5, generator=g)
    expected = kl_divergence(Normal(mean, (0.5 * logvar).exp()), Normal(0.0, 1.0)).sum(dim=-1)
    assert torch.allclose(kl_to_standard_normal(mean, logvar), expected, atol=1e-5)
    assert torch.allclose(kl_to_standard_normal(torch.zeros(2, 3), torch.zeros(2, 3)), torch.zeros(2))


def test_negative_elbo_is_the_per_point_formula():
    x, x_hat = torch.zeros(2, 4, 2), torch.full((2, 4, 2), 0.1)
    mean, logvar = torch.ones(2, 3), torch.zeros(2, 3)
    loss, recon, kl = negative_elbo(x, x_hat, mean, logvar, obs_sigma=0.1)
    # Each spiral: 0.5 * 8 * 0.01 / 0.01 = 4 over 4 points; KL = 0.5 * 3 = 1.5 over 4 points.
    assert recon.item() == pytest.approx(1.0) and kl.item() == pytest.approx(0.375)
    assert loss.item() == pytest.approx(1.375)


def test_encoder_reads_time_backwards(data):
    model = LatentODE(TINY)
    x, t = data.train[0][:3, :8], data.t[:8]
    gru = model.encoder.gru
    cell = torch.nn.GRUCell(3, 8)
    cell.load_state_dict(
        {
            "weight_ih": gru.weight_ih_l0,
            "weight_hh": gru.weight_hh_l0,
            "bias_ih": gru.bias_ih_l0,
            "bias_hh": gru.bias_hh_l0,
        }
    )

    def read(order: list[int]) -> torch.Tensor:
        h = torch.zeros(3, 8)
        previous = None
        for i in order:
            gap = 0.0 if previous is None else abs(float(t[previous] - t[i]))
            h = cell(torch.cat([x[:, i], torch.full((3, 1), gap)], dim=1), h)
            previous = i
        return model.encoder.head(h).chunk(2, dim=-1)[0]

    with torch.no_grad():
        mean, _ = model.encode(x, t)
        assert torch.allclose(mean, read(list(range(7, -1, -1))), atol=1e-5)
        assert not torch.allclose(mean, read(list(range(8))), atol=1e-3)


def test_decoding_at_arbitrary_times(data):
    model = LatentODE(TINY)
    z0 = torch.randn(3, 4, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        full = model.decode(z0, data.t)
        # A subset of the grid (same end) gets the same values: the steps do not depend on the query.
        idx = torch.tensor([0, 3, 7, 20, 39])
        assert torch.allclose(model.decode(z0, data.t[idx]), full[:, idx], atol=1e-5)
        # Times between steps, starting after t0, with a finer step: close to the fine solution.
        t = torch.tensor([0.37, 1.234, 2.5, 5.55])
        fine = model.decode(z0, t, t0=0.0, step_size=DT / 8)
        assert model.decode(z0, t, t0=0.0).shape == (3, 4, 2)
        assert torch.allclose(model.decode(z0, t, t0=0.0, step_size=DT / 4), fine, atol=1e-4)
        assert torch.allclose(model.decode(z0, t, t0=0.0), fine, atol=0.05)  # linear between coarse steps
        assert torch.allclose(
            fine[:, 2], model.decode(z0, data.t[:1].new_tensor([0.0, 2.5]), step_size=DT / 8)[:, 1], atol=1e-5
        )
        dopri = LatentODE(
            LatentODEConfig(**{**TINY.to_dict(), "method": "dopri5", "rtol": 1e-6, "atol": 1e-7})
        )
        dopri.load_state_dict(model.state_dict())
        assert torch.allclose(dopri.decode(z0, t, t0=0.0), fine, atol=1e-4)
    with pytest.raises(ValueError, match="before"):
        model.decode(z0, t, t0=1.0)
    with pytest.raises(ValueError, match="increasing"):
        model.decode(z0, torch.tensor([0.0, 2.0, 1.0]))


def test_interpolation_endpoints_decode_the_two_encodings(data):
    model = LatentODE(TINY)
    obs, t = data.held_out.obs, data.t
    with torch.no_grad():
        z_a, z_b = encode_mean(model, obs[0], t), encode_mean(model, obs[1], t)
        family = interpolation_family(model, z_a, z_b, torch.tensor([0.0, 0.5, 1.0]), t)
        assert torch.allclose(family[0], model.decode(z_a[None], t)[0], atol=1e-6)
        assert torch.allclose(family[2], model.decode(z_b[None], t)[0], atol=1e-6)
        assert torch.allclose(interpolate_z0(z_a, z_b, torch.tensor([0.5]))[0], (z_a + z_b) / 2, atol=1e-6)


def test_reparameterised_sample_is_seeded_and_the_mean_without_a_generator():
    mean, logvar = torch.zeros(4, 3), torch.full((4, 3), math.log(4.0))
    a = LatentODE.sample(mean, logvar, torch.Generator().manual_seed(0))
    b = LatentODE.sample(mean, logvar, torch.Generator().manual_seed(0))
    assert torch.equal(a, b) and not torch.equal(a, mean)
    big = LatentODE.sample(
        torch.zeros(20000, 1), torch.full((20000, 1), math.log(4.0)), torch.Generator().manual_seed(1)
    )
    assert big.std().item() == pytest.approx(2.0, rel=0.03)
    assert torch.equal(LatentODE.sample(mean, logvar, None), mean)


def test_construction_is_seeded_and_leaves_the_global_rng_alone():
    state = torch.random.get_rng_state()
    a, b, c = LatentODE(TINY, seed=3), LatentODE(TINY, seed=3), LatentODE(TINY, seed=4)
    r1, r2 = RNNBaseline(RNNConfig(hidden=8), seed=3), RNNBaseline(RNNConfig(hidden=8), seed=3)
    assert torch.equal(torch.random.get_rng_state(), state)
    for (name, p), q in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        assert torch.equal(p, q), name
    assert not all(torch.equal(p, r) for p, r in zip(a.parameters(), c.parameters(), strict=True))
    assert all(torch.equal(p, q) for p, q in zip(r1.parameters(), r2.parameters(), strict=True))


def test_rnn_shapes_and_rollout_continues_teacher_forcing(data):
    rnn = RNNBaseline(RNNConfig(hidden=8))
    x, t = data.train[0][:3], data.t
    with torch.no_grad():
        teacher = rnn(x, t)
        assert teacher.shape == (3, 39, 2)
        future = rnn.extrapolate(x[:, :10], t[:10], t[10:])
        assert future.shape == (3, 30, 2)
        # The first future point is the teacher-forced prediction from the same ten points.
        assert torch.allclose(future[:, 0], teacher[:, 9], atol=1e-6)


def test_a_few_training_steps_lower_both_losses(data):
    latent, rnn = LatentODE(TINY), RNNBaseline(RNNConfig(hidden=16))
    windows = WindowConfig(window=40, observed=(10, 20), eval_observed=10)
    elbo, extra = ELBOLoss(data.t, windows), ExtrapolationLoss(data.t, windows)
    before = evaluate(latent, data.val, elbo)["loss"], evaluate(rnn, data.val, extra)["loss"]
    cfg = TrainConfig(steps=40, lr=2e-2, batch_size=10, eval_every=0)
    fit_splits(latent, data, elbo, cfg)
    fit_splits(rnn, data, extra, cfg)
    after = evaluate(latent, data.val, elbo)["loss"], evaluate(rnn, data.val, extra)["loss"]
    assert after[0] < 0.85 * before[0] and after[1] < 0.85 * before[1], (before, after)


def test_windows_are_seeded_and_strided(data):
    model = LatentODE(TINY)
    loss = ELBOLoss(data.t, WindowConfig(window=20, observed=(5,), stride=4, seed=0))
    again = ELBOLoss(data.t, WindowConfig(window=20, observed=(5,), stride=4, seed=0))
    batch = (data.train[0][:4],)
    assert loss(model, batch)[1] == again(model, batch)[1]
    xw, tw, m = loss.window(batch[0], training=True)
    assert (
        xw.shape == (4, 20, 2)
        and m == 5
        and torch.allclose(tw[1:] - tw[:-1], torch.full((19,), DT), atol=1e-5)
    )
    xw, tw, m = loss.window(batch[0], training=False)
    assert xw.shape == (4, 40, 2) and tw[0] == 0 and m == 40  # eval_observed (50) capped at the 40 points
    with pytest.raises(ValueError):
        WindowConfig(stride=0)


def test_analysis_scores_prior_and_pca(data):
    latent, rnn = LatentODE(TINY), RNNBaseline(RNNConfig(hidden=8))
    with torch.no_grad():
        scores = extrapolation_scores(latent, rnn, data.held_out, ks=(10, 20))
        decoded, path = latent_extrapolation(latent, data.held_out.obs, data.t, 10)
        expected = (decoded[:, 10:] - data.held_out.true[:, 10:]).pow(2).mean().sqrt().item()
        assert [s.k for s in scores] == [10, 20] and scores[0].latent_rmse == pytest.approx(
            expected, rel=1e-5
        )
        assert scores[0].ratio == pytest.approx(scores[0].rnn_rmse / scores[0].latent_rmse)
        assert scores[1].origin_rmse == pytest.approx(data.held_out.true[:, 20:].pow(2).mean().sqrt().item())
        fine = extrapolation_scores(latent, rnn, data.held_out, ks=(10,), step_size=DT / 4)[0]
        assert fine.latent_rmse == pytest.approx(scores[0].latent_rmse, rel=0.05)  # same ODE, finer steps
        samples = prior_samples(latent, 3, seed=5, t=data.t)
        assert samples.shape == (3, 40, 2) and torch.equal(samples, prior_samples(latent, 3, 5, data.t))
        center, basis = pca_basis(path, dims=3)
        assert torch.allclose(basis @ basis.T, torch.eye(3), atol=1e-5)
        projected = project(path, center, basis)
        assert projected.shape == (4, 40, 3)
        # The top direction carries at least as much variance as any other unit direction tried.
        var = projected.reshape(-1, 3).var(dim=0)
        assert var[0] >= var[1] >= var[2]


def test_checkpoints_round_trip_with_weights_only(tmp_path, data):
    latent, rnn = LatentODE(TINY, seed=2), RNNBaseline(RNNConfig(hidden=8), seed=2)
    save_latent_checkpoint(tmp_path / "latent.pt", latent, {"data": {"n_points": 40}, "scores": [0.1, 0.2]})
    save_latent_checkpoint(tmp_path / "rnn.pt", rnn)
    payload = torch.load(tmp_path / "latent.pt", weights_only=True)  # plain tensors and primitives only
    assert payload["kind"] == "latent_ode" and payload["config"] == TINY.to_dict()
    loaded = load_latent_checkpoint(tmp_path / "latent.pt", "latent_ode")
    assert not loaded.model.training and loaded.meta["scores"] == [0.1, 0.2]
    with torch.no_grad():
        z0 = torch.ones(1, 4)
        assert torch.equal(loaded.model.decode(z0, data.t), latent.decode(z0, data.t))
    assert isinstance(load_latent_checkpoint(tmp_path / "rnn.pt", "rnn").model, RNNBaseline)


def test_bad_checkpoints_raise_one_line_errors(tmp_path):
    with pytest.raises(CheckpointError, match="not found"):
        load_latent_checkpoint(tmp_path / "missing.pt", "latent_ode")
    (tmp_path / "corrupt.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="unreadable"):
        load_latent_checkpoint(tmp_path / "corrupt.pt", "latent_ode")
    save_latent_checkpoint(tmp_path / "rnn.pt", RNNBaseline(RNNConfig(hidden=8)))
    with pytest.raises(CheckpointError, match="not 'latent_ode'"):
        load_latent_checkpoint(tmp_path / "rnn.pt", "latent_ode")
    payload = torch.load(tmp_path / "rnn.pt", weights_only=True)
    payload["config"]["hidden"] = 9
    torch.save(payload, tmp_path / "mismatch.pt")
    with pytest.raises(CheckpointError, match="does not fit"):
        load_latent_checkpoint(tmp_path / "mismatch.pt", "rnn")
    with pytest.raises(TypeError):
        save_latent_checkpoint(tmp_path / "x.pt", RNNBaseline(RNNConfig(hidden=8)), {"bad": object()})


@pytest.mark.parametrize(
    "kwargs", [{"latent_dim": 0}, {"method": "euler"}, {"step_size": 0.0}, {"obs_sigma": float("nan")}]
)
def test_bad_model_configs_are_rejected(kwargs):
    with pytest.raises(ValueError):
        LatentODEConfig(**kwargs)
