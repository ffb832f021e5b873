"""One bounded entry point for every solve, with or without gradients: hand-written fixed-step methods and
torchdiffeq's, NFE counted one way, one budget (NFE cap, deadline, divergence) and one error family.

The only module of models/ that calls torchdiffeq's `odeint` / `odeint_adjoint` (ode.implicit steps
scipy's implicit methods for it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import torch
from torch import nn
from torchdiffeq import odeint, odeint_adjoint

from models.ode.budget import (
    AdaptiveTracked,
    Budget,
    BudgetExceeded,
    Diverged,
    FixedGridTracked,
    InvalidSolve,
    SolveError,
    StepCollapsed,
    Tracked,
)
from models.ode.fixed_step import FIXED_METHODS, Field
from models.ode.implicit import integrate_implicit
from models.ode.methods import METHODS, MethodInfo

__all__ = [
    "METHODS",
    "UNTIMED",
    "Budget",
    "BudgetExceeded",
    "Diverged",
    "FixedStep",
    "Gradients",
    "InvalidSolve",
    "MethodInfo",
    "SolveError",
    "SolveResult",
    "SolverConfig",
    "StepCollapsed",
    "StepControl",
    "Tolerances",
    "check_request",
    "fixed_grid",
    "solve",
    "step_control",
]

#: "none": no graph (torch.no_grad); "backprop": autograd through the solver's steps (O(steps) memory);
#: "adjoint": torchdiffeq's adjoint, gradients from a backward solve (O(1) memory), f an nn.Module.
Gradients = Literal["none", "backprop", "adjoint"]

#: A step ending this close to t1 (in steps) is not followed by a sliver of a last step.
_GRID_SLACK = 1e-4


@dataclass(frozen=True)
class FixedStep:
    """The step control of a fixed-step method: steps of `h`.

    `h` None (only for solves at given times) steps from one output time to the next.
    """

    h: float | None


@dataclass(frozen=True)
class Tolerances:
    """The step control of an adaptive method: each step's error estimate kept below rtol·|y| + atol."""

    rtol: float = 1e-6
    atol: float = 1e-8


#: One or the other, never both: the method decides which (`SolverConfig` refuses the wrong one), so a
#: config cannot carry a step size an adaptive method would silently ignore, nor the reverse.
StepControl = FixedStep | Tolerances


@dataclass(frozen=True)
class SolverConfig:
    """How to solve: a method, the step control it takes, the budget that bounds the work, and gradients.

    Built from small frozen parts; change one with `dataclasses.replace`, e.g.
    `replace(cfg, budget=replace(cfg.budget, deadline_s=5.0))`. An unknown method is left to
    `check_request`, which names the choices.
    """

    method: str = "rk4"
    step: StepControl = FixedStep(0.2)
    budget: Budget = Budget()
    grad: Gradients = "none"
    adjoint_seminorm: bool = False  # adjoint error measured on state and adjoint only (Kidger et al. 2021)
    n_eval: int = 400  # output points of an adaptive span solve

    def __post_init__(self) -> None:
        info = METHODS.get(self.method)
        if info is not None and info.adaptive != isinstance(self.step, Tolerances):
            wanted = "Tolerances" if info.adaptive else "FixedStep"
            raise ValueError(f"{info.label} takes {wanted} step control, got {self.step!r}")
        if self.adjoint_seminorm and self.grad != "adjoint":
            raise ValueError("adjoint_seminorm needs grad='adjoint'")


def step_control(method: str, h: float | None, tolerances: Tolerances) -> StepControl:
    """The step control `method` takes, out of a step size and tolerances a caller keeps both of (a model's
    config, whose checkpoints and links hold both whichever solver is chosen)."""
    return tolerances if METHODS[method].adaptive else FixedStep(h)


#: The base of the solves the library runs for itself (models, training, data): backprop, no deadline, no
#: divergence check; `replace` sets the rest.
UNTIMED = SolverConfig(grad="backprop", budget=Budget(deadline_s=None, max_abs_state=None))


@dataclass(frozen=True)
class SolveResult:
    """A trajectory `y: (T, batch, dim)` at times `t: (T,)`, with what it cost.

    `step_times` / `step_sizes` are the accepted forward steps (the grid for fixed-step methods).
    `nfe` counts the forward solve's evaluations; `nfe_backward` those of an adjoint's backward solve,
    which grow when the loss is backpropagated (0 before, and always 0 without the adjoint).
    """

    method: str
    t: torch.Tensor
    y: torch.Tensor
    nfe: int
    step_times: torch.Tensor
    step_sizes: torch.Tensor
    wall_s: float
    tracked: Tracked | None = field(default=None, repr=False, compare=False)

    @property
    def nfe_backward(self) -> int:
        return 0 if self.tracked is None else self.tracked.nfe_backward


def _steps(length: float, h: float) -> int:
    return max(1, math.ceil(length / h - _GRID_SLACK))


def fixed_grid(t0: float, t1: float, h: float, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """t0, t0 + h, ..., with a last, shorter step landing exactly on t1 (t1 < t0 steps backward)."""
    n = _steps(abs(t1 - t0), h)
    grid = t0 + math.copysign(h, t1 - t0) * torch.arange(n + 1, dtype=dtype)
    grid[-1] = t1
    return grid


def check_request(t_span: tuple[float, float], cfg: SolverConfig, *, at_times: bool = False) -> None:
    """Raise InvalidSolve with a one-line reason if the request cannot be run within the budget.

    `at_times`: the solve reports at given times, where one step may be longer than the span (it is cut).
    """
    t0, t1 = t_span
    info = METHODS.get(cfg.method)
    if info is None:
        raise InvalidSolve(f"unknown method {cfg.method!r}; choose one of {', '.join(METHODS)}")
    if not (math.isfinite(t0) and math.isfinite(t1)) or t1 <= t0:
        raise InvalidSolve("the end time must be a number after the start time")
    if isinstance(cfg.step, Tolerances):
        if not (0 < cfg.step.rtol < 1 and 0 < cfg.step.atol < 1):
            raise InvalidSolve("tolerances must lie strictly between 0 and 1")
        return
    h = cfg.step.h
    if h is None:
        return
    if not (math.isfinite(h) and h > 0):
        raise InvalidSolve("the step size h must be a positive number")
    if h > t1 - t0 and not at_times:
        raise InvalidSolve(f"the step size h = {h:g} is longer than the time span {t1 - t0:g}")
    steps = _steps(t1 - t0, h)
    if steps > cfg.budget.max_steps:
        raise InvalidSolve(
            f"{steps:,} steps of h = {h:g} exceed the cap of {cfg.budget.max_steps:,}; "
            "take a larger h or a shorter span"
        )


def solve(
    f: Field, y0: torch.Tensor, t: tuple[float, float] | torch.Tensor, cfg: SolverConfig
) -> SolveResult:
    """Solve dy/dt = f(t, y) from `y0: (batch, dim)` within `cfg`'s budget.

    `t` is a span (t0, t1): states on the step grid (fixed-step methods) or on `cfg.n_eval` evenly spaced
    times (adaptive methods); or increasing output times `t: (T,)`, the solve starting at t[0] (fixed-step
    methods then step by `cfg.step`'s h from t[0] and interpolate between steps). Returns `y: (T, batch,
    dim)`, differentiable as `cfg.grad` says. Raises a SolveError subclass with a one-line message
    otherwise, also from the backward pass of an adjoint that runs out of budget.
    """
    span = (float(t[0]), float(t[-1])) if torch.is_tensor(t) else t
    check_request(span, cfg, at_times=torch.is_tensor(t))
    info = METHODS[cfg.method]
    if info.source == "scipy" and cfg.grad != "none":
        raise InvalidSolve(f"{info.label} runs only without gradients: scipy steps it, outside autograd")
    if (cfg.grad != "none" or torch.is_tensor(t)) and info.torchdiffeq is None and info.source != "scipy":
        raise InvalidSolve(f"{info.label} runs only over a span without gradients; torchdiffeq lacks it")
    if cfg.grad == "adjoint" and not isinstance(f, nn.Module):
        raise InvalidSolve("the adjoint needs f to be an nn.Module, whose parameters it differentiates")
    if not torch.is_tensor(t) and isinstance(cfg.step, FixedStep) and cfg.step.h is None:
        raise InvalidSolve("a fixed-step solve over a span needs a step size h")
    dtype = y0.dtype
    tracked = (AdaptiveTracked if info.adaptive else FixedGridTracked)(
        f, cfg.budget, keep_states=cfg.grad == "none"
    )
    try:
        with torch.set_grad_enabled(torch.is_grad_enabled() and cfg.grad != "none"):
            times = t.to(y0) if torch.is_tensor(t) else _span_times(span, cfg, dtype)
            y = _integrate(info, tracked, y0, times, cfg, at_times=torch.is_tensor(t))
    except SolveError as err:
        if cfg.grad == "none":
            err.partial = _partial(tracked, cfg.method, dtype)
        raise
    tracked.backward()
    if not bool(torch.isfinite(y).all()) and cfg.budget.max_abs_state is not None:
        raise Diverged("the solution became non-finite", _partial(tracked, cfg.method, dtype))
    return SolveResult(
        method=cfg.method,
        t=times,
        y=y,
        nfe=tracked.nfe_forward,
        step_times=tracked.step_times(dtype),
        step_sizes=tracked.step_sizes(dtype),
        wall_s=tracked.wall_s(),
        tracked=tracked if cfg.grad == "adjoint" else None,
    )


def _span_times(span: tuple[float, float], cfg: SolverConfig, dtype: torch.dtype) -> torch.Tensor:
    if isinstance(cfg.step, Tolerances):
        return torch.linspace(span[0], span[1], max(2, cfg.n_eval), dtype=dtype)
    assert cfg.step.h is not None  # solve has made sure
    return fixed_grid(span[0], span[1], cfg.step.h, dtype)


def _integrate(
    info: MethodInfo,
    tracked: Tracked,
    y0: torch.Tensor,
    t: torch.Tensor,
    cfg: SolverConfig,
    *,
    at_times: bool,
) -> torch.Tensor:
    try:
        if info.source == "scipy":
            assert isinstance(cfg.step, Tolerances)  # SolverConfig has made sure
            return integrate_implicit(info, tracked, y0, t, cfg.step.rtol, cfg.step.atol)
        if at_times:
            return _integrate_torchdiffeq(info, tracked, y0, t, cfg, _times_options(cfg))
        return _integrate_span(info, tracked, y0, t, cfg)
    except AssertionError as err:
        # torchdiffeq's adaptive step (rk_common) asserts that t + dt > t: the step shrank to round-off,
        # what an explicit method does on a stiff system (under `python -O` the NFE budget stops it instead).
        if "underflow in dt" not in str(err):
            raise
        near = f" near t = {tracked.times[-1]:.4g}" if tracked.times else ""
        raise StepCollapsed(
            f"{info.label}'s step shrank to nothing{near} (underflow in dt) after {tracked.nfe:,} evaluations "
            "of f: a stiff system (try an implicit method) or a blow-up"
        ) from None


def _integrate_span(
    info: MethodInfo, tracked: Tracked, y0: torch.Tensor, t: torch.Tensor, cfg: SolverConfig
) -> torch.Tensor:
    if info.source == "hand" and cfg.grad == "none":
        return _integrate_hand(info.key, tracked, y0, t)
    # torchdiffeq reads outputs off a 4th-order interpolant, which for dopri8's long steps costs several
    # digits; landing a step exactly on t1 keeps the end state at full order.
    options = {"step_t": t[-1:]} if isinstance(cfg.step, Tolerances) else {"step_size": cfg.step.h}
    return _integrate_torchdiffeq(info, tracked, y0, t, cfg, options)


def _times_options(cfg: SolverConfig) -> dict[str, object] | None:
    if isinstance(cfg.step, Tolerances) or cfg.step.h is None:
        return None
    h = cfg.step.h

    def grid(_func: object, _y0: torch.Tensor, ts: torch.Tensor) -> torch.Tensor:
        # Whole steps from the first output time, whatever times are asked for, so that a time on the
        # grid gets the same value in any call; an adjoint's backward pass asks for decreasing times.
        return fixed_grid(float(ts[0]), float(ts[-1]), h, ts.dtype).to(ts.device)

    return {"grid_constructor": grid}


def _integrate_torchdiffeq(
    info: MethodInfo,
    tracked: Tracked,
    y0: torch.Tensor,
    t: torch.Tensor,
    cfg: SolverConfig,
    options: dict[str, object] | None,
) -> torch.Tensor:
    # Fixed-grid methods take no tolerances (torchdiffeq reads its default atol only to locate events).
    tolerances = {"rtol": cfg.step.rtol, "atol": cfg.step.atol} if isinstance(cfg.step, Tolerances) else {}
    common = {**tolerances, "method": info.torchdiffeq, "options": options}
    if cfg.grad != "adjoint":
        return odeint(tracked, y0, t, **common)
    assert isinstance(tracked.f, nn.Module)  # solve has made sure
    adjoint_options = {"norm": "seminorm"} if cfg.adjoint_seminorm else None
    if options is not None and adjoint_options is not None:
        adjoint_options = {**options, **adjoint_options}
    return odeint_adjoint(
        tracked,
        y0,
        t,
        **common,
        adjoint_params=tuple(tracked.f.parameters()),
        adjoint_options=adjoint_options,
    )


def _partial(tracked: Tracked, method: str, dtype: torch.dtype) -> SolveResult | None:
    if not tracked.states:
        return None
    return SolveResult(
        method=method,
        t=tracked.step_times(dtype),
        y=torch.stack(tracked.states),
        nfe=tracked.nfe,
        step_times=tracked.step_times(dtype),
        step_sizes=tracked.step_sizes(dtype),
        wall_s=tracked.wall_s(),
    )


def _integrate_hand(method: str, tracked: Tracked, y0: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    step = FIXED_METHODS[method].step
    states = [y0]
    y = y0
    for n in range(len(t) - 1):
        h = t[n + 1] - t[n]
        tracked.record(t[n], y, h)
        y = step(tracked, t[n], y, h)
        states.append(y)
    return torch.stack(states)
