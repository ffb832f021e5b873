"""What every figure of the NODE vs ANODE lab draws from: one colour per model and class, how points are
coloured (`Coloring`), one model's paths (`Panel`), and the shared layout and colour bar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from components.style import colorbar_trace, styled

#: One colour per model, shared with the training charts.
MODEL_COLORS = {"node": "#0072B2", "anode": "#D55E00", "resnet": "#009E73"}
CLASS_COLORS = ("#56B4E9", "#E69F00")
VALUE_SCALE = "Viridis"
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


def finish(fig: go.Figure, height: int) -> go.Figure:
    """Common layout, with the legend pinned to the very top so it never covers the subplot titles."""
    fig = styled(fig, height=height)
    fig.update_layout(
        legend={"yref": "container", "y": 0.995, "yanchor": "top", "x": 0, "xanchor": "left"},
        margin={"t": 100},
    )
    return fig


def value_colorbar(fig: go.Figure, coloring: Coloring, row: int = 1, col: int = 1) -> None:
    """For a continuous colouring: a colour bar carried by an invisible marker, instead of legend bins."""
    if coloring.categorical:
        return
    low, high = float(np.min(coloring.values)), float(np.max(coloring.values))
    colorbar = {"title": {"text": coloring.title}, "thickness": 12, "len": 0.6}
    fig.add_trace(colorbar_trace(low, high, VALUE_SCALE, colorbar), row=row, col=col)


def time_columns(panel: Panel) -> np.ndarray:
    """(T, n) the time of every stored state, to draw a state coordinate against t."""
    return np.broadcast_to(panel.t[:, None], panel.states.shape[:2])
