"""Exact trace against Hutchinson's estimator: the estimator's spread, and what drawing its noise once per
solve, or afresh at every evaluation, does to the solver's NFE (SCIENCE.md §8).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import torch
from torch import Tensor

from models.flows.cnf import CNF, Noise, divergence, draw_noise
from models.ode.solve import Budget, BudgetExceeded


@dataclass(frozen=True)
class TraceSpread:
    """At n points: the exact trace, the mean and standard deviation of `draws` Hutchinson estimates."""

    exact: Tensor
    mean: Tensor
    std: Tensor
    draws: int


def trace_spread(cnf: CNF, x: Tensor, t: float, noise: Noise, draws: int, seed: int) -> TraceSpread:
    """Hutchinson's estimate of tr(df/dz) at x: (n, 2), time t, over `draws` noise draws, beside the exact."""
    generator = torch.Generator().manual_seed(seed)
    z = x.detach().requires_grad_(True)
    time = torch.tensor(t)
    with torch.enable_grad():
        f = cnf.field(time, z)
        exact, _ = divergence(f, z, None, create_graph=False)
        estimates = []
        for _ in range(draws):
            probe = draw_noise(tuple(z.shape), noise, generator)
            value, _ = divergence(cnf.field(time, z), z, probe, create_graph=False)
            estimates.append(value)
    stack = torch.stack(estimates)
    return TraceSpread(exact.detach(), stack.mean(0), stack.std(0), draws)


@dataclass(frozen=True)
class NFEComparison:
    """NFE of one log-density solve: exact trace, Hutchinson drawn once, Hutchinson redrawn at every
    evaluation (`resampled_capped`: that solve hit `cap` and was stopped)."""

    exact: int
    once: int
    resampled: int
    resampled_capped: bool
    cap: int


def nfe_comparison(cnf: CNF, x: Tensor, noise: Noise, seed: int, cap: int = 2000) -> NFEComparison:
    """Solve log p(x) three ways and count the evaluations of each (the resampled one within `cap`)."""
    budget = Budget(max_nfe=cap, deadline_s=None, max_abs_state=None)
    exact = CNF(dataclasses.replace(cnf.cfg, trace="exact"))
    hutchinson = CNF(dataclasses.replace(cnf.cfg, trace="hutchinson", noise=noise))
    exact.field = hutchinson.field = cnf.field
    with torch.no_grad():
        n_exact = exact.log_prob(x, budget=budget).result.nfe
        n_once = hutchinson.log_prob(
            x, generator=torch.Generator().manual_seed(seed), budget=budget
        ).result.nfe
        try:
            generator = torch.Generator().manual_seed(seed)
            n_again = hutchinson.log_prob(x, generator=generator, budget=budget, resample=True).result.nfe
            capped = False
        except BudgetExceeded:
            n_again, capped = cap, True
    return NFEComparison(n_exact, n_once, n_again, capped, cap)
