"""Figures of "How Neural ODEs learn": adjoint memory against steps, the NFE study (the paper's Fig. 3),
ResNet vs ODE-Net regression and hidden-state paths, and true vs learned vector fields; altair curves."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import plotly.graph_objects as go

from components.style import (
    LEGEND_BESIDE,
    PALETTE,
    REFERENCE_COLOR,
    ROW_PX,
    add_play_controls,
    chart_log_axis,
    legend_below,
    line_trace,
    styled,
)

DIRECT_COLOR, ADJOINT_COLOR, SEMINORM_COLOR = "#D55E00", "#0072B2", "#CC79A7"
RESNET_COLOR, ODENET_COLOR = "#D55E00", "#0072B2"
TRUE_COLOR, LEARNED_COLOR, DATA_COLOR = "#9e9e9e", "#009E73", "#000000"
#: The NFE study's three panels sit side by side, a third of the page each (312 px at 1024 wide): their
#: titles a little under plotly's default (1.4x the text) and their legend entries short, so that at the
#: presenter scale every title and entry fits the panel's width.
PANEL_TITLE_PX = 17
#: plotly's own title size for styled's 14 px layout font (1.4x).
PLOTLY_TITLE_PX = 20
#: A legend inside the plot's top-left corner, over a white veil (the regression leaves that corner empty).
INSIDE_TOP_LEFT = {
    "orientation": "v", "x": 0.01, "xanchor": "left", "y": 0.99, "yanchor": "top",
    "bgcolor": "rgba(255, 255, 255, 0.8)",
}  # fmt: skip
#: Room above the hidden-state paths, as a fraction of their span, for the legend's row at the presenter scale.
PATHS_HEADROOM = 0.22
#: Height of the learned vector field: 440 px ends at 711 px under the presenter tour bar at 1280x720.
FIELD_HEIGHT = 440
#: Height of the gradient-gap and timing figures, drawn side by side with the timing legend's four rows.
SIDE_HEIGHT = 480
#: A panel title's line, with its padding, as a multiple of its font size (for the room above the legend).
TITLE_LINE = 1.6
#: Where `xy_figure` puts its legend: under the plot (`legend_below`), above it between the title and the plot
#: (a projector's fold: a figure with rows under its plot grows taller in presenter mode, see
#: kit.figures.presenter_figure), or beside it on the right, in one column (a wide figure's spare width).
LEGEND_PLACES = ("below", "above", "right")


@dataclass(frozen=True)
class Series:
    """One line of an x-y chart; `hover` labels each point."""

    label: str
    x: np.ndarray
    y: np.ndarray
    color: str
    dash: str | None = None
    hover: Sequence[str] | None = None
    spread: tuple[np.ndarray, np.ndarray] | None = None  # (low, high) around y, drawn as error bars


def xy_figure(
    series: Sequence[Series], x_title: str, y_title: str, *, log_x: bool = False, log_y: bool = False,
    height: int = 380, title: str | None = None, legend_rows: int = 2, legend_at: str = "below",
    text_scale: float = 1.0,
) -> go.Figure:  # fmt: skip
    """Lines with markers, one per series, optionally on log axes; the legend `legend_at` one of
    LEGEND_PLACES, with room (below or above) for `legend_rows` rows of entries (more for a narrow figure),
    above sized for text `text_scale` times its normal size (presenter mode's scale)."""
    fig = go.Figure()
    for s in series:
        bars = None
        if s.spread is not None:
            low, high = s.spread
            bars = {"type": "data", "symmetric": False, "array": high - s.y, "arrayminus": s.y - low,
                    "color": s.color, "thickness": 1.5, "width": 5}  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=s.x, y=s.y, name=s.label, mode="lines+markers", text=s.hover, error_y=bars,
                line={"color": s.color, "width": 3, "dash": s.dash}, marker={"size": 8},
            )
        )  # fmt: skip
    fig.update_xaxes(title_text=x_title, type="log" if log_x else "linear")
    fig.update_yaxes(title_text=y_title, type="log" if log_y else "linear")
    fig = styled(fig, height=height, title=title)
    if legend_at == "right":
        return fig.update_layout(legend=LEGEND_BESIDE)
    if legend_at == "above":
        return legend_above(fig, legend_rows, text_scale)
    return legend_below(fig, rows=legend_rows)


def legend_above(fig: go.Figure, rows: int, text_scale: float = 1.0) -> go.Figure:
    """A horizontal legend between the title (pinned to the figure's top) and the plot, the top margin room
    for the title and `rows` rows of entries at `text_scale` times their normal size. No rows under the plot:
    in presenter mode the figure keeps its height and ends above the fold. Call after `styled`."""
    title_px = (fig.layout.title.font.size or PLOTLY_TITLE_PX) * TITLE_LINE if fig.layout.title.text else 0
    top = round((title_px + rows * ROW_PX) * text_scale) + 6
    fig.update_layout(
        margin={"t": top},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"},
    )
    if fig.layout.title.text:
        fig.update_layout(title={"y": 1.0, "yref": "container", "yanchor": "top", "pad": {"t": 6}})
    return fig


def memory_figure(
    steps: np.ndarray, direct: np.ndarray, adjoint: np.ndarray, adjoint_peak: np.ndarray, x_title: str
) -> go.Figure:
    """Bytes held for the backward pass against solver steps (log-log): O(L) against O(1). The legend in a
    column beside the plot, in the full-width figure's spare width: under it, it fell below a projector's
    fold (tour step 13)."""
    return xy_figure(
        [
            Series("backprop: held for backward", steps, direct, DIRECT_COLOR),
            Series("adjoint: held for backward", steps, adjoint, ADJOINT_COLOR),
            Series("adjoint: peak in its backward", steps, adjoint_peak, ADJOINT_COLOR, "dot"),
        ],
        x_title,
        "bytes saved by autograd",
        log_x=True,
        log_y=True,
        legend_at="right",
    )


def time_figure(
    steps: np.ndarray,
    runs: dict[str, tuple[Sequence[Sequence[float]], Sequence[Sequence[float]]]],
    x_title: str,
) -> go.Figure:
    """Forward and backward wall time (s) of each method against steps: the median of each point's timed
    runs, with bars from the fastest to the slowest. `runs[method] = (forward, backward)`, each one
    sequence of run times per point."""
    colors = {"direct": DIRECT_COLOR, "adjoint": ADJOINT_COLOR}
    names = {"direct": "backprop", "adjoint": "adjoint"}
    series = []
    for method, passes in runs.items():
        for pass_name, per_point, dash in zip(("forward", "backward"), passes, ("dot", None), strict=True):
            median = np.array([np.median(r) for r in per_point])
            spread = (np.array([min(r) for r in per_point]), np.array([max(r) for r in per_point]))
            hover = [f"median of {len(r)} runs" for r in per_point]
            series.append(
                Series(f"{names[method]} {pass_name}", steps, median, colors[method], dash, hover, spread)
            )
    return xy_figure(
        series, x_title, "wall time (s)", log_x=True, log_y=True, height=SIDE_HEIGHT, legend_rows=4
    )


def gradient_gap_figure(steps: np.ndarray, rel_diff: np.ndarray, x_title: str) -> go.Figure:
    """Relative gap max|g_backprop − g_adjoint| / max|g_backprop| against steps (log-log)."""
    floor = np.maximum(rel_diff, 1e-18)  # an exact zero cannot sit on a log axis
    return xy_figure(
        [Series("relative gradient difference", steps, floor, PALETTE[3])],
        x_title,
        "max |Δg| / max |g|",  # short: the plot is lower than a longer title at the presenter scale
        log_x=True,
        log_y=True,
        height=SIDE_HEIGHT,
        legend_rows=4,  # the same plot height as the timing figure beside it
    )


def nfe_tolerance_figure(
    tol: np.ndarray,
    nfe_forward: np.ndarray,
    nfe_backward: np.ndarray,
    backward_label: str = "backward (adjoint)",
    legend_at: str = "below",
    text_scale: float = 1.0,
) -> go.Figure:
    """Fig. 3a: NFE against tolerance; looser tolerance, fewer evaluations. `legend_at`, `text_scale`: as
    `xy_figure` takes them (presenter mode puts the NFE panels' legends above their plots)."""
    fig = xy_figure(
        [
            Series("forward", tol, nfe_forward, DIRECT_COLOR),
            Series(backward_label, tol, nfe_backward, ADJOINT_COLOR),
        ],
        "tolerance (rtol = atol)",
        "NFE",
        log_x=True,
        title="(a) NFE vs tolerance",
        legend_rows=PANEL_LEGEND_ROWS,
        legend_at=legend_at,
        text_scale=text_scale,
    )
    fig.update_xaxes(autorange="reversed")
    return _third_of_page(fig)


def time_vs_nfe_figure(
    nfe: np.ndarray, seconds: np.ndarray, slope: float, legend_at: str = "below", text_scale: float = 1.0
) -> go.Figure:
    """Fig. 3b: forward wall time against forward NFE, with the fitted line through the origin."""
    line = np.array([0.0, float(nfe.max()) if len(nfe) else 1.0])
    fig = xy_figure(
        [
            Series("measured", nfe, seconds * 1e3, DIRECT_COLOR),
            Series(f"{slope * 1e3:.3f} ms per evaluation", line, line * slope * 1e3, REFERENCE_COLOR, "dash"),
        ],
        "forward NFE",
        "forward time (ms)",
        title="(b) Time vs NFE",
        legend_rows=PANEL_LEGEND_ROWS,
        legend_at=legend_at,
        text_scale=text_scale,
    )
    return _third_of_page(fig)


def _third_of_page(fig: go.Figure) -> go.Figure:
    """An NFE study panel: its title at PANEL_TITLE_PX."""
    fig.update_layout(title_font_size=PANEL_TITLE_PX)
    return fig


@dataclass(frozen=True)
class BackwardCurve:
    """One way of differentiating in Fig. 3c: its backward count at each forward NFE, and seconds taken."""

    count: np.ndarray
    seconds: np.ndarray


#: Rows kept for each NFE panel's legend, the same for all three so that their plots line up: (c) has three
#: entries (its reference lines are labelled at their ends), which take up to three rows in a third of 1024 px.
PANEL_LEGEND_ROWS = 3
#: Fig. 3c's reference lines, labelled at their right ends instead of in the legend: (slope, label, hover).
REFERENCE_LINES = (
    (1.0, "×1", "backward = forward", "dash"),
    (0.5, "×½", "half of forward (paper)", "dot"),
)
#: Room right of Fig. 3c's plot for the reference lines' labels at the presenter scale.
REFERENCE_LABEL_PX = 44
#: Fig. 3c's three ways of differentiating: legend label (the y axis says it is the backward NFE), colour, dash.
BACKWARD_STYLES = {
    "backprop": ("backprop: 0 new NFE", DIRECT_COLOR, "dot"),
    "adjoint": ("adjoint", ADJOINT_COLOR, None),
    "seminorm": ("adjoint + seminorm", SEMINORM_COLOR, "dash"),
}


def backward_vs_forward_figure(
    nfe_forward: np.ndarray,
    curves: dict[str, BackwardCurve],
    legend_at: str = "below",
    text_scale: float = 1.0,
) -> go.Figure:
    """Fig. 3c: each way's backward count against forward NFE (`curves` keyed as `BACKWARD_STYLES`), the
    backward seconds on hover, with the lines y = x and y = x/2 for reference, labelled "×1" and "×½" at
    their right ends (past every curve's end) rather than in the legend, which keeps three entries."""
    top = (
        float(max([nfe_forward.max(), *(c.count.max() for c in curves.values())]))
        if len(nfe_forward)
        else 1.0
    )
    diag = np.array([0.0, top])
    series = []
    for mode, curve in curves.items():
        label, color, dash = BACKWARD_STYLES[mode]
        hover = [f"backward {s * 1e3:.0f} ms" for s in curve.seconds]
        series.append(Series(label, nfe_forward, curve.count, color, dash, hover))
    references = [Series(name, diag, diag * k, REFERENCE_COLOR, dash) for k, _, name, dash in REFERENCE_LINES]
    fig = xy_figure(
        [*series, *references],
        "forward NFE (dopri5)",
        "backward NFE",
        title="(c) Backward vs forward",
        legend_rows=PANEL_LEGEND_ROWS,
        legend_at=legend_at,
        text_scale=text_scale,
    )
    for trace in fig.data[len(series) :]:
        trace.showlegend = False
    for k, label, name, _ in REFERENCE_LINES:
        fig.add_annotation(
            x=top, y=top * k, text=label, hovertext=name, showarrow=False, xanchor="left", xshift=4,
            font={"color": REFERENCE_COLOR},
        )  # fmt: skip
    fig.update_layout(margin={"r": REFERENCE_LABEL_PX})
    return _third_of_page(fig)


def regression_figure(
    x_data: np.ndarray,
    y_data: np.ndarray,
    x_grid: np.ndarray,
    y_true: np.ndarray,
    predictions: Sequence[tuple[str, np.ndarray, str]],
    train_range: tuple[float, float],
) -> go.Figure:
    """Data points, the true cubic and each model's prediction over the grid; the data range shaded."""
    fig = go.Figure()
    fig.add_vrect(x0=train_range[0], x1=train_range[1], fillcolor="#eeeeee", line_width=0, layer="below")
    fig.add_trace(
        go.Scatter(x=x_grid, y=y_true, name="y = x³ + 0.1x", line={"color": TRUE_COLOR, "dash": "dash"})
    )
    for label, y, color in predictions:
        fig.add_trace(go.Scatter(x=x_grid, y=y, name=label, line={"color": color, "width": 3}))
    fig.add_trace(
        go.Scatter(
            x=x_data,
            y=y_data,
            name="training points",
            mode="markers",
            marker={"color": DATA_COLOR, "size": 10},
        )
    )
    fig.update_xaxes(title_text="x (shaded: where the data are)")
    fig.update_yaxes(title_text="y")
    # The fit rises through the data, so the plot's top-left corner stays empty: the legend sits there, and
    # with no rows under the plot the figure ends above the fold under the presenter tour bar at 1280x720.
    return styled(fig, height=420).update_layout(legend=INSIDE_TOP_LEFT)


def depth_paths_figure(
    resnet_t: np.ndarray, resnet_states: np.ndarray, ode_t: np.ndarray, ode_states: np.ndarray
) -> go.Figure:
    """Hidden state against depth/time for a few inputs: the ResNet's discrete Euler steps (markers
    joined by straight lines) beside the ODE-Net's continuous trajectories.

    resnet_states: (L + 1, n); ode_states: (T, n), the same n inputs.
    """
    fig = go.Figure()
    for i in range(resnet_states.shape[1]):
        fig.add_trace(
            go.Scatter(
                x=ode_t, y=ode_states[:, i], mode="lines", name="ODE-Net y(t)", legendgroup="ode",
                showlegend=i == 0, line={"color": ODENET_COLOR, "width": 2},
            )
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=resnet_t, y=resnet_states[:, i], mode="lines+markers", name="ResNet y_l (steps)",
                legendgroup="resnet", showlegend=i == 0, line={"color": RESNET_COLOR, "width": 1.5},
                marker={"size": 8},
            )
        )  # fmt: skip
    fig.update_xaxes(title_text="depth l·h  /  time t")
    # The legend is one row inside the plot's top, over headroom kept free above the paths: with no rows
    # under the plot the figure ends above the fold under the presenter tour bar at 1280x720, level with the
    # regression beside it.
    states = np.concatenate([resnet_states.ravel(), ode_states.ravel()])
    low, high = float(states.min()), float(states.max())
    span = max(high - low, 1e-6)
    fig.update_yaxes(title_text="hidden state", range=[low - 0.06 * span, high + PATHS_HEADROOM * span])
    return styled(fig, height=420).update_layout(legend={**INSIDE_TOP_LEFT, "orientation": "h"})


def _arrows(
    xs: np.ndarray, ys: np.ndarray, values: np.ndarray, scale: float, biggest: float
) -> tuple[list, list]:
    """Line segments from each grid point along the field; a vector of norm `biggest` gets length `scale`."""
    seg_x, seg_y = [], []
    for j, y in enumerate(ys):
        for i, x in enumerate(xs):
            u, v = values[j, i] / biggest * scale
            seg_x += [x, x + u, None]
            seg_y += [y, y + v, None]
    return seg_x, seg_y


def _grid_spacing(xs: np.ndarray, ys: np.ndarray) -> float:
    return float(min(xs[1] - xs[0], ys[1] - ys[0])) if len(xs) > 1 and len(ys) > 1 else 0.1


def _field_arrows(xs: np.ndarray, ys: np.ndarray, true_values: np.ndarray) -> Callable[[np.ndarray], tuple]:
    """`_arrows` at one scale for every field drawn against `true_values` (the true field's), so that a
    learned field that is too weak looks too short: arrows 0.9 of the grid spacing at the true field's most."""
    spacing = _grid_spacing(xs, ys)
    norms = np.linalg.norm(true_values, axis=-1)
    biggest = float(norms.max()) if norms.size and np.isfinite(norms.max()) and norms.max() > 0 else 1.0
    return lambda values: _arrows(xs, ys, np.clip(values, -1e6, 1e6), 0.9 * spacing, biggest)


def vector_field_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    true_values: np.ndarray,
    learned_values: np.ndarray,
    observed: np.ndarray,
    true_path: np.ndarray,
    learned_path: np.ndarray,
    title: str | None = None,
) -> go.Figure:
    """True (grey) and learned (green) fields as arrows on a grid, the noisy observations, the true
    trajectory and the learned model's trajectory from the first observation.

    values: (n_y, n_x, 2); observed, true_path, learned_path: (T, 2).
    """
    spacing, arrows = _grid_spacing(xs, ys), _field_arrows(xs, ys, true_values)
    fig = go.Figure()
    widths = {"true field": 4.0, "learned field": 1.5}
    for label, values, color in (
        ("true field", true_values, TRUE_COLOR),
        ("learned field", learned_values, LEARNED_COLOR),
    ):
        sx, sy = arrows(values)
        fig.add_trace(
            line_trace(sx, sy, label, color, widths[label], opacity=0.6 if label == "true field" else 1.0)
        )
        fig.add_trace(
            go.Scatter(
                x=sx[1::3], y=sy[1::3], mode="markers", showlegend=False, hoverinfo="skip",
                marker={"color": color, "size": 4},
            )
        )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=observed[:, 0], y=observed[:, 1], mode="markers", name="noisy observations",
            marker={"color": DATA_COLOR, "size": 4, "opacity": 0.6},
        )
    )  # fmt: skip
    fig.add_trace(line_trace(true_path[:, 0], true_path[:, 1], "true trajectory", TRUE_COLOR, 2, dash="dash"))
    fig.add_trace(line_trace(learned_path[:, 0], learned_path[:, 1], "learned trajectory", LEARNED_COLOR, 3))
    fig.update_xaxes(title_text="x", range=[float(xs[0]) - spacing, float(xs[-1]) + spacing])
    fig.update_yaxes(title_text="y", range=[float(ys[0]) - spacing, float(ys[-1]) + spacing], scaleanchor="x")
    # The plot is square (equal axes) in a wide figure: the legend goes in a column in the spare width beside
    # it, and the figure is low enough to end above a projector's fold under the tour bar (tour step 16).
    return styled(fig, height=FIELD_HEIGHT, title=title).update_layout(legend=LEGEND_BESIDE)


#: Snapshots a training animation shows: 21 frames of arrows and path were ~250 kB; the field changes
#: most early, so the frames are spaced geometrically in training steps.
TRAINING_FRAMES = 9
#: Play / Pause and the snapshot slider stand on the plot's top (as the Flows page's do): under it they fell
#: below a projector's fold.
TRAINING_CONTROLS_TOP = 100


def training_frame_indices(n_snapshots: int, frames: int = TRAINING_FRAMES) -> list[int]:
    """Which of `n_snapshots` (0 = untrained, last = final) an animation shows: first and last always,
    geometrically spaced between, none twice."""
    if n_snapshots <= frames:
        return list(range(n_snapshots))
    spaced = np.geomspace(1, n_snapshots, frames) - 1
    return sorted({int(round(i)) for i in spaced} | {0, n_snapshots - 1})


def _rounded(values: list) -> list:
    # Three decimals is a thousandth of the field's window, well under a pixel; None breaks the arrows.
    return [None if v is None else round(float(v), 3) for v in values]


def field_training_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    true_values: np.ndarray,
    learned_values: Sequence[np.ndarray],
    observed: np.ndarray,
    true_path: np.ndarray,
    learned_paths: Sequence[np.ndarray],
    steps: Sequence[int],
    active: int,
) -> go.Figure:
    """`vector_field_figure` animated through training: one frame per snapshot (`steps[k]` training steps,
    `learned_values[k]`: (n_y, n_x, 2), `learned_paths[k]`: (T, 2)), opening on frame `active`. A frame
    carries only the learned field's arrows and the learned trajectory; the truth and the data stay put.
    """
    fig = vector_field_figure(
        xs, ys, true_values, learned_values[active], observed, true_path, learned_paths[active]
    )
    arrows = _field_arrows(xs, ys, true_values)
    learned_line, learned_heads, learned_path = 2, 3, 6  # vector_field_figure's trace order
    frames = []
    names = [str(step) for step in steps]
    for values, path, name in zip(learned_values, learned_paths, names, strict=True):
        sx, sy = (_rounded(v) for v in arrows(values))
        frames.append(
            go.Frame(
                name=name,
                traces=[learned_line, learned_heads, learned_path],
                data=[
                    {"type": "scatter", "x": sx, "y": sy},
                    {"type": "scatter", "x": sx[1::3], "y": sy[1::3]},
                    {"type": "scatter", "x": np.round(path[:, 0], 3), "y": np.round(path[:, 1], 3)},
                ],
            )
        )
    fig.frames = frames
    add_play_controls(
        fig, names, prefix="training step ", frame_ms=600, y=1.0, slider_x=0.3, slider_y=1.0, active=active
    )
    fig.layout.updatemenus[0].yanchor = fig.layout.sliders[0].yanchor = "bottom"
    fig.layout.sliders[0].currentvalue.xanchor = "left"
    return fig.update_layout(margin={"t": TRAINING_CONTROLS_TOP})


def curve_chart(
    records: Sequence[dict[str, float | str]], x: str, y: str, *, color: str | None = None,
    log_y: bool = False, x_title: str | None = None, y_title: str | None = None, height: int = 260,
) -> alt.Chart:  # fmt: skip
    """A training curve (or several, by `color`) from plain records, e.g. [{"step": 1, "loss": 0.3}]."""
    enc = {
        "x": alt.X(f"{x}:Q", title=x_title or x),
        "y": alt.Y(
            f"{y}:Q",
            title=y_title or y,
            scale=alt.Scale(type="log") if log_y else alt.Undefined,
            axis=chart_log_axis(r[y] for r in records) if log_y else alt.Undefined,
        ),
        "tooltip": [alt.Tooltip(f"{x}:Q"), alt.Tooltip(f"{y}:Q", format=".4g")],
    }
    if color:
        enc["color"] = alt.Color(f"{color}:N", title=None, scale=alt.Scale(range=list(PALETTE)))
    return (
        alt.Chart(alt.Data(values=list(records)))
        .mark_line(point=False)
        .encode(**enc)
        .properties(height=height)
    )


def curve_records(x: Sequence[float], y: Sequence[float], xname: str, yname: str, **fixed: str) -> list[dict]:
    """Plain records for `curve_chart`, skipping non-finite y (a log scale cannot draw them)."""
    return [{xname: float(a), yname: float(b), **fixed} for a, b in zip(x, y, strict=True) if np.isfinite(b)]
