"""What bounds a phase portrait's batched solve: work (evaluations of f, and evaluations times rows, each
weighed by the tensor operations f performs), so that a loaded server draws what an idle one does, with a
wall-clock guard only as a last resort, and the one-line reason a view stopped early."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import torch
from torch.overrides import TorchFunctionMode

from models.ode.solve import Budget, BudgetExceeded, SolveError

#: Measured on an idle core (RK4, one thread): the heaviest views the page opens with, Lotka–Volterra's and
#: Lorenz's (tour step 8), take 1,000 steps, 4,000 evaluations of f in 0.16 s, which a loaded server once
#: stretched past a 1.5 s deadline. 20,000 evaluations (5,000 RK4 steps, the step cap) are 5 times that
#: and take 0.8 s for a preset's f. The deadline is a guard against a machine many times slower, not the
#: bound of ordinary views.
PORTRAIT_BUDGET = Budget(max_nfe=20_000, max_steps=5_000, deadline_s=4.0)
#: Evaluations of f times the rows they are made for. The heaviest view the page opens with is the
#: Lotka–Volterra Flow tab's: 400 points over 4,000 evaluations, 1.6 million; this is 6 times that. A
#: preset's f takes about 0.6 s for it at 1,200 rows (a 24 × 24 grid both ways in time, the largest batch).
STATE_EVALUATIONS = 10_000_000
#: Both caps are for an f of up to this many tensor operations, the most of any f the page opens with (the
#: typed default equations; the presets take 8 to 17). A costlier f's evaluations count as more in proportion:
#: its time per evaluation grows with its operations (typed equations of 300 characters, some 190 operations,
#: took 19 times as long as Lorenz's 15 at 1,000 rows), and a cap on evaluations alone would let it run 10
#: times longer, up to the deadline.
REFERENCE_OPERATIONS = 18


class _Counted(TorchFunctionMode):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def __torch_function__(
        self, func: Callable[..., object], types: object, args: tuple = (), kwargs: dict | None = None
    ) -> object:
        self.count += 1
        return func(*args, **(kwargs or {}))


def operations(f: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], y0: torch.Tensor) -> int:
    """How many tensor operations one evaluation of f performs, counted (not timed, which a busy machine
    would change) on the first row of `y0: (batch, dim)`."""
    counted = _Counted()
    with counted, torch.no_grad():
        f(torch.zeros((), dtype=y0.dtype), y0[:1])
    return counted.count


@dataclass(frozen=True)
class ViewWork:
    """A view's batch as its budget sees it: `rows` integrated with an f of `ops` tensor operations."""

    rows: int
    ops: int = REFERENCE_OPERATIONS

    @property
    def weight(self) -> float:
        """What one evaluation of f counts as: 1 up to REFERENCE_OPERATIONS, more in proportion beyond."""
        return max(1.0, self.ops / REFERENCE_OPERATIONS)

    def budget(self, budget: Budget, state_evaluations: int, solves: int) -> Budget:
        """The budget of one of `solves` solves that share the view: an equal share of its evaluations and
        deadline, and no more evaluations than keep each solve's evaluations times all the view's rows
        within `state_evaluations` (so the view's total stays within it, however its rows are shared among
        the solves); both caps divided by the weight of f."""
        evaluations = min(budget.max_nfe // solves, state_evaluations // max(1, self.rows)) / self.weight
        deadline = None if budget.deadline_s is None else budget.deadline_s / solves
        return replace(budget, max_nfe=max(1, int(evaluations)), deadline_s=deadline)

    def stop_message(self, err: SolveError, budget: Budget, done: int, steps: int) -> str:
        """Why a solve under `budget` stopped after `done` of `steps` steps, in one line: the work budget,
        the guard's time limit, or `err`'s own reason."""
        if not isinstance(err, BudgetExceeded) or err.partial is None:
            return str(err)
        where = f"stopped after {done:,} of {steps:,} steps"
        rows = f"{self.rows:,} trajector{'y' if self.rows == 1 else 'ies'}"
        if err.partial.nfe > budget.max_nfe:
            costly = self.weight > 1
            return (
                f"{where}, at the work budget of {budget.max_nfe:,} evaluations of f for {rows}"
                + f" (f's {self.ops} tensor operations weigh {self.weight:.1f} times a preset's)" * costly
                + ": take fewer trajectories, "
                + "simpler equations, " * costly
                + "a larger h or a shorter span"
            )
        return (
            f"{where}, at the {budget.deadline_s:g} s time limit: f is slow to evaluate for {rows}; take "
            "fewer trajectories, simpler equations, a larger h or a shorter span"
        )
