"""Fixed points of a phase portrait: their markers by type and a saddle's eigen-directions in the plane,
their eigenvalues as text, and the trace–determinant plane."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import plotly.graph_objects as go

from components.style import styled
from models.phase.fixed_points import SADDLE, FixedPoint
from models.phase.portrait import Window

UNSTABLE_COLOR = "#d62728"
STABLE_COLOR = "#1f77b4"
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


def add_fixed_points(
    fig: go.Figure, points: Sequence[FixedPoint], window: Window, dims: tuple[int, int]
) -> None:
    """Each fixed point as a marker of its type in the plane of state dimensions `dims`, with a saddle's
    eigen-directions as short strokes (red unstable, blue stable)."""
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
    _markers_by_kind(fig, points, lambda p: (p.point[i], p.point[j]))


def _markers_by_kind(
    fig: go.Figure, points: Sequence[FixedPoint], where: Callable[[FixedPoint], tuple[float, float]]
) -> None:
    """One marker trace per type of fixed point, at `where(point)`, with the eigenvalues on hover."""
    for kind in dict.fromkeys(p.kind for p in points):
        mine = [p for p in points if p.kind == kind]
        symbol, color = KIND_MARKERS.get(kind, ("circle", "#000000"))
        xy = [where(p) for p in mine]
        fig.add_trace(
            go.Scatter(
                x=[x for x, _ in xy],
                y=[y for _, y in xy],
                mode="markers",
                name=kind,
                marker={"symbol": symbol, "size": 14, "color": color, "line": {"width": 2.5, "color": color}},
                text=[eigen_text(p) for p in mine],
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


def format_eigenvalues(values: Sequence[complex], digits: int = 3) -> str:
    """Eigenvalues as text, a complex-conjugate pair once as 'a ± bi' (a real matrix has them in pairs):
    the table of fixed points stays narrow enough for its column at the presenter scale."""
    rest, parts = list(values), []
    while rest:
        value = rest.pop(0)
        pair = next(
            (i for i, w in enumerate(rest) if value.imag != 0 and abs(w - value.conjugate()) < 1e-9), None
        )
        if pair is None:
            parts.append(format_complex(value, digits))
            continue
        rest.pop(pair)
        re, im = round(value.real, digits) + 0.0, abs(round(value.imag, digits))
        parts.append(f"{re:g} ± {im:g}i" if re != 0 else f"±{im:g}i")
    return ",  ".join(parts)


def eigen_text(point: FixedPoint) -> str:
    """Hover text of a fixed point: its type, where it is and its eigenvalues."""
    where = ", ".join(f"{v:.3g}" for v in point.point)
    values = ", ".join(format_complex(v) for v in point.eigenvalues)
    return f"{point.kind} at ({where})<br>eigenvalues {values}"


#: Fixed points are drawn within these fractions of the trace–determinant plane's half-widths: the region
#: names sit in the margin around them (at the presenter scale "centres" alone runs about half the upper half
#: down from the top; with points up to 0.59 of it, it ended 3 px from the damped pendulum's marker).
POINTS_TRACE = 0.38
POINTS_DET = 0.28
#: The determinant's half-width as a fraction of reach² / 4, where the parabola leaves the plot: lower than
#: that, the parabola leaves through the top before the plot's sides and the node regions under it are tall
#: enough at the sides for their two-line names (the parabola ran through "unstable nodes").
TOP_FRACTION = 0.6


def plane_reach(points: Sequence[FixedPoint]) -> float:
    """The trace half-width of the plane that keeps every point of `points` within POINTS_TRACE of it and
    POINTS_DET of the determinant's half-width TOP_FRACTION · reach² / 4 (at least 3, the diagram's usual
    size)."""
    return max(
        [3.0]
        + [abs(p.trace) / POINTS_TRACE for p in points]
        + [2 * np.sqrt(abs(p.determinant) / (POINTS_DET * TOP_FRACTION)) for p in points]
    )


def region_labels(reach: float, top: float) -> tuple[tuple[float, float, str, dict[str, str]], ...]:
    """(x, y, text, anchors) of each region's name on the trace–determinant plane of half-widths `reach`
    (trace) and `top` (determinant). Two lines each, anchored away from the axes and inside the plot's edges,
    so that at the presenter scale in 2/5 of 1024 px no name runs into another or past the plot, and in the
    margin outside the central box where `plane_reach` keeps the points."""
    return (
        (0.97 * reach, -0.97 * top, "saddles", {"xanchor": "right", "yanchor": "bottom"}),
        (-0.97 * reach, 0.04 * top, "stable<br>nodes", {"xanchor": "left", "yanchor": "bottom"}),
        (0.97 * reach, 0.04 * top, "unstable<br>nodes", {"xanchor": "right", "yanchor": "bottom"}),
        (-0.12 * reach, 0.97 * top, "stable<br>spirals", {"xanchor": "right", "yanchor": "top"}),
        (0.12 * reach, 0.97 * top, "unstable<br>spirals", {"xanchor": "left", "yanchor": "top"}),
        # Along the line τ = 0, Δ > 0 that it names, between the spirals.
        (0, 0.97 * top, "centres", {"textangle": -90, "yanchor": "top"}),
    )


def trace_determinant_figure(points: Sequence[FixedPoint]) -> go.Figure:
    """Planar fixed points on the trace–determinant plane, with the parabola det = tr²/4 that separates
    nodes from spirals and the axes that separate saddles (det < 0) and stable from unstable (tr < 0)."""
    planar = [p for p in points if len(p.point) == 2]
    reach = plane_reach(planar)
    tr = np.linspace(-reach, reach, 200)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=tr, y=tr**2 / 4, mode="lines", name="det = tr²/4", line={"color": "#7f7f7f", "dash": "dash"}
        )
    )
    fig.add_hline(y=0, line={"color": "#7f7f7f", "width": 1})
    fig.add_vline(x=0, line={"color": "#7f7f7f", "width": 1})
    top = TOP_FRACTION * reach**2 / 4
    for x, y, text, anchors in region_labels(reach, top):
        # On a light ground: in a narrow column (2/5 of 1024 px) the parabola still passes behind a name.
        fig.add_annotation(
            x=x,
            y=y,
            text=text,
            showarrow=False,
            font={"color": "#555555"},
            bgcolor="rgba(255, 255, 255, 0.8)",
            **anchors,
        )
    _markers_by_kind(fig, planar, lambda p: (p.trace, p.determinant))
    fig.update_xaxes(title_text="trace τ", range=[-reach, reach])
    fig.update_yaxes(title_text="determinant Δ", range=[-top, top])
    # 470, not 440: in 2/5 of 1024 px at the presenter scale the legend takes two rows over the plot, which
    # kept only 245 px for the region names and the points.
    return styled(fig, height=470)
