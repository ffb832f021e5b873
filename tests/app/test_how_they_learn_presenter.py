"""AppTest of "How Neural ODEs learn" in presenter mode: no in-page control is drawn, yet the link still sets
the whole view of each tab; the memory table keeps to six columns; the NFE study's panels and the ResNet tab's
figures keep their text inside a third (half) of 1024 px and above the fold at 1280x720."""

from __future__ import annotations

import pytest

from components.learning_figures import PANEL_TITLE_PX
from kit.figures import PRESENTER_FONT_SCALE
from tests.app.apptest_helpers import assert_clean, open_page, plotly_figure, texts
from tests.components.test_learning_figures import THIRD_OF_1024_CHARS

SMALL = {"hidden": "16", "batch": "16"}
WIDGETS = ("selectbox", "slider", "select_slider", "toggle", "number_input", "radio")


def controls(at) -> list[str]:
    """Labels of the page's input widgets and buttons (the sidebar is hidden in presenter mode) but the
    chrome's own "Leave presenter mode"."""
    found = [w.label for kind in WIDGETS for w in at.main.get(kind)]
    return found + [b.label for b in at.main.get("button") if b.key != "leave_present"]


@pytest.mark.parametrize("view", ["adjoint-memory", "nfe-study", "resnet-to-ode-net", "learning-dynamics"])
def test_no_in_page_control_in_presenter_mode(view):
    at = open_page("how_they_learn", present="1", view=view, most="16", **SMALL)
    assert_clean(at)
    assert controls(at) == []
    assert at.get("plotly_chart")


def test_the_link_still_sets_each_tab_in_presenter_mode():
    at = open_page("how_they_learn", present="1", sweep="tolerance", tightest="1e-04", **SMALL)
    assert_clean(at)
    assert "evaluations" in texts(at)
    assert list(at.dataframe[0].value.columns)[0] == "tolerance"
    assert at.query_params["sweep"] == "tolerance" and at.query_params["present"] == "1"
    at = open_page("how_they_learn", present="1", view="resnet-to-ode-net", depth="10")
    names = [t["name"] for t in plotly_figure(at, key="regression")["data"]]
    assert "ResNet, depth 10" in names and at.query_params["depth"] == "10"
    at = open_page(
        "how_they_learn", present="1", view="learning-dynamics", system="nonlinear", field="mlp", snap="3"
    )
    slider = plotly_figure(at, key="field")["layout"]["sliders"][0]  # the snapshots play in the figure
    assert (
        slider["steps"][slider["active"]]["label"] == "300"
    )  # snapshot 3 of a fit snapshotted every 100 steps
    assert at.query_params["snap"] == "3"
    at = open_page("how_they_learn", present="1", view="nfe-study", seminorm="1")
    assert_clean(at)
    assert at.query_params["seminorm"] == "1"


def test_the_memory_table_has_one_setting_column():
    at = open_page("how_they_learn", most="16", **SMALL)
    columns = list(at.dataframe[0].value.columns)
    assert columns[0] == "steps" and "tolerance" not in columns and len(columns) == 6


def in_order(node) -> list[str]:
    """The element types of the page in the order they are drawn (a depth-first walk of the tree)."""
    kinds = [node.type]
    for child in getattr(node, "children", {}).values():
        kinds += in_order(child)
    return kinds


def test_the_memory_figure_comes_before_the_metrics_in_presenter_mode():
    """A projected page leads with its figure, so it starts higher; on a laptop the four numbers read first."""
    for params, leads in (({"present": "1"}, "plotly_chart"), ({}, "metric")):
        at = open_page("how_they_learn", most="16", **SMALL, **params)
        assert_clean(at)
        kinds = [k for k in in_order(at.main) if k in ("metric", "plotly_chart")]
        assert kinds[0] == leads and kinds.count("metric") == 4


@pytest.mark.parametrize("seminorm", ["0", "1"])  # tour steps 14 and 27
def test_nfe_panels_titles_and_legends_fit_their_third_in_presenter_mode(seminorm):
    at = open_page("how_they_learn", present="1", view="nfe-study", seminorm=seminorm)
    assert_clean(at)
    for key in ("nfe_tol", "nfe_time", "nfe_bwd"):
        layout, data = plotly_figure(at, key=key)["layout"], plotly_figure(at, key=key)["data"]
        assert layout["title"]["font"]["size"] == pytest.approx(PANEL_TITLE_PX * PRESENTER_FONT_SCALE)
        assert len(layout["title"]["text"]) <= THIRD_OF_1024_CHARS
        assert all(len(t["name"]) <= THIRD_OF_1024_CHARS for t in data if t.get("showlegend", True))


def test_resnet_tab_figures_fit_under_the_tour_bar_at_1280x720_in_presenter_mode():
    """The tour bar and title take 261 px at 1280x720: each figure, legend included, is at most 450 px."""
    at = open_page("how_they_learn", present="1", view="resnet-to-ode-net", tour="15")
    assert_clean(at)
    regression, paths = (
        plotly_figure(at, key="regression")["layout"],
        plotly_figure(at, key="paths")["layout"],
    )
    assert regression["legend"]["yanchor"] == "top" and regression["legend"]["y"] > 0  # inside the plot
    assert paths["legend"]["yanchor"] == "top" and paths["legend"]["y"] > 0
    assert max(regression["height"], paths["height"]) <= 450
    # The two plots line up: the same height under the same top margin.
    plot = [f["height"] - f["margin"]["t"] - f["margin"]["b"] for f in (regression, paths)]
    assert plot[0] == pytest.approx(plot[1])


#: Where the first figure starts under the presenter tour bar at 1280x720, measured in Chromium with look.py
#: (tour steps 14 and 16: 261 and 271 px; the memory figure under a two-line tour caption at step 13: 292 px).
FIRST_CHART_PX = {"nfe-study": 261, "learning-dynamics": 271}


@pytest.mark.parametrize("seminorm", ["0", "1"])  # tour steps 14 and 27
def test_nfe_panels_legends_are_above_their_plots_and_end_above_the_fold_in_presenter_mode(seminorm):
    """Panel (c)'s five legend rows under its plot ended below the fold at 1280x720: its reference lines are
    labelled at their ends instead, and on a projector the legends sit between each title and its plot."""
    at = open_page("how_they_learn", present="1", view="nfe-study", seminorm=seminorm, tour="14")
    assert_clean(at)
    heights = []
    for key in ("nfe_tol", "nfe_time", "nfe_bwd"):
        layout = plotly_figure(at, key=key)["layout"]
        assert layout["legend"]["yanchor"] == "bottom" and layout["legend"]["y"] >= 1.0
        assert layout["title"]["yanchor"] == "top" and layout["title"]["yref"] == "container"
        heights.append(layout["height"])
        assert FIRST_CHART_PX["nfe-study"] + layout["height"] <= 720
    assert len(set(heights)) == 1  # side by side, level
    shown = [t for t in plotly_figure(at, key="nfe_bwd")["data"] if t.get("showlegend", True)]
    assert [t["name"] for t in shown] == ["backprop: 0 new NFE", "adjoint", "adjoint + seminorm"]
    laptop = plotly_figure(open_page("how_they_learn", view="nfe-study"), key="nfe_bwd")["layout"]
    assert laptop["legend"]["yanchor"] == "top" and laptop["legend"]["y"] < 0  # under the plot on a laptop


def test_the_memory_and_field_legends_sit_beside_their_plots_in_presenter_mode():
    """Steps 13 and 16: the legends under these full-width figures were below the fold at 1280x720."""
    at = open_page("how_they_learn", present="1", most="16", tour="13", **SMALL)
    assert_clean(at)
    legend = plotly_figure(at, key="memory")["layout"]["legend"]
    assert legend["x"] > 1 and legend["yanchor"] == "top" and legend["y"] == 1.0
    at = open_page("how_they_learn", present="1", view="learning-dynamics", field="mlp", tour="16")
    assert_clean(at)
    layout = plotly_figure(at, key="field")["layout"]
    assert layout["legend"]["x"] > 1 and layout["legend"]["orientation"] == "v"
    assert FIRST_CHART_PX["learning-dynamics"] + layout["height"] <= 720


def test_the_learning_dynamics_snapshots_play_in_the_figure_from_the_tours_frame():
    """Step 16 says to watch the learned field settle, but presenter mode hides the snapshot slider: the shipped
    snapshots are the figure's frames instead, opening on the step's snapshot (50 of 1,000 training steps),
    the untrained field first and the final fit last."""
    at = open_page("how_they_learn", present="1", view="learning-dynamics", field="mlp", snap="1", tour="16")
    assert_clean(at)
    fig = plotly_figure(at, key="field")
    names = [f["name"] for f in fig["frames"]]
    assert names[0] == "0" and names[-1] == "1000" and "50" in names
    assert names == sorted(names, key=int) and len(names) <= 10
    slider = fig["layout"]["sliders"][0]
    assert [s["label"] for s in slider["steps"]] == names and names[slider["active"]] == "50"
    # The figure's own data are the opening frame's: its learned trajectory is frame "50"'s.
    learned = next(t for t in fig["data"] if t.get("name") == "learned trajectory")
    opening = fig["frames"][names.index("50")]["data"][-1]
    assert learned["x"][:5] == pytest.approx(opening["x"][:5], abs=1e-3)
    final = fig["frames"][-1]["data"][-1]
    assert final["x"][:5] != pytest.approx(opening["x"][:5], abs=1e-3)  # the frames differ: training shows
