"""The seed band charts (components/seed_band_charts.py): one chart per curve, each a shaded min-max band
under a median line as wide as its column, one colour per model and one dash per training, and one legend
for all three."""

from __future__ import annotations

from components.seed_band_charts import BandSeries, band_frame, seed_band_charts
from models.node_anode.seeds import Band


def _band(kind: str, offset: float) -> Band:
    return Band(kind, [1, 2, 3], [1 + offset, 2 + offset, 3 + offset], [0.5, 1.5, 2.5], [4.0, 5.0, 6.0], 5)


def _series() -> list[BandSeries]:
    node = {name: _band("node", 0) for name in ("loss", "accuracy", "nfe")}
    tamed = {name: _band("node", 0.25) for name in ("loss", "accuracy", "nfe")}
    return [
        BandSeries("NODE", "node", "plain", node),
        BandSeries("NODE", "node", "regularised", tamed),
    ]


def test_the_frame_has_a_row_per_series_metric_and_step():
    frame = band_frame(_series())
    assert len(frame) == 2 * 3 * 3
    assert set(frame["series"]) == {"NODE", "NODE, regularised"} and set(frame["model"]) == {"NODE"}
    assert (frame["low"] <= frame["median"]).all() and (frame["median"] <= frame["high"]).all()


def test_the_charts_draw_a_band_and_a_median_line_in_each_of_three_panels():
    panels = {name: chart.to_dict() for name, chart in seed_band_charts(_series()).panels.items()}
    assert list(panels) == ["loss", "accuracy", "nfe"]
    assert [p["title"] for p in panels.values()] == [
        "loss (cross-entropy)",
        "training accuracy",
        "forward NFE per step",
    ]
    for panel in panels.values():
        band, line = panel["layer"]
        assert band["mark"]["type"] == "area" and band["encoding"]["y2"]["field"] == "high"
        assert band["encoding"]["detail"]["field"] == "series"  # one band per series, not per colour
        assert line["mark"]["type"] == "line" and line["encoding"]["y"]["field"] == "median"
        assert line["encoding"]["strokeDash"]["field"] == "training"
    assert panels["loss"]["layer"][0]["encoding"]["y"]["scale"]["type"] == "log"


def test_each_panel_is_as_wide_as_its_column_and_as_tall_as_asked():
    # A single (layered) view, the only kind Vega-Lite stretches to its container: the hconcat of three kept
    # 235 px panels, 902 px of a projector's 1228.
    for chart in seed_band_charts(_series(), height=333).panels.values():
        spec = chart.to_dict()
        assert "hconcat" not in spec and "layer" in spec
        assert (spec["width"], spec["height"]) == ("container", 333)


def test_one_legend_over_the_panels_none_in_them():
    charts = seed_band_charts(_series())
    legend = charts.legend.to_dict()
    assert legend["width"] == "container" and legend["height"] == 0
    assert legend["encoding"]["color"]["field"] == "model"
    assert legend["encoding"]["strokeDash"]["field"] == "training"
    assert legend["encoding"]["color"]["legend"]["title"] == ""  # not None, which Streamlit writes as " "
    for chart in charts.panels.values():
        for layer in chart.to_dict()["layer"]:
            assert layer["encoding"]["color"]["legend"] is None
            assert layer["encoding"].get("strokeDash", {}).get("legend", None) is None


def test_the_step_axis_is_labelled_sparsely_and_titles_start_at_the_left():
    for chart in seed_band_charts(_series()).panels.values():
        spec = chart.to_dict()
        assert spec["layer"][0]["encoding"]["x"]["axis"]["tickCount"] <= 6
        assert spec["config"]["title"]["anchor"] == "start"  # clear of Streamlit's toolbar at the top right
