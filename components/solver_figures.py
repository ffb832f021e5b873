"""Figures of the Solver lab: trajectories (over t, in the phase plane, in 3-D), error against step
size with measured orders, work–precision, and an adaptive method's step sizes."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.flow_panels import upper_ticks
from components.style import Curve, color_for, format_number, legend_below, line_style, scene, styled
from models.ode.convergence import WorkPoint

#: A curve that strays further than this many times the reference's extent beyond it has diverged: the
#: axes follow the others. Euler's honest spirals (about one extent beyond, harmonic oscillator and
#: pendulum at their default steps) stay drawn whole; a blow-up (1e8 and more) does not flatten them.
DIVERGED_EXTENTS = 3.0
#: Room around the kept curves, as a fraction of their extent.
MARGIN = 0.05


@dataclass(frozen=True)
class Escape:
    """A curve drawn beyond the axes: from `t` on it is more than DIVERGED_EXTENTS beyond the reference,
    and its largest finite |y| is `peak`."""

    label: str
    t: float
    peak: float


@dataclass(frozen=True)
class Framing:
    """Axis ranges that keep the curves readable: `ranges` per state component (None: plotly's own), and
    the curves that diverged beyond them."""

    ranges: tuple[tuple[float, float], ...] | None
    escaped: tuple[Escape, ...]


def readable_framing(curves: Sequence[Curve], reference: Curve) -> Framing:
    """Ranges from the reference and every curve that did not diverge from it, with a margin; None (and
    nothing escaped) when no curve diverged, or when there is no finite reference to judge by."""
    ref = reference.y[np.isfinite(reference.y).all(axis=1)]
    if len(ref) == 0:
        return Framing(None, ())
    lo, hi = ref.min(axis=0), ref.max(axis=0)
    extent = np.maximum(hi - lo, np.maximum(np.abs(lo), np.abs(hi)) * 0.1 + 1e-9)
    band_lo, band_hi = lo - DIVERGED_EXTENTS * extent, hi + DIVERGED_EXTENTS * extent
    others = [c for c in curves if c is not reference]
    beyond = [(~np.isfinite(c.y) | (c.y < band_lo) | (c.y > band_hi)).any(axis=1) for c in others]
    if not any(b.any() for b in beyond):
        return Framing(None, ())
    escaped = []
    for c, out in zip(others, beyond, strict=True):
        if out.any():
            finite = np.abs(c.y[np.isfinite(c.y)])
            escaped.append(Escape(c.label, float(c.t[np.argmax(out)]), float(finite.max(initial=0.0))))
        else:
            lo, hi = np.minimum(lo, c.y.min(axis=0)), np.maximum(hi, c.y.max(axis=0))
    pad = MARGIN * np.maximum(hi - lo, 1e-9)
    return Framing(tuple(zip((lo - pad).tolist(), (hi + pad).tolist(), strict=True)), tuple(escaped))


def components_figure(
    curves: Sequence[Curve],
    state_names: Sequence[str],
    ranges: Sequence[tuple[float, float]] | None = None,
    *,
    log_time: bool = False,
) -> go.Figure:
    """Each state component against t, one row per component; `ranges` fixes each row's y-axis; a log
    t axis (which leaves t = 0 out) with `log_time`."""
    dim = len(state_names)
    # The traces and the axes' settings go in as dicts, unvalidated (the builder guarantees their
    # structure), on the rows' layout made once per row count: per-trace add_trace and per-row update_yaxes
    # searched and re-validated the layout every time (most of a new view's server time).
    traces = [
        {
            "type": "scatter",
            "x": curve.t,
            "y": curve.y[:, d],
            "name": curve.label,
            "legendgroup": curve.label,
            "showlegend": d == 0,
            "mode": "lines+markers" if curve.markers else "lines",
            "marker": {"size": 5},
            "line": _line(curve, i),
            "zorder": curve.layer,
            "xaxis": _axis_ref("x", d + 1),
            "yaxis": _axis_ref("y", d + 1),
        }
        for i, curve in enumerate(curves)
        for d in range(dim)
    ]
    axes: dict = {
        # plotly writes small values with SI prefixes ("30μ" for Robertson's y₂): exponents instead.
        _axis_name("y", d + 1): {"title": {"text": state_names[d]}, "exponentformat": "e"}
        | ({"range": list(ranges[d])} if ranges is not None else {})
        for d in range(dim)
    }
    axes[_axis_name("x", dim)] = {"title": {"text": "t"}}
    if log_time:
        axes |= {
            _axis_name("x", d + 1): axes.get(_axis_name("x", d + 1), {}) | {"type": "log"} for d in range(dim)
        }
    layout = _rows_layout(dim)
    for name, settings in axes.items():
        layout[name] = layout.get(name, {}) | settings
    fig = go.Figure(data=traces, layout=layout, _validate=False)
    return legend_below(styled(fig, height=max(320, 220 * dim)))


@functools.cache
def _rows_layout_json(dim: int) -> str:
    return json.dumps(
        make_subplots(rows=dim, cols=1, shared_xaxes=True, vertical_spacing=0.06).layout.to_plotly_json()
    )


def _rows_layout(dim: int) -> dict:
    """A fresh copy of the layout of `dim` rows sharing one t axis (with plotly's template)."""
    return json.loads(_rows_layout_json(dim))


def _line(curve: Curve, index: int) -> dict:
    # Unset (None) properties left out, as a validated trace leaves them.
    return {name: value for name, value in line_style(curve, index).items() if value is not None}


def _axis_ref(letter: str, k: int) -> str:
    return letter if k == 1 else f"{letter}{k}"


def _axis_name(letter: str, k: int) -> str:
    return f"{letter}axis" if k == 1 else f"{letter}axis{k}"


def phase_figure(
    curves: Sequence[Curve],
    state_names: Sequence[str],
    window: Sequence[tuple[float, float]] | None = None,
    steps: Curve | None = None,
) -> go.Figure:
    """The first two state components against each other; `steps` marks accepted solver steps."""
    # Dicts, unvalidated (as `components_figure`): the builder guarantees their structure.
    traces = [
        {
            "type": "scatter",
            "x": curve.y[:, 0],
            "y": curve.y[:, 1],
            "name": curve.label,
            "mode": "lines+markers" if curve.markers else "lines",
            "marker": {"size": 5},
            "line": _line(curve, i),
            "zorder": curve.layer,
        }
        for i, curve in enumerate(curves)
    ]
    if steps is not None:
        traces.append(
            {
                "type": "scatter",
                "x": steps.y[:, 0],
                "y": steps.y[:, 1],
                "name": steps.label,
                "mode": "markers",
                "marker": {
                    "size": 8,
                    "symbol": "circle-open",
                    "color": color_for(steps.key),
                    "line": {"width": 2},
                },
            }
        )
    start = curves[0].y[0]
    traces.append(
        {
            "type": "scatter",
            "x": [start[0]],
            "y": [start[1]],
            "name": "y₀",
            "mode": "markers",
            "marker": {"size": 12, "color": "black"},
        }
    )
    fig = go.Figure(data=traces, layout={"template": _rows_layout(1)["template"]}, _validate=False)
    fig.update_xaxes(title_text=state_names[0])
    fig.update_yaxes(title_text=state_names[1])
    if window is not None:
        fig.update_xaxes(range=list(window[0]))
        fig.update_yaxes(range=list(window[1]))
    return legend_below(styled(fig, height=480))


#: Seen more from the y side than along the diagonal, and a little below the cube's centre: plotly fits a scene
#: to its box's height, and a floor seen corner-on put its front corner, and the tick labels there, at the
#: box's foot (cut off at a 720 px projector's fold, tour step 2) while its sides stayed narrow. A floor long
#: in x, seen from lower than the diagonal, spreads across a wide page instead.
LIFTED_VIEW = {"eye": {"x": 0.9, "y": 2.3, "z": 1.0}, "center": {"x": 0.0, "y": 0.0, "z": -0.3}}
LIFTED_ASPECT = {"x": 2.6, "y": 1.6, "z": 1.0}
#: Tall enough that the scene is drawn large on a laptop's page, short enough to leave its legend on screen.
SCENE_HEIGHT = 600
#: Above the scene: no title and no legend there (it is under the scene).
SCENE_TOP_PX = 10


def trajectory_3d_figure(curves: Sequence[Curve], state_names: Sequence[str]) -> go.Figure:
    """3-D curves: (x, y, z) for a 3-D system, otherwise (x, y, t) or (t, y) lifted for 1-D."""
    fig = go.Figure()
    dim = len(state_names)
    upright = []
    for i, curve in enumerate(curves):
        if dim >= 3:
            xs, ys, zs = curve.y[:, 0], curve.y[:, 1], curve.y[:, 2]
        elif dim == 2:
            xs, ys, zs = curve.y[:, 0], curve.y[:, 1], curve.t
        else:
            xs, ys, zs = curve.t, curve.y[:, 0], np.zeros_like(curve.t)
        upright.append(zs)
        style = line_style(curve, i)
        fig.add_trace(
            go.Scatter3d(
                x=xs,
                y=ys,
                z=zs,
                name=curve.label,
                mode="lines",
                line={"color": style["color"], "width": 6 if not curve.dash else 4, "dash": curve.dash},
            )
        )
    axes: dict = {}
    heights = np.concatenate(upright) if upright else np.array([])
    heights = heights[np.isfinite(heights)]
    if dim >= 2 and heights.size and heights.max() > heights.min():
        # The upright axis (t, or a 3-D state) rises from the floor's corner where y's first tick label is: its
        # own first one on the same spot ran into it (t's "0" on y's "0", tour step 2).
        axes["zaxis_tickvals"] = upper_ticks(float(heights.min()), float(heights.max()))
    if dim >= 3:
        titles = state_names[:3]
    elif dim == 2:
        titles = (state_names[0], state_names[1], "t")
    else:
        titles = ("t", state_names[0], "")
    fig.update_layout(
        scene=scene(titles, aspectmode="manual", aspectratio=LIFTED_ASPECT, camera=LIFTED_VIEW, **axes)
    )
    fig = styled(fig, height=SCENE_HEIGHT)
    fig.update_layout(margin={"t": SCENE_TOP_PX})
    return legend_below(fig, axis_px=10)


def drawable(err: np.ndarray) -> np.ndarray:
    """Which errors a log axis can show: finite and positive (a blow-up is NaN, an exact hit 0)."""
    return np.isfinite(err) & (err > 0)


def omitted_steps(sweeps: Sequence[tuple[str, np.ndarray, np.ndarray]]) -> str:
    """The step sizes `error_order_figure` leaves out, in words: "Euler at h = 0.571 and 1.5; ..."
    (empty when none is); sweeps: (label, h, error)."""
    parts = []
    for label, h, err in sweeps:
        gone = [f"{v:.3g}" for v in np.sort(h[~drawable(err)])]
        if gone:
            listed = gone[0] if len(gone) == 1 else ", ".join(gone[:-1]) + " and " + gone[-1]
            parts.append(f"{label} at h = {listed}")
    return "; ".join(parts)


def error_order_figure(
    sweeps: Sequence[tuple[str, str, np.ndarray, np.ndarray, float | None]],
) -> go.Figure:
    """Global error against h on log-log axes; each legend entry carries its measured order.

    sweeps: (method key, label, h, error, fitted order).
    """
    fig = go.Figure()
    for i, (key, label, h, err, order) in enumerate(sweeps):
        measured = f"measured order {order:.2f}" if order is not None else "order not measurable"
        ok = drawable(err)
        # Every step size keeps its place and a failed one is a gap (None): the line breaks there rather
        # than bridging it, and the CSV export leaves that error empty.
        fig.add_trace(
            go.Scatter(
                x=h,
                y=[float(e) if keep else None for e, keep in zip(err, ok, strict=True)],
                name=f"{label}: {measured}",
                mode="lines+markers",
                connectgaps=False,
                marker={"size": 8},
                line={"color": color_for(key, i), "width": 3},
            )
        )
        if order is not None and ok.any():
            last = np.flatnonzero(ok)[np.argmin(h[ok])]
            fig.add_annotation(
                x=np.log10(h[last]),
                y=np.log10(err[last]),
                text=f"slope {order:.2f}",
                showarrow=True,
                arrowhead=0,
                ax=-60,
                ay=0,
                font={"color": color_for(key, i), "size": 14},
            )
    fig.update_xaxes(type="log", title_text="step size h")
    fig.update_yaxes(type="log", title_text="global error |y_N − y(t₁)|")
    return legend_below(styled(fig, height=460))


def work_precision_figure(
    series: Sequence[tuple[str, str, np.ndarray, np.ndarray, Sequence[str]]],
) -> go.Figure:
    """Error against NFE; series: (method key, label, nfe, error, hover text per point)."""
    fig = go.Figure()
    for i, (key, label, nfe, err, hover) in enumerate(series):
        ok = np.isfinite(err) & (err > 0)
        fig.add_trace(
            go.Scatter(
                x=nfe[ok],
                y=err[ok],
                name=label,
                mode="lines+markers",
                text=[h for h, keep in zip(hover, ok, strict=True) if keep],
                hovertemplate="%{text}<br>NFE %{x}<br>error %{y:.2e}<extra></extra>",
                marker={"size": 8},
                line={"color": color_for(key, i), "width": 3},
            )
        )
    fig.update_xaxes(type="log", title_text="function evaluations (NFE)")
    fig.update_yaxes(type="log", title_text="global error at t₁")
    return legend_below(styled(fig, height=460))


def work_point_series(
    points: Sequence[WorkPoint], labels: dict[str, str]
) -> list[tuple[str, str, np.ndarray, np.ndarray, list[str]]]:
    """Adaptive methods' work–precision points as `work_precision_figure` series, one per method in order."""
    series = []
    for m in dict.fromkeys(p.method for p in points):
        mine = [p for p in points if p.method == m]
        nfe, err = np.array([p.nfe for p in mine]), np.array([p.error for p in mine])
        series.append((m, labels[m], nfe, err, [f"tol = {format_number(p.setting)}" for p in mine]))
    return series


def step_size_figure(key: str, label: str, step_times: np.ndarray, step_sizes: np.ndarray) -> go.Figure:
    """An adaptive method's accepted step size h against t."""
    fig = go.Figure(
        go.Scatter(
            x=step_times,
            y=step_sizes,
            name=label,
            mode="lines+markers",
            line={"shape": "hv", "color": color_for(key), "width": 3},
            marker={"size": 6},
        )
    )
    fig.update_xaxes(title_text="t (start of the step)")
    fig.update_yaxes(title_text="accepted step size h", type="log")
    return styled(fig, height=360)
