"""Figures of the Normalizing flows page: the time-lapse of a density carried by a flow (heat map, samples
and velocity field, with Play and a time slider), a density on its own, and the trace estimator's spread."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from components.style import PALETTE, PLAY_LABEL_NAME, add_play_controls, styled

DENSITY_SCALE = "Viridis"
SAMPLE_COLOR = "#F0E442"
ARROW_COLOR = "rgba(255, 255, 255, 0.75)"
#: A time-lapse's arrows are line markers (a stroke per grid point, turned along the field, as long as its
#: speed), so that a frame sends two small integer arrays, not the segments' end points: pixels per unit of
#: speed (a typical speed of 2 draws 12 px), and the longest drawn, so that a fast corner stays in its cell.
#: (Filled arrow heads, tried, hid the density under large triangles.)
ARROW_PX = 6.0
ARROW_MAX_PX = 36
#: A time-lapse's densities go to the browser as this many levels of its colour scale (one byte each, a
#: quarter of float32's bytes): the scale draws no more distinct colours than that.
DENSITY_LEVELS = 255
#: Heat maps are drawn smoothed (bilinear between grid points): a coarse grid, light to send, shows no
#: blocks.
ZSMOOTH = "best"
#: The foot of the time-lapse's Play / Pause and slider, in paper units (1 is the plot's top).
CONTROLS_Y = 1.03
#: A time-lapse's height, and its top margin: room for its controls in presenter mode's larger type too (at
#: 100 px plotly widened the margin to fit them there, to 123 px, and a figure beside it no longer lined up).
LAPSE_HEIGHT = 560
LAPSE_TOP_PX = 130
#: Where the time-lapse's slider starts, in paper units: past Play / Pause (about 150 px in presenter mode).
SLIDER_X = 0.43
#: A frame's time on screen when playing: 21 frames play in about 3.8 s.
FRAME_MS = 180
#: In presenter mode a time-lapse's whole figure ends above a projector's fold: the Flows page's charts start
#: at 282 px at 1280 x 720 (305 px at 1024 x 768, where the caption takes three lines), so 432 px end at 714
#: (737). At 560 px under a 130 px top, the plots ran to 766 px (step 21) and 839 px (step 22, under titles).
PRESENTED_HEIGHT = 432
#: Under the plot in presenter type, its tick labels and its axis title, this far under them (plotly's own
#: standoff, some 25 px, widened a 50 px margin to 76): a margin that fits them keeps the plot's height.
PRESENTED_BOTTOM_PX = 70
PRESENTED_TITLE_STANDOFF_PX = 4
#: The full-width time-lapse in presenter mode: the square plot of a wide figure left most of its width empty,
#: so Play / Pause and the slider stand there, at the plot's left, and the plot takes the whole height but
#: room for its top tick label (plotly widened 16 px to 26 for it). The plot is centred in the x domain from
#: BESIDE_PLOT_X, the slider spans [0, BESIDE_SLIDER_LEN]: at 1024 x 768 its last label ends some 65 px short
#: of the z₂ title.
BESIDE_TOP_PX = 26
BESIDE_PLOT_X = 0.45
BESIDE_SLIDER_LEN = 0.38
#: Beside the plot, from its top down: Play / Pause (about 36 px in presenter type), a gap, then the slider
#: (its current value, rail and labels, about 97 px), each placed by its foot.
BESIDE_BUTTONS_PX = 40
BESIDE_SLIDER_PX = 40 + 24 + 100
#: A figure of a pair (CNF vs planar) in presenter mode: its title in the top row, beside the slider's current
#: value (at the rail's right end: presenter mode shows no toolbar there), over Play / Pause and the rail;
#: the titles above the figures (a row of subheaders) took 73 px more of the 720. The margin is as given
#: (not widened to fit what plotly thinks the slider needs, 12 px more than it draws), so that the two figures,
#: one with controls, the other without, keep one plot area.
PAIR_TOP_PX = 100
PAIR_TITLE_SIZE = 16


def _heatmap(axis: np.ndarray, density: np.ndarray, zmax: float) -> go.Heatmap:
    return go.Heatmap(
        x=axis, y=axis, z=density, zmin=0.0, zmax=zmax, colorscale=DENSITY_SCALE, showscale=False, zsmooth=ZSMOOTH,
        hovertemplate="x %{x:.2f}, y %{y:.2f}<br>p %{z:.3f}<extra></extra>",
    )  # fmt: skip


def _arrow_markers(velocity: np.ndarray) -> dict[str, np.ndarray]:
    """The markers' angle (whole degrees clockwise from up, as plotly turns a marker) and size (px) for each
    arrow's velocity (a, 2): integers, a few bytes per arrow on the wire."""
    angle = np.rint(np.degrees(np.arctan2(velocity[:, 0], velocity[:, 1]))).astype(np.int16)
    size = np.clip(np.rint(ARROW_PX * np.hypot(velocity[:, 0], velocity[:, 1])), 0, ARROW_MAX_PX)
    return {"angle": angle, "size": size.astype(np.uint8)}


def _arrow_trace(points: np.ndarray, velocity: np.ndarray) -> go.Scatter:
    return go.Scatter(
        x=points[:, 0], y=points[:, 1], mode="markers", hoverinfo="skip",
        marker={
            "symbol": "line-ns", "color": ARROW_COLOR, "line": {"color": ARROW_COLOR, "width": 2},
            **_arrow_markers(velocity),
        },
    )  # fmt: skip


def _levels(density: np.ndarray, zmax: float) -> np.ndarray:
    """`density` as levels 0 … DENSITY_LEVELS of the colour scale over [0, zmax] (above zmax: the top)."""
    scaled = np.clip(density / zmax, 0.0, 1.0) if zmax > 0 else np.zeros_like(density)
    return np.rint(scaled * DENSITY_LEVELS).astype(np.uint8)


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

    The densities are sent as DENSITY_LEVELS levels of the colour scale, whose top is the median of the
    frames' peaks (a frame's peak above it is drawn at the top colour); the hover names a level's density.
    """
    zmax = float(np.quantile(density.max(axis=(1, 2)), 0.5))
    levels = _levels(density, zmax)
    heatmap = go.Heatmap(
        x=axis, y=axis, z=levels[start], zmin=0, zmax=DENSITY_LEVELS, colorscale=DENSITY_SCALE, showscale=False,
        zsmooth=ZSMOOTH,
        hovertemplate=f"x %{{x:.2f}}, y %{{y:.2f}}<br>p ≈ %{{z}}/{DENSITY_LEVELS} × {zmax:.3g}<extra></extra>",
    )  # fmt: skip

    def frame_data(i: int) -> list[dict]:
        # A frame carries only what moves (z; the points' x and y; the arrows' angles and sizes): plotly
        # merges it into the figure's traces, whose axes, colours and hover stay as they are.
        return [
            {"type": "heatmap", "z": levels[i]},
            {"type": "scatter", "x": samples[i, :, 0], "y": samples[i, :, 1]},
            {"type": "scatter", "marker": _arrow_markers(velocity[i])},
        ]

    names = frame_labels(times)
    first = [heatmap, _samples(samples[start]), _arrow_trace(arrow_points, velocity[start])]
    fig = go.Figure(data=first, frames=[go.Frame(data=frame_data(i), name=n) for i, n in enumerate(names)])
    fig.update_layout(showlegend=False)
    # Play / Pause and the slider sit above the plot: under it, on a projector (1280 x 720, the page's
    # title and tabs above the chart) they fell below the fold, and "Press Play" is what a speaker says
    # first. Their feet stand on the plot's top, so that presenter mode's larger type grows them upwards,
    # into the top margin (LAPSE_TOP_PX), never over the plot. The slider starts past the buttons: in a
    # half-width figure (the CNF vs planar tab), above all in presenter mode's larger type, they covered the
    # rail's start, and at 0.38 of a 397 px plot (1024 x 768) Pause still ran into the label "0.00".
    # Above the plot, the current value at the rail's right end sat under plotly's toolbar (shown on hover,
    # at the figure's top right); at its left end it is clear of both, the buttons being a row lower.
    add_play_controls(
        fig,
        names,
        prefix="t = ",
        frame_ms=FRAME_MS,
        redraw=True,
        y=CONTROLS_Y,
        slider_x=SLIDER_X,
        slider_y=CONTROLS_Y,
        active=start,
        anchor="bottom",
        value_anchor="left",
    )
    return _lapse_frame(fig, float(axis[-1]))


def _lapse_frame(fig: go.Figure, lim: float) -> go.Figure:
    """The time-lapse's height and margins on `fig`, its square plot over [-lim, lim]²: any two figures so
    laid out side by side in equal columns have the same plot area, the same scale."""
    styled(fig, height=LAPSE_HEIGHT)
    fig.update_layout(margin={"t": LAPSE_TOP_PX})
    return _square(fig, lim)


def presented_lapse(spec: dict) -> dict:
    """A full-width time-lapse's finished spec (`timelapse_figure`'s) for presenter mode: PRESENTED_HEIGHT
    high, Play / Pause and the slider beside the plot, at its left. Only the layout is new; the data and
    frames are `spec`'s own (shared, never written)."""
    shown = _presented_layout(spec["layout"], BESIDE_TOP_PX)
    shown["xaxis"]["domain"] = [BESIDE_PLOT_X, 1.0]
    plot = PRESENTED_HEIGHT - BESIDE_TOP_PX - PRESENTED_BOTTOM_PX
    _move_controls(
        shown,
        buttons_y=1.0 - BESIDE_BUTTONS_PX / plot,
        slider_x=0.0,
        slider_len=BESIDE_SLIDER_LEN,
        slider_y=1.0 - BESIDE_SLIDER_PX / plot,
    )
    return {**spec, "layout": shown}


def presented_pair(spec: dict, title: str) -> dict:
    """A finished spec of a pair's figure (a time-lapse, or a density laid out as one) for presenter mode:
    PRESENTED_HEIGHT high, `title` in its top row. Any two so made have the same plot area, and the two
    columns no row of titles above them. Only the layout is new."""
    shown = _presented_layout(spec["layout"], PAIR_TOP_PX)
    shown["margin"]["autoexpand"] = False
    shown["title"] = {
        "text": title, "font": {"size": PAIR_TITLE_SIZE, "weight": "bold"},
        "x": 0.0, "xref": "paper", "xanchor": "left", "y": 1.0, "yref": "container", "yanchor": "top",
        "pad": {"t": 4},
    }  # fmt: skip
    if shown.get("sliders"):
        (slider,) = shown["sliders"]
        value = {**slider["currentvalue"], "xanchor": "right"}
        shown["sliders"] = [{**slider, "currentvalue": value}]
    return {**spec, "layout": shown}


def _presented_layout(layout: dict, top: int) -> dict:
    """A copy of a time-lapse's `layout` (or a density's laid out as one) PRESENTED_HEIGHT high under a `top`
    margin, its x axis's title close under its ticks; its margin and axes copied, the rest shared."""
    xaxis = layout["xaxis"]
    return {
        **layout,
        "height": PRESENTED_HEIGHT,
        "margin": {**layout["margin"], "t": top, "b": PRESENTED_BOTTOM_PX},
        "xaxis": {**xaxis, "title": {**xaxis["title"], "standoff": PRESENTED_TITLE_STANDOFF_PX}},
    }


def _move_controls(
    layout: dict, buttons_y: float, slider_x: float, slider_len: float, slider_y: float
) -> None:
    """Move, in a time-lapse's `layout` (a copy whose controls are still `spec`'s), Play / Pause's foot to
    `buttons_y` and the slider to `slider_x` … `slider_x + slider_len` with its foot at `slider_y`, and the
    labels under its rail with it (each at the same fraction along the rail, still standing on its foot)."""
    (menu,), (slider,) = layout["updatemenus"], layout["sliders"]
    layout["updatemenus"] = [{**menu, "y": buttons_y}]
    layout["sliders"] = [{**slider, "x": slider_x, "len": slider_len, "y": slider_y}]
    stretch = slider_len / slider["len"]
    layout["annotations"] = [
        {**a, "x": slider_x + (a["x"] - slider["x"]) * stretch, "y": slider_y}
        if a.get("name") == PLAY_LABEL_NAME
        else a
        for a in layout.get("annotations", [])
    ]


def frame_labels(times: np.ndarray) -> list[str]:
    """The slider's label of each frame time: two decimals (the rail's 21 labels in presenter mode's type
    ran to the figure's right edge with three), more only where two would name two frames alike."""
    for decimals in (2, 3, 4, 6):
        labels = [f"{t:.{decimals}f}" for t in times]
        if len(set(labels)) == len(labels):
            return labels
    return [f"{t:.6g}" for t in times]


def density_figure(
    axis: np.ndarray, density: np.ndarray, samples: np.ndarray | None = None, beside_lapse: bool = False
) -> go.Figure:
    """One density on the grid (axis (n,), density (n, n) rows along y), with optional samples (m, 2).

    `beside_lapse`: laid out as a time-lapse is (the room its controls take above the plot left empty), so
    that the two side by side line up: the CNF vs planar tab's planar flow, 420 px high with a 30 px top, had
    its plot start 74 px above the CNF's and 66 px shorter at 1440 x 900 (93 and 27 px in presenter mode)."""
    traces: list[go.BaseTraceType] = [_heatmap(axis, density, float(density.max()))]
    if samples is not None:
        traces.append(_samples(samples))
    fig = go.Figure(data=traces)
    fig.update_layout(showlegend=False)
    if beside_lapse:
        return _lapse_frame(fig, float(axis[-1]))
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
