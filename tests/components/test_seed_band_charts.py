"""The seed band charts (components/seed_band_charts.py): one panel per curve, each a shaded min-max band
under a median line, one colour per model and one dash per training."""

from __future__ import annotations

from components.seed_band_charts import BandSeries, band_frame, seed_bands_chart
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


def test_the_chart_draws_a_band_and_a_median_line_in_each_of_three_panels():
    spec = seed_bands_chart(_series()).to_dict()
    panels = spec["hconcat"]
    assert [p["title"] for p in panels] == [
        "training loss (cross-entropy)",
        "training accuracy",
        "forward NFE per step",
    ]
    for panel in panels:
        band, line = panel["layer"]
        assert band["mark"]["type"] == "area" and band["encoding"]["y2"]["field"] == "high"
        assert band["encoding"]["detail"]["field"] == "series"  # one band per series, not per colour
        assert line["mark"]["type"] == "line" and line["encoding"]["y"]["field"] == "median"
        assert line["encoding"]["strokeDash"]["field"] == "training"
    assert panels[0]["layer"][0]["encoding"]["y"]["scale"]["type"] == "log"
