"""Figures of the ODE-Nets on images page: feature maps through depth (animated), class probabilities along
depth, accuracy and NFE against the solver tolerance, the confusion matrix and a strip of digits."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.style import PALETTE, add_play_controls, label_log_axes, legend_below

GAP = 1  # blank pixels between tiles of the feature-map mosaic
GREYS = "Greys"
MAPS_HEIGHT = 460  # px: the mosaic and its title, the slider and the Play button under it
MAPS_BOTTOM = 160  # px of them under the mosaic
#: px: presenter mode's least height, so that it keeps the plot's height and the legend's distance under it.
PROBS_HEIGHT = 440
#: px: a figure that opens a presenter-mode tab, drawn from ~282 px (at 1280x720, under the tour's box, the
#: page's title and the tabs), ends above a 720 px projector's fold.
PRESENTED_HEIGHT = 400


def mosaic(maps: np.ndarray, columns: int = 4) -> np.ndarray:
    """maps: (c, h, w) -> one (rows*(h+1)-1, columns*(w+1)-1) image, channels tiled row by row, each scaled
    to [0, 1] on its own; NaN between tiles."""
    c, h, w = maps.shape
    rows = -(-c // columns)
    out = np.full((rows * (h + GAP) - GAP, columns * (w + GAP) - GAP), np.nan)
    for k in range(c):
        m = maps[k]
        span = float(m.max() - m.min())
        r, col = divmod(k, columns)
        out[r * (h + GAP) : r * (h + GAP) + h, col * (w + GAP) : col * (w + GAP) + w] = (
            (m - m.min()) / span if span > 0 else 0.0
        )
    return out


def feature_maps_figure(
    depth: np.ndarray, maps: np.ndarray, label: str, depth_name: str, channels: int = 8, start: int = 0
) -> go.Figure:
    """maps: (T, c, h, w): the first `channels` feature maps at each depth, one animation frame each, with a
    slider; `start` is the frame shown first."""
    tiles = [mosaic(maps[i, :channels]) for i in range(len(depth))]
    # The frames are named by their bare number, which the slider's ticks show, and the value above the slider
    # names t or the block: "t = 1.00" under every tick ran past the figure's right edge in presenter mode.
    names = [f"{d:.2f}" if depth_name == "t" else f"{d:.0f}" for d in depth]
    fig = go.Figure(
        go.Heatmap(z=tiles[start], colorscale="Viridis", zmin=0, zmax=1, showscale=False, hoverinfo="skip"),
        frames=[go.Frame(data=[go.Heatmap(z=t)], name=n) for t, n in zip(tiles, names, strict=True)],
    )
    # The slider runs under the mosaic at full width and Play under the slider, as on the other animations
    # but a row lower: above the mosaic Play covered the title, and beside the slider on the narrow columns of
    # a 1024 px projector it ran into the slider's start.
    fig.update_layout(
        title=f"{label}: feature maps",
        height=MAPS_HEIGHT,
        margin={"l": 10, "r": 10, "t": 50, "b": MAPS_BOTTOM},
    )
    plot = MAPS_HEIGHT - 50 - MAPS_BOTTOM
    prefix = f"{depth_name} = " if depth_name == "t" else f"{depth_name} "
    add_play_controls(
        fig, names, prefix=prefix, frame_ms=250, y=-120 / plot, slider_x=0.0, slider_y=-5 / plot, active=start
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    return fig


def probabilities_figure(
    depth: np.ndarray, probs: np.ndarray, title: str, x_title: str, truth: int, legend: bool = True
) -> go.Figure:
    """probs: (T, 10): one line per class along depth; the true class drawn thick. Without `legend`, a
    PRESENTED_HEIGHT figure whose true class is named at the end of its line instead (the classes still in
    the hover): two rows of ten 1.6x entries under the plot left it no height above a projector's fold."""
    fig = go.Figure()
    for k in range(probs.shape[1]):
        fig.add_trace(
            go.Scatter(
                x=depth,
                y=probs[:, k],
                mode="lines+markers" if len(depth) < 10 else "lines",
                name=str(k),
                line={"width": 4 if k == truth else 1.5},
            )
        )
    fig.update_layout(
        title=title,
        height=PROBS_HEIGHT if legend else PRESENTED_HEIGHT,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend_title_text="class",
        showlegend=legend,
    )
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text="probability", range=[0, 1.02])
    if not legend:
        end = float(probs[-1, truth])
        # Under the line's end when it ends high, over it when low: inside the plot either way.
        fig.add_annotation(
            x=float(depth[-1]),
            y=end,
            text=f"true class {truth}",
            showarrow=False,
            xanchor="right",
            yanchor="top" if end > 0.5 else "bottom",
            yshift=-6 if end > 0.5 else 6,
        )
        _name_the_rival(fig, depth, probs, truth)
        return fig
    # Under its own plot: at the right, the left chart's legend stood between the two charts of the row.
    return legend_below(fig)


RIVAL_SHOWN = 0.2  # a wrong class whose belief never reaches this is not worth a name on the projector


def _name_the_rival(fig: go.Figure, depth: np.ndarray, probs: np.ndarray, truth: int) -> None:
    """Name the wrong class the model believed most, at its peak: without a legend, the audience's first
    question is which class the other thick-looking line is."""
    wrong = probs.copy()
    wrong[:, truth] = -1.0
    step, rival = np.unravel_index(int(np.argmax(wrong)), wrong.shape)
    peak = float(probs[step, rival])
    if peak < RIVAL_SHOWN:
        return
    early = step < len(depth) / 2
    fig.add_annotation(
        x=float(depth[step]),
        y=peak,
        text=f"class {rival}",
        showarrow=False,
        xanchor="left" if early else "right",
        xshift=8 if early else -8,
        yanchor="bottom" if peak < 0.9 else "top",
    )


def tolerance_figure(
    tols: Sequence[float], accuracy: Sequence[float], nfe: Sequence[int], trained: float
) -> go.Figure:
    """Test accuracy (left axis) and forward NFE (right axis) against the dopri5 tolerance (log)."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Scatter(
            x=list(tols),
            y=[100 * a for a in accuracy],
            name="test accuracy %",
            mode="lines+markers",
            line_color=PALETTE[0],
        )
    )
    fig.add_trace(
        go.Scatter(
            x=list(tols), y=list(nfe), name="forward NFE", mode="lines+markers", line_color=PALETTE[1]
        ),
        secondary_y=True,
    )
    # An annotation's x on a log axis is the exponent: add_vline's "trained at" at x = 0.01 landed at 10^0.01,
    # off the plot, and was never seen. The label stands over the plot, in the top margin.
    fig.add_vline(x=trained, line_dash="dot")
    fig.add_annotation(
        x=math.log10(trained), y=1, yref="paper", text="trained at", showarrow=False, yanchor="bottom"
    )
    fig.update_xaxes(type="log", title_text="rtol = atol at test time", autorange="reversed")
    fig.update_yaxes(title_text="test accuracy %", secondary_y=False)
    # plotly syncs an overlaying axis's ticks with the other's grid by default: NFE read 6.71, 15.25, 23.79.
    fig.update_yaxes(
        title_text="forward NFE", secondary_y=True, rangemode="tozero", tickmode="auto", showgrid=False
    )
    fig.update_layout(height=380, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    # Decades written as the rest of the app writes them (1e-6, 0.001), not plotly's SI "1µ".
    return label_log_axes(fig)


def confusion_figure(counts: np.ndarray) -> go.Figure:
    """counts[true, predicted] as a heatmap with the counts written in."""
    labels = [str(k) for k in range(counts.shape[0])]
    fig = go.Figure(
        go.Heatmap(
            z=counts,
            x=labels,
            y=labels,
            colorscale="Blues",
            text=counts,
            texttemplate="%{text}",
            showscale=False,
        )
    )
    fig.update_xaxes(title_text="predicted", type="category")
    fig.update_yaxes(title_text="true", type="category", autorange="reversed")
    fig.update_layout(height=400, margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return fig


def digits_figure(images: np.ndarray, titles: Sequence[str], columns: int = 4) -> go.Figure:
    """images: (n, 8, 8) in [0, 1], each with its title (e.g. "3 → 8 (61%)"), in square pixels.

    Four to a row: a title 1.6x larger in presenter mode still fits over its digit in half a 1280-px page."""
    n = max(len(images), 1)
    rows = -(-n // columns)
    fig = make_subplots(
        rows=rows, cols=columns, subplot_titles=list(titles), horizontal_spacing=0.02, vertical_spacing=0.12
    )
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        fig.add_trace(go.Heatmap(z=image, colorscale=GREYS, zmin=0, zmax=1, showscale=False), r + 1, c + 1)
        # Square pixels, however tall the figure is drawn (presenter mode draws a low one taller).
        fig.update_yaxes(scaleanchor=f"x{i + 1 if i else ''}", row=r + 1, col=c + 1)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed")
    fig.update_layout(height=150 * rows + 40, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def error_bars_figure(models: Sequence[str], ours: Sequence[float], paper: Sequence[float]) -> go.Figure:
    """Test error % of each model, ours (digits) beside the paper's (MNIST)."""
    fig = go.Figure(
        [
            go.Bar(
                x=list(models), y=list(values), name=name, text=[f"{e:.2f}%" for e in values], marker_color=c
            )
            for values, name, c in (
                (ours, "ours: 8×8 digits", PALETTE[0]),
                (paper, "paper: MNIST", PALETTE[1]),
            )
        ]
    )
    # The colours are the app's own: presenter mode draws without Streamlit's theme, which gave them outside
    # it, and plotly's defaults came back. The values stand above the bars, all at one size (inside a bar
    # plotly shrinks a label to fit it), with room over the tallest for its label.
    fig.update_traces(textposition="outside", cliponaxis=False)
    fig.update_layout(barmode="group", height=320, margin={"l": 10, "r": 10, "t": 30, "b": 10})
    fig.update_yaxes(title_text="test error %", range=[0, 1.2 * max([*ours, *paper, 0.1])])
    return fig
