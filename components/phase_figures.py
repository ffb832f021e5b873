"""Figures of the Phase portraits page: the phase plane (field, nullclines, fixed points, trajectories,
click targets), a flowing point cloud, and trajectories in 3-D (the cylinder of an angle among them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from components.click_targets import click_targets_trace
from components.fixed_point_figures import KIND_MARKERS, add_fixed_points, eigen_text
from components.phase_marks import add_arrows, add_streamlets
from components.style import LEGEND_BESIDE, add_play_controls, legend_below, scene, styled
from models.phase.fixed_points import FixedPoint
from models.phase.portrait import FieldSample, Window

TRAJECTORY_COLOR = "#08306b"
CLICK_COLOR = "#D55E00"
NULLCLINE_COLORS = ("#009E73", "#CC79A7")
CLICK_TARGET_NAME = "click to start a trajectory"
#: The 3-D box: long in x, the axis along which the Lorenz attractor's two wings lie, to use a wide page.
SCENE_ASPECT = {"x": 1.7, "y": 1.2, "z": 0.9}
#: From the y side, where the wings sit side by side, a little off it so that they do not hide each other, and
#: lower than the diagonal; looking a little below the centre so that the floor's tick labels stay inside the
#: box. plotly fits a scene to its box's height: a floor seen corner-on (from (1.24, -1.44)) put its front
#: corner's tick labels at the box's foot, under a projector's 720 px fold (tour step 8), and left the picture
#: narrow; seen from this side it spreads across the width.
SCENE_VIEW = {"eye": {"x": 0.75, "y": -1.9, "z": 0.75}, "center": {"x": 0.0, "y": 0.0, "z": -0.28}}
#: Above the scene: no title and no legend there (it is under the scene).
SCENE_TOP_PX = 10
#: A line's points closer than this (a fraction of the window) to the line through its neighbours are left
#: out: a 4000th of the plane, a quarter of a pixel across a wide page's chart.
SIMPLIFY_TOL = 2.5e-4
#: A flowing cloud's frame on screen when playing, and the glide to the next: its points move there in a
#: straight line, so 40 frames play smoothly in the 4.2 s that 60 jumps took, for two thirds of the bytes.
#: Frames are exact; a glide is a chord (for the pendulum's 40 frames, under a pixel off the arc; for a flow
#: as fast as Lorenz's, a frame apart is far, and it is only a transition).
FLOW_FRAME_MS = 105


@dataclass(frozen=True)
class TrajectorySet:
    """Curves drawn as one trace: `y: (T, batch, dim)`, NaN where a curve is broken or stopped."""

    label: str
    y: np.ndarray
    color: str = TRAJECTORY_COLOR
    width: float = 1.5
    dash: str | None = None
    opacity: float = 0.85


@dataclass(frozen=True)
class PlaneLayers:
    """Everything the phase plane can show; `dims` picks the two state dimensions drawn."""

    window: Window
    names: tuple[str, ...]
    trajectories: tuple[TrajectorySet, ...] = ()
    arrows: FieldSample | None = None
    streamlets: tuple[np.ndarray, np.ndarray] | None = None  # (lines (L, P, 2), speed (L,))
    nullclines: tuple[np.ndarray, np.ndarray] | None = None  # each (points, 2), NaN between segments
    fixed_points: tuple[FixedPoint, ...] = ()
    click_targets: int = 0  # an invisible n × n grid of points that catches clicks
    starts: tuple[tuple[float, ...], ...] = ()
    dims: tuple[int, int] = (0, 1)


def polyline(y: np.ndarray, dims: tuple[int, int] = (0, 1)) -> tuple[np.ndarray, np.ndarray]:
    """x and y of all curves in `y: (T, batch, dim)` joined into one line, a NaN between curves."""
    body = np.transpose(y[..., list(dims)], (1, 0, 2))  # (batch, T, 2)
    gap = np.full((body.shape[0], 1, 2), np.nan)
    flat = np.concatenate((body, gap), axis=1).reshape(-1, 2)
    return flat[:, 0], flat[:, 1]


def simplified(points: np.ndarray, window: Window, tol: float = SIMPLIFY_TOL) -> np.ndarray:
    """`points: (N, 2)`, pieces of line with a NaN row between them (a contour's segments, one per grid
    cell), as the same picture in fewer points: pieces that meet end to end joined into one line, and left
    out of each line the points within `tol` of the window's size from the line through the points kept
    around them (Ramer–Douglas–Peucker). Every point kept is one of `points`, the ends of each line among
    them; lines are separated by a NaN row as before."""
    lines = _joined(_pieces(points))
    if not lines:
        return points[:0]
    gap = np.full((1, 2), np.nan)
    joined = np.concatenate([part for line in lines for part in (line, gap)][:-1])
    scale = np.array([hi - lo for lo, hi in window[:2]], dtype=float)
    return joined[_kept(joined / scale, tol)]


def _pieces(points: np.ndarray) -> list[np.ndarray]:
    gap = np.isnan(points).any(axis=1)
    edges = np.flatnonzero(np.diff(np.concatenate(([1], gap.astype(int), [1]))))
    return [points[a:b] for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _joined(pieces: list[np.ndarray]) -> list[np.ndarray]:
    """Pieces chained where one ends exactly where another starts or ends (a contour's neighbouring cells
    share the point on their common edge)."""
    at: dict[tuple[float, float], list[int]] = {}
    for k, piece in enumerate(pieces):
        for end in (piece[0], piece[-1]):
            at.setdefault((end[0], end[1]), []).append(k)
    used = [False] * len(pieces)
    lines = []
    for k in range(len(pieces)):
        if used[k]:
            continue
        used[k] = True
        line = [pieces[k]]
        for forward in (True, False):  # grow from its last point, then from its first
            while True:
                end = line[-1][-1] if forward else line[0][0]
                nxt = next((m for m in at[(end[0], end[1])] if not used[m]), None)
                if nxt is None:
                    break
                used[nxt] = True
                piece = pieces[nxt]
                if forward:
                    line.append(piece if (piece[0] == end).all() else piece[::-1])
                else:
                    line.insert(0, piece if (piece[-1] == end).all() else piece[::-1])
        whole = np.concatenate([line[0]] + [p[1:] for p in line[1:]])
        lines.append(whole)
    return lines


def _kept(unit: np.ndarray, tol: float) -> np.ndarray:
    """Which points of `unit` (lines in window units, a NaN row between them) Ramer–Douglas–Peucker keeps
    at `tol`: every line's chords split at once, level by level, until no point lies farther than `tol`
    from the chord over it. The NaN rows are kept, as the lines' separators."""
    gap = np.isnan(unit).any(axis=1)
    keep = gap.copy()
    keep[0] = keep[-1] = True
    keep[:-1] |= gap[1:]  # the last point of each line
    keep[1:] |= gap[:-1]  # the first point of each line
    while True:
        ends = np.flatnonzero(keep)
        a, b = ends[:-1], ends[1:]
        open_ = (b - a >= 2) & ~np.isnan(unit[a, 0]) & ~np.isnan(unit[b, 0])
        a, b = a[open_], b[open_]
        if not len(a):
            return keep
        inner = b - a - 1
        chord = np.repeat(np.arange(len(a)), inner)
        first = np.concatenate(([0], np.cumsum(inner)[:-1]))
        points = a[chord] + 1 + np.arange(inner.sum()) - first[chord]
        along = unit[b[chord]] - unit[a[chord]]
        off = unit[points] - unit[a[chord]]
        length = np.hypot(along[:, 0], along[:, 1])
        cross = np.abs(along[:, 0] * off[:, 1] - along[:, 1] * off[:, 0])
        distance = np.where(
            length > 0, cross / np.where(length > 0, length, 1.0), np.hypot(off[:, 0], off[:, 1])
        )
        farthest = np.maximum.reduceat(distance, first)
        split = farthest > tol
        if not split.any():
            return keep
        at = np.flatnonzero((distance == farthest[chord]) & split[chord])
        _, one = np.unique(chord[at], return_index=True)  # the first farthest point of each chord
        keep[points[at[one]]] = True


def _nullclines(
    fig: go.Figure, lines: tuple[np.ndarray, ...], names: Sequence[str], window: Window, tol: float
) -> None:
    for points, name, color in zip(lines, names[:2], NULLCLINE_COLORS, strict=True):
        if len(points) == 0:
            continue
        points = simplified(points, window, tol)
        fig.add_trace(
            go.Scatter(
                x=points[:, 0],
                y=points[:, 1],
                mode="lines",
                line={"color": color, "width": 3, "dash": "dot"},
                name=f"{name}-nullcline (d{name}/dt = 0)",
                hoverinfo="skip",
            )
        )


#: With the legend beside the plot, the field's colour bar lies flat under it, at the plot's foot.
COLORBAR_UNDER_LEGEND = {
    "orientation": "h", "x": 1.02, "xanchor": "left", "y": 0.0, "yanchor": "bottom", "len": 0.2,
    "title": {"side": "top"},
}  # fmt: skip


def phase_plane_figure(
    layers: PlaneLayers, height: int = 620, tol: float = SIMPLIFY_TOL, legend_beside: bool = False
) -> go.Figure:
    """The phase plane: field, nullclines, trajectories, separatrices, fixed points and click targets; lines
    drawn in as few points as keep them within `tol` of the window's size (`simplified`). `legend_beside`
    puts the legend in a column at the right instead of in rows under the plot (a projector's wide, low
    page: under the plot its rows and the x axis fell below the fold, tour step 6)."""
    fig = go.Figure()
    i, j = layers.dims
    if layers.streamlets is not None:
        add_streamlets(fig, *layers.streamlets, layers.window)
    elif layers.arrows is not None:
        add_arrows(fig, layers.arrows, layers.window)
    if layers.nullclines is not None:
        _nullclines(fig, layers.nullclines, layers.names, layers.window, tol)
    for curves in layers.trajectories:
        plane = (layers.window[i], layers.window[j])
        x, y = simplified(np.stack(polyline(curves.y, (i, j)), axis=1), plane, tol).T
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                name=curves.label,
                line={"color": curves.color, "width": curves.width, "dash": curves.dash},
                opacity=curves.opacity,
                hoverinfo="skip",
            )
        )
    add_fixed_points(fig, layers.fixed_points, layers.window, layers.dims)
    if layers.starts:
        fig.add_trace(
            go.Scatter(
                x=[s[i] for s in layers.starts],
                y=[s[j] for s in layers.starts],
                mode="markers",
                name="your starts",
                marker={"symbol": "star", "size": 13, "color": CLICK_COLOR},
                hoverinfo="skip",
            )
        )
    if layers.click_targets:
        n = layers.click_targets
        fig.add_trace(
            click_targets_trace(layers.window[i], layers.window[j], n, "start here", CLICK_TARGET_NAME)
        )
    fig.update_xaxes(title_text=layers.names[i], range=list(layers.window[i]), showgrid=False, zeroline=False)
    fig.update_yaxes(title_text=layers.names[j], range=list(layers.window[j]), showgrid=False, zeroline=False)
    fig = styled(fig, height=height)
    if legend_beside:
        # The field's colour bar stood at the plot's right edge too, over the legend: it lies under it instead.
        fig.update_traces(marker_colorbar=COLORBAR_UNDER_LEGEND, selector={"marker.showscale": True})
        fig.update_layout(legend=LEGEND_BESIDE)
    else:
        fig = legend_below(fig)
    fig.update_layout(hovermode="closest", dragmode="zoom", legend={"itemsizing": "constant"})
    return fig


def flow_animation_figure(
    window: Window,
    names: Sequence[str],
    times: np.ndarray,
    clouds: np.ndarray,
    colors: np.ndarray,
    arrows: FieldSample | None = None,
    dims: tuple[int, int] = (0, 1),
) -> go.Figure:
    """A cloud of points flowing along the field: `clouds: (F, N, dim)` at `times: (F,)`, with play and
    pause buttons and a time slider. `colors: (N,)` keeps each point's colour as it moves. It opens
    half-way through the flow: at t = 0 the cloud is only its small starting patch, and a tour step or a link
    lands on the opening frame."""
    i, j = dims
    opening = len(times) // 2
    fig = go.Figure()
    if arrows is not None:
        add_arrows(fig, arrows, window, opacity=0.35)  # context only: the moving points are the subject
    marker = {"size": 7, "color": colors, "colorscale": "Twilight", "line": {"width": 0}}
    fig.add_trace(
        go.Scatter(
            x=clouds[opening, :, i],
            y=clouds[opening, :, j],
            mode="markers",
            marker=marker,
            name="points",
            hoverinfo="skip",
        )
    )
    cloud_trace = len(fig.data) - 1
    names_ = [f"{t:.2f}" for t in times]
    fig.frames = [
        go.Frame(data=[go.Scatter(x=c[:, i], y=c[:, j])], traces=[cloud_trace], name=name)
        for c, name in zip(clouds, names_, strict=True)
    ]
    add_play_controls(fig, names_, prefix="t = ", frame_ms=FLOW_FRAME_MS, y=-0.1, active=opening)
    play = fig.layout.updatemenus[0].buttons[0]
    options = {**play.args[1], "transition": {"duration": FLOW_FRAME_MS, "easing": "linear"}}
    play.args = [play.args[0], options]
    fig.update_xaxes(title_text=names[i], range=list(window[i]), showgrid=False, zeroline=False)
    fig.update_yaxes(title_text=names[j], range=list(window[j]), showgrid=False, zeroline=False)
    fig = styled(fig, height=640)
    fig.update_layout(showlegend=False, margin={"b": 140})
    return fig


def trajectories_3d_figure(
    curves: np.ndarray,
    names: Sequence[str],
    fixed_points: Sequence[FixedPoint] = (),
    color_by: np.ndarray | None = None,
    cylinder: bool = False,
) -> go.Figure:
    """Curves `(T, batch, 3)` in 3-D, coloured by `color_by: (T,)` (e.g. time) when given; `cylinder`
    draws the unit cylinder the curves lie on (for an angle drawn as (cos θ, sin θ))."""
    fig = go.Figure()
    if cylinder:
        z = curves[..., 2][np.isfinite(curves[..., 2])]
        low, high = (float(z.min()), float(z.max())) if z.size else (-1.0, 1.0)
        a, h = np.meshgrid(np.linspace(-np.pi, np.pi, 48), np.linspace(low, high, 12))
        fig.add_trace(
            go.Surface(
                x=np.cos(a),
                y=np.sin(a),
                z=h,
                opacity=0.18,
                showscale=False,
                hoverinfo="skip",
                colorscale=[[0, "#9ecae1"], [1, "#9ecae1"]],
                name="cylinder",
            )
        )
    x, y = polyline(curves, (0, 1))
    _, zs = polyline(curves, (2, 2))
    line: dict = {"color": TRAJECTORY_COLOR, "width": 3}
    if color_by is not None:
        colour = np.concatenate(
            (np.broadcast_to(color_by[:, None], curves.shape[:2]).T, np.full((curves.shape[1], 1), np.nan)),
            axis=1,
        )
        line = {
            "color": colour.ravel(),
            "colorscale": "Viridis",
            "width": 3,
            "colorbar": {"title": {"text": "t"}, "len": 0.6},
        }
    fig.add_trace(
        go.Scatter3d(x=x, y=y, z=zs, mode="lines", line=line, name="trajectories", hoverinfo="skip")
    )
    for kind in dict.fromkeys(p.kind for p in fixed_points):
        mine = [p for p in fixed_points if p.kind == kind and len(p.point) == 3]
        if mine:
            fig.add_trace(
                go.Scatter3d(
                    x=[p.point[0] for p in mine],
                    y=[p.point[1] for p in mine],
                    z=[p.point[2] for p in mine],
                    mode="markers",
                    name=kind,
                    marker={"size": 6, "color": KIND_MARKERS.get(kind, ("", "#000000"))[1]},
                    text=[eigen_text(p) for p in mine],
                    hovertemplate="%{text}<extra></extra>",
                )
            )
    fig.update_layout(
        scene=scene(
            names,
            aspectmode="manual",
            # plotly fits a scene to its box's lower side: a box wider than tall spreads across a wide page.
            aspectratio=SCENE_ASPECT,
            camera=SCENE_VIEW,
        )
    )
    fig = styled(fig, height=620)
    fig.update_layout(margin={"t": SCENE_TOP_PX})
    return legend_below(fig, axis_px=10)
