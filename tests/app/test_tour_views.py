"""A tour step is a complete view: entering it shows the step's view whatever the visitor did before."""

from __future__ import annotations

import pytest

from kit.story import step_link, steps
from tests.app.apptest_helpers import assert_clean, open_page, texts

LINKS_NAMES = {
    "solver_lab": "solver",
    "phase_portraits": "phase",
    "node_anode_lab": "node_anode",
    "how_they_learn": "learn",
    "latent_spirals": "latent",
    "ode_nets": "ode_nets",
    "flows": "flows",
}


def _enter_step(at, k: int):
    """Follow tour step k's link in the same session, as the tour page's *Open this step* does."""
    path, params = step_link(k)
    at.switch_page(path)
    at.query_params.clear()
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_step_one_shows_lotka_volterra_after_the_visitor_chose_duffing():
    at = open_page("solver_lab")
    at.selectbox(key="solver.system").set_value("duffing").run()
    assert at.query_params["system"] == "duffing"
    _enter_step(at, 1)
    assert_clean(at)
    assert "Lotka–Volterra from (1, 2)" in texts(at)
    assert at.selectbox(key="solver.system").value == "lotka_volterra"
    assert "system" not in at.query_params
    assert at.query_params["tour"] == "1"


def test_the_pendulum_step_drops_a_trajectory_the_visitor_clicked():
    at = open_page("phase_portraits", starts="1,0.5")
    assert at.session_state["phase.pendulum.starts"] == ((1.0, 0.5),)
    step = next(k for k, s in enumerate(steps(), start=1) if s.title.startswith("A phase portrait"))
    _enter_step(at, step)
    assert_clean(at)
    assert at.session_state["phase.pendulum.starts"] == ()
    assert "starts" not in at.query_params
    assert "of yours" not in texts(at)


def test_moving_a_control_inside_a_tour_step_keeps_the_change():
    at = open_page("solver_lab")
    _enter_step(at, 1)
    at.selectbox(key="solver.system").set_value("duffing").run()
    assert_clean(at)
    assert at.selectbox(key="solver.system").value == "duffing"
    at.run()
    assert at.selectbox(key="solver.system").value == "duffing"
    assert at.query_params["tour"] == "1"


@pytest.mark.parametrize("k", range(1, len(steps()) + 1))
def test_entering_a_step_after_another_view_shows_exactly_the_steps_view(k):
    step = steps()[k - 1]
    # A session that last showed another view of the same page (the last step of the other pages' tour).
    other = next(s for s in reversed(steps()) if s.page == step.page and s != step)
    at = open_page(other.page, **other.params)
    _enter_step(at, k)
    assert_clean(at)
    name = LINKS_NAMES[step.page]
    assert at.session_state[f"{name}.__view"] == step.view
