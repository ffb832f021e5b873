"""Legend placement of the learning and latent figures: under the plot, where neither a figure's title nor
plotly's toolbar (top right, shown on hover) can cover it."""

from __future__ import annotations

import plotly.graph_objects as go


def legend_below(fig: go.Figure, *, offset: float = 0.3) -> go.Figure:
    """A horizontal legend `offset` (a fraction of the plot's height) under the plot, below the x-axis title;
    plotly widens the bottom margin to fit it."""
    fig.update_layout(legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -offset, "yanchor": "top"})
    return fig
