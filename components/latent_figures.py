"""Figures of the Latent spirals page that follow one spiral: extrapolation from its first k points, and
its latent path in 3-D; with the page's colours and equal x-y axes, shared by its other figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from components.style import REFERENCE_COLOR, legend_below, line_trace, styled

LATENT_COLOR = "#0072B2"
RNN_COLOR = "#D55E00"
TIME_SCALE = "Viridis"


#: The latent path's scene has a whole row to itself, wider than it is tall, and its scene text is smaller than
#: the figure's (SCENE_TICK_SIZE). Looking a little below the cube's centre, so that the floor's front tick
#: labels and the axis titles under it stay inside the box (which clips them), from near enough that the cube
#: fills the box's height: in presenter mode's 440 px figure, from (1.5, 1.5, 1.15) it was a 240 px cube in a
#: 320 px box at 1024x768, its legend in two rows under it.
LATENT_PATH_VIEW = {"eye": {"x": 1.2, "y": 1.2, "z": 0.9}, "center": {"x": 0.0, "y": 0.0, "z": -0.12}}
#: Scene text at laptop size; presenter mode makes it 1.6x larger (19.2 and 22.4 px). plotly draws a 3-D
#: axis's tick labels and its title at fixed distances from the axis line (18 and 30 units), so ticks at the
#: figure's own 14 px, 22.4 px in presenter mode, reached into the title beside them: tick labels are a size
#: smaller, and `roomy_axis` keeps them away from the title.
SCENE_TICK_SIZE = 12
SCENE_TITLE_SIZE = 14
#: Ticks keep this fraction of an axis's length clear of its ends, where the labels of two axes meet at a
#: corner of the cube (the z axis's lowest tick on the y axis's far one).
SCENE_END_CLEARANCE = 0.06
#: Ticks keep this fraction of an axis's length clear of its middle, where plotly draws the axis's title.
SCENE_TITLE_CLEARANCE = 0.12
#: Ticks at least this fraction of an axis's length apart.
SCENE_TICK_SPACING = 0.2


def scene_axis(title: str, span: Sequence[float], ticks: Sequence[float]) -> dict[str, Any]:
    """A 3-D axis named `title` over the range `span` with tick labels at `ticks`, in the scene's fonts."""
    return {
        "title": {"text": title, "font": {"size": SCENE_TITLE_SIZE}},
        "range": [float(span[0]), float(span[1])],
        "tickvals": [float(v) for v in ticks],
        "tickfont": {"size": SCENE_TICK_SIZE},
    }


def _nice_steps(low: float, high: float) -> list[float]:
    """Round steps (1, 2, 2.5 or 5 times a power of ten) from `low` to `high`, coarsest first."""
    steps = [
        m * 10.0**e
        for e in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
        for m in (1.0, 2.0, 2.5, 5.0)
    ]
    return sorted((v for v in steps if low <= v <= high), reverse=True)


def roomy_axis(values: np.ndarray, title: str, ticks: int = 4, pad: float = 0.08) -> dict[str, Any]:
    """A 3-D axis over `values` (and `pad` of their spread beyond) with as many round ticks as fit up to
    `ticks`, none where its title or another axis's labels are drawn: plotly puts a 3-D axis's title at the
    middle of its range, beside the tick labels, and two axes' end labels meet at a corner of the cube. Ticks
    within SCENE_TITLE_CLEARANCE of the middle or SCENE_END_CLEARANCE of an end are left out.
    """
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    spread = max(high - low, 1e-6)
    start, end = low - pad * spread, high + pad * spread
    length, middle = end - start, (start + end) / 2

    def kept(step: float) -> list[float]:
        grid = np.arange(np.ceil(start / step), np.floor(end / step) + 1) * step
        return [
            round(float(v), 12) + 0.0  # + 0.0: no "-0" label
            for v in grid
            if abs(v - middle) >= SCENE_TITLE_CLEARANCE * length
            and min(v - start, end - v) >= SCENE_END_CLEARANCE * length
        ]

    def fewest_digits(step: float) -> bool:
        return not np.isclose(step / 10.0 ** np.floor(np.log10(step)), 2.5)

    # The most ticks, at most `ticks`, labels no closer than SCENE_TICK_SPACING (a short, foreshortened
    # floor axis had its 1.6x labels run into each other); on a tie, 1, 2 or 5 steps before 2.5, then the
    # coarsest.
    def best(steps: list[float]) -> list[float]:
        ranked = [(len(kept(v)), fewest_digits(v), v) for v in steps]
        fitting = [r for r in ranked if r[0] <= ticks]
        return kept(max(fitting)[2]) if fitting else []

    chosen = best(_nice_steps(SCENE_TICK_SPACING * length, length))
    if len(chosen) < 2:  # a title and a tick sharing the one round value the spacing allows: closer ticks
        chosen = best(_nice_steps(length / 10, length)) or chosen
    return scene_axis(title, (start, end), chosen)


def equal_axes(fig: go.Figure) -> go.Figure:
    """x and y axes at one scale, so a spiral keeps its shape."""
    fig.update_xaxes(title_text="x", zeroline=False)
    fig.update_yaxes(title_text="y", zeroline=False, scaleanchor="x", scaleratio=1)
    return fig


def plane_trace(xy: np.ndarray, mode: str = "lines", **style: Any) -> go.Scatter:
    """Points `xy: (n, 2)` of the x-y plane as one trace: a curve, or markers with `mode="markers"`."""
    return go.Scatter(x=xy[:, 0], y=xy[:, 1], mode=mode, **style)


def _time_points(t: np.ndarray, xy: np.ndarray, name: str) -> go.Scatter:
    """Observed points coloured by their own times: the colour bar spans what was observed, so the few
    first points of a long series do not all take its first colour."""
    return plane_trace(
        xy,
        mode="markers",
        name=name,
        marker={
            "size": 7,
            "color": t,
            "colorscale": TIME_SCALE,
            "cmin": float(t[0]),
            "cmax": float(t[-1]) if t[-1] > t[0] else float(t[0]) + 1.0,
            "showscale": True,
            "colorbar": {"title": {"text": "t observed"}, "thickness": 12, "len": 0.7},
            "line": {"width": 0},
        },
        hovertemplate="t = %{marker.color:.2f}<br>(%{x:.2f}, %{y:.2f})<extra>observed</extra>",
    )


def extrapolation_figure(
    t: np.ndarray,
    obs: np.ndarray,
    true: np.ndarray,
    k: int,
    extrapolation: np.ndarray,
    label: str,
    color: str,
    reconstruction: np.ndarray | None = None,
    height: int = 460,
) -> go.Figure:
    """One model seeded with the first k noisy points of a spiral.

    Args:
        t: (T,) times; obs, true: (T, 2) noisy observations and the noise-free curve.
        k: observed points (only obs[:k] is drawn, coloured by time).
        extrapolation: (T - k, 2) the model's prediction at t[k:].
        label, color: the model's name and colour.
        reconstruction: (k, 2) the model's curve over the observed times, if it has one.
    """
    fig = go.Figure()
    fig.add_trace(
        plane_trace(
            true,
            name="true curve",
            line={"color": REFERENCE_COLOR, "width": 2, "dash": "dash"},
        )
    )
    if reconstruction is not None:
        fig.add_trace(
            plane_trace(
                reconstruction,
                name=f"{label}: reconstruction",
                line={"color": color, "width": 2},
                opacity=0.6,
            )
        )
    joined = np.concatenate(
        [obs[k - 1 : k] if reconstruction is None else reconstruction[-1:], extrapolation]
    )
    fig.add_trace(
        plane_trace(
            joined,
            name=f"{label}: extrapolation",
            line={"color": color, "width": 3},
        )
    )
    fig.add_trace(_time_points(t[:k], obs[:k], f"first {k} observed points"))
    return legend_below(equal_axes(styled(fig, height=height)), rows=4)


def latent_path_figure(
    t: np.ndarray, path: np.ndarray, k: int, others: Sequence[np.ndarray] = (), axis_names: Sequence[str] = ()
) -> go.Figure:
    """A latent trajectory in 3-D, coloured by time, with the time of the last observed point marked.

    Args:
        t: (T,) times; path: (T, 3) the projected latent path.
        k: observed points (the marker sits at t[k - 1]).
        others: (T, 3) paths of other spirals, drawn faintly for context.
        axis_names: names of the three axes (default PC1, PC2, PC3).
    """
    names = list(axis_names) or ["PC1", "PC2", "PC3"]
    fig = go.Figure()
    for i, other in enumerate(others):
        fig.add_trace(
            line_trace(
                other[:, 0], other[:, 1], "other held-out spirals", "#bbbbbb", 2, z=other[:, 2],
                legendgroup="others", showlegend=i == 0, hoverinfo="skip",
            )
        )  # fmt: skip
    fig.add_trace(
        go.Scatter3d(
            x=path[:, 0],
            y=path[:, 1],
            z=path[:, 2],
            mode="lines",
            name="z(t) of this spiral",
            line={
                "color": t,
                "colorscale": TIME_SCALE,
                "cmin": float(t[0]),
                "cmax": float(t[-1]),
                "width": 7,
                "showscale": True,
                "colorbar": {"title": {"text": "t"}, "thickness": 12, "len": 0.7},
            },
        )
    )
    fig.add_trace(
        go.Scatter3d(
            x=path[[0, k - 1], 0],
            y=path[[0, k - 1], 1],
            z=path[[0, k - 1], 2],
            mode="markers",
            name=f"z(t₀) and z at the last observed point (t = {t[k - 1]:.1f})",
            marker={"size": 6, "color": "black", "symbol": "diamond"},
        )
    )
    everything = np.concatenate([path, *others]) if len(others) else path
    fig.update_layout(
        scene={
            **{f"{axis}axis": roomy_axis(everything[:, i], names[i]) for i, axis in enumerate("xyz")},
            "aspectmode": "cube",
            "camera": LATENT_PATH_VIEW,
        }
    )
    return legend_below(styled(fig, height=560), axis_px=10)
