"""An invisible grid of points over a plotly plane that catches clicks: plotly selects points, never empty
space, so a click anywhere on the plane selects the nearest grid point (read by app/kit/plane_clicks.py)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

#: The grid's trace name: tests and exports can tell it from the data.
CLICK_TARGETS_NAME = "click targets"


def click_targets_trace(
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    n: int,
    hover: str,
    name: str = CLICK_TARGETS_NAME,
) -> go.Scatter:
    """An n × n grid of transparent markers over the ranges; `hover` words the hover label, e.g.
    "add a point here"."""
    gx, gy = np.meshgrid(np.linspace(*x_range, n), np.linspace(*y_range, n))
    return go.Scatter(
        x=gx.ravel(),
        y=gy.ravel(),
        mode="markers",
        name=name,
        marker={"size": 10, "color": "rgba(0,0,0,0)"},
        showlegend=False,
        hovertemplate=f"{hover}: (%{{x:.3g}}, %{{y:.3g}})<extra></extra>",
    )
