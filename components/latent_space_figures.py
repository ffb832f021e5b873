"""Figures of the Latent spirals page that decode points of latent space: the interpolation between two
encodings (a curve, a surface over alpha, an animation) and trajectories from prior samples."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from components.latent_figures import (
    LATENT_COLOR,
    equal_axes,
    plane_trace,
    roomy_axis,
    scene_axis,
)
from components.style import PALETTE, REFERENCE_COLOR, add_play_controls, legend_below, styled

ALPHA_SCALE = "Plasma"
#: The α axis of the family's surface: ticks at its ends only, since plotly draws the axis title at the middle
#: of the range, beside where a 0.5 tick would be; the range reaches past them, off the cube's corners.
ALPHA_AXIS = scene_axis("α", (-0.25, 1.15), (0.0, 1.0))
#: The family's cube from nearer than it was (1.9, 1.9, 1.5), looking a little below its centre: plotly fits a
#: scene to its box's height, and from that distance the cube was small in the middle of its box, its top well
#: below the top of the curve's plot beside it (tour step 18). Its larger text stays inside the box because the box
#: has the column's whole width (FAMILY_SIDE_PX) and the cube sits high in it, the floor's front ticks clear of
#: its foot.
FAMILY_VIEW = {"eye": {"x": 1.3, "y": 1.3, "z": 1.0}, "center": {"x": 0.0, "y": 0.0, "z": -0.2}}
#: The scene's margins at the sides: no axis text is drawn outside a scene, so plotly's 60 px for a 2-D y axis
#: only narrowed the box, and in a half-width column at 1024 px presenter the α title, left of the cube, fell
#: outside it.
FAMILY_SIDE_PX = 10
#: The height of the curve figure beside it, so that the two plots start and end level.
FAMILY_HEIGHT = 480
#: One colour for each of up to 12 prior samples (the page's most): the Okabe-Ito colours without black (the
#: start markers') and yellow (faint on white), then six of Paul Tol's. plotly's template colour cycle has
#: only five here, so sample 6 took sample 1's colour.
SAMPLE_COLORS = (*PALETTE[:6], "#332288", "#117733", "#882255", "#999933", "#CC6677", "#44AA99")
#: The morph's plot area (px) and the room under it: tick labels and the x-axis title, then the Play buttons
#: and the frame slider, sized for presenter mode's 1.6x text (the x title ends about 75 px below the plot).
MORPH_PLOT_PX = 420
MORPH_AXIS_PX = 85
MORPH_CONTROLS_PX = 115


def interpolation_figure(
    current: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    alpha: float,
    labels: tuple[str, str],
    legend: bool = True,
) -> go.Figure:
    """The decoded trajectory at alpha between the decoded trajectories of the two encodings. Without
    `legend` (presenter mode) each curve is named where it starts instead: the legend's rows under the
    plot, in a half-width column and presenter type, ran past a projector's fold (tour step 18).

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
    # The legend's rows are kept under the plot even when hidden, so the plot stays level with the surface
    # beside it and its axis title above the fold.
    fig = legend_below(equal_axes(styled(fig, height=480)))
    if legend:
        return fig
    centre = np.concatenate([start, end, current]).mean(axis=0)
    for curve, text in ((start, "α = 0"), (end, "α = 1"), (current, f"α = {alpha:.2f}")):
        x, y = (float(v) for v in curve[0])
        outward = x < centre[0]  # the text runs away from the spirals, into the plot's empty side
        fig.add_annotation(
            x=x, y=y, text=text, showarrow=False, xanchor="right" if outward else "left",
            xshift=-10 if outward else 10, font={"color": LATENT_COLOR if curve is current else REFERENCE_COLOR},
        )  # fmt: skip
    return fig.update_layout(showlegend=False)


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
    plane = np.concatenate([family.reshape(-1, 2), current])
    fig.update_layout(
        scene={
            "xaxis": roomy_axis(plane[:, 0], "x"),
            "yaxis": roomy_axis(plane[:, 1], "y"),
            "zaxis": ALPHA_AXIS,
            "aspectmode": "cube",
            "camera": FAMILY_VIEW,
        }
    )
    fig = styled(fig, height=FAMILY_HEIGHT)
    fig.update_layout(margin={"l": FAMILY_SIDE_PX, "r": FAMILY_SIDE_PX})
    return legend_below(fig, rows=1, axis_px=10)


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
    styled(fig, height=30 + MORPH_PLOT_PX + MORPH_AXIS_PX + MORPH_CONTROLS_PX)
    fig.update_layout(showlegend=False, margin={"b": MORPH_AXIS_PX + MORPH_CONTROLS_PX})
    add_play_controls(
        fig, names, prefix="α = ", frame_ms=120, y=-MORPH_AXIS_PX / MORPH_PLOT_PX, active=opening
    )
    equal_axes(fig)
    # Fixed ranges: frames drawn without a redraw would otherwise keep the first frame's autorange.
    fig.update_xaxes(range=_bounds(family[..., 0]))
    fig.update_yaxes(range=_bounds(family[..., 1]))
    return fig


def prior_samples_figure(t: np.ndarray, samples: np.ndarray) -> go.Figure:
    """Trajectories decoded from z0 drawn from the prior N(0, I): samples (n, T, 2) at t (T,)."""
    fig = go.Figure()
    for i, curve in enumerate(samples):
        fig.add_trace(
            plane_trace(
                curve,
                name=f"sample {i + 1}",
                line={"width": 2, "color": SAMPLE_COLORS[i % len(SAMPLE_COLORS)]},
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
