"""The budget of every solve and its one error family: a wrapper around f that counts evaluations (forward
and adjoint-backward apart), records accepted steps, and raises on the NFE cap, the deadline or a blow-up.

Raising from inside f is the one bound that holds for torchdiffeq under `python -O` (its own
`max_num_steps` is an assert, and counts per output interval).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

from models.failure import Failure
from models.ode.fixed_step import Field

if TYPE_CHECKING:
    from models.ode.solve import SolveResult


@dataclass(frozen=True)
class Budget:
    """What bounds one solve's work.

    `deadline_s` / `max_abs_state` None switch that check off (training, where the trainer has its own
    time budget and a non-finite loss ends the run).
    """

    max_nfe: int = 200_000  # evaluations of f, an adjoint's backward ones included (a batch counts once)
    max_steps: int = 50_000  # fixed-step grid length
    #: Seconds of the solving thread's own CPU time, not of the wall clock: a server running 50 sessions'
    #: solves at once in one interpreter stretches each one's wall time many-fold, and a wall-clock deadline
    #: then failed views an idle server draws in milliseconds (benchmarks/bench_sessions.py: 24-40 of 50).
    deadline_s: float | None = 2.0
    max_abs_state: float | None = 1e8  # beyond this the solution is treated as blown up


class SolveError(Failure, RuntimeError):
    """A solve that could not finish. `partial` holds what was computed before it stopped, if anything.

    Still a RuntimeError, which callers that run arbitrary torch code catch alongside it.
    """

    partial: SolveResult | None


class InvalidSolve(SolveError):
    """The request itself is unacceptable (bad span, step size, method or tolerance)."""


class BudgetExceeded(SolveError):
    """The NFE cap or the deadline (the solving thread's CPU time) was reached."""


class StepCollapsed(SolveError):
    """The step size shrank to nothing (torchdiffeq's "underflow in dt"): typically an explicit method on a
    stiff system."""


class Diverged(SolveError):
    """The state became non-finite or left the bounded region."""


class Tracked:
    """Wraps f to count evaluations, enforce the budget and record accepted steps.

    `nfe_forward` counts evaluations until `backward()` is called (when the solve returns), `nfe_backward`
    those after it: the adjoint's backward solve. The NFE cap bounds both together. torchdiffeq calls the
    forward pass's `callback_*` hooks that `FixedGridTracked` / `AdaptiveTracked` define on the function
    it is given (the backward pass looks for `callback_*_adjoint` ones, which are not defined).
    """

    def __init__(self, f: Field, budget: Budget, keep_states: bool) -> None:
        self.f = f
        self.budget = budget
        self.nfe_forward = 0
        self.nfe_backward = 0
        self.in_backward = False
        self.start = time.perf_counter()
        self.start_cpu = time.thread_time()
        self.times: list[float] = []
        self.sizes: list[float] = []
        # States are kept only without gradients: with them, a list of every step's state would undo
        # the adjoint's O(1) memory.
        self.keep_states = keep_states
        self.states: list[torch.Tensor] = []

    @property
    def nfe(self) -> int:
        return self.nfe_forward + self.nfe_backward

    def backward(self) -> None:
        """From now on evaluations are the backward pass's."""
        self.in_backward = True

    def __call__(self, t: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        budget = self.budget
        if self.in_backward:
            self.nfe_backward += 1
        else:
            self.nfe_forward += 1
        if self.nfe > budget.max_nfe:
            raise BudgetExceeded(
                f"stopped after {budget.max_nfe:,} evaluations of f (the budget): take a larger step or "
                "tolerance, or a shorter span (a stiff or blowing-up system also takes many)"
            )
        if budget.deadline_s is not None and time.thread_time() - self.start_cpu > budget.deadline_s:
            raise BudgetExceeded(
                f"stopped at the {budget.deadline_s:g} s time limit after {self.nfe:,} evaluations: "
                "the system may be stiff; try a shorter span or a larger step"
            )
        if budget.max_abs_state is not None:
            biggest = y.detach().abs().amax()  # detached: the check must not enter autograd's graph
            if not bool(biggest <= budget.max_abs_state):  # also catches NaN and inf
                when = float(t.max()) if torch.is_tensor(t) else float(t)
                raise Diverged(f"the solution blew up (|y| > {budget.max_abs_state:g}) near t = {when:.4g}")
        return self.f(t, y)

    def record(self, t0: torch.Tensor, y0: torch.Tensor, dt: torch.Tensor) -> None:
        self.times.append(float(t0.detach()))
        self.sizes.append(float(dt.detach()))
        if self.keep_states:
            self.states.append(y0.detach())

    def step_times(self, dtype: torch.dtype) -> torch.Tensor:
        return torch.tensor(self.times, dtype=dtype)

    def step_sizes(self, dtype: torch.dtype) -> torch.Tensor:
        return torch.tensor(self.sizes, dtype=dtype)

    def wall_s(self) -> float:
        return time.perf_counter() - self.start


class FixedGridTracked(Tracked):
    def callback_step(self, t0: torch.Tensor, y0: torch.Tensor, dt: torch.Tensor) -> None:
        self.record(t0, y0, dt)


class AdaptiveTracked(Tracked):
    # Adaptive solvers call callback_step on every attempt; only accepted steps are recorded.
    def callback_accept_step(self, t0: torch.Tensor, y0: torch.Tensor, dt: torch.Tensor) -> None:
        self.record(t0, y0, dt)
