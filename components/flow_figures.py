"""Figures of the NODE vs ANODE lab: decision regions, each state dimension against depth, 3-D paths, the
flowing point cloud (animated), the learned vector field with the state-space paths, and the 1-D flip task.
Every builder takes one panel per model and draws them side by side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from components.style import add_play_controls, styled
from models.node_anode.analysis import FieldGrid, RegionGrid

#: One colour per model, shared with the training charts.
MODEL_COLORS = {"node": "#0072B2", "anode": "#D55E00", "resnet": "#009E73"}
CLASS_COLORS = ("#56B4E9", "#E69F00")
PROB_SCALE = [[0.0, "#c6e2f5"], [0.5, "#ffffff"], [1.0, "#fbdcae"]]
VALUE_SCALE = "Viridis"
SPEED_SCALE = [[0.0, "#ffffff"], [1.0, "#9a9a9a"]]
_VALUE_BINS = 7


@dataclass(frozen=True)
class Coloring:
    """How points are coloured, the same in every panel.

    Attributes:
        values: (n,) class labels (categorical) or a continuous value per point (e.g. the input x).
        categorical: classes get `CLASS_COLORS`; continuous values a colour scale in bins.
        title: what the values are ("class", "input x").
    """

    values: np.ndarray
    categorical: bool = True
    title: str = "class"

    def groups(self) -> list[tuple[np.ndarray, str, str]]:
        """(mask, colour, name) per class, or per bin of a continuous value."""
        if self.categorical:
            return [
                (self.values == k, CLASS_COLORS[int(k) % len(CLASS_COLORS)], f"{self.title} {int(k)}")
                for k in np.unique(self.values)
            ]
        low, high = float(np.min(self.values)), float(np.max(self.values))
        edges = np.linspace(low, high, _VALUE_BINS + 1)
        index = np.clip(np.searchsorted(edges, self.values, side="right") - 1, 0, _VALUE_BINS - 1)
        colors = sample_colorscale(VALUE_SCALE, list((np.arange(_VALUE_BINS) + 0.5) / _VALUE_BINS))
        return [
            (index == k, colors[k], f"{self.title} ≈ {0.5 * (edges[k] + edges[k + 1]):.2f}")
            for k in range(_VALUE_BINS)
            if (index == k).any()
        ]

    def marker_colors(self) -> np.ndarray:
        """One colour string per point."""
        out = np.empty(len(self.values), dtype=object)
        for mask, color, _ in self.groups():
            out[mask] = color
        return out


@dataclass(frozen=True)
class Panel:
    """One model's paths of the shown points.

    Attributes:
        label: panel title, e.g. "NODE (shipped)".
        t: (T,) times (layer times for a ResNet).
        states: (T, n, D) states; D = d + p.
        dim_names: names of the D state dimensions.
        discrete: a ResNet: draw layers as markers, the path between them as straight jumps.
    """

    label: str
    t: np.ndarray
    states: np.ndarray
    dim_names: tuple[str, ...]
    discrete: bool = False

    @property
    def dim(self) -> int:
        return int(self.states.shape[2])


def polylines(states: np.ndarray, mask: np.ndarray, columns: Sequence[np.ndarray]) -> list[np.ndarray]:
    """For the points in `mask`, each coordinate array `(T, n)` of `columns` as one NaN-separated line."""
    out = []
    for col in columns:
        chosen = col[:, mask].T  # (m, T)
        padded = np.concatenate([chosen, np.full((chosen.shape[0], 1), np.nan)], axis=1)
        out.append(padded.ravel().astype(np.float32))  # half the bytes sent to the browser
    return out


def _finish(fig: go.Figure, height: int) -> go.Figure:
    """Common layout, with the legend pinned to the very top so it never covers the subplot titles."""
    fig = styled(fig, height=height)
    fig.update_layout(
        legend={"yref": "container", "y": 0.995, "yanchor": "top", "x": 0, "xanchor": "left"},
        margin={"t": 100},
    )
    return fig


def _value_colorbar(fig: go.Figure, coloring: Coloring, row: int = 1, col: int = 1) -> None:
    """For a continuous colouring: a colour bar carried by an invisible marker, instead of legend bins."""
    if coloring.categorical:
        return
    low, high = float(np.min(coloring.values)), float(np.max(coloring.values))
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            showlegend=False,
            hoverinfo="skip",
            marker={
                "color": [low],
                "cmin": low,
                "cmax": high,
                "colorscale": VALUE_SCALE,
                "showscale": True,
                "colorbar": {"title": {"text": coloring.title}, "thickness": 12, "len": 0.6},
            },
        ),
        row=row,
        col=col,
    )


def _time_columns(panel: Panel) -> np.ndarray:
    return np.broadcast_to(panel.t[:, None], panel.states.shape[:2])


def decision_regions_figure(
    grids: Sequence[tuple[str, RegionGrid]],
    points: np.ndarray,
    coloring: Coloring,
    height: int = 480,
) -> go.Figure:
    """Probability of class 1 over the input plane with the 0.5 boundary, data on top, one panel per model.

    Args:
        grids: (title, grid) per model.
        points: (n, 2) data drawn over every panel.
        coloring: the points' classes.
    """
    fig = make_subplots(
        rows=1, cols=len(grids), subplot_titles=[g[0] for g in grids], horizontal_spacing=0.06
    )
    for c, (_, grid) in enumerate(grids, start=1):
        fig.add_trace(
            go.Heatmap(
                x=grid.xs,
                y=grid.ys,
                z=grid.prob.astype(np.float32),
                coloraxis="coloraxis",
                name="P(class 1)",
                hovertemplate="(%{x:.2f}, %{y:.2f}): P(class 1) = %{z:.2f}<extra></extra>",
            ),
            row=1,
            col=c,
        )
        fig.add_trace(
            go.Contour(
                x=grid.xs,
                y=grid.ys,
                z=grid.prob.astype(np.float32),
                contours={"start": 0.5, "end": 0.5, "size": 1, "coloring": "lines"},
                line={"color": "#333333", "width": 2},
                colorscale=[[0, "#333333"], [1, "#333333"]],
                showscale=False,
                name="boundary P = 0.5",
                showlegend=c == 1,
                hoverinfo="skip",
            ),
            row=1,
            col=c,
        )
        for mask, color, name in coloring.groups():
            fig.add_trace(
                go.Scatter(
                    x=points[mask, 0],
                    y=points[mask, 1],
                    mode="markers",
                    name=name,
                    legendgroup=name,
                    showlegend=c == 1,
                    marker={"size": 6, "color": color, "line": {"width": 0.5, "color": "#333333"}},
                    hoverinfo="skip",
                ),
                row=1,
                col=c,
            )
        fig.update_xaxes(title_text="x₁", range=[grid.xs[0], grid.xs[-1]], row=1, col=c)
        fig.update_yaxes(range=[grid.ys[0], grid.ys[-1]], row=1, col=c)
    fig.update_yaxes(title_text="x₂", row=1, col=1)
    fig = _finish(fig, height)
    fig.update_layout(
        coloraxis={"colorscale": PROB_SCALE, "cmin": 0, "cmax": 1, "colorbar": {"title": {"text": "P(1)"}}}
    )
    return fig


def depth_figure(panels: Sequence[Panel], coloring: Coloring, height_per_row: int = 200) -> go.Figure:
    """Each state dimension against t ("depth"): one row per dimension, one column per model."""
    rows = max(p.dim for p in panels)
    titles = [p.label if r == 0 else "" for r in range(rows) for p in panels]
    fig = make_subplots(
        rows=rows,
        cols=len(panels),
        subplot_titles=titles,
        vertical_spacing=0.08,
        horizontal_spacing=0.1,
    )
    for c, panel in enumerate(panels, start=1):
        times = _time_columns(panel)
        for d in range(panel.dim):
            for mask, color, name in coloring.groups():
                x, y = polylines(panel.states, mask, [times, panel.states[:, :, d]])
                fig.add_trace(
                    go.Scatter(
                        x=x,
                        y=y,
                        mode="lines+markers" if panel.discrete else "lines",
                        name=name,
                        legendgroup=name,
                        showlegend=c == 1 and d == 0 and coloring.categorical,
                        line={"color": color, "width": 1.2},
                        marker={"size": 4},
                        opacity=0.7,
                        hoverinfo="skip",
                    ),
                    row=d + 1,
                    col=c,
                )
            fig.update_yaxes(title_text=panel.dim_names[d], row=d + 1, col=c)
            fig.update_xaxes(range=[panel.t[0], panel.t[-1]], row=d + 1, col=c)
        fig.update_xaxes(title_text="layer" if panel.discrete else "t", row=panel.dim, col=c)
    _value_colorbar(fig, coloring)
    return _finish(fig, max(380, 120 + height_per_row * rows))


def _xyz(panel: Panel) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, str, str]]:
    """The three coordinates of a 3-D view: (z0, z1, t) for a 2-D state, (z0, z1, z2) from 3-D up."""
    s = panel.states
    if panel.dim == 2:
        return s[:, :, 0], s[:, :, 1], _time_columns(panel), (*panel.dim_names[:2], "t")
    return s[:, :, 0], s[:, :, 1], s[:, :, 2], panel.dim_names[:3]


def flow_3d_figure(panels: Sequence[Panel], coloring: Coloring, height: int = 560) -> go.Figure:
    """Paths in 3-D, one scene per model: (z0, z1, t) for a 2-D state, (z0, z1, a) for an augmented one.

    Raises:
        ValueError: if a panel has a 1-D state (it has no 3-D view).
    """
    if any(p.dim < 2 for p in panels):
        raise ValueError("3-D paths need states of at least two dimensions")
    fig = make_subplots(
        rows=1,
        cols=len(panels),
        specs=[[{"type": "scene"}] * len(panels)],
        subplot_titles=[p.label for p in panels],
        horizontal_spacing=0.02,
    )
    for c, panel in enumerate(panels, start=1):
        x, y, z, names = _xyz(panel)
        for mask, color, name in coloring.groups():
            xs, ys, zs = polylines(panel.states, mask, [x, y, z])
            fig.add_trace(
                go.Scatter3d(
                    x=xs,
                    y=ys,
                    z=zs,
                    mode="lines",
                    name=name,
                    legendgroup=name,
                    showlegend=c == 1 and coloring.categorical,
                    line={"color": color, "width": 2.5},
                    hoverinfo="skip",
                ),
                row=1,
                col=c,
            )
            fig.add_trace(
                go.Scatter3d(
                    x=x[-1, mask],
                    y=y[-1, mask],
                    z=z[-1, mask],
                    mode="markers",
                    name=f"{name} at the end",
                    legendgroup=name,
                    showlegend=False,
                    marker={"size": 2.5, "color": color},
                    hoverinfo="skip",
                ),
                row=1,
                col=c,
            )
        scene = "scene" if c == 1 else f"scene{c}"
        fig.update_layout(
            {
                scene: {
                    "xaxis_title": names[0],
                    "yaxis_title": names[1],
                    "zaxis_title": names[2],
                    "aspectmode": "cube",
                    "camera": {"eye": {"x": 1.6, "y": -1.6, "z": 0.9}},
                }
            }
        )
    fig = _finish(fig, height)
    fig.update_layout(margin={"l": 0, "r": 0, "b": 0})
    return fig


def _at_fraction(panel: Panel, s: float) -> np.ndarray:
    """States (n, D) at fraction `s` of the panel's own time span, linear between stored times."""
    tq = panel.t[0] + s * (panel.t[-1] - panel.t[0])
    k = int(np.clip(np.searchsorted(panel.t, tq, side="right") - 1, 0, len(panel.t) - 2))
    w = (tq - panel.t[k]) / max(panel.t[k + 1] - panel.t[k], 1e-12)
    return panel.states[k] * (1 - w) + panel.states[k + 1] * w


def _cloud_xyz(panel: Panel, s: float) -> tuple[np.ndarray, ...]:
    """A 1-D state moves along x with the input on y (the order of the points is the story)."""
    z = _at_fraction(panel, s)
    if panel.dim == 1:
        return z[:, 0], panel.states[0, :, 0]
    if panel.dim == 2:
        return z[:, 0], z[:, 1]
    return z[:, 0], z[:, 1], z[:, 2]


def _span(values: np.ndarray) -> list[float]:
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    pad = 0.06 * max(high - low, 1e-3)
    return [low - pad, high + pad]


def cloud_figure(
    panels: Sequence[Panel],
    coloring: Coloring,
    frames: int = 26,
    animate: bool = True,
    height: int = 560,
) -> go.Figure:
    """The point cloud flowing from t = 0 to t1, one panel per model (3-D for states of three dims or
    more), with play / pause and a time slider; `animate=False` draws only the end state."""
    specs = [[{"type": "scene" if p.dim >= 3 else "xy"} for p in panels]]
    fig = make_subplots(
        rows=1,
        cols=len(panels),
        specs=specs,
        subplot_titles=[p.label for p in panels],
        horizontal_spacing=0.08,
    )
    colors = coloring.marker_colors()
    fractions = np.linspace(0.0, 1.0, frames) if animate else np.array([1.0])
    first = fractions[0]
    scenes = 0
    for c, panel in enumerate(panels, start=1):
        coords = _cloud_xyz(panel, first)
        marker = {"size": 3.5 if panel.dim >= 3 else 6, "color": colors, "line": {"width": 0}}
        if panel.dim >= 3:
            trace = go.Scatter3d(
                x=coords[0], y=coords[1], z=coords[2], mode="markers", marker=marker, hoverinfo="skip"
            )
        else:
            trace = go.Scatter(x=coords[0], y=coords[1], mode="markers", marker=marker, hoverinfo="skip")
        fig.add_trace(trace, row=1, col=c)
        ranges = [_span(panel.states[:, :, d]) for d in range(min(panel.dim, 3))]
        if panel.dim == 1:
            ranges.append(_span(panel.states[0, :, 0]))
        if panel.dim >= 3:
            scenes += 1
            fig.update_layout(
                {
                    ("scene" if scenes == 1 else f"scene{scenes}"): {
                        "xaxis": {"range": ranges[0], "title": {"text": panel.dim_names[0]}},
                        "yaxis": {"range": ranges[1], "title": {"text": panel.dim_names[1]}},
                        "zaxis": {"range": ranges[2], "title": {"text": panel.dim_names[2]}},
                        "aspectmode": "cube",
                        "camera": {"eye": {"x": 1.6, "y": -1.6, "z": 0.9}},
                    }
                }
            )
        else:
            y_title = "input x" if panel.dim == 1 else panel.dim_names[1]
            fig.update_xaxes(range=ranges[0], title_text=panel.dim_names[0], row=1, col=c)
            fig.update_yaxes(range=ranges[1], title_text=y_title, row=1, col=c)
    fig = _finish(fig, height)
    fig.update_layout(showlegend=False)
    if not animate:
        return fig
    redraw = any(p.dim >= 3 for p in panels)
    names = [f"{s:.2f}" for s in fractions]
    frame_list = []
    for s, name in zip(fractions, names, strict=True):
        data = []
        for panel in panels:
            coords = _cloud_xyz(panel, s)
            if panel.dim >= 3:
                data.append(go.Scatter3d(x=coords[0], y=coords[1], z=coords[2]))
            else:
                data.append(go.Scatter(x=coords[0], y=coords[1]))
        frame_list.append(go.Frame(data=data, traces=list(range(len(panels))), name=name))
    fig.frames = frame_list
    bottom = 150
    # Paper coordinates scale with the plot's height: place the controls a fixed 70 px under the axes.
    below = -70 / max(height - 100 - bottom, 100)
    fig.update_layout(margin={"b": bottom})
    return add_play_controls(
        fig, names, prefix="t / t₁ = ", frame_ms=90, redraw=redraw, y=below, slider_x=0.16
    )


def vector_field_figure(
    fields: Sequence[tuple[str, FieldGrid, tuple[str, str]]],
    paths: Sequence[Panel | None],
    coloring: Coloring,
    height: int = 520,
) -> go.Figure:
    """|f| as a heat map with streamlines of f in the plane, and the data's paths through that plane
    (the state-space diagram), one panel per model.

    Args:
        fields: (title, field grid, names of the plane's two axes) per model.
        paths: per model, the data's paths to draw over the field (its first two state dimensions), or None.
        coloring: the paths' colours.
    """
    fig = make_subplots(
        rows=1, cols=len(fields), subplot_titles=[f[0] for f in fields], horizontal_spacing=0.08
    )
    top = max(float(np.nanmax(grid.speed)) for _, grid, _ in fields)
    for c, ((_, grid, names), panel) in enumerate(zip(fields, paths, strict=True), start=1):
        fig.add_trace(
            go.Heatmap(
                x=grid.xs,
                y=grid.ys,
                z=grid.speed.astype(np.float32),
                coloraxis="coloraxis",
                name="|f|",
                hovertemplate="(%{x:.2f}, %{y:.2f}): |f| = %{z:.3g}<extra></extra>",
            ),
            row=1,
            col=c,
        )
        lines = grid.lines
        ok = np.isfinite(lines).all(axis=(1, 2))
        padded = np.concatenate([lines[ok], np.full((int(ok.sum()), 1, 2), np.nan)], axis=1).reshape(-1, 2)
        sizes = np.zeros((int(ok.sum()), lines.shape[1] + 1))
        sizes[:, -2] = 8
        fig.add_trace(
            go.Scatter(
                x=padded[:, 0],
                y=padded[:, 1],
                mode="lines+markers",
                line={"color": "#333333", "width": 1.2},
                marker={"symbol": "arrow", "angleref": "previous", "size": sizes.ravel(), "color": "#333333"},
                name="streamlines of f",
                showlegend=c == 1,
                hoverinfo="skip",
            ),
            row=1,
            col=c,
        )
        if panel is not None:
            for mask, color, name in coloring.groups():
                x, y = polylines(panel.states, mask, [panel.states[:, :, 0], panel.states[:, :, 1]])
                fig.add_trace(
                    go.Scatter(
                        x=x,
                        y=y,
                        mode="lines",
                        name=name,
                        legendgroup=name,
                        showlegend=c == 1 and coloring.categorical,
                        line={"color": color, "width": 1},
                        opacity=0.6,
                        hoverinfo="skip",
                    ),
                    row=1,
                    col=c,
                )
                fig.add_trace(
                    go.Scatter(
                        x=panel.states[-1, mask, 0],
                        y=panel.states[-1, mask, 1],
                        mode="markers",
                        name=f"{name} at t₁",
                        legendgroup=name,
                        showlegend=False,
                        marker={"size": 4, "color": color, "line": {"width": 0.5, "color": "#222222"}},
                        hoverinfo="skip",
                    ),
                    row=1,
                    col=c,
                )
        fig.update_xaxes(title_text=names[0], range=[grid.xs[0], grid.xs[-1]], row=1, col=c)
        fig.update_yaxes(title_text=names[1], range=[grid.ys[0], grid.ys[-1]], row=1, col=c)
    fig = _finish(fig, height)
    # One shared scale: the models' speeds are comparable at a glance (a stretched flow is a fast one).
    fig.update_layout(
        coloraxis={
            "colorscale": SPEED_SCALE,
            "cmin": 0.0,
            "cmax": top,
            "colorbar": {"title": {"text": "|f|"}, "len": 0.8, "thickness": 12},
        }
    )
    return fig


def flip1d_figure(panels: Sequence[Panel], inputs: np.ndarray, outputs: Sequence[np.ndarray]) -> go.Figure:
    """The 1-D task g(x) = −x: top, the first state coordinate of each input against t (coloured by
    the input); bottom, the model's output against the input, with the target −x.

    Args:
        panels: per model, paths of the points `inputs: (n,)`.
        outputs: per model, (n,) predictions for `inputs`.
    """
    coloring = Coloring(inputs, categorical=False, title="input x")
    fig = make_subplots(
        rows=2,
        cols=len(panels),
        subplot_titles=[p.label for p in panels] + [""] * len(panels),
        vertical_spacing=0.14,
        horizontal_spacing=0.06,
        row_heights=[0.62, 0.38],
    )
    order = np.argsort(inputs)
    for c, (panel, out) in enumerate(zip(panels, outputs, strict=True), start=1):
        times = _time_columns(panel)
        for mask, color, name in coloring.groups():
            x, y = polylines(panel.states, mask, [times, panel.states[:, :, 0]])
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    mode="lines+markers" if panel.discrete else "lines",
                    name=name,
                    legendgroup=name,
                    showlegend=False,
                    line={"color": color, "width": 1.5},
                    marker={"size": 5},
                    hoverinfo="skip",
                ),
                row=1,
                col=c,
            )
        fig.add_trace(
            go.Scatter(
                x=inputs[order],
                y=-inputs[order],
                mode="lines",
                name="target −x",
                showlegend=c == 1,
                line={"color": "#999999", "dash": "dash", "width": 2},
                hoverinfo="skip",
            ),
            row=2,
            col=c,
        )
        fig.add_trace(
            go.Scatter(
                x=inputs[order],
                y=np.asarray(out)[order],
                mode="lines",
                name="output",
                showlegend=c == 1,
                line={"color": "#333333", "width": 2.5},
                hovertemplate="x = %{x:.2f}: output %{y:.2f}<extra></extra>",
            ),
            row=2,
            col=c,
        )
        fig.update_xaxes(title_text="layer" if panel.discrete else "t", row=1, col=c)
        fig.update_xaxes(title_text="input x", row=2, col=c)
    fig.update_yaxes(title_text=panels[0].dim_names[0], row=1, col=1)
    fig.update_yaxes(title_text="output", row=2, col=1)
    _value_colorbar(fig, coloring)
    fig = _finish(fig, 660)
    fig.update_traces(
        marker_colorbar={"y": 0.75, "len": 0.5}, selector={"showlegend": False, "mode": "markers"}
    )
    return fig
