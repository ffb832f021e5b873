"""Figures of the Solver lab's Stiffness tab: accepted step sizes of explicit and implicit methods over the
stiffness ratio along the path, and work–precision with the implicit methods drawn apart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.solver_figures import work_precision_figure
from components.style import color_for, legend_below, styled


@dataclass(frozen=True)
class StepTrace:
    """One method's accepted steps: sizes `h: (steps,)` starting at `t: (steps,)`; `stopped` when the
    budget ended the solve before t₁ (the steps are those taken before)."""

    key: str
    label: str
    t: np.ndarray
    h: np.ndarray
    implicit: bool
    stopped: bool


def stiffness_figure(
    steps: Sequence[StepTrace], ratio_t: np.ndarray, ratio: np.ndarray, *, log_time: bool = False
) -> go.Figure:
    """Two rows over a shared t axis (log when `log_time`): each method's accepted step size h, and the
    stiffness ratio max|Re λ| / min|Re λ| of the Jacobian along the implicit method's path."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.6, 0.4])
    for i, s in enumerate(steps):
        # A log time axis has no t = 0: the first step is drawn from where it ends.
        t = np.where(s.t > 0, s.t, s.t + s.h) if log_time else s.t
        fig.add_trace(
            go.Scatter(
                x=t,
                y=s.h,
                name=f"{s.label} (stopped by the budget)" if s.stopped else s.label,
                mode="lines+markers" if len(t) < 60 else "lines",
                marker={"size": 5, "symbol": "x" if s.stopped else "circle"},
                line={
                    "shape": "hv",
                    "color": color_for(s.key, i),
                    "width": 3,
                    "dash": None if s.implicit else "dot",
                },
                hovertemplate="t %{x:.3g}<br>h %{y:.2e}<extra>" + s.label + "</extra>",
            ),
            row=1,
            col=1,
        )
    ok = np.isfinite(ratio) & (ratio > 0) & ((ratio_t > 0) if log_time else True)
    fig.add_trace(
        go.Scatter(
            x=ratio_t[ok],
            y=ratio[ok],
            name="stiffness ratio max|Re λ| / min|Re λ|",
            mode="lines+markers",
            marker={"size": 5},
            line={"color": "#7f7f7f", "width": 2},
            hovertemplate="t %{x:.3g}<br>ratio %{y:.3g}<extra></extra>",
        ),
        row=2,
        col=1,
    )
    kind = "log" if log_time else "linear"
    fig.update_xaxes(type=kind, row=1, col=1)
    fig.update_xaxes(type=kind, title_text="t", row=2, col=1)
    fig.update_yaxes(type="log", title_text="step h", row=1, col=1)
    fig.update_yaxes(type="log", title_text="ratio", row=2, col=1)
    return legend_below(styled(fig, height=560), rows=3)


def stiff_work_figure(
    series: Sequence[tuple[str, str, np.ndarray, np.ndarray, Sequence[str]]], implicit: Sequence[str]
) -> go.Figure:
    """Error against NFE (log-log) for explicit and implicit methods on one chart; the `implicit` keys'
    series are dashed with diamond markers. series: (method key, label, nfe, error, hover text per point)."""
    fig = work_precision_figure(series)
    for trace, (key, *_rest) in zip(fig.data, series, strict=True):
        if key in implicit:
            trace.update(line={"dash": "dash"}, marker={"symbol": "diamond", "size": 10})
    # Named even when alone: on a stiff system the implicit method may be the only one that finished.
    fig.update_layout(showlegend=True)
    return fig
