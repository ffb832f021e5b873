"""A phase portrait's batch is bounded by work: evaluations of f, and evaluations times rows, shared by the
two solves of a time-dependent f run both ways; the reason it stopped is one line."""

from __future__ import annotations

from dataclasses import replace

import torch

from models.phase.portrait import PORTRAIT_BUDGET, PortraitConfig, grid_seeds, solve_portrait
from models.phase.work import REFERENCE_OPERATIONS, ViewWork, operations
from models.systems.parser import DEFAULT_LIMITS
from models.systems.spec import SystemSpec, custom_system

#: Ten kinds of term up to the length limit: among the costliest equations a visitor can type.
LONGEST_EQUATION = (
    "sin(x)*cos(y)+exp(-x**2)+tanh(y)+sqrt(abs(x*y)+1)+log(1+x**2)+sin(y+x)+cos(x*y)+sin(x-y)+atan(x)"
    "+cos(y)**3+sin(x)*cos(y)+exp(-x**2)+tanh(y)+sqrt(abs(x*y)+1)+log(1+x**2)+sin(y+x)+cos(x*y)+sin(x-y)"
    "+atan(x)+cos(y)**3+sin(x)*cos(y)+exp(-x**2)+tanh(y)+sqrt(abs(x*y)+1)+log(1+x**2)+sin(y+x)+cos(x*y)"
)
WINDOW = ((-3.0, 3.0), (-3.0, 3.0))
#: No deadline at all: what stops these solves is work alone.
NO_CLOCK = replace(PORTRAIT_BUDGET, deadline_s=None)


def test_the_longest_equation_is_one_a_visitor_can_type():
    assert len(LONGEST_EQUATION) <= DEFAULT_LIMITS.max_length
    assert custom_system((LONGEST_EQUATION, LONGEST_EQUATION, "")).dim == 2


def test_rows_times_evaluations_stay_within_the_work_cap():
    y0 = grid_seeds(WINDOW, 10)  # 100 rows
    cfg = PortraitConfig(step_size=0.01, t1=10.0, budget=NO_CLOCK, state_evaluations=40_000)
    out = solve_portrait(SystemSpec("pendulum").field(), y0, WINDOW, cfg, autonomous=True)
    assert out.message is not None and "\n" not in out.message
    assert out.message.startswith("stopped after 100 of 1,000 steps, at the work budget of 400 evaluations")
    assert "for 100 trajectories" in out.message
    assert out.y.shape[0] == 101 and torch.isfinite(out.y).all()  # the 100 steps computed are kept


def test_the_evaluation_cap_binds_a_small_batch():
    y0 = grid_seeds(WINDOW, 2)
    cfg = PortraitConfig(step_size=0.01, t1=10.0, budget=replace(NO_CLOCK, max_nfe=1_000))
    out = solve_portrait(SystemSpec("pendulum").field(), y0, WINDOW, cfg, autonomous=True)
    assert "at the work budget of 1,000 evaluations of f for 4 trajectories" in out.message


def test_two_solves_of_a_forced_field_share_the_views_work():
    """Backward rows of a time-dependent f take a second solve: the two together stay within the view's
    evaluations and its evaluations times rows, as one solve would."""
    f = custom_system(("y", "-sin(x)+cos(t)", "")).field()
    y0 = grid_seeds(WINDOW, 4).repeat(2, 1)
    backward = torch.arange(32) >= 16
    budget = replace(NO_CLOCK, max_nfe=800)
    whole = PortraitConfig(step_size=0.01, t1=10.0, budget=budget)
    out = solve_portrait(f, y0, WINDOW, whole, backward, autonomous=False)
    assert "at the work budget of 400 evaluations of f for 32 trajectories" in out.message
    assert out.nfe <= 802  # each solve counts the evaluation it stopped at
    rows = PortraitConfig(step_size=0.01, t1=10.0, budget=NO_CLOCK, state_evaluations=6_400)
    out = solve_portrait(f, y0, WINDOW, rows, backward, autonomous=False)
    assert "at the work budget of 200 evaluations of f for 32 trajectories" in out.message
    assert out.nfe * 16 <= 6_400 + 32


def test_a_views_budget_shares_evaluations_and_the_deadline():
    one = ViewWork(1_000).budget(PORTRAIT_BUDGET, 10_000_000, 1)
    assert (one.max_nfe, one.deadline_s) == (10_000, PORTRAIT_BUDGET.deadline_s)
    half = ViewWork(10).budget(PORTRAIT_BUDGET, 10_000_000, 2)
    assert (half.max_nfe, half.deadline_s) == (PORTRAIT_BUDGET.max_nfe // 2, PORTRAIT_BUDGET.deadline_s / 2)
    assert ViewWork(1_000).budget(NO_CLOCK, 10, 1).max_nfe == 1  # never 0, which would stop before a step


def test_a_costlier_f_counts_for_more_work():
    """Operations are counted, not timed: the presets and the typed default weigh 1, the longest typed
    equations about ten times that, and their caps shrink in proportion."""
    y0 = grid_seeds(WINDOW, 3)
    for key in ("pendulum", "lorenz", "lotka_volterra", "duffing"):
        system = SystemSpec(key).system()
        assert (
            1 <= operations(SystemSpec(key).field(), y0[:, :1].expand(-1, system.dim)) <= REFERENCE_OPERATIONS
        )
    longest = custom_system((LONGEST_EQUATION, LONGEST_EQUATION, "")).field()
    ops = operations(longest, y0)
    assert ops == operations(longest, y0 * 2)  # the same count at any state
    assert 8 * REFERENCE_OPERATIONS < ops < 15 * REFERENCE_OPERATIONS
    assert ViewWork(100, ops).budget(NO_CLOCK, 10_000_000, 1).max_nfe == int(
        NO_CLOCK.max_nfe * REFERENCE_OPERATIONS / ops
    )
    out = solve_portrait(longest, y0, WINDOW, PortraitConfig(step_size=0.001, t1=5.0, budget=NO_CLOCK))
    assert "at the work budget" in out.message and f"f's {ops} tensor operations weigh" in out.message
    assert "simpler equations" in out.message and "\n" not in out.message
