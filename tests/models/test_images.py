"""The image classifiers: shapes, parameter counts, the ODE block's adjoint gradients against backprop, the
seeded data and its shifted minibatches, memory and NFE measurements, read-outs and checkpoints."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from models.images.analysis import confusion_matrix, flow
from models.images.checkpoints import load_image_checkpoint, save_image_checkpoint
from models.images.classifiers import KINDS, ImageModelConfig, build_image_model, count_parameters
from models.images.data import DigitsConfig, make_digits, shifted_minibatches
from models.images.measure import measure_backward, memory_vs_nfe
from models.nn.checkpoints import CheckpointError

SMALL = ImageModelConfig(channels=8, blocks=2, hidden=16)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_maps_images_to_ten_logits(kind: str) -> None:
    model = build_image_model(replace(SMALL, kind=kind))
    assert model(torch.rand(3, 1, 8, 8)).shape == (3, 10)


def test_ode_nets_have_under_a_third_of_the_resnets_parameters() -> None:
    counts = {kind: count_parameters(build_image_model(ImageModelConfig(kind=kind))) for kind in KINDS}
    assert counts["rknet"] == counts["odenet"]
    assert 0.2 < counts["odenet"] / counts["resnet"] < 0.4


def test_weights_come_from_the_seed() -> None:
    a, b = build_image_model(SMALL, seed=1), build_image_model(SMALL, seed=1)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    c = build_image_model(SMALL, seed=2)
    assert not torch.equal(next(a.parameters()), next(c.parameters()))


def _adjoint_gap(tol: float) -> float:
    """Largest gap between the adjoint's and backprop's gradients of the ODE block's weights, relative."""
    model = build_image_model(replace(SMALL, tol=tol, max_nfe=100_000)).double()
    x = torch.rand(2, 1, 8, 8, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    grads = []
    for grad in ("adjoint", "backprop"):
        model.zero_grad()
        solver = replace(model.middle.solver, grad=grad)
        model.head(model.middle(model.stem(x), solver)).square().sum().backward()
        grads.append(torch.cat([p.grad.reshape(-1) for p in model.middle.parameters()]))
    return float((grads[0] - grads[1]).abs().max() / grads[1].abs().max())


def test_adjoint_gradients_equal_backprop_gradients_on_the_ode_block() -> None:
    # A smooth field (softplus): the adjoint's gradients match backprop's to the solve's tolerance, measured
    # 4e-8 at rtol = atol = 1e-8 (the ReLU field stalled at about a percent), and close in as it tightens.
    loose, tight = _adjoint_gap(1e-4), _adjoint_gap(1e-8)
    assert tight < 1e-6 and tight < loose / 1000


def test_digits_split_is_seeded_and_disjoint() -> None:
    a, b = make_digits(DigitsConfig(seed=3)), make_digits(DigitsConfig(seed=3))
    assert torch.equal(a.test[0], b.test[0])
    sizes = [len(s[1]) for s in (a.train, a.val, a.test)]
    assert sum(sizes) == 1797 and sizes[2] == round(1797 * 0.2)
    assert a.train[0].shape[1:] == (1, 8, 8) and 0 <= float(a.train[0].min()) <= float(a.train[0].max()) <= 1


def test_shifted_minibatches_move_images_by_at_most_a_pixel() -> None:
    x = torch.zeros(10, 1, 8, 8)
    x[:, 0, 3:5, 3:5] = 1.0
    y = torch.arange(10)
    batch_x, batch_y = next(shifted_minibatches((x, y), 4, seed=0))
    assert batch_x.shape == (4, 1, 8, 8) and batch_y.shape == (4,)
    assert torch.equal(batch_x.sum(dim=(1, 2, 3)), torch.full((4,), 4.0))  # the square moved, whole
    again, _ = next(shifted_minibatches((x, y), 4, seed=0))
    assert torch.equal(batch_x, again)


def test_backprop_memory_grows_with_nfe_and_the_adjoints_stays_flat() -> None:
    x, y = torch.rand(8, 1, 8, 8), torch.arange(8)
    rk = memory_vs_nfe(build_image_model(replace(SMALL, kind="rknet")), x, y, (1, 4))
    ode = memory_vs_nfe(build_image_model(replace(SMALL, kind="odenet")), x, y, (1e-1, 1e-4))
    assert rk[1].cost.nfe_forward == 4 * rk[0].cost.nfe_forward
    assert rk[1].cost.saved_bytes > 3 * rk[0].cost.saved_bytes
    assert ode[1].cost.nfe_forward > ode[0].cost.nfe_forward
    assert ode[1].cost.saved_bytes == ode[0].cost.saved_bytes
    assert ode[1].cost.nfe_backward > 0 and rk[0].cost.nfe_backward == 0


def test_measure_backward_leaves_no_gradients() -> None:
    model = build_image_model(replace(SMALL, kind="resnet"))
    cost = measure_backward(model, torch.rand(4, 1, 8, 8), torch.arange(4))
    assert cost.saved_bytes > 0 and cost.nfe_forward == 0
    assert all(p.grad is None for p in model.parameters())


@pytest.mark.parametrize("kind", ["resnet", "odenet"])
def test_flow_reads_probabilities_along_depth(kind: str) -> None:
    model = build_image_model(replace(SMALL, kind=kind)).eval()
    read = flow(model, torch.rand(1, 8, 8), n_times=5)
    depth = 5 if kind == "odenet" else SMALL.blocks + 1
    assert read.maps.shape == (depth, 8, 4, 4) and read.probs.shape == (depth, 10)
    assert torch.allclose(read.probs.sum(dim=1), torch.ones(depth))


def test_confusion_matrix_counts_pairs() -> None:
    counts = confusion_matrix(torch.tensor([1, 1, 2]), torch.tensor([1, 2, 2]))
    assert counts.sum() == 3 and counts[1, 1] == 1 and counts[2, 1] == 1 and counts[2, 2] == 1


def test_checkpoint_round_trip_and_bad_files(tmp_path) -> None:
    cfg = replace(SMALL, kind="odenet")
    model = build_image_model(cfg, seed=4)
    save_image_checkpoint(tmp_path / "m.pt", cfg, model.state_dict(), {"test_accuracy": 0.5, "note": "x"})
    loaded = load_image_checkpoint(tmp_path / "m.pt")
    assert loaded.cfg == cfg and loaded.meta["test_accuracy"] == 0.5 and not loaded.model.training
    x = torch.rand(2, 1, 8, 8)
    with torch.no_grad():
        assert torch.equal(loaded.model(x), model.eval()(x))
    (tmp_path / "bad.pt").write_bytes(b"not a checkpoint")
    for name in ("bad.pt", "missing.pt"):
        with pytest.raises(CheckpointError):
            load_image_checkpoint(tmp_path / name)
