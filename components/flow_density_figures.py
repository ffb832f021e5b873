"""Figures of the Normalizing flows page: the time-lapse of a density carried by a flow (heat map, samples
and velocity field, with Play and a time slider), a density on its own, and the trace estimator's spread."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from components.style import PALETTE, add_play_controls, styled

DENSITY_SCALE = "Viridis"
SAMPLE_COLOR = "#F0E442"
ARROW_COLOR = "rgba(255, 255, 255, 0.75)"
#: An arrow's length per unit of speed, so that arrows of a typical field stay inside their cell.
ARROW_SCALE = 0.12


def _heatmap(axis: np.ndarray, density: np.ndarray, zmax: float) -> go.Heatmap:
    return go.Heatmap(
        x=axis, y=axis, z=density, zmin=0.0, zmax=zmax, colorscale=DENSITY_SCALE, showscale=False,
        hovertemplate="x %{x:.2f}, y %{y:.2f}<br>p %{z:.3f}<extra></extra>",
    )  # fmt: skip


def _arrows(points: np.ndarray, velocity: np.ndarray) -> go.Scatter:
    # One trace of segments broken by None: 225 arrows cost one trace, not 225.
    ends = points + ARROW_SCALE * velocity
    xs = np.stack([points[:, 0], ends[:, 0], np.full(len(points), np.nan)], 1).reshape(-1)
    ys = np.stack([points[:, 1], ends[:, 1], np.full(len(points), np.nan)], 1).reshape(-1)
    return go.Scatter(x=xs, y=ys, mode="lines", line={"color": ARROW_COLOR, "width": 1.5}, hoverinfo="skip")


def _samples(xy: np.ndarray) -> go.Scatter:
    return go.Scatter(
        x=xy[:, 0], y=xy[:, 1], mode="markers", marker={"color": SAMPLE_COLOR, "size": 3, "opacity": 0.8},
        hoverinfo="skip",
    )  # fmt: skip


def _square(fig: go.Figure, lim: float) -> go.Figure:
    # The square narrows the x domain rather than widen its range: a wide figure showed −8…8 around the
    # −4…4 grid, the heat map a strip in the middle of empty axes.
    fig.update_xaxes(range=[-lim, lim], title_text="z₁", zeroline=False, showgrid=False, constrain="domain")
    fig.update_yaxes(range=[-lim, lim], title_text="z₂", zeroline=False, showgrid=False, scaleanchor="x")
    return fig


def timelapse_figure(
    axis: np.ndarray,
    density: np.ndarray,
    samples: np.ndarray,
    arrow_points: np.ndarray,
    velocity: np.ndarray,
    times: np.ndarray,
    start: int,
) -> go.Figure:
    """The flow as an animation with Play and a time slider, opening on frame `start`.

    Args:
        axis: (n,) grid coordinates; density: (F, n, n) p on the grid per frame, rows along y.
        samples: (F, m, 2) points carried by the flow; arrow_points: (a, 2); velocity: (F, a, 2).
        times: (F,) the flow time of each frame (shown on the slider).
    """
    zmax = float(np.quantile(density.max(axis=(1, 2)), 0.5))

    def frame_data(i: int) -> list[go.BaseTraceType]:
        # A frame's heat map carries only z (the axes stay those of the figure's trace): fewer arrays to send.
        return [go.Heatmap(z=density[i]), _samples(samples[i]), _arrows(arrow_points, velocity[i])]

    names = [f"{t:.3f}" for t in times]
    first = [
        _heatmap(axis, density[start], zmax),
        _samples(samples[start]),
        _arrows(arrow_points, velocity[start]),
    ]
    fig = go.Figure(data=first, frames=[go.Frame(data=frame_data(i), name=n) for i, n in enumerate(names)])
    fig.update_layout(showlegend=False)
    # The slider starts past Play / Pause and shows its current value at its right end: in a half-width
    # figure (the CNF vs planar tab), above all in presenter mode's larger type, the buttons covered the
    # rail's start and the value at its left.
    add_play_controls(
        fig,
        names,
        prefix="t = ",
        frame_ms=90,
        redraw=True,
        y=-0.1,
        slider_x=0.38,
        slider_y=-0.06,
        active=start,
    )
    styled(fig, height=560)
    fig.update_layout(margin={"b": 110})
    return _square(fig, float(axis[-1]))


def density_figure(axis: np.ndarray, density: np.ndarray, samples: np.ndarray | None = None) -> go.Figure:
    """One density on the grid (axis (n,), density (n, n) rows along y), with optional samples (m, 2)."""
    traces: list[go.BaseTraceType] = [_heatmap(axis, density, float(density.max()))]
    if samples is not None:
        traces.append(_samples(samples))
    fig = go.Figure(data=traces)
    fig.update_layout(showlegend=False)
    styled(fig, height=420)
    return _square(fig, float(axis[-1]))


def trace_spread_figure(exact: np.ndarray, estimates: dict[str, tuple[np.ndarray, np.ndarray]]) -> go.Figure:
    """Hutchinson's estimates of tr(df/dz) against the exact trace at the same points: for each noise, the
    mean of its draws with ± one standard deviation of a single draw.

    Args:
        exact: (n,); estimates: noise name -> (mean (n,), std (n,)).
    """
    fig = go.Figure()
    low, high = float(exact.min()), float(exact.max())
    fig.add_trace(
        go.Scatter(
            x=[low, high], y=[low, high], mode="lines", name="exact", line={"color": "#000000", "dash": "dot"}
        )
    )
    for (name, (mean, std)), color in zip(estimates.items(), PALETTE, strict=False):
        fig.add_trace(
            go.Scatter(
                x=exact, y=mean, mode="markers", name=f"{name}: one draw ± σ", marker={"color": color, "size": 7},
                error_y={"type": "data", "array": std, "visible": True, "thickness": 1},
            )
        )  # fmt: skip
    styled(fig, height=420)
    fig.update_xaxes(title_text="exact tr(∂f/∂z)")
    fig.update_yaxes(title_text="Hutchinson's estimate")
    return fig
