"""Shared look of every figure: a projector-friendly layout, and one colour per method and model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

# The light template as plotly's default: a figure then starts with it already validated. Passing
# template="plotly_white" to update_layout instead re-validated and deep-copied the whole template for
# every figure, ~20 ms each, the largest part of a warm page run (py-spy on the Solver lab).
pio.templates.default = "plotly_white"

#: Okabe–Ito colours: distinguishable for colour-blind viewers and on a washed-out projector.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")

METHOD_COLORS = {
    "euler": "#D55E00",
    "midpoint": "#E69F00",
    "rk4": "#0072B2",
    "heun3": "#56B4E9",
    "rk4_38": "#009E73",
    "adaptive_heun": "#F0E442",
    "fehlberg2": "#999999",
    "bosh3": "#CC79A7",
    "dopri5": "#009E73",
    "dopri8": "#000000",
}
REFERENCE_COLOR = "#7f7f7f"


def color_for(key: str, index: int = 0) -> str:
    return METHOD_COLORS.get(key, PALETTE[index % len(PALETTE)])


@dataclass(frozen=True)
class Curve:
    """One trajectory to draw: `y: (T, dim)` at times `t: (T,)`."""

    key: str  # method or model key, which picks the colour
    label: str
    t: np.ndarray
    y: np.ndarray
    dash: str | None = None  # plotly dash style, e.g. "dash" for references
    markers: bool = False
    width: float | None = None  # None: 3, or 2 for a dashed reference
    layer: int = 0  # plotly's zorder: a higher layer is drawn in front, whatever the legend order


def styled(fig: go.Figure, *, height: int = 420, title: str | None = None) -> go.Figure:
    """Apply the common layout: readable fonts, legend on top (the light template is the default)."""
    fig.update_layout(
        height=height,
        margin={"l": 60, "r": 20, "t": 60 if title else 30, "b": 50},
        font={"size": 14},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        title={"text": title} if title else None,
    )
    return fig


def line_trace(
    x: object,
    y: object,
    name: str,
    color: str,
    width: float,
    *,
    z: object | None = None,
    dash: str | None = None,
    **properties: object,
) -> go.Scatter | go.Scatter3d:
    """A plain line through (x, y), or (x, y, z) in 3-D: the trace most builders draw. `properties` are
    plotly's own trace properties (legendgroup, showlegend, opacity, hoverinfo, hovertemplate...)."""
    line = {"color": color, "width": width} | ({"dash": dash} if dash else {})
    if z is None:
        return go.Scatter(x=x, y=y, mode="lines", name=name, line=line, **properties)
    return go.Scatter3d(x=x, y=y, z=z, mode="lines", name=name, line=line, **properties)


def line_style(curve: Curve, index: int) -> dict:
    color = REFERENCE_COLOR if curve.dash else color_for(curve.key, index)
    width = curve.width if curve.width is not None else 2 if curve.dash else 3
    return {"color": color, "width": width, "dash": curve.dash}


def colorbar_trace(low: float, high: float, colorscale: str | list, colorbar: dict) -> go.Scatter:
    """An invisible marker that only carries a colour bar from `low` to `high` (a legend for colours
    drawn by traces that cannot show one themselves)."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        showlegend=False,
        hoverinfo="skip",
        marker={
            "color": [low],
            "cmin": low,
            "cmax": high,
            "colorscale": colorscale,
            "showscale": True,
            "colorbar": colorbar,
        },
    )


def scene(names: Sequence[str], **settings: object) -> dict:
    """A 3-D scene's layout: its x, y and z axes named `names`, then `settings` (aspect, camera...)."""
    return {"xaxis_title": names[0], "yaxis_title": names[1], "zaxis_title": names[2], **settings}


def add_play_controls(
    fig: go.Figure,
    frame_names: list[str],
    *,
    prefix: str,
    frame_ms: int,
    redraw: bool = False,
    y: float = -0.12,
    slider_x: float = 0.15,
) -> go.Figure:
    """Play / Pause buttons and a frame slider under an animated figure, `y` in paper coordinates.

    `redraw` must be True when frames hold 3-D traces (plotly only re-renders those on redraw).
    """
    still = {"frame": {"duration": 0, "redraw": redraw}, "mode": "immediate", "transition": {"duration": 0}}
    play = {**still, "frame": {"duration": frame_ms, "redraw": redraw}, "fromcurrent": True}
    fig.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": y,
                "xanchor": "left",
                "yanchor": "top",
                "showactive": False,
                "buttons": [
                    {"label": "Play", "method": "animate", "args": [None, play]},
                    {"label": "Pause", "method": "animate", "args": [[None], still]},
                ],
            }
        ],
        sliders=[
            {
                "active": 0,
                "x": slider_x,
                "len": 1.0 - slider_x,
                "y": y + 0.02,
                "yanchor": "top",
                "pad": {"t": 0},
                "currentvalue": {"prefix": prefix, "xanchor": "right"},
                "steps": [{"label": n, "method": "animate", "args": [[n], still]} for n in frame_names],
            }
        ],
    )
    return fig
