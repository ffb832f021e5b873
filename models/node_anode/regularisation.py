"""Taming NFE (Finlay et al. 2020, SCIENCE.md §8-9): the kinetic energy |f|^2 and the Jacobian's squared
Frobenius norm integrated along a Neural ODE's (or ANODE's) own solve, as penalties added to its task loss.

The integrals ride along the solve as two extra state columns, computed by the flows' one divergence code
(`models.flows.cnf.divergence`: Hutchinson's |e^T J|^2, its noise drawn once per solve, or exact); the
solve is the classifier's own (`models.ode.solve` with its `ModelSolver`), so NFE is counted as always.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from models.flows.cnf import Noise, divergence, draw_noise
from models.nn.supervised import loss_for_task
from models.nn.training import Batch, LossFn
from models.node_anode.classifiers import NeuralODE
from models.ode.solve import solve

JacobianEstimate = Literal["hutchinson", "exact"]
Task = Literal["classification", "regression"]


@dataclass(frozen=True)
class Regularisation:
    """Weights of the two penalties (both 0: the plain task loss) and how the Jacobian norm is estimated.

    Attributes:
        kinetic: weight of the integrated kinetic energy, mean over rows of int_0^t1 |f|^2 dt.
        jacobian: weight of the integrated squared Frobenius norm of df/dz.
        estimate: "hutchinson" (one probe per row, drawn once per solve) or "exact" (one autograd call per
            state dimension).
        noise: Hutchinson's probe distribution.
        seed: seed of the probes' generator.
    """

    kinetic: float = 0.0
    jacobian: float = 0.0
    estimate: JacobianEstimate = "hutchinson"
    noise: Noise = "rademacher"
    seed: int = 0

    def __post_init__(self) -> None:
        if not (self.kinetic >= 0 and self.jacobian >= 0):
            raise ValueError(f"penalty weights must be >= 0, got {self.kinetic}, {self.jacobian}")
        if self.estimate not in ("hutchinson", "exact"):
            raise ValueError(f"unknown Jacobian estimate {self.estimate!r}")

    @property
    def active(self) -> bool:
        """Whether any penalty is on."""
        return self.kinetic > 0 or self.jacobian > 0

    @classmethod
    def both(cls, weight: float, seed: int = 0) -> Regularisation:
        """Kinetic and Jacobian penalties with the same weight (Finlay et al.'s usual setting)."""
        return cls(kinetic=weight, jacobian=weight, seed=seed)


class PenalisedField(nn.Module):
    """The state (z, kinetic, jacobian) of any field f(t, z) of d dimensions, for the one solve:
    dz/dt = f, d kinetic/dt = |f|^2, d jacobian/dt = |df/dz|_F^2 (estimated with `noise`, None: exact).

    The field's own NFE counter counts each evaluation once; autograd's Jacobian calls add none.
    """

    def __init__(self, field: nn.Module, dim: int, noise: Tensor | None) -> None:
        super().__init__()
        self.field = field
        self.dim = dim
        self.noise = noise

    def forward(self, t: Tensor, y: Tensor) -> Tensor:
        outer = torch.is_grad_enabled()
        with torch.enable_grad():
            z = y[:, : self.dim]
            if not z.requires_grad:
                z = z.detach().requires_grad_(True)
            f = self.field(t, z)
            _, frobenius = divergence(f, z, self.noise, create_graph=outer)
        out = torch.cat([f, (f**2).sum(1, keepdim=True), frobenius[:, None]], dim=1)
        return out if outer else out.detach()


class Penalised(NamedTuple):
    """A model's outputs with the integrated penalties: logits (n, n_out), kinetic and jacobian (n,)."""

    outputs: Tensor
    kinetic: Tensor
    jacobian: Tensor


def penalised_forward(
    model: NeuralODE, x: Tensor, reg: Regularisation, generator: torch.Generator
) -> Penalised:
    """The model's outputs for x: (n, d) and the penalties integrated along the same solve (its solver,
    budget and gradient mode), Hutchinson's probes drawn from `generator`."""
    z0 = model.initial_state(x)
    dim = model.state_dim
    noise = None if reg.estimate == "exact" else draw_noise((x.shape[0], dim), reg.noise, generator)
    y0 = torch.cat([z0, z0.new_zeros(x.shape[0], 2)], dim=1)
    t = torch.tensor([0.0, model.end_time]).to(x)
    end = solve(PenalisedField(model.func, dim, noise), y0, t, model.cfg.solver.solver_config()).y[-1]
    return Penalised(model.readout(end[:, :dim]), end[:, dim], end[:, dim + 1])


class RegularisedLoss:
    """`loss(model, batch)` for `nn.training.fit`: the task's loss (cross-entropy, or the MSE of a
    regression) plus the weighted penalties of a NeuralODE or ANODE; metrics loss, task_loss, accuracy (of a
    classification), kinetic and jacobian (the integrals' batch means).

    In eval mode (validation and test in `nn.supervised`) it is the task's plain loss of the plain forward,
    so held-out accuracy and NFE are those of the model as it is used, without the penalty columns.
    """

    def __init__(self, reg: Regularisation, task: Task = "classification") -> None:
        self.reg = reg
        self.task = task
        self.generator = torch.Generator().manual_seed(reg.seed)

    def __call__(self, model: nn.Module, batch: Batch) -> tuple[Tensor, dict[str, float]]:
        if not isinstance(model, NeuralODE):
            raise TypeError(f"regularisation needs a NeuralODE or ANODE, got {type(model).__name__}")
        if not model.training:
            return loss_for_task(self.task)(model, batch)
        x, y = batch[0], batch[1]
        out = penalised_forward(model, x, self.reg, self.generator)
        classify = self.task == "classification"
        task = F.cross_entropy(out.outputs, y) if classify else F.mse_loss(out.outputs, y)
        kinetic, jacobian = out.kinetic.mean(), out.jacobian.mean()
        loss = task + self.reg.kinetic * kinetic + self.reg.jacobian * jacobian
        metrics = {"loss": loss.item(), "task_loss": task.item()}
        if classify:
            metrics["accuracy"] = (out.outputs.argmax(dim=1) == y).float().mean().item()
        return loss, {**metrics, "kinetic": kinetic.item(), "jacobian": jacobian.item()}


def task_loss(reg: Regularisation, task: Task = "classification") -> LossFn:
    """The task's plain loss when no penalty is on, else the regularised loss."""
    return RegularisedLoss(reg, task) if reg.active else loss_for_task(task)


def classification_loss(reg: Regularisation) -> LossFn:
    """The plain cross-entropy when no penalty is on, else the regularised loss."""
    return task_loss(reg, "classification")
