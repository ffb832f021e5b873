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

#: (curve name in models.node_anode.seeds, panel title, log scale)
PANELS: tuple[tuple[str, str, bool], ...] = (
    ("loss", "training loss (cross-entropy)", True),
    ("accuracy", "training accuracy", False),
    ("nfe", "forward NFE per step", False),
)
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


def _band_panel(frame: pd.DataFrame, title: str, log: bool, color: alt.Color, width: int, height: int):
    values = pd.concat([frame["low"], frame["high"]])
    positive = log and bool((values > 0).all())
    scale = alt.Scale(type="log") if positive else alt.Scale(zero=False)
    axis = chart_log_axis(values) if positive else alt.Axis(format="~g")
    base = alt.Chart(frame, width=width, height=height).encode(
        x=alt.X("step:Q", title="step", axis=alt.Axis(format="d")), color=color
    )
    band = base.mark_area(opacity=0.16).encode(
        y=alt.Y("low:Q", title=None, scale=scale, axis=axis), y2="high:Q", detail="series:N"
    )
    line = base.mark_line(strokeWidth=2.5).encode(
        y=alt.Y("median:Q", scale=scale),
        strokeDash=alt.StrokeDash("training:N", legend=alt.Legend(title=None, orient="top")),
        tooltip=[
            alt.Tooltip("series:N"),
            alt.Tooltip("step:Q"),
            alt.Tooltip("median:Q", format=".4g"),
            alt.Tooltip("low:Q", title="min", format=".4g"),
            alt.Tooltip("high:Q", title="max", format=".4g"),
            alt.Tooltip("seeds:Q"),
        ],
    )
    return alt.layer(band, line, title=title)


def seed_bands_chart(series: Sequence[BandSeries], width: int = 235, height: int = 200) -> alt.HConcatChart:
    """Loss (log scale), accuracy and forward NFE side by side: each series' median over seeds as a line
    (coloured by model, dashed when regularised), its min-max band shaded in the same colour."""
    frame = band_frame(series)
    color = model_color({s.model: s.key for s in series})
    panels = [
        _band_panel(frame[frame["metric"] == name], title, log, color, width, height)
        for name, title, log in PANELS
        if (frame["metric"] == name).any()
    ]
    if not panels:
        panels = [alt.Chart(frame, width=width, height=height).mark_line()]
    return (
        alt.hconcat(*panels).configure_axis(labelFontSize=12, titleFontSize=13).configure_title(fontSize=14)
    )
