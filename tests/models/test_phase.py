"""Phase portraits as batched solves: the sources' initial values, batched equals separate, rows that blow
up stop alone, backward time, budgets, and the field samples."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from models.ode.solve import FixedStep, InvalidSolve, SolverConfig, solve
from models.phase.portrait import (
    PORTRAIT_BUDGET,
    PortraitConfig,
    SeedConfig,
    grid_seeds,
    is_autonomous,
    make_seeds,
    random_seeds,
    sample_field,
    solve_portrait,
    source_seeds,
    streamlets,
    thin,
    wrap_angles,
)
from models.systems.expressions import ExpressionError
from models.systems.library import SYSTEMS
from models.systems.spec import CUSTOM, SystemSpec, custom_equations, custom_system

PENDULUM = SystemSpec("pendulum")
#: A deadline no test reaches even on a busy machine, where the test is not about the deadline.
LONG = replace(PORTRAIT_BUDGET, deadline_s=60.0)
WIDE = ((-10.0, 10.0), (-10.0, 10.0))


def test_source_initial_values_are_the_sources():
    pendulum = source_seeds("pendulum")
    assert pendulum.shape == (99, 2)
    assert torch.allclose(pendulum[0], torch.tensor([-10.0, 2.0], dtype=torch.float64))
    assert torch.allclose(pendulum[49], torch.zeros(2, dtype=torch.float64))
    assert torch.allclose(pendulum[:, 0], -5 * pendulum[:, 1])
    lv = source_seeds("lotka_volterra")
    assert lv.shape == (20, 2)
    assert torch.equal(lv[:, 0], lv[:, 1])
    assert lv[0, 0] == 0.0 and lv[-1, 0] == 1.0
    assert source_seeds("van_der_pol") is None
    assert make_seeds(SeedConfig("source", 5), "van_der_pol", ((-1.0, 1.0), (-1.0, 1.0))).shape == (25, 2)


def test_sources_pendulum_portrait_keeps_energy_and_has_the_sources_grid():
    cfg = PortraitConfig(budget=LONG, method="rk4", step_size=0.1, t1=7.0)
    y0 = source_seeds("pendulum")
    portrait = solve_portrait(PENDULUM.field(), y0, SYSTEMS["pendulum"].window, cfg)
    assert portrait.y.shape == (71, 99, 2)  # 70 steps
    assert portrait.message is None and not portrait.stopped.any()
    energy = portrait.y[..., 1] ** 2 / 2 - torch.cos(portrait.y[..., 0])
    assert (energy - energy[0]).abs().max() < 1e-3


def test_batched_solve_equals_separate_solves():
    spec = SystemSpec("van_der_pol", (("mu", 1.5),))
    f = spec.field()
    y0 = random_seeds(((-3.0, 3.0), (-4.0, 4.0)), 12, seed=3)
    cfg = PortraitConfig(budget=LONG, method="rk4", step_size=0.05, t1=5.0)
    batched = solve_portrait(f, y0, ((-3.0, 3.0), (-4.0, 4.0)), cfg)
    for i in range(len(y0)):
        alone = solve(f, y0[i : i + 1], (0.0, 5.0), SolverConfig(method="rk4", step=FixedStep(0.05))).y[:, 0]
        assert torch.allclose(batched.y[:, i], alone, rtol=0, atol=1e-12)


def test_backward_rows_retrace_forward_rows_in_one_solve():
    f = SystemSpec("harmonic").field()
    y0 = grid_seeds(((-2.0, 2.0), (-2.0, 2.0)), 4)
    cfg = PortraitConfig(budget=LONG, step_size=0.01, t1=2.0)
    forward = solve_portrait(f, y0, WIDE, cfg)
    ends = forward.y[-1]
    both = solve_portrait(
        f,
        torch.cat((y0, ends)),
        WIDE,
        cfg,
        backward=torch.tensor([False] * 16 + [True] * 16),
        autonomous=True,
    )
    assert torch.allclose(both.y[:, :16], forward.y, atol=1e-13)
    assert torch.allclose(both.y[-1, 16:], y0, atol=1e-8)  # back where they started
    assert both.direction.tolist() == [1.0] * 16 + [-1.0] * 16


def test_backward_time_of_a_forced_system_uses_negative_times():
    spec = SystemSpec("duffing", (("gamma", 0.5),))
    f = spec.field()
    window = SYSTEMS["duffing"].window
    assert not is_autonomous(f, window)
    y0 = grid_seeds(window, 3)
    cfg = PortraitConfig(budget=LONG, step_size=0.01, t1=1.5)
    forward = solve_portrait(f, y0, window, cfg)
    ends = forward.y[-1]
    back = torch.tensor([False] * 9 + [True] * 9)
    mixed = solve_portrait(f, torch.cat((y0, ends)), window, cfg, backward=back)
    # A backward row at travelled time s is at time -s, so it follows dy/ds = -f(-s, y).
    reversed_run = solve(
        lambda t, y: -f(-t, y), ends, (0.0, 1.5), SolverConfig(method="rk4", step=FixedStep(0.01))
    ).y
    assert torch.allclose(mixed.y[:, 9:], reversed_run, atol=1e-12)
    assert torch.allclose(mixed.y[:, :9], forward.y, atol=1e-12)


def test_speed_runs_rows_for_longer_times():
    f = SystemSpec("harmonic").field()
    y0 = torch.tensor([[1.0, 0.0]], dtype=torch.float64)
    out = solve_portrait(
        f, y0, WIDE, PortraitConfig(budget=LONG, step_size=0.01, t1=1.0), speed=torch.tensor([3.0])
    )
    assert out.y.shape[0] == 101 and out.message is None
    # 100 RK4 steps of 0.03 cover t = 3 with a global error of order 0.03**4
    assert torch.allclose(
        out.y[-1, 0], torch.tensor([math.cos(3.0), -math.sin(3.0)], dtype=torch.float64), atol=1e-6
    )


def test_a_row_that_blows_up_stops_alone():
    f = custom_system(("x**2", "-y")).field()
    y0 = torch.tensor([[2.0, 1.0], [-1.0, 1.0]], dtype=torch.float64)  # x = 2/(1-2t) blows up at t = 0.5
    out = solve_portrait(
        f, y0, ((-3.0, 3.0), (-3.0, 3.0)), PortraitConfig(budget=LONG, step_size=0.01, t1=3.0)
    )
    assert out.message is None
    assert out.stopped.tolist() == [True, False]
    assert out.y.shape[0] == 301
    assert torch.isnan(out.y[-1, 0]).all() and torch.isfinite(out.y[:40, 0]).all()
    t = torch.linspace(0, 3, 301, dtype=torch.float64)
    assert torch.allclose(out.y[:, 1, 0], -1 / (1 + t), atol=1e-8)  # the other row is exact
    assert torch.allclose(out.y[:, 1, 1], torch.exp(-t), atol=1e-8)


def test_an_undefined_field_stops_the_row_where_it_starts():
    f = custom_system(("sqrt(x)", "-y")).field()
    y0 = torch.tensor([[-1.0, 1.0], [1.0, 1.0]], dtype=torch.float64)
    out = solve_portrait(
        f, y0, ((-3.0, 3.0), (-3.0, 3.0)), PortraitConfig(budget=LONG, step_size=0.1, t1=1.0)
    )
    assert out.stopped.tolist() == [True, False]
    assert torch.equal(out.y[0, 0], y0[0]) and torch.isnan(out.y[1:, 0]).all()
    assert torch.isfinite(out.y[:, 1]).all()


def test_the_deadline_stops_the_batch_and_keeps_what_was_computed():
    cfg = PortraitConfig(step_size=0.001, t1=5.0, budget=replace(PORTRAIT_BUDGET, deadline_s=0.05))
    out = solve_portrait(
        SystemSpec("lorenz").field(),
        random_seeds(SYSTEMS["lorenz"].window, 50, 0),
        SYSTEMS["lorenz"].window,
        cfg,
    )
    assert out.message is not None and "time limit" in out.message
    assert 1 <= out.y.shape[0] < 5001
    assert torch.isfinite(out.y).all()


def test_requests_beyond_the_step_cap_are_refused_with_a_message():
    with pytest.raises(InvalidSolve, match="exceed the cap"):
        solve_portrait(
            PENDULUM.field(),
            source_seeds("pendulum"),
            WIDE,
            PortraitConfig(budget=LONG, step_size=0.001, t1=100.0),
        )


def test_autonomy_is_detected():
    assert is_autonomous(PENDULUM.field(), WIDE)
    assert is_autonomous(SystemSpec("duffing").field(), WIDE)  # no forcing by default
    assert not is_autonomous(custom_system(("y", "-x + cos(t)")).field(), WIDE)


def test_field_sample_and_streamlets_follow_the_field():
    f = SystemSpec("harmonic").field()
    window = ((-2.0, 2.0), (-2.0, 2.0))
    sample = sample_field(f, window, 9)
    gx, gy = np.meshgrid(sample.xs, sample.ys)
    assert np.allclose(sample.u, gy) and np.allclose(sample.v, -gx)
    lines, speed = streamlets(f, window, n=6)
    assert lines.shape == (36, 13, 2)
    radius = np.linalg.norm(lines, axis=-1)
    assert np.allclose(radius, radius[:, :1], atol=1e-6)  # the flow turns on circles
    assert np.allclose(speed, np.linalg.norm(lines[:, 6], axis=-1))
    forward = lines[:, -1] - lines[:, 6]
    along = (forward * np.stack((lines[:, 6, 1], -lines[:, 6, 0]), axis=-1)).sum(axis=-1)
    assert (along > 0).all()  # the forward half goes the way f points


def test_seed_grids_and_thinning():
    seeds = grid_seeds(((0.0, 4.0), (-1.0, 1.0)), 4)
    assert seeds.shape == (16, 2)
    assert seeds[:, 0].min() == 0.5 and seeds[:, 0].max() == 3.5
    assert torch.equal(random_seeds(WIDE, 5, 1), random_seeds(WIDE, 5, 1))
    assert not torch.equal(random_seeds(WIDE, 5, 1), random_seeds(WIDE, 5, 2))
    lorenz = make_seeds(SeedConfig("grid", 3), "lorenz", SYSTEMS["lorenz"].window)
    assert lorenz.shape == (9, 3) and (lorenz[:, 2] == 27.5).all()
    index = thin(1001, 300)
    assert index[0] == 0 and index[-1] == 1000 and len(index) <= 301
    assert np.array_equal(thin(5, 300), np.arange(5))


def test_wrapping_puts_angles_in_the_half_open_interval_and_breaks_lines():
    theta = np.linspace(0, 4 * np.pi, 50)
    y = np.stack((theta, np.ones_like(theta)), axis=-1)[:, None, :]
    out = wrap_angles(y)
    assert out.shape == (99, 1, 2)
    finite = out[np.isfinite(out[..., 0]), 0]
    assert finite.min() > -np.pi and finite.max() <= np.pi
    assert np.isnan(out[1::2, 0, 0]).sum() == 2  # crossed the cut twice
    assert wrap_angles(np.array([[[-np.pi, 0.0]]]))[0, 0, 0] == pytest.approx(np.pi)


def test_typed_equations_become_a_system_with_parameter_sliders():
    system = SystemSpec(CUSTOM, (("c", 0.0),), ("y", "-sin(x) - c*y", "")).system()
    assert system.state_names == ("x", "y") and [p.name for p in system.params] == ["c"]
    assert custom_system(("y*z", "x", "-b*z")).state_names == ("x", "y", "z")
    assert custom_equations([" y ", "x", "  "]) == ("y", "x")
    f = SystemSpec(CUSTOM, (("c", 2.0),), ("y", "-sin(x) - c*y")).field()
    out = f(torch.tensor(0.0), torch.tensor([[0.5, 1.0]], dtype=torch.float64))
    assert torch.allclose(out, torch.tensor([[1.0, -math.sin(0.5) - 2.0]], dtype=torch.float64))


@pytest.mark.parametrize(
    ("equations", "message"),
    [
        (("__import__('os').system('id')", "y"), "dx/dt"),
        (("y", "x.__class__"), "dy/dt"),
        (("y", "x**y"), "dy/dt"),
        (("y", "x" * 400), "longer than"),
        (("y", ""), "empty"),
        (("y",), "dy/dt"),
    ],
)
def test_hostile_or_broken_equations_are_refused_with_one_line(equations, message):
    with pytest.raises(ExpressionError, match=message) as err:
        custom_system(equations)
    assert "\n" not in str(err.value)
