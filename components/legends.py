"""Legend placement of the learning and latent figures: under the plot, where neither a figure's title nor
plotly's toolbar (top right, shown on hover) can cover it."""

from __future__ import annotations

import plotly.graph_objects as go

#: Room under a 2-D plot for its tick labels and x-axis title, which the legend must clear.
AXIS_PX = 70
ROW_PX = 24


def legend_below(fig: go.Figure, *, rows: int = 2, axis_px: int = AXIS_PX) -> go.Figure:
    """A horizontal legend under the plot, `axis_px` below its bottom edge (0-ish for a 3-D scene, which has
    no axis there), with a bottom margin for `rows` rows of entries. The margin is fixed so the plot's height,
    and with it the legend's distance in pixels, does not depend on how plotly wraps the entries.

    Call after `styled`, which sets the figure's height and top margin."""
    height = fig.layout.height or 450
    top = fig.layout.margin.t if fig.layout.margin.t is not None else 80
    bottom = axis_px + ROW_PX * rows + 10
    plot = max(height - top - bottom, 100)
    fig.update_layout(
        margin={"b": bottom},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -axis_px / plot, "yanchor": "top"},
    )
    return fig
