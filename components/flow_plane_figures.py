"""Figures of the NODE vs ANODE lab over a plane, one panel per model: the decision regions of the input
plane, and the learned vector field with the data's paths through the state space; and the plane where a
visitor places points of their own."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.click_targets import click_targets_trace
from components.flow_panels import CLASS_COLORS, THIN_SPAN, Coloring, Panel, finish, polylines
from components.style import legend_below, line_trace, styled
from models.node_anode.analysis import FieldGrid, RegionGrid

#: Room above the regions for the one-row legend and the subplot titles: with finish's 100 px (and the
#: plots as high as now) the x-axis title of the presenter-sized figure ended 21 px below a 1280x720
#: projector's fold (tour step 9).
REGIONS_TOP_PX = 76
PROB_SCALE = [[0.0, "#c6e2f5"], [0.5, "#ffffff"], [1.0, "#fbdcae"]]
SPEED_SCALE = [[0.0, "#ffffff"], [1.0, "#9a9a9a"]]


def _heatmap(
    fig: go.Figure, col: int, xs: np.ndarray, ys: np.ndarray, z: np.ndarray, name: str, value_format: str
) -> None:
    """`z: (ny, nx)` at (xs, ys) as panel `col`'s heat map on the shared colour axis; the axes span the grid."""
    fig.add_trace(
        go.Heatmap(
            x=xs,
            y=ys,
            z=z.astype(np.float32),
            coloraxis="coloraxis",
            name=name,
            hovertemplate=f"(%{{x:.2f}}, %{{y:.2f}}): {name} = %{{z:{value_format}}}<extra></extra>",
        ),
        row=1,
        col=col,
    )
    fig.update_xaxes(range=[xs[0], xs[-1]], row=1, col=col)
    fig.update_yaxes(range=[ys[0], ys[-1]], row=1, col=col)


def decision_regions_figure(
    grids: Sequence[tuple[str, RegionGrid]],
    points: np.ndarray,
    coloring: Coloring,
    height: int = 456,
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
        _heatmap(fig, c, grid.xs, grid.ys, grid.prob, "P(class 1)", ".2f")
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
        fig.update_xaxes(title_text="x₁", row=1, col=c)
    fig.update_yaxes(title_text="x₂", row=1, col=1)
    fig = finish(fig, height)
    fig.update_layout(
        coloraxis={"colorscale": PROB_SCALE, "cmin": 0, "cmax": 1, "colorbar": {"title": {"text": "P(1)"}}},
        margin={"t": REGIONS_TOP_PX},
    )
    return fig


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
        _heatmap(fig, c, grid.xs, grid.ys, grid.speed, "|f|", ".3g")
        lines = grid.lines
        ok = np.isfinite(lines).all(axis=(1, 2))
        padded = np.concatenate([lines[ok], np.full((int(ok.sum()), 1, 2), np.nan)], axis=1).reshape(-1, 2)
        sizes = np.zeros((int(ok.sum()), lines.shape[1] + 1), dtype=np.uint8)  # 1 byte a point, not 8
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
                x, y = polylines(
                    panel.states, mask, [panel.states[:, :, 0], panel.states[:, :, 1]], THIN_SPAN
                )
                fig.add_trace(
                    line_trace(
                        x,
                        y,
                        name,
                        color,
                        1,
                        legendgroup=name,
                        showlegend=c == 1 and coloring.categorical,
                        opacity=0.6,
                        hoverinfo="skip",
                    ),  # fmt: skip
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
        fig.update_xaxes(title_text=names[0], row=1, col=c)
        if c == 1 or names[1] != fields[c - 2][2][1]:  # a repeated title would sit on the panel to the left
            fig.update_yaxes(title_text=names[1], row=1, col=c)
    fig = finish(fig, height)
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


#: Space between the own-points plane and its tick labels, on both axes.
CORNER_STANDOFF_PX = 10


def own_points_figure(
    points: Sequence[tuple[float, float, int]],
    window: tuple[tuple[float, float], tuple[float, float]],
    class_names: Sequence[str],
    click_grid: int = 41,
    height: int = 420,
) -> go.Figure:
    """Points placed by hand, coloured by class, over a grid of click targets that adds the next one.

    Args:
        points: (x, y, label) each, label an index into `class_names`.
        window: the plane's (x range, y range).
        click_grid: click targets along each side (0: none).
    """
    fig = go.Figure()
    for label, name in enumerate(class_names):
        mine = [p for p in points if p[2] == label]
        fig.add_trace(
            go.Scatter(
                x=[p[0] for p in mine],
                y=[p[1] for p in mine],
                mode="markers",
                name=f"class {name} ({len(mine)})",
                marker={"size": 11, "color": CLASS_COLORS[label], "line": {"width": 1, "color": "#333"}},
                hovertemplate=f"class {name}: (%{{x:.2f}}, %{{y:.2f}})<extra></extra>",
            )
        )
    if click_grid:
        fig.add_trace(click_targets_trace(window[0], window[1], click_grid, "add a point here"))
    # The square shrinks its domain rather than widen the x range: a click never lands outside the window.
    # Both axes' tick labels stand off from the plot, or the two "−2" at the lower-left corner (the
    # window's ends are ticks) run into each other, in presenter mode's larger type above all.
    fig.update_xaxes(
        title_text="x0", range=list(window[0]), showgrid=True, zeroline=True, constrain="domain",
        ticklabelstandoff=CORNER_STANDOFF_PX,
    )  # fmt: skip
    fig.update_yaxes(
        title_text="x1", range=list(window[1]), showgrid=True, zeroline=True, scaleanchor="x", scaleratio=1,
        ticklabelstandoff=CORNER_STANDOFF_PX,
    )  # fmt: skip
    fig = legend_below(styled(fig, height=height), rows=1)
    fig.update_layout(hovermode="closest", dragmode="zoom")
    return fig
