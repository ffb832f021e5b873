"""Altair charts of repeated runs: per model, the median curve over seeds with its min-max band shaded, for
loss, accuracy and forward NFE over training steps (the ANODE paper's plots, with their spread)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd

from components.style import chart_log_axis
from components.training_charts import model_color
from models.node_anode.seeds import Band

#: (curve name in models.node_anode.seeds, panel title, log scale). Short titles, drawn from the left: one
#: panel is a third of the page (312 px on a 1024 px projector) and Streamlit's toolbar covers its top right.
PANELS: tuple[tuple[str, str, bool], ...] = (
    ("loss", "loss (cross-entropy)", True),
    ("accuracy", "training accuracy", False),
    ("nfe", "forward NFE per step", False),
)
#: At most about this many step labels: at Vega's own density a 400 px panel labelled every 5 steps, "55" and
#: "60" touching.
X_TICKS = 6
LEGEND_PADDING = 4
COLUMNS = ["series", "model", "key", "training", "seeds", "metric", "step", "median", "low", "high"]


@dataclass(frozen=True)
class BandSeries:
    """One model's bands for a chart.

    Attributes:
        model: the model's name in the colour legend, e.g. "NODE".
        key: model kind ("node", "anode"), which picks the colour.
        training: "plain" or "regularised", which picks the dash.
        bands: curve name ("loss", "accuracy", "nfe") -> its band.
    """

    model: str
    key: str
    training: str
    bands: Mapping[str, Band]

    @property
    def label(self) -> str:
        """The series' name: the model, and how it was trained unless plainly."""
        return self.model if self.training == "plain" else f"{self.model}, {self.training}"


def band_frame(series: Sequence[BandSeries]) -> pd.DataFrame:
    """Long table, one row per series, metric and step: median, low and high over the seeds."""
    rows = [
        {
            "series": s.label,
            "model": s.model,
            "key": s.key,
            "training": s.training,
            "seeds": band.seeds,
            "metric": metric,
            "step": step,
            "median": median,
            "low": low,
            "high": high,
        }
        for s in series
        for metric, band in s.bands.items()
        for step, median, low, high in zip(band.steps, band.median, band.low, band.high, strict=True)
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


#: Text sizes (px) of every panel, before presenter mode scales them.
FONT_SIZES = {
    "axis": {"labelFontSize": 12, "titleFontSize": 13},
    "legend": {"labelFontSize": 12},
    "title": {"fontSize": 14},
}


@dataclass(frozen=True)
class SeedBandCharts:
    """The shared legend and one chart per curve, each as wide as the column it is drawn in (Vega-Lite
    stretches a single or layered view to its container, never a concatenation: an hconcat of three kept its
    fixed panel widths, 902 of a projector's 1228 px)."""

    legend: alt.Chart
    panels: dict[str, alt.LayerChart]  # by curve name, in PANELS' order


def _sized(chart: alt.TopLevelMixin, **legend: float) -> alt.TopLevelMixin:
    return (
        chart.configure_axis(**FONT_SIZES["axis"])
        .configure_legend(**FONT_SIZES["legend"], **legend)
        .configure_title(anchor="start", **FONT_SIZES["title"])
    )


def _band_panel(frame: pd.DataFrame, title: str, log: bool, color: alt.Color, height: int) -> alt.LayerChart:
    values = pd.concat([frame["low"], frame["high"]])
    positive = log and bool((values > 0).all())
    scale = alt.Scale(type="log") if positive else alt.Scale(zero=False)
    axis = chart_log_axis(values) if positive else alt.Axis(format="~g")
    base = alt.Chart(frame, width="container", height=height).encode(
        x=alt.X("step:Q", title="step", axis=alt.Axis(format="d", tickCount=X_TICKS)),
        color=color.legend(None),
    )
    band = base.mark_area(opacity=0.16).encode(
        y=alt.Y("low:Q", title=None, scale=scale, axis=axis), y2="high:Q", detail="series:N"
    )
    line = base.mark_line(strokeWidth=2.5).encode(
        y=alt.Y("median:Q", scale=scale),
        strokeDash=alt.StrokeDash("training:N", legend=None),
        tooltip=[
            alt.Tooltip("series:N"),
            alt.Tooltip("step:Q"),
            alt.Tooltip("median:Q", format=".4g"),
            alt.Tooltip("low:Q", title="min", format=".4g"),
            alt.Tooltip("high:Q", title="max", format=".4g"),
            alt.Tooltip("seeds:Q"),
        ],
    )
    return _sized(alt.layer(band, line, title=title))


def _legend(frame: pd.DataFrame, color: alt.Color) -> alt.Chart:
    """Only the legends of colour (model) and dash (training), in one row over the panels: a view of no
    height whose marks draw nothing. Untitled by an empty title: Streamlit writes a null one as " ", a
    title line taller than the chart, which then clipped the labels. Padded: in Streamlit's theme the fitted
    chart cut the labels' feet off."""
    rows = frame.drop_duplicates(["series"])
    return _sized(
        alt.Chart(rows, width="container", height=0)
        .mark_line()
        .encode(
            color=color.legend(alt.Legend(title="", orient="top", labelLimit=0)),
            strokeDash=alt.StrokeDash("training:N", legend=alt.Legend(title="", orient="top")),
        )
        .configure_view(stroke=None),
        padding=LEGEND_PADDING,
    )


def seed_band_charts(series: Sequence[BandSeries], height: int = 280) -> SeedBandCharts:
    """Loss (log scale), accuracy and forward NFE, one chart each: each series' median over seeds as a line
    (coloured by model, dashed when regularised), its min-max band shaded in the same colour; each `height`
    px tall, title and axes included (Streamlit fits a single view's whole to its size)."""
    frame = band_frame(series)
    color = model_color({s.model: s.key for s in series})
    panels = {
        name: _band_panel(frame[frame["metric"] == name], title, log, color, height)
        for name, title, log in PANELS
        if (frame["metric"] == name).any()
    }
    return SeedBandCharts(_legend(frame, color), panels)
