"""Altair charts of training runs side by side: loss, accuracy, forward and backward NFE of several models
in one view, against step, wall time or NFE spent, and the race table (who reached the target, at what cost)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import altair as alt
import numpy as np
import pandas as pd

from components.flow_panels import MODEL_COLORS
from components.style import chart_log_axis

XAxis = Literal["step", "wall_s", "nfe_spent"]
X_TITLES: dict[str, str] = {"step": "step", "wall_s": "wall time (s)", "nfe_spent": "evaluations of f spent"}
#: (metric name in the frame, history keys tried in order, panel title)
PANELS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("loss", ("loss",), "training loss"),
    ("accuracy", ("val_accuracy", "accuracy"), "accuracy (validation where measured)"),
    ("forward NFE", ("nfe_forward",), "forward NFE per step"),
    ("backward NFE", ("nfe_backward",), "backward NFE per step"),
)


@dataclass(frozen=True)
class Run:
    """One model's training history for a chart.

    Attributes:
        key: model kind ("node", "anode", "resnet"), which picks the colour.
        label: legend text (of the colour).
        history: one metrics dict per step (as `fit` reports them); missing keys are left out.
        training: "plain" or "regularised" (trained with the kinetic/Jacobian penalties), which picks the
            dash when any run of a chart is regularised.
    """

    key: str
    label: str
    history: Sequence[dict[str, float]]
    training: str = "plain"

    @property
    def name(self) -> str:
        """The run's name: its label, and how it was trained unless plainly."""
        return self.label if self.training == "plain" else f"{self.label}, {self.training}"


def history_frame(runs: Sequence[Run]) -> pd.DataFrame:
    """Long table: model, key, training, step, wall_s, nfe_spent (forward + backward so far), metric, value."""
    rows = []
    for run in runs:
        spent = 0.0
        for step, metrics in enumerate(run.history, start=1):
            spent += metrics.get("nfe_forward", 0.0) + metrics.get("nfe_backward", 0.0)
            base = {
                "model": run.label,
                "key": run.key,
                "training": run.training,
                "step": step,
                "wall_s": metrics.get("wall_s", np.nan),
                "nfe_spent": spent,
            }
            for name, keys, _ in PANELS:
                value = next((metrics[k] for k in keys if k in metrics), None)
                if value is not None and np.isfinite(value):
                    rows.append({**base, "metric": name, "value": float(value)})
    columns = ["model", "key", "training", "step", "wall_s", "nfe_spent", "metric", "value"]
    return pd.DataFrame(rows, columns=columns)


def _panel(
    frame: pd.DataFrame,
    x: XAxis,
    color: alt.Color,
    title: str,
    log: bool,
    width: int,
    height: int,
    dash: bool,
):
    y_scale = alt.Scale(type="log") if log else alt.Scale(zero=False)
    # Plain and regularised runs of one model share its colour and differ by the dash.
    dashed = {"strokeDash": alt.StrokeDash("training:N", legend=alt.Legend(title=None, orient="top"))}
    return (
        alt.Chart(frame, title=title, width=width, height=height)
        .mark_line(strokeWidth=2.5)
        .encode(
            **(dashed if dash else {}),
            x=alt.X(f"{x}:Q", title=X_TITLES[x], axis=alt.Axis(format="~g")),
            y=alt.Y(
                "value:Q",
                title=None,
                scale=y_scale,
                axis=chart_log_axis(frame["value"]) if log else alt.Axis(format="~g"),
            ),
            color=color,
            tooltip=[
                alt.Tooltip("model:N"),
                *([alt.Tooltip("training:N")] if dash else []),
                alt.Tooltip("step:Q"),
                alt.Tooltip("value:Q", format=".4g"),
                alt.Tooltip("nfe_spent:Q", title="NFE spent", format=",.0f"),
            ],
        )
    )


def model_color(keys: dict[str, str], field: str = "model") -> alt.Color:
    """Colour by the legend labels in `field`, each in the colour of its model kind (`keys`: label -> kind),
    in the order given; the legend on top, untitled."""
    labels = list(keys)
    return alt.Color(
        f"{field}:N",
        scale=alt.Scale(domain=labels, range=[MODEL_COLORS.get(keys[label], "#555555") for label in labels]),
        legend=alt.Legend(title=None, orient="top"),
    )


def training_chart(
    runs: Sequence[Run], x: XAxis = "step", width: int = 330, height: int = 160
) -> alt.VConcatChart:
    """Loss (log scale), accuracy, forward and backward NFE of every run, two panels a row.

    Panels with no data for any run (accuracy on a regression task, backward NFE of a recording that
    has none) are left out.
    """
    frame = history_frame(runs)
    if x == "wall_s":
        frame = frame[np.isfinite(frame["wall_s"])]
    color = model_color({r.label: r.key for r in runs})
    dash = any(r.training != "plain" for r in runs)
    panels = [
        _panel(frame[frame["metric"] == name], x, color, title, name == "loss", width, height, dash)
        for name, _, title in PANELS
        if (frame["metric"] == name).any()
    ]
    if not panels:
        panels = [alt.Chart(frame, width=width, height=height).mark_line()]
    rows = [alt.hconcat(*panels[i : i + 2]) for i in range(0, len(panels), 2)]
    return alt.vconcat(*rows).configure_axis(labelFontSize=12, titleFontSize=13).configure_title(fontSize=14)


def first_reach(
    history: Sequence[dict[str, float]], key: str, target: float, higher_is_better: bool = True
) -> tuple[int, float, float] | None:
    """The first step whose `key` meets `target`: (step, wall_s, NFE spent so far), or None."""
    spent = 0.0
    for step, metrics in enumerate(history, start=1):
        spent += metrics.get("nfe_forward", 0.0) + metrics.get("nfe_backward", 0.0)
        value = metrics.get(key)
        if value is None:
            continue
        if (value >= target) if higher_is_better else (value <= target):
            return step, metrics.get("wall_s", float("nan")), spent
    return None


def race_table(runs: Sequence[Run], key: str, target: float, higher_is_better: bool = True) -> pd.DataFrame:
    """Per run: when it first met the target (step, seconds, NFE spent), and its last forward NFE."""
    rows = []
    for run in runs:
        hit = first_reach(run.history, key, target, higher_is_better)
        last = run.history[-1] if run.history else {}
        spent = sum(m.get("nfe_forward", 0.0) + m.get("nfe_backward", 0.0) for m in run.history)
        rows.append(
            {
                "model": run.name,
                "reached at step": hit[0] if hit else None,
                "after (s)": round(hit[1], 2) if hit and np.isfinite(hit[1]) else None,
                "NFE spent to reach": int(hit[2]) if hit else None,
                "steps run": len(run.history),
                "NFE spent in all": int(spent),
                "last forward NFE": int(last["nfe_forward"]) if "nfe_forward" in last else None,
            }
        )
    return pd.DataFrame(rows)
