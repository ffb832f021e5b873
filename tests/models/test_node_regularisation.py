"""The kinetic/Jacobian penalties of NODE and ANODE (models/node_anode/regularisation.py): zero for a zero
field, positive otherwise, exact and Hutchinson agree on average, and regularised training keeps NFE down."""

from __future__ import annotations

import pytest
import torch

from models.nn.supervised import cross_entropy_loss, evaluate, fit_splits
from models.nn.training import TrainConfig
from models.node_anode.classifiers import Architecture, ModelConfig, build_model
from models.node_anode.data import ToyDataConfig, make_dataset
from models.node_anode.regularisation import (
    Regularisation,
    RegularisedLoss,
    classification_loss,
    penalised_forward,
)


def _model(kind: str = "node", seed: int = 0):
    return build_model(ModelConfig(Architecture(kind=kind, hidden=16)), 2, 2, seed=seed)


def _x(n: int = 32) -> torch.Tensor:
    return torch.randn(n, 2, generator=torch.Generator().manual_seed(1))


@pytest.mark.parametrize("kind", ["node", "anode"])
@pytest.mark.parametrize("estimate", ["hutchinson", "exact"])
def test_penalties_are_zero_for_a_zero_field_and_positive_otherwise(kind, estimate):
    reg = Regularisation(1.0, 1.0, estimate=estimate)
    model = _model(kind)
    out = penalised_forward(model, _x(), reg, torch.Generator().manual_seed(0))
    assert (out.kinetic > 0).all() and (out.jacobian > 0).all()
    last = model.func.net[-1]
    with torch.no_grad():
        last.weight.zero_()
        last.bias.zero_()
    zero = penalised_forward(model, _x(), reg, torch.Generator().manual_seed(0))
    assert torch.count_nonzero(zero.kinetic) == 0 and torch.count_nonzero(zero.jacobian) == 0
    plain = model(_x())
    torch.testing.assert_close(zero.outputs, plain)  # f = 0: the state never moves


def test_outputs_match_the_plain_forward_and_hutchinson_is_unbiased():
    model = _model()
    x = _x(256)
    with torch.no_grad():
        exact = penalised_forward(model, x, Regularisation(1.0, 1.0, estimate="exact"), torch.Generator())
        torch.testing.assert_close(exact.outputs, model(x), atol=1e-3, rtol=1e-3)
        draws = [torch.Generator().manual_seed(s) for s in range(8)]
        estimates = [
            float(penalised_forward(model, x, Regularisation(1.0, 1.0), g).jacobian.mean()) for g in draws
        ]
    assert abs(sum(estimates) / len(estimates) / float(exact.jacobian.mean()) - 1) < 0.1


def test_the_loss_adds_the_weighted_penalties_and_is_plain_in_eval_mode():
    model = _model()
    x, y = _x(), torch.randint(0, 2, (32,), generator=torch.Generator().manual_seed(2))
    loss, metrics = RegularisedLoss(Regularisation(0.5, 0.25, estimate="exact"))(model, (x, y))
    expected = metrics["task_loss"] + 0.5 * metrics["kinetic"] + 0.25 * metrics["jacobian"]
    assert loss.item() == pytest.approx(expected, rel=1e-5)
    loss.backward()
    assert all(p.grad is not None for p in model.func.parameters())
    model.eval()
    _, plain = RegularisedLoss(Regularisation(0.5, 0.25))(model, (x, y))
    assert set(plain) == {"loss", "accuracy"}
    assert classification_loss(Regularisation()) is cross_entropy_loss


def test_regularised_training_needs_fewer_evaluations():
    data = make_dataset(ToyDataConfig("circles", n=200, seed=0))
    config = TrainConfig(steps=40, lr=0.05, batch_size=100_000, eval_every=0)
    nfe = {}
    for weight in (0.0, 0.1):
        model = _model()
        fit_splits(model, data, classification_loss(Regularisation.both(weight)), config)
        nfe[weight] = evaluate(model, data.train)["nfe_forward"]
    assert nfe[0.1] < nfe[0.0], nfe
