"""AppTest of the Solver lab's stiff presets and Stiffness tab: the implicit method answers, the explicit
ones are stopped by the budget with one line each, and the tab's charts and link."""

from __future__ import annotations

import pytest

from tests.app.apptest_helpers import assert_clean, open_page, plotly_figure, texts

STIFF = {"methods": "", "adaptive": "lsoda", "view": "stiffness"}


def test_stiffness_tab_on_robertson_sets_implicit_against_explicit():
    at = open_page("solver_lab", system="robertson", **STIFF)
    assert_clean(at)
    labels = [m.label for m in at.metric]
    assert labels[1:] == [
        "LSODA (Adams/BDF switching) (implicit)",
        "Bogacki–Shampine 3(2) (explicit)",
        "Dormand–Prince 5(4) (explicit)",
    ]
    errors = [e.value for e in at.error]
    assert len(errors) == 2 and all("\n" not in e and "stopped" in e for e in errors)
    assert errors[0].startswith("Bogacki–Shampine 3(2): stopped") and errors[1].startswith(
        "Dormand–Prince 5(4)"
    )
    assert "of 100000" in texts(at)  # where the explicit ones were stopped, out of t1
    assert len(at.get("plotly_chart")) == 3  # steps over the ratio, the solution, work–precision
    steps = plotly_figure(at, key="stiff_steps")
    names = [tr["name"] for tr in steps["data"]]
    assert (
        names[0] == "LSODA (Adams/BDF switching)" and "Dormand–Prince 5(4) (stopped by the budget)" in names
    )
    assert steps["layout"]["xaxis"]["type"] == "log"  # Robertson reads on a log time axis
    ratio = [y for y in steps["data"][-1]["y"] if y is not None]
    assert max(ratio) > 1e8
    work = plotly_figure(at, key="stiff_work")
    assert [tr["name"] for tr in work["data"]] == ["LSODA (Adams/BDF switching)"]
    assert "No point for Bogacki–Shampine 3(2), Dormand–Prince 5(4)" in texts(at)


def test_stiffness_ratio_of_the_linear_preset_is_1000_on_the_page():
    at = open_page("solver_lab", system="stiff_linear", implicit="bdf", **STIFF)
    assert_clean(at)
    assert "from 1000 to 1000" in texts(at)
    assert at.metric[1].label == "BDF (implicit, scipy) (implicit)"
    assert float(at.metric[0].value) < 1e-5  # LSODA against the exact solution


def test_work_precision_puts_explicit_and_implicit_on_one_chart_where_both_finish():
    at = open_page("solver_lab", **STIFF)  # Lotka–Volterra: not stiff, every method finishes
    assert_clean(at)
    # Each explicit solve has a 0.4 s deadline: on a machine busy enough to stop one, it leaves the chart.
    stopped = {e.value.split(":")[0] for e in at.error}
    names = [tr["name"] for tr in plotly_figure(at, key="stiff_work")["data"]]
    expected = ["LSODA (Adams/BDF switching)", "Bogacki–Shampine 3(2)", "Dormand–Prince 5(4)"]
    assert names == [n for n in expected if n not in stopped]


@pytest.mark.parametrize("system", ["van_der_pol_stiff", "robertson", "stiff_linear"])
def test_stiff_presets_open_in_the_lab(system):
    at = open_page("solver_lab", system=system, methods="", adaptive="lsoda")
    assert_clean(at)
    names = {tr["name"] for tr in plotly_figure(at, key="components")["data"]}
    reference = "reference (exact solution)" if system == "stiff_linear" else "reference (lsoda, tol 1e-08)"
    assert reference in names  # dopri8 would crawl: the reference is an implicit solve
    assert len(at.get("plotly_chart")) == 2


def test_choosing_the_implicit_method_updates_the_link():
    at = open_page("solver_lab", system="stiff_linear", **STIFF)
    at.selectbox(key="solver.implicit").set_value("bdf").run()
    assert_clean(at)
    assert at.query_params["implicit"] == "bdf"
    assert "BDF (implicit, scipy) (implicit)" in [m.label for m in at.metric]


def _kinds(node) -> list[str]:
    """The element types of the page in the order they are drawn (a depth-first walk of the tree)."""
    children = getattr(node, "children", {})
    return [node.type] + [k for key in sorted(children) for k in _kinds(children[key])]


def test_presenter_mode_puts_the_charts_before_the_three_costs():
    """Two rows of metrics (the lab's summary, then the tab's costs) pushed the first chart below a 720 px
    fold: on a projector the tab leads with its charts and the costs follow them; on a laptop they read first."""
    for params, charts_first in (({"present": "1"}, True), ({}, False)):
        at = open_page("solver_lab", system="robertson", **STIFF, **params)
        assert_clean(at)
        tab = next(t for t in at.tabs if t.label == "Stiffness")
        kinds = [k for k in _kinds(tab) if k in ("metric", "plotly_chart")]
        assert kinds.count("metric") == 3 and kinds.count("plotly_chart") == 3
        assert (kinds.index("plotly_chart") < kinds.index("metric")) is charts_first
        assert [m.label for m in tab.metric][0] == "LSODA (Adams/BDF switching) (implicit)"
