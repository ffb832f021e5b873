"""What bounds a phase portrait's batched solve: work (evaluations of f, and evaluations times rows), so that a
loaded server draws what an idle one does, with a wall-clock guard only against a costly f, and the one-line
reason a view stopped early."""

from __future__ import annotations

from dataclasses import replace

from models.ode.solve import Budget, BudgetExceeded, SolveError

#: Measured on an idle core (RK4, one thread): the heaviest views the page opens with, Lotka–Volterra's and
#: Lorenz's (tour step 8), take 1,000 steps, 4,000 evaluations of f in 0.16 s, which a loaded server once
#: stretched past a 1.5 s deadline. 20,000 evaluations (5,000 RK4 steps, the step cap) are 5 times that
#: and take 0.8 s for a preset's f. The deadline is a guard against an f that is costly to evaluate (typed
#: equations of 300 characters cost 10 times a preset's) and against a machine many times slower, not the
#: bound of ordinary views.
PORTRAIT_BUDGET = Budget(max_nfe=20_000, max_steps=5_000, deadline_s=4.0)
#: Evaluations of f times the rows they are made for. The heaviest view the page opens with is the
#: Lotka–Volterra Flow tab's: 400 points over 4,000 evaluations, 1.6 million; this is 6 times that. A
#: preset's f takes about 0.6 s for it at 1,200 rows (a 24 × 24 grid both ways in time, the largest batch).
STATE_EVALUATIONS = 10_000_000


def solve_budget(budget: Budget, state_evaluations: int, rows: int, solves: int) -> Budget:
    """The budget of one of `solves` solves that together integrate a view's `rows` rows: an equal share of
    the view's evaluations and deadline, and no more evaluations than keep every solve's evaluations times
    all `rows` within `state_evaluations` (so the view's total stays within it, however its rows are
    shared among the solves)."""
    per_row = state_evaluations // max(1, rows)
    deadline = None if budget.deadline_s is None else budget.deadline_s / solves
    return replace(budget, max_nfe=max(1, min(budget.max_nfe // solves, per_row)), deadline_s=deadline)


def stop_message(err: SolveError, budget: Budget, rows: int, done: int, steps: int) -> str:
    """Why a portrait's solve of `rows` rows under `budget` stopped after `done` of `steps` steps, in one
    line: the work budget, the guard's time limit, or `err`'s own reason."""
    if not isinstance(err, BudgetExceeded) or err.partial is None:
        return str(err)
    where = f"stopped after {done:,} of {steps:,} steps"
    rows_ = f"{rows:,} trajector{'y' if rows == 1 else 'ies'}"
    if err.partial.nfe > budget.max_nfe:
        return (
            f"{where}, at the work budget of {budget.max_nfe:,} evaluations of f for {rows_}: "
            "take fewer trajectories, a larger h or a shorter span"
        )
    return (
        f"{where}, at the {budget.deadline_s:g} s time limit: f is slow to evaluate for {rows_} "
        "(or the server is very busy); take fewer trajectories, simpler equations, a larger h or a shorter span"
    )
