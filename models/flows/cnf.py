"""The 2-D continuous normalizing flow: dz/dt = f(z, t) carries a standard Gaussian at t = 0 to the data at
t = t1, and d log p(z(t))/dt = -tr(df/dz) carries its log-density (SCIENCE.md §8).

The trace is exact (one autograd call per dimension) or Hutchinson's estimate e^T (df/dz) e, its noise drawn
once per solve (or, to show why not, at every evaluation). Optional penalties (Finlay et al. 2020) integrate
the kinetic energy |f|^2 and the Jacobian's squared Frobenius norm alongside. Every solve is `models.ode.solve`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Literal, NamedTuple

import torch
from torch import Tensor, nn

from models.nn.odefunc import seeded_linear
from models.ode.solve import Budget, SolverConfig, SolveResult, Tolerances, solve

Trace = Literal["exact", "hutchinson"]
Noise = Literal["gaussian", "rademacher"]
Gradients = Literal["none", "backprop", "adjoint"]
TRACES: tuple[Trace, ...] = ("exact", "hutchinson")
NOISES: tuple[Noise, ...] = ("gaussian", "rademacher")
DIM = 2
#: Columns of the augmented state: z (2), the change of log p along the solve, kinetic energy, |df/dz|_F^2.
_LOGP, _KINETIC, _JACOBIAN = DIM, DIM + 1, DIM + 2


@dataclass(frozen=True)
class CNFConfig:
    """A CNF's field, trace estimator, regularisation and solver.

    Attributes:
        hidden: width of the tanh MLP on (z, t).
        layers: hidden layers.
        t1: the flow's end time (data at t1, the Gaussian at 0).
        trace: "exact" or "hutchinson".
        noise: Hutchinson's noise, "gaussian" or "rademacher".
        kinetic, jacobian: weights of the kinetic-energy and Jacobian-norm penalties in the training loss.
        rtol, atol: the dopri5 tolerances of every solve.
        max_nfe: cap on the evaluations of one solve.
    """

    hidden: int = 24
    layers: int = 1
    t1: float = 1.0
    trace: Trace = "exact"
    noise: Noise = "gaussian"
    kinetic: float = 0.0
    jacobian: float = 0.0
    rtol: float = 1e-4
    atol: float = 1e-6
    max_nfe: int = 20_000

    def __post_init__(self) -> None:
        if self.hidden < 1 or self.layers < 1 or self.max_nfe < 1:
            raise ValueError("hidden, layers and max_nfe must be >= 1")
        if self.trace not in TRACES or self.noise not in NOISES:
            raise ValueError(f"trace must be one of {TRACES} and noise one of {NOISES}")
        if not (
            self.t1 > 0
            and self.kinetic >= 0
            and self.jacobian >= 0
            and 0 < self.rtol < 1
            and 0 < self.atol < 1
        ):
            raise ValueError("t1 must be positive, penalties >= 0 and tolerances in (0, 1)")

    def to_dict(self) -> dict[str, int | float | str]:
        return dataclasses.asdict(self)

    def solver(self, grad: Gradients = "none", budget: Budget | None = None) -> SolverConfig:
        """The solver config of this flow's solves (no deadline or divergence check unless `budget` says)."""
        bound = budget or Budget(max_nfe=self.max_nfe, deadline_s=None, max_abs_state=None)
        return SolverConfig("dopri5", Tolerances(self.rtol, self.atol), bound, grad)


def draw_noise(shape: tuple[int, ...], kind: Noise, generator: torch.Generator) -> Tensor:
    """Hutchinson's probe vectors: standard Gaussian, or Rademacher (+-1 with equal odds)."""
    if kind == "gaussian":
        return torch.randn(shape, generator=generator)
    return torch.randint(0, 2, shape, generator=generator).float() * 2 - 1


def divergence(f: Tensor, z: Tensor, noise: Tensor | None, create_graph: bool) -> tuple[Tensor, Tensor]:
    """tr(df/dz) and |df/dz|_F^2 per row, exact (`noise` None: one autograd call per dimension) or by
    Hutchinson (e^T J e, and |e^T J|^2, whose mean is the squared Frobenius norm).

    Args:
        f: (batch, d) computed from z: (batch, d); noise: (batch, d) or None.
    """
    if noise is None:
        d = f.shape[1]
        rows = [
            torch.autograd.grad(
                f[:, i].sum(), z, create_graph=create_graph, retain_graph=create_graph or i < d - 1
            )[0]
            for i in range(d)
        ]
        trace = sum(row[:, i] for i, row in enumerate(rows))
        frobenius = sum((row**2).sum(1) for row in rows)
        return trace, frobenius
    vjp = torch.autograd.grad((f * noise).sum(), z, create_graph=create_graph)[0]
    return (vjp * noise).sum(1), (vjp**2).sum(1)


class FlowField(nn.Module):
    """The velocity f(z, t): a tanh MLP on (z, t), its weights drawn from a seeded generator."""

    def __init__(self, hidden: int, layers: int, generator: torch.Generator) -> None:
        super().__init__()
        widths = [DIM + 1] + [hidden] * layers
        blocks: list[nn.Module] = []
        for w_in, w_out in zip(widths[:-1], widths[1:], strict=True):
            blocks += [seeded_linear(w_in, w_out, generator), nn.Tanh()]
        blocks.append(seeded_linear(hidden, DIM, generator))
        self.net = nn.Sequential(*blocks)

    def forward(self, t: Tensor, z: Tensor) -> Tensor:
        """f at z: (batch, 2) and t: a scalar or (batch, 1) per row; returns (batch, 2)."""
        return self.net(torch.cat([z, t.to(z).expand(z.shape[0], 1)], dim=1))


class Augmented(nn.Module):
    """The augmented dynamics of (z, Δlog p, kinetic, Jacobian) for the one solve, forward in time or
    backward (`t_end` given: s in [0, 1] runs t = t_end (1 - s) down to 0, per row).

    Hutchinson's noise is `noise`, set before the solve; `resample` draws a fresh one at every evaluation
    instead (which makes the dynamics rough and the NFE explode). `nfe` counts evaluations.
    """

    def __init__(
        self,
        field: FlowField,
        noise: Tensor | None,
        t_end: Tensor | None = None,
        resample: tuple[Noise, torch.Generator] | None = None,
    ) -> None:
        super().__init__()
        self.field = field
        self.noise = noise
        self.t_end = t_end
        self.resample = resample
        self.nfe = 0

    def forward(self, s: Tensor, y: Tensor) -> Tensor:
        self.nfe += 1
        outer = torch.is_grad_enabled()
        if self.t_end is None:
            t, scale = s, 1.0
        else:
            t, scale = self.t_end * (1 - s), -self.t_end
        if self.resample is not None:
            self.noise = draw_noise(tuple(y[:, :DIM].shape), *self.resample)
        with torch.enable_grad():
            z = y[:, :DIM]
            if not z.requires_grad:
                z = z.detach().requires_grad_(True)
            f = self.field(t, z)
            trace, frobenius = divergence(f, z, self.noise, create_graph=outer)
        speed = abs(scale) if torch.is_tensor(scale) else scale
        out = torch.cat(
            [
                scale * f,
                (-scale * trace[:, None]),
                speed * (f**2).sum(1, keepdim=True),
                speed * frobenius[:, None],
            ],
            dim=1,
        )
        return out if outer else out.detach()


class Density(NamedTuple):
    """log p(x) per row, the integrated penalties per row, the base points z(0) and the solve."""

    logp: Tensor
    kinetic: Tensor
    jacobian: Tensor
    z0: Tensor
    result: SolveResult


def standard_normal_logp(z: Tensor) -> Tensor:
    """log N(z; 0, I) per row of z: (batch, d)."""
    return -0.5 * (z**2).sum(1) - 0.5 * z.shape[1] * math.log(2 * math.pi)


class CNF(nn.Module):
    """A continuous normalizing flow in 2-D: its config and its field."""

    def __init__(self, cfg: CNFConfig = CNFConfig(), seed: int = 0) -> None:
        super().__init__()
        self.cfg = cfg
        self.field = FlowField(cfg.hidden, cfg.layers, torch.Generator().manual_seed(seed))

    def _noise(self, n: int, generator: torch.Generator | None) -> Tensor | None:
        if self.cfg.trace == "exact":
            return None
        return draw_noise((n, DIM), self.cfg.noise, generator or torch.Generator().manual_seed(0))

    def augmented(
        self,
        n: int,
        generator: torch.Generator | None = None,
        t_end: Tensor | None = None,
        resample: bool = False,
    ) -> Augmented:
        """The augmented dynamics for `n` rows, with Hutchinson's noise drawn once from `generator`."""
        noise = self._noise(n, generator)
        again = (self.cfg.noise, generator or torch.Generator().manual_seed(0)) if resample else None
        return Augmented(self.field, noise, t_end, again if noise is not None else None)

    def log_prob(
        self,
        x: Tensor,
        grad: Gradients = "none",
        generator: torch.Generator | None = None,
        budget: Budget | None = None,
        resample: bool = False,
    ) -> Density:
        """log p(x) for x: (n, 2) at t1, by solving back to the Gaussian (raises a SolveError if it cannot)."""
        t_end = torch.full((x.shape[0], 1), self.cfg.t1)
        dynamics = self.augmented(x.shape[0], generator, t_end, resample)
        y0 = torch.cat([x, torch.zeros(x.shape[0], 3)], dim=1)
        result = solve(dynamics, y0, (0.0, 1.0), _end_only(self.cfg.solver(grad, budget)))
        end = result.y[-1]
        z0 = end[:, :DIM]
        logp = standard_normal_logp(z0) - end[:, _LOGP]
        return Density(logp, end[:, _KINETIC], end[:, _JACOBIAN], z0, result)

    def sample(
        self, n: int, generator: torch.Generator, times: Tensor, budget: Budget | None = None
    ) -> Tensor:
        """`n` base draws carried to `times: (T,)` (from 0 to t1): (T, n, 2), without the density."""
        z0 = torch.randn(n, DIM, generator=generator)
        return self.carry(z0, times, budget)

    def carry(self, z: Tensor, times: Tensor, budget: Budget | None = None, reverse: bool = False) -> Tensor:
        """Points z: (n, 2) at t = 0 (at t1 with `reverse`) carried to each of `times` (increasing from 0, or
        decreasing from t1 with `reverse`): (T, n, 2)."""
        field = self.field
        if reverse:
            t1 = float(times[0])

            def velocity(s: Tensor, y: Tensor) -> Tensor:
                return -field(t1 - s, y)

            times = t1 - times
        else:

            def velocity(s: Tensor, y: Tensor) -> Tensor:
                return field(s, y)

        with torch.no_grad():
            return solve(velocity, z, times.to(z), self.cfg.solver("none", budget)).y


def _end_only(cfg: SolverConfig) -> SolverConfig:
    # Only the end state is used; two output points keep torchdiffeq from interpolating 400 of them.
    return dataclasses.replace(cfg, n_eval=2)


def parameter_count(model: nn.Module) -> int:
    """Trainable parameters of `model`."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
