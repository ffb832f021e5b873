"""Maximum-likelihood training of the flows through the one trainer (`models.nn.training.fit`), and their
held-out log-likelihood.

The CNF's loss is the mean negative log-likelihood plus its optional kinetic-energy and Jacobian-norm
penalties; each step reports the forward solve's NFE. The planar flow's loss is its exact NLL.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from models.flows.cnf import CNF, Gradients, standard_normal_logp
from models.flows.planar import PlanarFlow
from models.flows.targets import Target, sample_target
from models.nn.samplers import minibatches
from models.nn.training import Batch, OnStep, TrainConfig, TrainResult, fit
from models.ode.solve import SolveError

Flow = CNF | PlanarFlow
#: The held-out draws are seeded apart from every training set.
HELD_OUT_SEED = 10_000


@dataclass(frozen=True)
class FlowData:
    """The training draws of a target: `n` points from `seed`."""

    target: Target = "moons"
    n: int = 4096
    seed: int = 0

    def points(self) -> Tensor:
        return sample_target(self.target, self.n, self.seed)


class FlowLoss:
    """`loss(model, batch)` for `fit`: mean NLL (+ the CNF's penalties), its Hutchinson noise from a seeded
    generator (one draw per solve)."""

    def __init__(self, seed: int = 0, grad: Gradients = "backprop") -> None:
        self.generator = torch.Generator().manual_seed(seed)
        self.grad = grad

    def __call__(self, model: nn.Module, batch: Batch) -> tuple[Tensor, dict[str, float]]:
        (x,) = batch
        if isinstance(model, PlanarFlow):
            nll = -model.log_prob(x).mean()
            return nll, {"loss": nll.item(), "loglik": -nll.item()}
        assert isinstance(model, CNF)
        density = model.log_prob(x, self.grad, self.generator)
        nll = -density.logp.mean()
        kinetic, jacobian = density.kinetic.mean(), density.jacobian.mean()
        loss = nll + model.cfg.kinetic * kinetic + model.cfg.jacobian * jacobian
        return loss, {
            "loss": loss.item(),
            "loglik": -nll.item(),
            "kinetic": kinetic.item(),
            "jacobian": jacobian.item(),
            "nfe_forward": float(density.result.nfe),
        }


def flow_batches(data: FlowData, batch_size: int, seed: int) -> Iterator[Batch]:
    """Seeded minibatches of the target's training draws."""
    return minibatches((data.points(),), batch_size, seed)


def train_flow(
    model: Flow,
    data: FlowData,
    config: TrainConfig,
    on_step: OnStep | None = None,
    loss: FlowLoss | None = None,
) -> TrainResult:
    """Fit `model` to `data` by maximum likelihood; a solve that cannot finish ends training ("error")."""
    return fit(
        model,
        flow_batches(data, config.batch_size, config.seed),
        loss or FlowLoss(config.seed),
        config,
        on_step,
        # torchdiffeq reports a step size collapsing to nothing ("underflow in dt") as an AssertionError.
        stop_on=(SolveError, AssertionError),
    )


def held_out(target: Target, n: int = 2048) -> Tensor:
    """Fresh draws of `target`, never seen in training: (n, 2)."""
    return sample_target(target, n, HELD_OUT_SEED)


def log_likelihood(model: Flow, x: Tensor) -> float:
    """The mean log-likelihood of x: (n, 2) under `model` (exact trace for a CNF, whatever it trains with)."""
    with torch.no_grad():
        if isinstance(model, PlanarFlow):
            return float(model.log_prob(x).mean())
        exact = CNF(dataclasses.replace(model.cfg, trace="exact"))
        exact.field = model.field
        return float(exact.log_prob(x).logp.mean())


def base_log_likelihood(x: Tensor) -> float:
    """The mean log-likelihood of x under the base standard Gaussian (what a flow must beat)."""
    return float(standard_normal_logp(x).mean())


def solve_nfe(model: CNF, x: Tensor) -> tuple[int, int]:
    """Forward and backward NFE of one gradient of the NLL of x: (n, 2) by the adjoint (the backward
    solve's evaluations are what backpropagation costs)."""
    density = model.log_prob(x, "adjoint")
    (-density.logp.mean()).backward()
    model.zero_grad(set_to_none=True)
    return density.result.nfe, density.result.nfe_backward
