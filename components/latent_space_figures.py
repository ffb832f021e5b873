"""Figures of the Latent spirals page that decode points of latent space: the interpolation between two
encodings (a curve, a surface over alpha, an animation) and trajectories from prior samples."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from components.latent_figures import LATENT_COLOR, ROOMY_VIEW, equal_axes, plane_trace
from components.style import REFERENCE_COLOR, legend_below, scene, styled

ALPHA_SCALE = "Plasma"


def interpolation_figure(
    current: np.ndarray, start: np.ndarray, end: np.ndarray, alpha: float, labels: tuple[str, str]
) -> go.Figure:
    """The decoded trajectory at alpha between the decoded trajectories of the two encodings.

    Args:
        current, start, end: (T, 2) decoded at alpha, at alpha = 0 and at alpha = 1.
        labels: names of the two spirals.
    """
    fig = go.Figure()
    for curve, name, dash in ((start, f"α = 0: {labels[0]}", "dot"), (end, f"α = 1: {labels[1]}", "dash")):
        fig.add_trace(
            plane_trace(
                curve,
                name=name,
                line={"color": REFERENCE_COLOR, "width": 2, "dash": dash},
            )
        )
    fig.add_trace(
        plane_trace(
            current,
            name=f"decoded at α = {alpha:.2f}",
            line={"color": LATENT_COLOR, "width": 4},
        )
    )
    fig.add_trace(
        plane_trace(
            current[:1],
            mode="markers",
            name="start",
            marker={"size": 11, "color": "black"},
        )
    )
    return legend_below(equal_axes(styled(fig, height=480)))


def family_figure(family: np.ndarray, alphas: np.ndarray, current: np.ndarray, alpha: float) -> go.Figure:
    """The whole family as a surface over (x, y, alpha), its curves, and the current one highlighted.

    Args:
        family: (A, T, 2) decoded trajectories at alphas: (A,), increasing.
        current: (T, 2) the trajectory at `alpha`.
    """
    grid_alpha = np.repeat(alphas[:, None], family.shape[1], axis=1)
    fig = go.Figure()
    fig.add_trace(
        go.Surface(
            x=family[..., 0],
            y=family[..., 1],
            z=grid_alpha,
            surfacecolor=grid_alpha,
            colorscale=ALPHA_SCALE,
            cmin=0.0,
            cmax=1.0,
            opacity=0.35,
            showscale=False,
            name="family",
            hoverinfo="skip",
        )
    )
    for i, a in enumerate(alphas):
        fig.add_trace(
            go.Scatter3d(
                x=family[i, :, 0],
                y=family[i, :, 1],
                z=np.full(family.shape[1], a),
                mode="lines",
                line={"color": float(a), "colorscale": ALPHA_SCALE, "cmin": 0.0, "cmax": 1.0, "width": 3},
                name="α curves",
                legendgroup="curves",
                showlegend=i == 0,
                hovertemplate=f"α = {a:.2f}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter3d(
            x=current[:, 0],
            y=current[:, 1],
            z=np.full(len(current), alpha),
            mode="lines",
            line={"color": LATENT_COLOR, "width": 9},
            name=f"α = {alpha:.2f}",
        )
    )
    fig.update_layout(scene=scene(("x", "y", "α"), aspectmode="cube", camera=ROOMY_VIEW))
    return legend_below(styled(fig, height=560), rows=1, axis_px=10)


def _bounds(values: np.ndarray, pad: float = 0.08) -> list[float]:
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    span = max(high - low, 1e-6)
    return [low - pad * span, high + pad * span]


def morph_animation_figure(family: np.ndarray, alphas: np.ndarray) -> go.Figure:
    """The decoded trajectory morphing from alpha = 0 to 1 as a plotly animation with play and a slider. It
    opens half-way (the frame nearest alpha = 0.5), where the picture is neither spiral: frame 0 is only the
    first spiral again, and a tour step lands on the opening frame.

    Args:
        family: (A, T, 2) decoded trajectories at alphas: (A,).
    """

    def frame_data(i: int) -> list[go.Scatter]:
        # One trace per frame keeps the figure quick to build and to send on every rerun of the page.
        curve = family[i]
        return [plane_trace(curve, line={"color": LATENT_COLOR, "width": 4})]

    names = [f"{a:.2f}" for a in alphas]
    opening = int(np.argmin(np.abs(np.asarray(alphas) - 0.5)))
    fig = go.Figure(
        data=frame_data(opening), frames=[go.Frame(data=frame_data(i), name=n) for i, n in enumerate(names)]
    )
    play = {"frame": {"duration": 120, "redraw": False}, "fromcurrent": True, "transition": {"duration": 0}}
    pause = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}}
    fig.update_layout(
        showlegend=False,
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": -0.12,
                "xanchor": "left",
                "yanchor": "top",
                "buttons": [
                    {"label": "Play", "method": "animate", "args": [None, play]},
                    {"label": "Pause", "method": "animate", "args": [[None], pause]},
                ],
            }
        ],
        sliders=[
            {
                "active": opening,
                "x": 0.2,
                "len": 0.8,
                "y": -0.08,
                "currentvalue": {"prefix": "α = "},
                "steps": [
                    {"label": n, "method": "animate", "args": [[n], {**pause, "mode": "immediate"}]}
                    for n in names
                ],
            }
        ],
    )
    styled(fig, height=520)
    fig.update_layout(margin={"b": 120})
    fig.update_xaxes(range=_bounds(family[..., 0]), title_text="x", zeroline=False)
    fig.update_yaxes(range=_bounds(family[..., 1]), title_text="y", zeroline=False)
    return fig


def prior_samples_figure(t: np.ndarray, samples: np.ndarray) -> go.Figure:
    """Trajectories decoded from z0 drawn from the prior N(0, I): samples (n, T, 2) at t (T,)."""
    fig = go.Figure()
    for i, curve in enumerate(samples):
        fig.add_trace(
            plane_trace(
                curve,
                name=f"sample {i + 1}",
                line={"width": 2},
                hovertemplate=f"sample {i + 1}<extra></extra>",
            )
        )
        fig.add_trace(
            plane_trace(
                curve[:1],
                mode="markers",
                marker={"size": 8, "color": "black"},
                showlegend=False,
                hoverinfo="skip",
            )
        )
    return legend_below(equal_axes(styled(fig, height=520)), rows=3)
