"""The implicit methods of the registry (scipy's LSODA and BDF), stepped one accepted step at a time through
the same `Tracked` f as every other solve, so NFE, the budget and the accepted steps mean the same.

Stepped here rather than through torchdiffeq's `scipy_solver`, which reports no steps (no callbacks) and,
converting every call twice, measured twice as slow.
"""

from __future__ import annotations

import numpy as np
import torch
from scipy.integrate import BDF, LSODA, OdeSolver

from models.ode.budget import StepCollapsed, Tracked
from models.ode.methods import MethodInfo

_SOLVERS: dict[str, type[OdeSolver]] = {"LSODA": LSODA, "BDF": BDF}


def integrate_implicit(
    info: MethodInfo, tracked: Tracked, y0: torch.Tensor, t: torch.Tensor, rtol: float, atol: float
) -> torch.Tensor:
    """States at the increasing times `t: (T,)` from `y0: (batch, dim)` at t[0], as (T, batch, dim).

    Every call of scipy's f goes through `tracked` (its finite-difference Jacobians included); each accepted
    step is recorded. Raises StepCollapsed when scipy gives up (its step too small to change t).
    """
    assert info.scipy is not None  # solve dispatches only scipy methods here
    shape, dtype = y0.shape, y0.dtype

    def fun(s: float, y: np.ndarray) -> np.ndarray:
        state = torch.from_numpy(y).reshape(shape).to(dtype)
        return tracked(torch.tensor(s, dtype=dtype), state).detach().reshape(-1).double().numpy()

    times = t.detach().double().numpy()
    solver = _SOLVERS[info.scipy](
        fun, times[0], y0.detach().reshape(-1).double().numpy(), times[-1], rtol=rtol, atol=atol
    )
    out = [solver.y.copy()]
    while len(out) < len(times) and solver.status == "running":
        t_old, y_old = solver.t, solver.y.copy()
        message = solver.step()
        if solver.status == "failed":
            raise StepCollapsed(f"{info.label} gave up near t = {t_old:.4g}: {message}")
        tracked.record(
            torch.tensor(t_old),
            torch.from_numpy(y_old).reshape(shape).to(dtype),
            torch.tensor(solver.t - t_old),
        )
        reached = times[len(out) :][times[len(out) :] <= solver.t]
        if len(reached):
            dense = solver.dense_output()
            out.extend(solver.y.copy() if s == solver.t else dense(s) for s in reached)
    out.extend(solver.y.copy() for _ in range(len(times) - len(out)))  # t1 reached, a time rounded past it
    return torch.from_numpy(np.stack(out)).reshape(len(times), *shape).to(dtype)
