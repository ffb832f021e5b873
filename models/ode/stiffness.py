"""How stiff a system is along a solution: the Jacobian's eigenvalues at sample points, and the stiffness
ratio max|Re λ| / min|Re λ| between its fastest and slowest time scales."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch.autograd.functional import jacobian

from models.ode.fixed_step import Field

#: An eigenvalue this small against the largest is a conserved quantity (Robertson's y₁ + y₂ + y₃), not a
#: time scale: it is left out of the ratio, which would otherwise be infinite.
CONSERVED = 1e-9


@dataclass(frozen=True)
class Stiffness:
    """Eigenvalues `eigenvalues: (T, dim)` (complex) of ∂f/∂y at times `t: (T,)`, and `ratio: (T,)`
    (NaN where fewer than one time scale is left)."""

    t: torch.Tensor
    eigenvalues: torch.Tensor
    ratio: torch.Tensor


def jacobian_eigenvalues(f: Field, t: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Eigenvalues of ∂f/∂y at each `(t[i], y[i])`, `t: (T,)`, `y: (T, dim)`; returns (T, dim), complex."""
    mats = [
        jacobian(lambda state, s=s: f(s, state[None])[0], state.detach())
        for s, state in zip(t, y, strict=True)
    ]
    return torch.linalg.eigvals(torch.stack(mats))


def stiffness_ratio(eigenvalues: torch.Tensor) -> torch.Tensor:
    """max|Re λ| / min|Re λ| per row of `eigenvalues: (T, dim)`, conserved directions (|Re λ| below
    CONSERVED times the largest) left out; NaN where every |Re λ| is zero."""
    real = eigenvalues.real.abs()
    fastest = real.amax(dim=-1)
    kept = torch.where(real > CONSERVED * fastest[:, None], real, torch.full_like(real, torch.inf))
    slowest = kept.amin(dim=-1)
    return torch.where(torch.isfinite(slowest) & (fastest > 0), fastest / slowest, torch.nan)


def stiffness_along(f: Field, t: torch.Tensor, y: torch.Tensor) -> Stiffness:
    """The Jacobian's eigenvalues and the stiffness ratio at each point `(t[i], y[i])` of a solution."""
    eig = jacobian_eigenvalues(f, t, y)
    return Stiffness(t=t, eigenvalues=eig, ratio=stiffness_ratio(eig))
