"""The point cloud of the NODE vs ANODE lab flowing from t = 0 to t1, one panel per model, animated with
play / pause and a time slider."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.flow_panels import LOW_HEIGHT, Coloring, Panel, finish, upper_ticks
from components.style import add_play_controls

#: Room above the clouds for the subplot titles only.
CLOUD_TOP_PX = 50
#: Under the plots: the x-axis's ticks and title, then the Play / Pause buttons and the time slider, which
#: start CONTROLS_GAP_PX under the axes.
CONTROLS_PX = 150
CONTROLS_GAP_PX = 70
#: A figure under LOW_HEIGHT (a projector's: 434 px, all of it above the fold, text 1.6x larger) lays out its
#: bottom in px. Its 2-D plots end LOW_AXIS_BAND_PX above the plot area's foot, their ticks and x-axis title
#: in that band (they reach 70 px under the axis in Chromium), while a 3-D scene, whose labels are inside its
#: box, takes the band too: a taller scene draws a larger cube (tour step 10: the scene was 215 px tall, the
#: cube about 250 px wide in a 500 px box). Under the band, LOW_CONTROLS_GAP_PX down, the controls start (84 px
#: under a 2-D axis: at the 64 px that CONTROLS_GAP_PX came to there, the Play button covered the flip's "z0"
#: title and the slider's readout touched the ResNet's), and LOW_CONTROLS_PX holds them whole (the
#: presenter-sized slider, readout on top and labels under the rail, measured 97 px): a margin they overran
#: grew in the browser, and the plots shrank with it. Without controls, LOW_FOOT_PX under the band.
LOW_AXIS_BAND_PX = 76
LOW_CONTROLS_GAP_PX = 8
LOW_CONTROLS_PX = 110
LOW_FOOT_PX = 8
#: Side-on like the 3-D paths' view (the extra axis upright), looking a little left of the cube's centre
#: across the screen: from (-0.1, -0.13) the cube's far corner and z1's ticks ran off the scene's right side
#: (the training replay's end states). 2.8 from the centre: from 2.4 the Animation tab's narrow scene (287 px
#: wide, 358 high, beside its text at 1440x900) clipped the a1 title on its left and a "5" tick on its right.
CLOUD_VIEW = {"eye": {"x": 2.18, "y": -1.67, "z": 0.57}, "center": {"x": -0.1, "y": -0.04, "z": -0.12}}
#: In a low figure the scenes are much wider than tall and plotly fits the cube to their height: the camera
#: comes nearer and lower, and the box is flattened along the upright axis, so the cube uses more of the width.
#: The eye stays LOW_EYE_PER_PX from the centre per px of the scene's height, so the cube keeps one size in px:
#: the size whose labels fit the 388 px of a 1024 px projector's scene (tour step 10; the training replay's end
#: states, whose scene is taller).
NEAR_CLOUD_EYE = {"x": 0.781, "y": -0.594, "z": 0.188}  # a unit vector
NEAR_CLOUD_CENTER = {"x": -0.07, "y": -0.09, "z": -0.2}
LOW_EYE_PER_PX = 1.65 / 266
LOW_SCENE_BOX = {"aspectmode": "manual", "aspectratio": {"x": 1, "y": 1, "z": 0.75}}

#: At most about this many ticks along a scene's floor axes: at plotly's own density the two axes' labels ran
#: into each other at the corner where they meet (the training replay's end states, -3 … 3 against -4 … 4).
SCENE_TICKS = 5


def low_layout(height: int, animate: bool) -> tuple[int, int]:
    """A low figure's (bottom margin, plot area height) in px: controls or a foot under the plots."""
    bottom = LOW_CONTROLS_GAP_PX + LOW_CONTROLS_PX if animate else LOW_FOOT_PX
    return bottom, max(height - CLOUD_TOP_PX - bottom, 100)


def near_view(scene_px: float) -> dict:
    """A low figure's camera for a scene `scene_px` high: the cube drawn one size whatever that height."""
    distance = LOW_EYE_PER_PX * scene_px
    return {"eye": {k: v * distance for k, v in NEAR_CLOUD_EYE.items()}, "center": NEAR_CLOUD_CENTER}


def _at_fraction(panel: Panel, s: float) -> np.ndarray:
    """States (n, D) at fraction `s` of the panel's own time span, linear between stored times."""
    tq = panel.t[0] + s * (panel.t[-1] - panel.t[0])
    k = int(np.clip(np.searchsorted(panel.t, tq, side="right") - 1, 0, len(panel.t) - 2))
    w = (tq - panel.t[k]) / max(panel.t[k + 1] - panel.t[k], 1e-12)
    return panel.states[k] * (1 - w) + panel.states[k + 1] * w


def _cloud_xyz(panel: Panel, s: float) -> tuple[np.ndarray, ...]:
    """A 1-D state moves along x with the input on y (the order of the points is the story)."""
    z = _at_fraction(panel, s)
    if panel.dim == 1:
        return z[:, 0], panel.states[0, :, 0]
    if panel.dim == 2:
        return z[:, 0], z[:, 1]
    return z[:, 0], z[:, 1], z[:, 2]


def _span(values: np.ndarray) -> list[float]:
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    pad = 0.06 * max(high - low, 1e-3)
    return [low - pad, high + pad]


def cloud_figure(
    panels: Sequence[Panel],
    coloring: Coloring,
    height: int = 560,
    *,
    frames: int = 26,
    animate: bool = True,
    start: float = 0.5,
) -> go.Figure:
    """The point cloud flowing from t = 0 to t1, one panel per model (3-D for states of three dims or
    more), with play / pause and a time slider; `animate=False` draws only the end state.

    An animation opens on the frame nearest the fraction `start` of the flow (half-way by default): frame
    0 is only the input, and a view must make its point before anyone presses Play.

    `height` is the third argument, as of the lab's other builders of panels: the lab's presenter mode calls
    `build(panels, coloring, height)`, which with `frames` third made 434 frames of a figure laid out 560 px
    high (then drawn 434 px high), their names repeated ("0.00 0.00 0.00 0.01 …") on the slider."""
    low = height < LOW_HEIGHT
    bottom, plot = low_layout(height, animate) if low else (CONTROLS_PX, height - CLOUD_TOP_PX - CONTROLS_PX)
    specs = [[{"type": "scene" if p.dim >= 3 else "xy"} for p in panels]]
    fig = make_subplots(
        rows=1,
        cols=len(panels),
        specs=specs,
        subplot_titles=[p.label for p in panels],
        horizontal_spacing=0.12,  # room for a 3-D panel's z0 / z1 titles beside a 2-D one
    )
    colors = coloring.marker_colors()
    fractions = np.linspace(0.0, 1.0, frames) if animate else np.array([1.0])
    opening = int(np.argmin(np.abs(fractions - start)))
    scenes = 0
    for c, panel in enumerate(panels, start=1):
        coords = _cloud_xyz(panel, fractions[opening])
        marker = {"size": 3.5 if panel.dim >= 3 else 6, "color": colors, "line": {"width": 0}}
        if panel.dim >= 3:
            trace = go.Scatter3d(
                x=coords[0], y=coords[1], z=coords[2], mode="markers", marker=marker, hoverinfo="skip"
            )
        else:
            trace = go.Scatter(x=coords[0], y=coords[1], mode="markers", marker=marker, hoverinfo="skip")
        fig.add_trace(trace, row=1, col=c)
        ranges = [_span(panel.states[:, :, d]) for d in range(min(panel.dim, 3))]
        if panel.dim == 1:
            ranges.append(_span(panel.states[0, :, 0]))
        if panel.dim >= 3:
            scenes += 1
            fig.update_layout(
                {
                    ("scene" if scenes == 1 else f"scene{scenes}"): {
                        "xaxis": {
                            "range": ranges[0],
                            "title": {"text": panel.dim_names[0]},
                            "nticks": SCENE_TICKS,
                        },
                        "yaxis": {
                            "range": ranges[1],
                            "title": {"text": panel.dim_names[1]},
                            "nticks": SCENE_TICKS,
                        },
                        "zaxis": {
                            "range": ranges[2],
                            "title": {"text": panel.dim_names[2]},
                            "tickvals": upper_ticks(*ranges[2]),
                        },
                        **(LOW_SCENE_BOX if low else {"aspectmode": "cube"}),
                        "camera": near_view(plot) if low else CLOUD_VIEW,
                    }
                }
            )
        else:
            y_title = "input x" if panel.dim == 1 else panel.dim_names[1]
            fig.update_xaxes(range=ranges[0], title_text=panel.dim_names[0], row=1, col=c)
            fig.update_yaxes(range=ranges[1], title_text=y_title, row=1, col=c)
    fig = finish(fig, height)
    # No legend (the colours are the classes' of every other tab): the top only holds the subplot titles,
    # so the clouds start higher, above a projector's fold (tour step 10).
    fig.update_layout(showlegend=False, margin={"t": CLOUD_TOP_PX})
    if low:
        fig.update_layout(margin={"b": bottom})
        fig.update_yaxes(domain=[LOW_AXIS_BAND_PX / plot, 1])
    if not animate:
        return fig
    redraw = any(p.dim >= 3 for p in panels)
    names = [f"{s:.2f}" for s in fractions]
    frame_list = []
    for s, name in zip(fractions, names, strict=True):
        data = []
        for panel in panels:
            coords = _cloud_xyz(panel, s)
            if panel.dim >= 3:
                data.append(go.Scatter3d(x=coords[0], y=coords[1], z=coords[2]))
            else:
                data.append(go.Scatter(x=coords[0], y=coords[1]))
        frame_list.append(go.Frame(data=data, traces=list(range(len(panels))), name=name))
    fig.frames = frame_list
    # Paper coordinates scale with the plot's height: place the controls a fixed px under the axes.
    below = -(LOW_CONTROLS_GAP_PX if low else CONTROLS_GAP_PX) / plot
    fig.update_layout(margin={"b": bottom})
    fig = add_play_controls(
        fig,
        names,
        prefix="t / t₁ = ",
        frame_ms=90,
        redraw=redraw,
        y=below,
        slider_x=0.16,
        slider_y=below if low else None,
        active=opening,
    )
    return fig
