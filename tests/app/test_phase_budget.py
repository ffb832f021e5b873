"""The Phase portraits page's solves are bounded by work, not wall time: a view that fits the work budget is
drawn however slowly the clock says the server runs, and hostile views still end with one line, by the
work budget or by the wall-clock guard."""

from __future__ import annotations

import itertools
import types

import pytest

from cached.phase import cloud, trajectories
from models.ode import budget as budget_module
from models.ode.solve import SolveError
from models.phase.portrait import PORTRAIT_BUDGET, PortraitConfig, SeedConfig
from models.systems.spec import SystemSpec
from tests.app.apptest_helpers import assert_clean, open_page, plotly_figure
from tests.models.test_phase_work import LONGEST_EQUATION

URL = "phase_portraits"


def slow_clock(monkeypatch, seconds_per_call: float) -> None:
    """The solver's clock advances `seconds_per_call` each time it is read (once per evaluation of f)."""
    ticks = itertools.count()
    tick = lambda: next(ticks) * seconds_per_call  # noqa: E731
    clock = types.SimpleNamespace(perf_counter=tick, thread_time=tick)
    monkeypatch.setattr(budget_module, "time", clock)


@pytest.fixture(autouse=True)
def fresh_caches():
    """Views computed under another test's clock must not be served from the cache, nor these kept."""
    trajectories.clear()
    cloud.clear()
    yield
    trajectories.clear()
    cloud.clear()


def test_tour_step_8_draws_the_lorenz_attractor_on_a_slow_clock(monkeypatch):
    """Each evaluation of f appears to take 0.6 ms, four times an idle core's, as on a loaded server: tour
    step 8's 4,000 evaluations take 2.4 s by that clock, past the old 1.5 s deadline, and the view is still
    drawn whole, because its work fits the budget."""
    slow_clock(monkeypatch, 6e-4)
    at = open_page(URL, system="lorenz", view="3-d", tour="8", present="1")
    assert_clean(at)
    assert not at.error and not at.warning, [e.value for e in [*at.error, *at.warning]]
    (curves,) = [t for t in plotly_figure(at)["data"] if t["type"] == "scatter3d" and t["mode"] == "lines"]
    times = [t for t in curves["line"]["color"] if t is not None and t == t]
    assert max(times) == 25.0  # the whole span, not the part before a deadline

    lorenz = SystemSpec("lorenz")
    view = trajectories(
        lorenz,
        SeedConfig("random", 3),
        PortraitConfig(step_size=0.025, t1=25.0),
        lorenz.system().window,
        False,
        True,
        (),
    )
    assert not isinstance(view, SolveError), view
    assert view.steps == 1000 and view.nfe == 4000
    assert 1500 < view.wall_ms < PORTRAIT_BUDGET.deadline_s * 1e3  # the slow clock's time, within the guard


def test_a_view_beyond_the_work_budget_stops_by_work_when_no_time_passes(monkeypatch):
    """A 24 × 24 grid both ways in time over 5,000 steps (1,168 trajectories, 23 million evaluations of one
    state) stops at the work budget on a clock that never advances: the bound is work, and the page shows
    the part computed with one line that says so."""
    slow_clock(monkeypatch, 0.0)
    at = open_page(URL, seeds="grid", n="24", back="true", h="0.001", t1="5")
    assert_clean(at)
    (error,) = at.error
    assert "at the work budget" in error.value and "of 5,000 steps" in error.value
    assert "\n" not in error.value
    assert at.get("plotly_chart")


def test_costly_equations_stop_by_work_when_no_time_passes(monkeypatch):
    """The longest equations a link may carry, on a 24 × 24 grid both ways in time over 1,000 steps: each
    evaluation counts for ten of a preset's, and the view stops at the work budget on a clock that never
    advances (a preset's f would fit: 4,000 evaluations of 1,152 rows)."""
    slow_clock(monkeypatch, 0.0)
    at = open_page(
        URL,
        system="custom",
        dx=LONGEST_EQUATION,
        dy=LONGEST_EQUATION,
        seeds="grid",
        n="24",
        back="true",
        h="0.01",
    )
    assert_clean(at)
    (error,) = at.error
    assert "at the work budget" in error.value and "tensor operations" in error.value
    assert "\n" not in error.value
    assert at.get("plotly_chart")


def test_the_guard_stops_what_work_does_not_within_its_seconds(monkeypatch):
    """The longest equations on a small grid, each evaluation appearing to take 5 ms (as on a machine some
    20 times slower than an idle core): within the work budget, they meet the wall-clock guard, and the page
    shows the part computed with one line."""
    slow_clock(monkeypatch, 5e-3)
    at = open_page(
        URL, system="custom", dx=LONGEST_EQUATION, dy=LONGEST_EQUATION, h="0.001", t1="5", seeds="grid", n="5"
    )
    assert_clean(at)
    (error,) = at.error
    assert f"at the {PORTRAIT_BUDGET.deadline_s:g} s time limit" in error.value and "\n" not in error.value
    assert at.get("plotly_chart")


def test_only_the_tabs_that_draw_the_trajectories_solve_them(monkeypatch):
    """The Flow tab solves its own cloud: solving the plane's trajectories too doubled its work, and a hostile
    equation's wait. Counted by the solver's own calls (the cache is cleared, so each view solves afresh)."""
    import cached.phase as phase

    calls = []
    real = phase.trajectories

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(phase, "trajectories", counted)
    for view, solves in (("flow", 0), ("fixed-points", 0), ("the-maths", 0), ("phase-plane", 1), ("3-d", 1)):
        calls.clear()
        assert_clean(open_page(URL, view=view))
        assert len(calls) == solves, view
