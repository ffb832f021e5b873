"""Presenter mode in a talk: it stays on through the tour's Previous / Next and page changes until left, and
its charts are drawn with larger text."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import altair as alt
import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from components.style import legend_below, styled
from kit.figures import PRESENTER_SCENE_HEIGHT, presenter_chart, presenter_figure
from kit.registry import PAGES
from tests.app.apptest_helpers import assert_clean, open_page, plotly_figure, texts


def _link(at: AppTest, label: str):
    return next(el.proto for el in at.get("page_link") if el.proto.label == label)


def follow(at: AppTest, label: str) -> AppTest:
    """What a click on the page link `label` does: open its page, in this session, with its parameters."""
    link = _link(at, label)
    at.switch_page(next(p.path for p in PAGES if p.url == link.page))
    for key, value in parse_qsl(link.query_string):
        at.query_params[key] = value
    return at.run()


def presenting(at: AppTest) -> bool:
    """The URL says presenter mode and the page is drawn in it (its way out is there, the menu button not)."""
    keys = {b.key for b in at.button}
    return at.query_params.get("present") == "1" and "leave_present" in keys and "enter_present" not in keys


def test_next_and_previous_keep_presenter_mode():
    at = open_page("solver_lab", tour="1", present="1")
    assert presenting(at)
    assert dict(parse_qsl(_link(at, "Next").query_string))["present"] == "1"  # the link itself says so
    follow(at, "Next")
    assert_clean(at)
    assert "Tour · step 2 of" in texts(at)
    assert at.query_params["tour"] == "2" and at.query_params["view"] == "3-d"
    assert presenting(at)
    follow(at, "Next")
    assert "Tour · step 3 of" in texts(at)
    assert presenting(at)
    follow(at, "Previous")
    assert "Tour · step 2 of" in texts(at)
    assert presenting(at)


def test_a_page_change_by_a_link_without_it_keeps_presenter_mode():
    at = open_page("solver_lab", tour="1", present="1")
    at.switch_page("views/home.py")  # as the menu does: no parameters at all
    at.run()
    assert_clean(at)
    assert presenting(at)


def test_left_presenter_mode_stays_left():
    at = open_page("solver_lab", tour="1", present="1")
    at.button(key="leave_present").click().run()
    assert not presenting(at)
    assert "present" not in parse_qsl(_link(at, "Next").query_string)
    follow(at, "Next")
    assert "Tour · step 2 of" in texts(at)
    assert "present" not in at.query_params
    assert "enter_present" in {b.key for b in at.button}


def test_without_presenter_mode_the_tour_links_do_not_add_it():
    at = open_page("solver_lab", tour="1")
    assert dict(parse_qsl(_link(at, "Next").query_string)) == {"view": "3-d", "tour": "2"}


def test_tour_page_starts_in_presenter_mode():
    at = open_page("tour")
    assert_clean(at)
    assert "present" not in dict(parse_qsl(_link(at, "Start the tour").query_string))
    follow(at, "Start in presenter mode")
    assert_clean(at)
    assert "Tour · step 1 of" in texts(at)
    assert at.query_params["tour"] == "1"
    assert presenting(at)


SCALE = 1.6


def test_presenter_mode_enlarges_chart_text_and_hides_the_plotly_toolbar():
    normal = open_page("solver_lab")
    shown = open_page("solver_lab", present="1")
    assert_clean(shown)
    laptop, projector = plotly_figure(normal, key="components"), plotly_figure(shown, key="components")
    assert projector["layout"]["font"]["size"] == pytest.approx(SCALE * laptop["layout"]["font"]["size"])
    assert projector["layout"]["hoverlabel"]["font"]["size"] >= SCALE * 13  # plotly's own hover size
    chart = next(c for c in shown.get("plotly_chart") if c.key == "components").proto
    assert json.loads(chart.config)["displayModeBar"] is False
    # Streamlit's chart theme would put its own 12 px sizes back over the figure's.
    assert chart.theme != "streamlit"
    laptop_chart = next(c for c in normal.get("plotly_chart") if c.key == "components").proto
    assert laptop_chart.theme == "streamlit" and "displayModeBar" not in json.loads(laptop_chart.config)


def _figure_with_every_kind_of_text() -> go.Figure:
    fig = go.Figure(
        [
            go.Scatter(x=[0, 1], y=[0, 1], text=["a", "b"], mode="text", textfont={"size": 10}),
            go.Scatter3d(x=[0], y=[0], z=[0], marker={"colorbar": {"tickfont": {"size": 9}}, "color": [0]}),
        ],
        frames=[go.Frame(layout={"annotations": [{"text": "frame", "font": {"size": 11}}]})],
    )
    fig.update_layout(
        font={"size": 14},
        legend={"font": {"size": 12}},
        annotations=[{"text": "note", "font": {"size": 10}}],
        xaxis={"title": {"text": "x", "font": {"size": 13}}, "tickfont": {"size": 11}},
        scene={"aspectmode": "cube", "xaxis": {"tickfont": {"size": 8}}},
    )
    return fig


def test_presenter_figure_scales_every_font_and_leaves_the_figure_alone():
    fig = _figure_with_every_kind_of_text()
    before = fig.to_dict()
    big = presenter_figure(fig)
    assert fig.to_dict() == before  # a cached figure is shared: it must not change
    layout = big["layout"]
    assert layout["font"]["size"] == pytest.approx(SCALE * 14)
    assert layout["legend"]["font"]["size"] == pytest.approx(SCALE * 12)
    assert layout["annotations"][0]["font"]["size"] == pytest.approx(SCALE * 10)
    assert layout["xaxis"]["title"]["font"]["size"] == pytest.approx(SCALE * 13)
    assert layout["xaxis"]["tickfont"]["size"] == pytest.approx(SCALE * 11)
    assert layout["xaxis"]["automargin"] is True  # room for the larger tick labels
    # plotly.js draws a 3-D tick label at size * size / 12 px: set so that it is drawn SCALE times larger.
    assert layout["scene"]["xaxis"]["tickfont"]["size"] ** 2 / 12 == pytest.approx(SCALE * 8)
    assert big["data"][0]["textfont"]["size"] == pytest.approx(SCALE * 10)
    assert big["data"][1]["marker"]["colorbar"]["tickfont"]["size"] == pytest.approx(SCALE * 9)
    assert big["frames"][0]["layout"]["annotations"][0]["font"]["size"] == pytest.approx(SCALE * 11)
    assert layout["height"] == PRESENTER_SCENE_HEIGHT  # a 3-D figure sized to end above a projector's fold
    go.Figure(big)  # still a valid figure


def test_a_3d_axis_title_is_drawn_larger_than_its_tick_labels_in_presenter_mode():
    # Named fonts and the layout's font alike: plotly.js draws a 3-D tick label at size * size / 12 px and a
    # title at its size, so the same 22 px font gave 42 px ticks under 22 px titles.
    fig = go.Figure(go.Scatter3d(x=[0, 1], y=[0, 1], z=[0, 1]))
    fig.update_layout(
        font={"size": 14},
        scene={"xaxis": {"title": {"text": "x"}}, "yaxis_title": "y", "zaxis": {"tickfont": {"size": 10}}},
    )
    scene = presenter_figure(fig)["layout"]["scene"]
    for name, laptop in (("xaxis", 14), ("yaxis", 14), ("zaxis", 10)):
        axis = scene[name]
        drawn_tick = axis["tickfont"]["size"] ** 2 / 12
        assert drawn_tick == pytest.approx(SCALE * laptop)
        assert axis["title"]["font"]["size"] >= drawn_tick
    assert scene["xaxis"]["title"]["text"] == "x" and scene["yaxis"]["title"]["text"] == "y"


def test_presenter_figure_sizes_text_that_names_no_size():
    big = presenter_figure(go.Figure(go.Scatter(x=[0, 1], y=[1, 0])))
    assert big["layout"]["font"]["size"] == pytest.approx(SCALE * 12)  # plotly's default
    assert big["layout"]["hoverlabel"]["font"]["size"] == pytest.approx(SCALE * 13)


def test_presenter_chart_scales_an_altair_charts_own_sizes_and_the_defaults():
    data = pd.DataFrame({"step": [0, 1, 2], "loss": [1.0, 0.5, 0.25]})
    panel = alt.Chart(data).mark_line().encode(x="step", y="loss")
    chart = alt.vconcat(panel, panel).configure_axis(labelFontSize=12)
    before = chart.to_dict()
    config = presenter_chart(chart).to_dict()["config"]
    assert chart.to_dict() == before
    assert config["axis"]["labelFontSize"] == pytest.approx(SCALE * 12)
    assert config["axis"]["titleFontSize"] == pytest.approx(SCALE * 11)  # Vega-Lite's default
    assert config["legend"]["labelFontSize"] == pytest.approx(SCALE * 10)
    assert config["title"]["fontSize"] == pytest.approx(SCALE * 13)


def test_a_legend_under_the_plot_moves_down_with_the_larger_axis_text():
    """At 1024x768 the Solver lab's phase plane had its 1.6x x-axis title on its legend's first row: the
    legend sat the laptop's 70 px under the plot. It moves 1.6x as far and the plot keeps its height."""
    fig = legend_below(styled(go.Figure(go.Scatter(x=[0, 1], y=[0, 1], name="a")), height=480), rows=2)
    laptop = fig.to_dict()["layout"]
    big = presenter_figure(fig)["layout"]

    def plot_px(layout: dict) -> float:
        return layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]

    assert plot_px(big) == pytest.approx(plot_px(laptop))
    below = -laptop["legend"]["y"] * plot_px(laptop)
    assert -big["legend"]["y"] * plot_px(big) == pytest.approx(SCALE * below)
    assert big["margin"]["b"] == pytest.approx(SCALE * laptop["margin"]["b"])
    on_top = presenter_figure(styled(go.Figure(go.Scatter(x=[0], y=[0])), height=400))["layout"]
    assert on_top["legend"]["y"] == 1.02 and on_top["height"] == 440  # a legend above: only the usual growth


def test_a_3d_figure_is_sized_to_a_projector_s_fold_its_legend_in_one_row_under_the_scene():
    """The Solver lab's 640 px 3-D figure from 260 px ran past a 720 px fold (tour step 2). A 3-D figure is
    PRESENTER_SCENE_HEIGHT tall whatever its laptop height; a legend under its scene (no axis text there) keeps
    one row of the larger text right under it, and the scene the rest; its top margin is its own."""
    cube = go.Figure(go.Scatter3d(x=[0], y=[0], z=[0]), layout={"scene": {"aspectmode": "cube"}})
    for height in (380, 560, 640):
        lifted = legend_below(styled(cube, height=height), axis_px=10)
        big = presenter_figure(lifted)["layout"]
        assert big["height"] == PRESENTER_SCENE_HEIGHT and 260 + big["height"] <= 720
        assert big["margin"]["t"] == lifted.layout.margin.t
        scene_px = big["height"] - big["margin"]["t"] - big["margin"]["b"]
        assert -big["legend"]["y"] * scene_px == pytest.approx(10)  # just under the scene
        assert 1.6 * 24 <= big["margin"]["b"] - 10 <= 1.6 * 24 + 20  # one row of 1.6x entries, and a foot
    on_top = presenter_figure(styled(cube, height=560))["layout"]  # a legend above: left where it is
    assert on_top["legend"]["y"] == 1.02 and on_top["margin"]["b"] == 50


def _kinds_in_order(at) -> list[str]:
    """What the main area draws, in order: "chart", "metric", or "caption: <its first words>"."""
    from tests.app.test_node_anode_lab_truth import in_order

    shown = []
    for element in in_order(at.main):
        kind = getattr(element, "type", "")
        if kind == "plotly_chart":
            shown.append("chart")
        elif kind == "metric":
            shown.append("metric")
        elif kind == "caption":
            shown.append("caption: " + " ".join(element.value.split()[:3]))
    return shown


def test_on_a_projector_the_page_description_and_the_numbers_follow_the_figures():
    """Tour step 17 at 1280x720: under the tour's banner, the page's two-line description and the two RMSE
    metrics pushed the extrapolation figures' axes under the fold. In presenter mode both come after them."""
    description = "caption: A latent ODE"
    normal = _kinds_in_order(open_page("latent_spirals", tour="17"))
    present = _kinds_in_order(open_page("latent_spirals", tour="17", present="1"))
    assert normal.index(description) < normal.index("metric") < normal.index("chart")
    assert present.index("chart") < present.index("metric") < present.index(description)
    assert present.count("chart") == normal.count("chart") == 2 and present.count("metric") == 2
