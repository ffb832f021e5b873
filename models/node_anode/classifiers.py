"""Neural ODE, Augmented Neural ODE and ResNet classifiers/regressors built on the same MLP block, and
their config: an `Architecture` plus the `ModelSolver` that runs it.

All three map x: (n, d) to outputs (n, n_out) and expose the hidden-state path through
`trajectory(x, t) -> (T, n, d + p)` for plotting.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from typing import Any, Literal

import torch
from torch import Tensor, nn

from models.nn.odefunc import ACTIVATIONS, Activation, ODEFunc, seeded_linear
from models.ode.methods import BY_TORCHDIFFEQ_NAME
from models.ode.solve import UNTIMED, FixedStep, SolverConfig, StepControl, Tolerances, solve

ModelKind = Literal["node", "anode", "resnet"]
Readout = Literal["auto", "linear", "identity"]
MODEL_KINDS: tuple[ModelKind, ...] = ("node", "anode", "resnet")
#: Solvers by torchdiffeq's names (checkpoints and links say "rk4" for its 3/8 rule): the registry's methods
#: torchdiffeq runs, adaptive or fixed-step.
ADAPTIVE_SOLVERS = tuple(name for name, m in BY_TORCHDIFFEQ_NAME.items() if m.adaptive)
FIXED_SOLVERS = tuple(name for name, m in BY_TORCHDIFFEQ_NAME.items() if not m.adaptive)


@dataclass(frozen=True)
class Architecture:
    """What a model is: the shapes and meaning of its weights, whatever solver runs it.

    Attributes:
        kind: "node" (state = input), "anode" (input plus `augment_dim` zeros) or "resnet"
            (`resnet_depth` discrete steps y <- y + h f_l(y) with h = `resnet_step`, one block per layer).
        hidden: width of the MLP vector field.
        layers: hidden layers in the MLP (1: Linear-act-Linear; the circles NODE of the tutorial uses 2).
        augment_dim: extra zero dimensions p (ANODE only).
        time_dependent: feed t to f as an extra input.
        activation: non-linearity of f.
        readout: "linear" (a Linear head on the final state), "identity" (the first n_out coordinates of
            the final state) or "auto" (linear for anode, identity for node and resnet).
        resnet_depth: number of ResNet layers.
        resnet_step: ResNet step h (1.0: the classic ResNet, an Euler step with h = 1); layer l sits at
            time l * h.
        t1: end time of the ODE flow (integration over [0, t1]); ResNets end at depth * h instead.
    """

    kind: ModelKind = "node"
    hidden: int = 64
    layers: int = 1
    augment_dim: int = 1
    time_dependent: bool = False
    activation: Activation = "tanh"
    readout: Readout = "auto"
    resnet_depth: int = 3
    resnet_step: float = 1.0
    t1: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in MODEL_KINDS:
            raise ValueError(f"unknown model kind {self.kind!r}; expected one of {MODEL_KINDS}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r}; expected one of {ACTIVATIONS}")
        if self.readout not in ("auto", "linear", "identity"):
            raise ValueError(f"unknown readout {self.readout!r}")
        if self.hidden < 1 or self.layers < 1 or self.resnet_depth < 1 or self.augment_dim < 0:
            raise ValueError("hidden, layers and resnet_depth must be >= 1 and augment_dim >= 0")
        if not (self.t1 > 0 and self.resnet_step > 0):
            raise ValueError("t1 and resnet_step must be positive")

    @property
    def resolved_readout(self) -> Literal["linear", "identity"]:
        """The readout after resolving "auto"."""
        if self.readout != "auto":
            return self.readout
        return "linear" if self.kind == "anode" else "identity"


@dataclass(frozen=True)
class ModelSolver:
    """How a model's flow is solved: a method by torchdiffeq's name, the step control it takes, gradients
    by backprop or adjoint, and an NFE cap.

    Not the one solve's `SolverConfig` itself: a model's solve always has gradients, is untimed (its
    outputs must not depend on the machine's speed) and is bounded only by `max_nfe`, so those are all
    it keeps; `solver_config()` builds the rest.

    Attributes:
        method: adaptive (dopri5, ...) or fixed-grid (euler, rk4 = the 3/8 rule, ...).
        step: `Tolerances` for an adaptive method, `FixedStep` (h None: one step over [0, t1]) for a
            fixed-grid one; the wrong one is refused.
        adjoint: train with the adjoint method (O(1) memory) instead of backprop through the solver.
        max_nfe: cap on evaluations of f per solve, its adjoint backward solve included; beyond it
            the solve raises `BudgetExceeded`.
    """

    method: str = "dopri5"
    step: StepControl = Tolerances(1e-3, 1e-3)
    adjoint: bool = False
    max_nfe: int = 10_000

    def __post_init__(self) -> None:
        if self.method not in BY_TORCHDIFFEQ_NAME:
            raise ValueError(
                f"unknown solver {self.method!r}; expected one of {ADAPTIVE_SOLVERS + FIXED_SOLVERS}"
            )
        step = self.step
        if isinstance(step, Tolerances) and not (step.rtol > 0 and step.atol > 0):
            raise ValueError(f"tolerances must be positive, got {step}")
        if isinstance(step, FixedStep) and step.h is not None and not step.h > 0:
            raise ValueError(f"step size must be positive, got {step.h}")
        if self.max_nfe < 1:
            raise ValueError(f"max_nfe must be >= 1, got {self.max_nfe}")
        self.solver_config()  # the one solve's own check that the step control fits the method

    def solver_config(self) -> SolverConfig:
        """The one solve's config for a model's flow: backprop or adjoint, within `max_nfe`."""
        return replace(
            UNTIMED,
            method=BY_TORCHDIFFEQ_NAME[self.method].key,
            step=self.step,
            budget=replace(UNTIMED.budget, max_nfe=self.max_nfe),
            grad="adjoint" if self.adjoint else "backprop",
        )


@dataclass(frozen=True)
class ModelConfig:
    """A model: its architecture and the solver that runs it. Two configs with equal `arch` have
    interchangeable weights."""

    arch: Architecture = Architecture()
    solver: ModelSolver = ModelSolver()

    def to_dict(self) -> dict[str, object]:
        """The config as nested dicts of primitives (for checkpoints); `from_dict` reads it back."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelConfig:
        """The config `to_dict` wrote; the step control's fields say which it is ("h" or tolerances)."""
        solver = dict(d["solver"])
        step = solver.pop("step")
        return cls(
            Architecture(**d["arch"]),
            ModelSolver(step=FixedStep(**step) if "h" in step else Tolerances(**step), **solver),
        )


def _make_readout(
    readout: Literal["linear", "identity"], state_dim: int, n_out: int, generator: torch.Generator
) -> nn.Module:
    if readout == "linear":
        return seeded_linear(state_dim, n_out, generator)
    if n_out > state_dim:
        raise ValueError(f"identity readout needs n_out <= state dim, got {n_out} > {state_dim}")
    return _FirstCoordinates(n_out)


class _FirstCoordinates(nn.Module):
    """Readout that keeps the first `n` coordinates of the state (the logits are the state itself)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def forward(self, z: Tensor) -> Tensor:
        return z[..., : self.n]


class NeuralODE(nn.Module):
    """z(0) = [x, 0_p], z(t1) = ODESolve(f, z(0), 0, t1), output = readout(z(t1)).

    With p = 0 and the identity readout this is the tutorial's NODE (logits = final state).
    """

    def __init__(
        self, cfg: ModelConfig, in_dim: int, n_out: int, generator: torch.Generator, augment_dim: int = 0
    ) -> None:
        super().__init__()
        self.cfg = cfg
        self.in_dim = in_dim
        self.augment_dim = augment_dim
        self.state_dim = in_dim + augment_dim
        arch = cfg.arch
        self.func = ODEFunc(
            self.state_dim, arch.hidden, generator, arch.time_dependent, arch.activation, arch.layers
        )
        self.readout = _make_readout(arch.resolved_readout, self.state_dim, n_out, generator)

    @property
    def end_time(self) -> float:
        """Time at which the output is read: t1."""
        return self.cfg.arch.t1

    def initial_state(self, x: Tensor) -> Tensor:
        """x: (n, d) -> z(0): (n, d + p), the augmented coordinates set to zero."""
        if self.augment_dim == 0:
            return x
        return torch.cat([x, x.new_zeros(x.shape[0], self.augment_dim)], dim=1)

    def trajectory(self, x: Tensor, t: Tensor) -> Tensor:
        """Hidden states at times t.

        Args:
            x: (n, d) inputs.
            t: (T,) increasing times, t[0] = 0 for the path from the input.

        Returns:
            (T, n, d + p) states z(t).

        Raises:
            BudgetExceeded: if the solve (with its adjoint backward) needs more than `cfg.solver.max_nfe`
                evaluations of f.
        """
        return solve(self.func, self.initial_state(x), t.to(x), self.cfg.solver.solver_config()).y

    def forward(self, x: Tensor) -> Tensor:
        """x: (n, d) -> outputs (n, n_out) (class logits or regression predictions)."""
        t = torch.tensor([0.0, self.cfg.arch.t1])
        return self.readout(self.trajectory(x, t)[-1])


class AugmentedNeuralODE(NeuralODE):
    """ANODE: a Neural ODE in R^{d+p} with `cfg.arch.augment_dim` zeros appended to the input."""

    def __init__(self, cfg: ModelConfig, in_dim: int, n_out: int, generator: torch.Generator) -> None:
        super().__init__(cfg, in_dim, n_out, generator, augment_dim=cfg.arch.augment_dim)


class ResNet(nn.Module):
    """Discrete counterpart: y_{l+1} = y_l + h f_l(t_l, y_l), t_l = l h, one MLP block per layer.

    Its steps are large Euler steps, so paths may cross, which no ODE flow can do.
    """

    def __init__(self, cfg: ModelConfig, in_dim: int, n_out: int, generator: torch.Generator) -> None:
        super().__init__()
        self.cfg = cfg
        self.in_dim = in_dim
        self.state_dim = in_dim
        arch = cfg.arch
        self.depth = arch.resnet_depth
        self.h = arch.resnet_step
        self.blocks = nn.ModuleList(
            ODEFunc(in_dim, arch.hidden, generator, arch.time_dependent, arch.activation, arch.layers)
            for _ in range(self.depth)
        )
        self.readout = _make_readout(arch.resolved_readout, in_dim, n_out, generator)

    @property
    def end_time(self) -> float:
        """Time of the last layer: depth * h."""
        return self.depth * self.h

    def layer_states(self, x: Tensor) -> Tensor:
        """x: (n, d) -> (depth + 1, n, d) states after each layer, at times l * h."""
        states = [x]
        for layer, block in enumerate(self.blocks):
            t = torch.tensor(layer * self.h, dtype=x.dtype)
            states.append(states[-1] + self.h * block(t, states[-1]))
        return torch.stack(states)

    def trajectory(self, x: Tensor, t: Tensor) -> Tensor:
        """States along the Euler polygon (straight lines between layers) at times t.

        Args:
            x: (n, d) inputs.
            t: (T,) times in [0, end_time].

        Returns:
            (T, n, d) states.
        """
        if t.numel() and (t.min() < 0 or t.max() > self.end_time * (1 + 1e-6)):
            raise ValueError(f"ResNet times must lie in [0, {self.end_time}]")
        states = self.layer_states(x)
        pos = t.to(x) / self.h
        idx = pos.floor().long().clamp(0, self.depth - 1)
        w = (pos - idx.to(x))[:, None, None]
        return states[idx] * (1 - w) + states[idx + 1] * w

    def forward(self, x: Tensor) -> Tensor:
        """x: (n, d) -> outputs (n, n_out)."""
        return self.readout(self.layer_states(x)[-1])


def build_model(cfg: ModelConfig, in_dim: int, n_out: int, seed: int) -> nn.Module:
    """Build the model `cfg` describes, its parameters drawn from a generator seeded with `seed`.

    Args:
        cfg: architecture and solver.
        in_dim: input dimension d.
        n_out: number of classes (logits) or regression outputs.
        seed: initialisation seed; the global RNG is left untouched.

    Returns:
        A `NeuralODE`, `AugmentedNeuralODE` or `ResNet`.
    """
    generator = torch.Generator().manual_seed(seed)
    model_class = {"node": NeuralODE, "anode": AugmentedNeuralODE, "resnet": ResNet}[cfg.arch.kind]
    return model_class(cfg, in_dim, n_out, generator)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable scalars."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
