"""Figures of the NODE vs ANODE lab that follow each point's path, one panel per model: each state
dimension against depth, the paths in 3-D, and the 1-D flip task's paths and outputs."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.flow_panels import (
    LOW_HEIGHT,
    THIN_SPAN,
    Coloring,
    Panel,
    finish,
    polylines,
    time_columns,
    upper_ticks,
    value_colorbar,
)
from components.style import line_trace, scene


def _depth_paths(
    panel: Panel,
    x: np.ndarray,
    y: np.ndarray,
    name: str,
    color: str,
    width: float,
    size: float,
    **properties: object,
) -> go.Scatter:
    """One group's paths through depth; a discrete (ResNet) panel marks each layer."""
    return go.Scatter(
        x=x, y=y, mode="lines+markers" if panel.discrete else "lines", name=name, legendgroup=name,
        line={"color": color, "width": width}, marker={"size": size}, hoverinfo="skip", **properties,
    )  # fmt: skip


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
        times = time_columns(panel)
        for d in range(panel.dim):
            for mask, color, name in coloring.groups():
                thin = 0.0 if panel.discrete else THIN_SPAN  # a ResNet's layers are all drawn
                x, y = polylines(panel.states, mask, [times, panel.states[:, :, d]], thin)
                shown = c == 1 and d == 0 and coloring.categorical
                fig.add_trace(
                    _depth_paths(panel, x, y, name, color, 1.2, 4, showlegend=shown, opacity=0.7),
                    row=d + 1,
                    col=c,
                )
            fig.update_yaxes(title_text=panel.dim_names[d], row=d + 1, col=c)
            fig.update_xaxes(range=[panel.t[0], panel.t[-1]], row=d + 1, col=c)
        fig.update_xaxes(title_text="layer" if panel.discrete else "t", row=panel.dim, col=c)
    value_colorbar(fig, coloring)
    return finish(fig, max(380, 120 + height_per_row * rows))


def _xyz(panel: Panel) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, str, str]]:
    """The three coordinates of a 3-D view: (z0, z1, t) for a 2-D state, (z0, z1, z2) from 3-D up."""
    s = panel.states
    if panel.dim == 2:
        return s[:, :, 0], s[:, :, 1], time_columns(panel), (*panel.dim_names[:2], "t")
    return s[:, :, 0], s[:, :, 1], s[:, :, 2], panel.dim_names[:3]


#: A low, side-on camera, the vertical axis (t, or the extra dimension a1) upright: the view in which an
#: ANODE's classes part along a1. Close enough that the cube fills its scene (plotly's default eye is 2.2
#: from the centre; further off the cube shrinks into a gap), looking a little below and to the left of the
#: cube's centre so that the vertical axis's title and the right-hand ticks stay inside the scene (which
#: clips them).
SIDE_VIEW = {"eye": {"x": 2.1, "y": -1.6, "z": 0.52}, "center": {"x": -0.05, "y": -0.07, "z": -0.2}}
#: The same view from nearer, for a figure under LOW_HEIGHT (a projector's, above its fold): a scene much
#: wider than tall fits the cube to its height, with room at its sides for a larger cube (from SIDE_VIEW's
#: distance it was small in the middle of its box, tour step 11). In a laptop's taller, narrower scenes it
#: would run off their sides.
NEAR_SIDE_VIEW = {"eye": {"x": 1.6, "y": -1.22, "z": 0.4}, "center": SIDE_VIEW["center"]}
FLOW_3D_TOP_PX = 56


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
        horizontal_spacing=0.03,
    )
    for c, panel in enumerate(panels, start=1):
        x, y, z, names = _xyz(panel)
        for mask, color, name in coloring.groups():
            xs, ys, zs = polylines(panel.states, mask, [x, y, z])
            fig.add_trace(
                line_trace(
                    xs,
                    ys,
                    name,
                    color,
                    2.5,
                    z=zs,
                    legendgroup=name,
                    showlegend=c == 1 and coloring.categorical,
                    hoverinfo="skip",
                ),  # fmt: skip
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
        fig.update_layout(
            {
                "scene" if c == 1 else f"scene{c}": scene(
                    names,
                    aspectmode="cube",
                    camera=NEAR_SIDE_VIEW if height < LOW_HEIGHT else SIDE_VIEW,
                    zaxis_tickvals=upper_ticks(float(np.nanmin(z)), float(np.nanmax(z))),
                )
            }
        )
    fig = finish(fig, height)
    # Room at the sides for the vertical axis's title (t or a1), which plotly draws outside the cube. The
    # legend shares the subplot titles' row, centred between them: the scenes start higher.
    fig.update_layout(
        margin={"l": 30, "r": 30, "b": 10, "t": FLOW_3D_TOP_PX}, legend={"x": 0.5, "xanchor": "center"}
    )
    return fig


#: The gap between the 1-D flip's two rows, as a fraction of the figure's plot height.
FLIP_ROW_GAP = 0.18
FLIP_HEIGHT = 660
#: A figure lower than LOW_HEIGHT (a projector's, all of it above the fold, tour step 12) keeps no room at
#: its top for the legend, which goes beside the outputs' row under the colour bar, and keeps its rows this
#: far apart: the top row's ticks and axis title at the presenter's size (FLIP_ROW_GAP of a low figure's
#: plot was 60 px, too little).
FLIP_LOW_TOP_PX = 44
FLIP_LOW_GAP_PX = 84
FLIP_LOW_BOTTOM_PX = 50
FLIP_LOW_LEGEND = {
    "orientation": "v",
    "yref": "paper",
    "y": 0,
    "yanchor": "bottom",
    "x": 1.02,
    "xanchor": "left",
}


def flip1d_figure(
    panels: Sequence[Panel], inputs: np.ndarray, outputs: Sequence[np.ndarray], height: int = FLIP_HEIGHT
) -> go.Figure:
    """The 1-D task g(x) = −x: top, the first state coordinate of each input against t (coloured by
    the input); bottom, the model's output against the input, with the target −x.

    Args:
        panels: per model, paths of the points `inputs: (n,)`.
        outputs: per model, (n,) predictions for `inputs`.
        height: px; under LOW_HEIGHT laid out for a projector's fold (see FLIP_LOW_TOP_PX).
    """
    low = height < LOW_HEIGHT
    gap = FLIP_LOW_GAP_PX / (height - FLIP_LOW_TOP_PX - FLIP_LOW_BOTTOM_PX) if low else FLIP_ROW_GAP
    coloring = Coloring(inputs, categorical=False, title="input x")
    fig = make_subplots(
        rows=2,
        cols=len(panels),
        subplot_titles=[p.label for p in panels] + [""] * len(panels),
        # The top row's x-axis title sits in the gap: at the presenter scale a narrower gap ran it into the
        # bottom row's top tick (tour step 12).
        vertical_spacing=gap,
        horizontal_spacing=0.06,
        row_heights=[0.62, 0.38],
    )
    order = np.argsort(inputs)
    for c, (panel, out) in enumerate(zip(panels, outputs, strict=True), start=1):
        times = time_columns(panel)
        for mask, color, name in coloring.groups():
            x, y = polylines(panel.states, mask, [times, panel.states[:, :, 0]])
            fig.add_trace(_depth_paths(panel, x, y, name, color, 1.5, 5, showlegend=False), row=1, col=c)
        target = line_trace(
            inputs[order], -inputs[order], "target −x", "#999999", 2, dash="dash", showlegend=c == 1,
            hoverinfo="skip",
        )  # fmt: skip
        output = line_trace(
            inputs[order], np.asarray(out)[order], "output", "#333333", 2.5, showlegend=c == 1,
            hovertemplate="x = %{x:.2f}: output %{y:.2f}<extra></extra>",
        )  # fmt: skip
        fig.add_traces([target, output], rows=2, cols=c)
        fig.update_xaxes(title_text="layer" if panel.discrete else "t", row=1, col=c)
        fig.update_xaxes(title_text="input x", row=2, col=c)
    fig.update_yaxes(title_text=panels[0].dim_names[0], row=1, col=1)
    fig.update_yaxes(title_text="output", row=2, col=1)
    value_colorbar(fig, coloring)
    fig = finish(fig, height)
    fig.update_traces(
        marker_colorbar={"y": 0.75, "len": 0.5}, selector={"showlegend": False, "mode": "markers"}
    )
    if low:
        fig.update_layout(legend=FLIP_LOW_LEGEND, margin={"t": FLIP_LOW_TOP_PX, "b": FLIP_LOW_BOTTOM_PX})
        # Five labels on the outputs' 90 px touched at the presenter's size.
        fig.update_yaxes(dtick=1, row=2)
    return fig
