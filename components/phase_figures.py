"""Figures of the Phase portraits page: the phase plane (field, nullclines, fixed points, trajectories,
click targets), a flowing point cloud, 3-D trajectories, the cylinder, and the trace–determinant plane."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from components.style import add_play_controls, styled
from models.phase.fixed_points import SADDLE, FixedPoint
from models.phase.portrait import FieldSample

Window = tuple[tuple[float, float], ...]
#: Field colour by speed: pale and cool where slow, warm where fast; drawn under dark trajectories.
SPEED_SCALE = [[0.0, "#c6dbef"], [0.35, "#6baed6"], [0.65, "#fd8d3c"], [1.0, "#a50f15"]]
SPEED_BINS = 7
TRAJECTORY_COLOR = "#08306b"
CLICK_COLOR = "#D55E00"
UNSTABLE_COLOR = "#d62728"
STABLE_COLOR = "#1f77b4"
NULLCLINE_COLORS = ("#009E73", "#CC79A7")
#: kind -> (marker symbol, fill colour); open symbols are unstable, filled ones stable.
KIND_MARKERS = {
    "saddle": ("x", "#000000"),
    "stable node": ("circle", "#000000"),
    "unstable node": ("circle-open", "#000000"),
    "stable spiral": ("circle", "#0072B2"),
    "unstable spiral": ("circle-open", "#0072B2"),
    "centre": ("circle-dot", "#009E73"),
    "saddle-focus": ("x", "#0072B2"),
    "non-hyperbolic": ("diamond-open", "#7f7f7f"),
}
CLICK_TARGET_NAME = "click to start a trajectory"


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
    nullclines: FieldSample | None = None
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
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            showlegend=False,
            hoverinfo="skip",
            marker={
                "color": [np.log10(low)],
                "cmin": np.log10(low),
                "cmax": np.log10(high),
                "colorscale": SPEED_SCALE,
                "showscale": True,
                "colorbar": {
                    "title": {"text": "|f|"},
                    "thickness": 12,
                    "len": 0.6,
                    "tickvals": [np.log10(low), np.log10(high)],
                    "ticktext": [f"{low:.2g}", f"{high:.2g}"],
                },
            },
        )
    )


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


def _arrows(fig: go.Figure, sample: FieldSample, window: Window, opacity: float = 1.0) -> None:
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


def _streamlets(fig: go.Figure, lines: np.ndarray, speed: np.ndarray, window: Window) -> None:
    lows = np.array([window[0][0], window[1][0]])
    spans = np.array([window[0][1] - window[0][0], window[1][1] - window[1][0]])
    scaled = (lines - lows) / spans
    ok = np.isfinite(scaled).all(axis=(1, 2))
    scaled, speed = scaled[ok], speed[ok]
    heads = _head(scaled[:, -1], scaled[:, -2], 0.25 / np.sqrt(max(len(lines), 1)))
    stuck = np.linalg.norm(scaled[:, -1] - scaled[:, -2], axis=-1) <= 1e-9  # where f vanishes: no head
    heads[stuck] = np.nan
    _field_traces(fig, scaled, heads, speed, spans, lows)


def _nullclines(fig: go.Figure, sample: FieldSample, names: Sequence[str]) -> None:
    for values, name, color in zip((sample.u, sample.v), names[:2], NULLCLINE_COLORS, strict=True):
        if not np.isfinite(values).any() or np.nanmin(values) > 0 or np.nanmax(values) < 0:
            continue
        fig.add_trace(
            go.Contour(
                x=sample.xs,
                y=sample.ys,
                z=values.astype(np.float32),  # the zero level needs no more; halves what the browser loads
                contours={"start": 0, "end": 0, "size": 1, "coloring": "lines"},
                line={"color": color, "width": 3, "dash": "dot"},
                colorscale=[[0, color], [1, color]],
                showscale=False,
                showlegend=True,
                name=f"{name}-nullcline (d{name}/dt = 0)",
                hoverinfo="skip",
            )
        )


def _fixed_points(
    fig: go.Figure, points: Sequence[FixedPoint], window: Window, dims: tuple[int, int]
) -> None:
    i, j = dims
    spans = np.array([window[i][1] - window[i][0], window[j][1] - window[j][0]])
    for point in points:
        if point.kind != SADDLE or len(point.point) != 2:
            continue
        for value, vector in point.real_directions():
            v = np.array(vector) / spans
            v = 0.07 * v / np.linalg.norm(v) * spans
            p = np.array(point.point)
            color = UNSTABLE_COLOR if value > 0 else STABLE_COLOR
            fig.add_trace(
                go.Scatter(
                    x=[p[0] - v[0], p[0] + v[0]],
                    y=[p[1] - v[1], p[1] + v[1]],
                    mode="lines",
                    name="unstable eigen-direction" if value > 0 else "stable eigen-direction",
                    line={"color": color, "width": 5},
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
    for kind in dict.fromkeys(p.kind for p in points):
        mine = [p for p in points if p.kind == kind]
        symbol, color = KIND_MARKERS.get(kind, ("circle", "#000000"))
        fig.add_trace(
            go.Scatter(
                x=[p.point[i] for p in mine],
                y=[p.point[j] for p in mine],
                mode="markers",
                name=kind,
                marker={"symbol": symbol, "size": 14, "color": color, "line": {"width": 2.5, "color": color}},
                text=[_eigen_text(p) for p in mine],
                hovertemplate="%{text}<extra></extra>",
            )
        )


def format_complex(value: complex, digits: int = 3) -> str:
    """A complex number as text, e.g. '-0.1 + 1i' or '2' when real."""
    re, im = round(value.real, digits) + 0.0, round(value.imag, digits) + 0.0
    if im == 0:
        return f"{re:g}"
    sign = "+" if im > 0 else "−"
    return f"{re:g} {sign} {abs(im):g}i" if re != 0 else f"{im:g}i"


def _eigen_text(point: FixedPoint) -> str:
    where = ", ".join(f"{v:.3g}" for v in point.point)
    values = ", ".join(format_complex(v) for v in point.eigenvalues)
    return f"{point.kind} at ({where})<br>eigenvalues {values}"


def phase_plane_figure(layers: PlaneLayers, height: int = 620) -> go.Figure:
    """The phase plane: field, nullclines, trajectories, separatrices, fixed points and click targets."""
    fig = go.Figure()
    i, j = layers.dims
    if layers.streamlets is not None:
        _streamlets(fig, *layers.streamlets, layers.window)
    elif layers.arrows is not None:
        _arrows(fig, layers.arrows, layers.window)
    if layers.nullclines is not None:
        _nullclines(fig, layers.nullclines, layers.names)
    for curves in layers.trajectories:
        x, y = polyline(curves.y, (i, j))
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
    _fixed_points(fig, layers.fixed_points, layers.window, layers.dims)
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
        gx, gy = np.meshgrid(np.linspace(*layers.window[i], n), np.linspace(*layers.window[j], n))
        fig.add_trace(
            go.Scatter(
                x=gx.ravel(),
                y=gy.ravel(),
                mode="markers",
                name=CLICK_TARGET_NAME,
                marker={"size": 10, "color": "rgba(0,0,0,0)"},
                showlegend=False,
                hovertemplate="start here: (%{x:.3g}, %{y:.3g})<extra></extra>",
            )
        )
    fig.update_xaxes(title_text=layers.names[i], range=list(layers.window[i]), showgrid=False, zeroline=False)
    fig.update_yaxes(title_text=layers.names[j], range=list(layers.window[j]), showgrid=False, zeroline=False)
    fig = styled(fig, height=height)
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
    pause buttons and a time slider. `colors: (N,)` keeps each point's colour as it moves."""
    i, j = dims
    fig = go.Figure()
    if arrows is not None:
        _arrows(fig, arrows, window, opacity=0.35)  # context only: the moving points are the subject
    marker = {"size": 7, "color": colors, "colorscale": "Twilight", "line": {"width": 0}}
    fig.add_trace(
        go.Scatter(
            x=clouds[0, :, i],
            y=clouds[0, :, j],
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
    add_play_controls(fig, names_, prefix="t = ", frame_ms=70, y=-0.1)
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
                    text=[_eigen_text(p) for p in mine],
                    hovertemplate="%{text}<extra></extra>",
                )
            )
    fig.update_layout(
        scene={
            "xaxis_title": names[0],
            "yaxis_title": names[1],
            "zaxis_title": names[2],
            "aspectmode": "manual",
            "aspectratio": {"x": 1, "y": 1, "z": 0.9},
            # Off the x = y diagonal, where the two wings of the Lorenz attractor would hide each other.
            "camera": {"eye": {"x": 1.5, "y": -1.7, "z": 0.8}},
        }
    )
    return styled(fig, height=620)


def trace_determinant_figure(points: Sequence[FixedPoint]) -> go.Figure:
    """Planar fixed points on the trace–determinant plane, with the parabola det = tr²/4 that separates
    nodes from spirals and the axes that separate saddles (det < 0) and stable from unstable (tr < 0)."""
    planar = [p for p in points if len(p.point) == 2]
    reach = max(
        [3.0] + [1.3 * abs(p.trace) for p in planar] + [1.3 * np.sqrt(abs(p.determinant)) for p in planar]
    )
    tr = np.linspace(-reach, reach, 200)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=tr, y=tr**2 / 4, mode="lines", name="det = tr²/4", line={"color": "#7f7f7f", "dash": "dash"}
        )
    )
    fig.add_hline(y=0, line={"color": "#7f7f7f", "width": 1})
    fig.add_vline(x=0, line={"color": "#7f7f7f", "width": 1})
    top = reach**2 / 4
    for x, y, text in (
        (0.5 * reach, -0.5 * top, "saddles"),
        (-0.75 * reach, 0.05 * top, "stable nodes"),
        (0.75 * reach, 0.05 * top, "unstable nodes"),
        (-0.35 * reach, 0.8 * top, "stable spirals"),
        (0.35 * reach, 0.8 * top, "unstable spirals"),
        (0, 0.95 * top, "centres"),
    ):
        fig.add_annotation(x=x, y=y, text=text, showarrow=False, font={"color": "#555555"})
    for kind in dict.fromkeys(p.kind for p in planar):
        mine = [p for p in planar if p.kind == kind]
        symbol, color = KIND_MARKERS.get(kind, ("circle", "#000000"))
        fig.add_trace(
            go.Scatter(
                x=[p.trace for p in mine],
                y=[p.determinant for p in mine],
                mode="markers",
                name=kind,
                marker={"symbol": symbol, "size": 14, "color": color, "line": {"width": 2.5, "color": color}},
                text=[_eigen_text(p) for p in mine],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    fig.update_xaxes(title_text="trace τ", range=[-reach, reach])
    fig.update_yaxes(title_text="determinant Δ", range=[-top, top])
    return styled(fig, height=440)
