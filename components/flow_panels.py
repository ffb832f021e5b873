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
#: A figure lower than this is a projector's, sized to fit above its fold: its 3-D scenes are much wider than
#: tall, and their cameras come nearer.
LOW_HEIGHT = 500


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


def polylines(
    states: np.ndarray, mask: np.ndarray, columns: Sequence[np.ndarray], thin: float = 0.0
) -> list[np.ndarray]:
    """For the points in `mask`, each coordinate array `(T, n)` of `columns` as one NaN-separated line.

    `thin` > 0 drops samples where the line is straight: in runs of 1, 3, then 7 samples between two kept
    ones, where in every column each dropped sample lies within `thin` times the column's span of the chord
    between them (taken at its own fraction of the steps, so the line drawn moves by less than that). A
    smooth flow sampled for its bends is straight over most of its steps: fewer bytes, the same picture."""
    chosen = [col[:, mask].T for col in columns]  # each (m, T)
    m, steps = chosen[0].shape
    keep = np.ones((m, steps + 1), dtype=bool)
    if thin > 0:
        spans = [thin * (float(np.nanmax(c) - np.nanmin(c)) if c.size else 0.0) for c in chosen]
        for half in (1, 2, 4):  # a run of 2 * half - 1 samples between kept samples k - half and k + half
            inside = np.arange(-half + 1, half) / (2 * half) + 0.5  # their fractions along the chord
            for k in range(half, steps - half, 2 * half):
                run = slice(k - half + 1, k + half)
                # Only where the finer levels dropped the rest of the run: k is the last sample left in it.
                straight = ~np.delete(keep[:, run], half - 1, axis=1).any(axis=1)
                for c, tol in zip(chosen, spans, strict=True):
                    chord = c[:, [k - half]] + inside * (c[:, [k + half]] - c[:, [k - half]])
                    straight &= (np.abs(c[:, run] - chord) <= tol).all(axis=1)
                keep[:, k] &= ~straight
    out = []
    for c in chosen:
        padded = np.concatenate([c, np.full((m, 1), np.nan)], axis=1)
        out.append(padded[keep].astype(np.float32))  # float32: half the bytes sent to the browser
    return out


#: A path's sample may be dropped where the line moves by less than this fraction of its axis's span
#: (under half a pixel on a panel a few hundred pixels tall).
THIN_SPAN = 0.002


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


def upper_ticks(low: float, high: float, count: int = 3) -> list[float]:
    """About `count` round tick values for a 3-D scene's upright axis over [low, high], none in its lowest
    fifth: a side-on camera puts that axis's foot at the corner where the two floor axes' first ticks are,
    and at a projector's font size the three labels ran into one another (tour step 11)."""
    floor = low + 0.2 * max(high - low, 1e-9)
    raw = (high - floor) / count
    step = 10 ** np.floor(np.log10(raw))
    step *= next(m for m in (1, 2, 2.5, 5, 10) if m * step >= raw)
    ticks = np.arange(np.ceil(floor / step) * step, high + 1e-6 * step, step)
    return [round(float(v), 10) for v in ticks]
