"""One bounded entry point for every solve: hand-written fixed-step methods and torchdiffeq's methods,
with NFE counting, accepted-step tracking, an NFE cap, a wall-clock deadline and divergence checks.

The budget is enforced by raising from inside the vector field, so it holds under `python -O`
(torchdiffeq's own `max_num_steps` is an assert, and counts per output interval).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import torch
from torchdiffeq import odeint

from models.ode.fixed_step import FIXED_METHODS, Field


@dataclass(frozen=True)
class MethodInfo:
    """What a method is, for menus and charts. `stages` is evaluations per step (None if adaptive)."""

    key: str
    label: str
    adaptive: bool
    order: int
    stages: int | None
    source: str  # "hand" (written out in models/ode/fixed_step.py) or "torchdiffeq"


METHODS: dict[str, MethodInfo] = {
    m.key: m
    for m in (
        MethodInfo("euler", "Euler", False, 1, 1, "hand"),
        MethodInfo("midpoint", "Midpoint", False, 2, 2, "hand"),
        MethodInfo("rk4", "RK4 (classic)", False, 4, 4, "hand"),
        MethodInfo("heun3", "Heun 3", False, 3, 3, "torchdiffeq"),
        MethodInfo("rk4_38", "RK4 (3/8 rule, torchdiffeq)", False, 4, 4, "torchdiffeq"),
        MethodInfo("adaptive_heun", "Adaptive Heun 2(1)", True, 2, None, "torchdiffeq"),
        MethodInfo("fehlberg2", "Fehlberg 2(1)", True, 2, None, "torchdiffeq"),
        MethodInfo("bosh3", "Bogacki–Shampine 3(2)", True, 3, None, "torchdiffeq"),
        MethodInfo("dopri5", "Dormand–Prince 5(4)", True, 5, None, "torchdiffeq"),
        MethodInfo("dopri8", "Dormand–Prince 8(7)", True, 8, None, "torchdiffeq"),
    )
}

#: our name -> torchdiffeq's name, for methods torchdiffeq runs
_TORCHDIFFEQ_NAME = {"heun3": "heun3", "rk4_38": "rk4"}


@dataclass(frozen=True)
class SolverConfig:
    """How to solve: method, its step size or tolerances, and the budget that bounds the work."""

    method: str = "rk4"
    step_size: float = 0.2  # fixed-step methods
    rtol: float = 1e-6  # adaptive methods
    atol: float = 1e-8
    n_eval: int = 400  # output points of an adaptive solve
    max_nfe: int = 200_000  # evaluations of f (a batched evaluation counts once)
    max_steps: int = 50_000  # fixed-step grid length
    deadline_s: float = 2.0
    max_abs_state: float = 1e8  # beyond this the solution is treated as blown up


@dataclass(frozen=True)
class SolveResult:
    """A trajectory `y: (T, batch, dim)` at times `t: (T,)`, with what it cost.

    `step_times` / `step_sizes` are the accepted steps (the grid for fixed-step methods).
    """

    method: str
    t: torch.Tensor
    y: torch.Tensor
    nfe: int
    step_times: torch.Tensor
    step_sizes: torch.Tensor
    wall_s: float


class SolveError(RuntimeError):
    """A solve that could not finish. `partial` holds what was computed before it stopped, if anything."""

    def __init__(self, message: str, partial: SolveResult | None = None) -> None:
        super().__init__(message)
        self.partial = partial


class InvalidSolve(SolveError):
    """The request itself is unacceptable (bad span, step size, method or tolerance)."""


class BudgetExceeded(SolveError):
    """The NFE cap or the wall-clock deadline was reached."""


class Diverged(SolveError):
    """The state became non-finite or left the bounded region."""


class _Tracked:
    """Wraps f to count evaluations, enforce the budget and record accepted steps.

    torchdiffeq calls the `callback_*` hooks its subclasses define on the function it is given.
    """

    def __init__(self, f: Field, cfg: SolverConfig) -> None:
        self.f = f
        self.cfg = cfg
        self.nfe = 0
        self.start = time.perf_counter()
        self.times: list[float] = []
        self.sizes: list[float] = []
        self.states: list[torch.Tensor] = []

    def __call__(self, t: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        self.nfe += 1
        if self.nfe > self.cfg.max_nfe:
            raise BudgetExceeded(
                f"stopped after {self.cfg.max_nfe:,} evaluations of f (the budget): "
                "the system may be stiff or blowing up; try a larger tolerance or a shorter span"
            )
        if time.perf_counter() - self.start > self.cfg.deadline_s:
            raise BudgetExceeded(
                f"stopped at the {self.cfg.deadline_s:g} s time limit after {self.nfe:,} evaluations; "
                "try a shorter span or a larger step"
            )
        biggest = y.abs().amax()
        if not bool(biggest <= self.cfg.max_abs_state):  # also catches NaN and inf
            when = float(t.max()) if torch.is_tensor(t) else float(t)
            raise Diverged(f"the solution blew up (|y| > {self.cfg.max_abs_state:g}) near t = {when:.4g}")
        return self.f(t, y)

    def record(self, t0: torch.Tensor, y0: torch.Tensor, dt: torch.Tensor) -> None:
        self.times.append(float(t0))
        self.sizes.append(float(dt))
        self.states.append(y0.detach())

    def partial(self, method: str, dtype: torch.dtype) -> SolveResult | None:
        if not self.states:
            return None
        return SolveResult(
            method=method,
            t=torch.tensor(self.times, dtype=dtype),
            y=torch.stack(self.states),
            nfe=self.nfe,
            step_times=torch.tensor(self.times, dtype=dtype),
            step_sizes=torch.tensor(self.sizes, dtype=dtype),
            wall_s=time.perf_counter() - self.start,
        )


class _FixedGridTracked(_Tracked):
    def callback_step(self, t0: torch.Tensor, y0: torch.Tensor, dt: torch.Tensor) -> None:
        self.record(t0, y0, dt)


class _AdaptiveTracked(_Tracked):
    # Adaptive solvers call callback_step on every attempt; only accepted steps are recorded.
    def callback_accept_step(self, t0: torch.Tensor, y0: torch.Tensor, dt: torch.Tensor) -> None:
        self.record(t0, y0, dt)


def fixed_grid(t0: float, t1: float, h: float, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """t0, t0 + h, ..., with a last, shorter step landing exactly on t1."""
    n = max(1, math.ceil((t1 - t0) / h - 1e-9))
    grid = t0 + h * torch.arange(n + 1, dtype=dtype)
    grid[-1] = t1
    return grid


def check_request(t_span: tuple[float, float], cfg: SolverConfig) -> None:
    """Raise InvalidSolve with a one-line reason if the request cannot be run within the budget."""
    t0, t1 = t_span
    info = METHODS.get(cfg.method)
    if info is None:
        raise InvalidSolve(f"unknown method {cfg.method!r}; choose one of {', '.join(METHODS)}")
    if not (math.isfinite(t0) and math.isfinite(t1)) or t1 <= t0:
        raise InvalidSolve("the end time must be a number after the start time")
    if info.adaptive:
        if not (0 < cfg.rtol < 1 and 0 < cfg.atol < 1):
            raise InvalidSolve("tolerances must lie strictly between 0 and 1")
        return
    h = cfg.step_size
    if not (math.isfinite(h) and h > 0):
        raise InvalidSolve("the step size h must be a positive number")
    if h > t1 - t0:
        raise InvalidSolve(f"the step size h = {h:g} is longer than the time span {t1 - t0:g}")
    steps = math.ceil((t1 - t0) / h - 1e-9)
    if steps > cfg.max_steps:
        raise InvalidSolve(
            f"{steps:,} steps of h = {h:g} exceed the cap of {cfg.max_steps:,}; take a larger h or a shorter span"
        )


def solve(f: Field, y0: torch.Tensor, t_span: tuple[float, float], cfg: SolverConfig) -> SolveResult:
    """Solve dy/dt = f(t, y) from `y0: (batch, dim)` over `t_span`, within `cfg`'s budget.

    Returns states `(T, batch, dim)` on the step grid (fixed-step methods) or on `cfg.n_eval` evenly
    spaced times (adaptive methods). Raises a SolveError subclass with a one-line message otherwise.
    """
    check_request(t_span, cfg)
    info = METHODS[cfg.method]
    dtype = y0.dtype
    tracked = (_AdaptiveTracked if info.adaptive else _FixedGridTracked)(f, cfg)
    t0, t1 = t_span
    t = (
        torch.linspace(t0, t1, max(2, cfg.n_eval), dtype=dtype)
        if info.adaptive
        else fixed_grid(t0, t1, cfg.step_size, dtype)
    )
    try:
        with torch.no_grad():
            if info.source == "hand":
                y = _integrate_hand(cfg.method, tracked, y0, t)
            else:
                name = _TORCHDIFFEQ_NAME.get(cfg.method, cfg.method)
                # torchdiffeq reads outputs off a 4th-order interpolant, which for dopri8's long steps
                # costs several digits; landing a step exactly on t1 keeps the end state at full order.
                options = {"step_t": t[-1:]} if info.adaptive else {"step_size": cfg.step_size}
                y = odeint(tracked, y0, t, rtol=cfg.rtol, atol=cfg.atol, method=name, options=options)
    except SolveError as err:
        err.partial = tracked.partial(cfg.method, dtype)
        raise
    if not bool(torch.isfinite(y).all()):
        raise Diverged("the solution became non-finite", tracked.partial(cfg.method, dtype))
    return SolveResult(
        method=cfg.method,
        t=t,
        y=y,
        nfe=tracked.nfe,
        step_times=torch.tensor(tracked.times, dtype=dtype),
        step_sizes=torch.tensor(tracked.sizes, dtype=dtype),
        wall_s=time.perf_counter() - tracked.start,
    )


def _integrate_hand(method: str, tracked: _Tracked, y0: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    step = FIXED_METHODS[method].step
    states = [y0]
    y = y0
    for n in range(len(t) - 1):
        h = t[n + 1] - t[n]
        tracked.record(t[n], y, h)
        y = step(tracked, t[n], y, h)
        states.append(y)
    return torch.stack(states)
