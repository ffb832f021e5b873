"""AppTest of "How Neural ODEs learn": default view, each tab from a link, a main control per tab, bad links."""

from __future__ import annotations

from tests.app.apptest_helpers import assert_clean, open_page, texts

SMALL = {"hidden": "16", "batch": "16", "most": "16"}


def test_default_view_measures_the_adjoint_memory():
    at = open_page("how_they_learn", **SMALL)
    assert_clean(at)
    assert at.title[0].value == "How Neural ODEs learn"
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["Backprop holds", "Adjoint holds", "Gradient difference"]
    assert "O(L)" in texts(at) and "O(1)" in texts(at)
    assert float(at.metric[2].value) < 1e-3  # the two gradients agree
    assert len(at.get("plotly_chart")) == 3


def test_memory_sweep_control_switches_to_tolerances():
    at = open_page("how_they_learn", sweep="tolerance", tightest="1e-04", hidden="16", batch="16")
    assert_clean(at)
    assert "evaluations" in texts(at)
    assert at.query_params["sweep"] == "tolerance"


def test_depth_control_changes_the_resnet():
    at = open_page("how_they_learn", view="resnet-to-ode-net")
    at.select_slider(key="learn.depth").set_value(10).run()
    assert_clean(at)
    assert at.query_params["depth"] == "10"


def test_dynamics_controls_are_in_the_link():
    at = open_page("how_they_learn", view="learning-dynamics", system="nonlinear", field="mlp")
    assert_clean(at)
    assert at.selectbox(key="learn.field").value == "mlp"
    at.slider(key="learn.nonlinear.mlp.snap").set_value(0).run()
    assert_clean(at)
    assert at.query_params["snap"] == "0"


def test_bad_link_values_fall_back_with_a_note():
    at = open_page("how_they_learn", view="nope", depth="7", **SMALL)
    assert_clean(at)
    text = texts(at)
    assert "view=nope` was ignored" in text
    at = open_page("how_they_learn", view="resnet-to-ode-net", depth="__import__('os')")
    assert_clean(at)
    assert "was ignored" in texts(at)
    assert at.select_slider(key="learn.depth").value == 3
