"""The vector field of a phase portrait drawn as marks coloured by speed: arrows on a grid or short
streamlines, their speeds binned on a log scale, with a colour bar for the bins."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from components.style import colorbar_trace
from models.phase.portrait import FieldSample, Window

#: Field colour by speed: pale and cool where slow, warm where fast; drawn under dark trajectories.
SPEED_SCALE = [[0.0, "#c6dbef"], [0.35, "#6baed6"], [0.65, "#fd8d3c"], [1.0, "#a50f15"]]
SPEED_BINS = 7


def speed_bins(speed: np.ndarray, bins: int = SPEED_BINS) -> tuple[np.ndarray, float, float]:
    """Bin index (0..bins-1, -1 where undefined) of each speed on a log scale, and the range used."""
    ok = np.isfinite(speed) & (speed > 0)
    if not ok.any():
        return np.full(speed.shape, -1), 0.0, 1.0
    logs = np.log10(np.where(ok, speed, 1.0))
    low, high = float(np.percentile(logs[ok], 2)), float(np.percentile(logs[ok], 98))
    span = max(high - low, 1e-9)
    index = np.clip(((logs - low) / span * bins).astype(int), 0, bins - 1)
    return np.where(ok, index, -1), 10**low, 10**high


def _bin_color(k: int, bins: int = SPEED_BINS) -> str:
    return sample_colorscale(SPEED_SCALE, [(k + 0.5) / bins])[0]


def _speed_colorbar(fig: go.Figure, low: float, high: float) -> None:
    """A legend for the field colours: an invisible marker carrying the colour bar (none when f is defined
    nowhere, since speed_bins then has no range)."""
    if not low > 0:
        return
    colorbar = {
        "title": {"text": "|f|"},
        "thickness": 12,
        "len": 0.6,
        "tickvals": [np.log10(low), np.log10(high)],
        "ticktext": [f"{low:.2g}", f"{high:.2g}"],
    }
    fig.add_trace(colorbar_trace(np.log10(low), np.log10(high), SPEED_SCALE, colorbar))


def _head(tip: np.ndarray, back: np.ndarray, size: float) -> np.ndarray:
    """Arrowheads (N, 3, 2) at `tip` pointing away from `back`, both in window units."""
    d = tip - back
    d = d / np.maximum(np.linalg.norm(d, axis=-1, keepdims=True), 1e-15)
    normal = np.stack((-d[:, 1], d[:, 0]), axis=-1)
    return np.stack((tip - size * (d - 0.55 * normal), tip, tip - size * (d + 0.55 * normal)), axis=1)


def _field_traces(
    fig: go.Figure,
    pieces: np.ndarray,
    heads: np.ndarray,
    speed: np.ndarray,
    spans: np.ndarray,
    lows: np.ndarray,
    opacity: float = 1.0,
) -> None:
    """Add field marks grouped by speed: `pieces (N, P, 2)` and `heads (N, 3, 2)` in window units."""
    index, low, high = speed_bins(speed)
    for k in range(SPEED_BINS):
        chosen = index == k
        if not chosen.any():
            continue
        shapes = np.concatenate((pieces[chosen], np.full((chosen.sum(), 1, 2), np.nan)), axis=1)
        tips = np.concatenate((heads[chosen], np.full((chosen.sum(), 1, 2), np.nan)), axis=1)
        xy = np.concatenate((shapes.reshape(-1, 2), tips.reshape(-1, 2))) * spans + lows
        fig.add_trace(
            go.Scatter(
                x=xy[:, 0],
                y=xy[:, 1],
                mode="lines",
                line={"color": _bin_color(k), "width": 1.6},
                opacity=opacity,
                hoverinfo="skip",
                showlegend=False,
            )
        )
    _speed_colorbar(fig, low, high)


def add_arrows(fig: go.Figure, sample: FieldSample, window: Window, opacity: float = 1.0) -> None:
    """An arrow of one length at each grid point of `sample`, pointing along f, coloured by its speed."""
    lows = np.array([window[0][0], window[1][0]])
    spans = np.array([window[0][1] - window[0][0], window[1][1] - window[1][0]])
    gx, gy = np.meshgrid(sample.xs, sample.ys)
    base = (np.stack((gx.ravel(), gy.ravel()), axis=-1) - lows) / spans
    d = np.stack((sample.u.ravel(), sample.v.ravel()), axis=-1) / spans
    norm = np.linalg.norm(d, axis=-1, keepdims=True)
    ok = (np.isfinite(norm) & (norm > 0))[:, 0]
    length = 0.75 / max(len(sample.xs), 2)
    start = base[ok] - 0.5 * length * d[ok] / norm[ok]
    tip = base[ok] + 0.5 * length * d[ok] / norm[ok]
    _field_traces(
        fig,
        np.stack((start, tip), axis=1),
        _head(tip, start, 0.3 * length),
        sample.speed.ravel()[ok],
        spans,
        lows,
        opacity,
    )


def add_streamlets(fig: go.Figure, lines: np.ndarray, speed: np.ndarray, window: Window) -> None:
    """Short streamlines `lines: (L, P, 2)` with a head at their end, coloured by `speed: (L,)`."""
    lows = np.array([window[0][0], window[1][0]])
    spans = np.array([window[0][1] - window[0][0], window[1][1] - window[1][0]])
    scaled = (lines - lows) / spans
    ok = np.isfinite(scaled).all(axis=(1, 2))
    scaled, speed = scaled[ok], speed[ok]
    heads = _head(scaled[:, -1], scaled[:, -2], 0.25 / np.sqrt(max(len(lines), 1)))
    stuck = np.linalg.norm(scaled[:, -1] - scaled[:, -2], axis=-1) <= 1e-9  # where f vanishes: no head
    heads[stuck] = np.nan
    _field_traces(fig, scaled, heads, speed, spans, lows)
