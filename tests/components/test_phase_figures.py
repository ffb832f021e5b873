"""Phase-portrait figures: the layers, click targets, speed colours, the animation's frames and controls,
3-D traces and the trace–determinant plane."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest
import torch

from app.kit.figures import PRESENTER_SCENE_HEIGHT, presenter_figure
from components.fixed_point_figures import (
    format_complex,
    format_eigenvalues,
    region_labels,
    trace_determinant_figure,
)
from components.phase_figures import (
    CLICK_TARGET_NAME,
    FLOW_FRAME_MS,
    SIMPLIFY_TOL,
    PlaneLayers,
    TrajectorySet,
    flow_animation_figure,
    phase_plane_figure,
    polyline,
    simplified,
    trajectories_3d_figure,
)
from components.phase_marks import SPEED_BINS, speed_bins
from models.phase.fixed_points import FixedPoint, find_fixed_points
from models.phase.nullclines import nullcline_lines
from models.phase.portrait import sample_field, streamlets
from models.systems.spec import SystemSpec

WINDOW = ((-4.0, 4.0), (-3.0, 3.0))
PENDULUM = SystemSpec("pendulum").field()


def _curves(batch: int = 3, steps: int = 5) -> np.ndarray:
    t = np.linspace(0, 1, steps)[:, None]
    return np.stack((t + np.arange(batch), -t * np.ones(batch)), axis=-1)  # (T, batch, 2)


def test_polyline_joins_curves_with_gaps():
    x, y = polyline(_curves(3, 5))
    assert len(x) == 3 * 6 and np.isnan(x[5::6]).all() and np.isfinite(x[:5]).all()
    assert x[6] == 1.0 and y[4] == -1.0


def test_the_plane_has_every_layer_and_the_window():
    points = tuple(find_fixed_points(PENDULUM, WINDOW))
    layers = PlaneLayers(
        window=WINDOW,
        names=("θ", "p"),
        trajectories=(
            TrajectorySet("trajectories", _curves()),
            TrajectorySet("yours", _curves(1), dash="dot"),
        ),
        streamlets=streamlets(PENDULUM, WINDOW, n=8),
        nullclines=nullcline_lines(PENDULUM, WINDOW, 41),
        fixed_points=points,
        click_targets=10,
        starts=((1.0, 0.5),),
    )
    fig = phase_plane_figure(layers)
    names = [t.name for t in fig.data]
    for expected in (
        "trajectories",
        "yours",
        "θ-nullcline (dθ/dt = 0)",
        "p-nullcline (dp/dt = 0)",
        "saddle",
        "centre",
        "your starts",
        CLICK_TARGET_NAME,
    ):
        assert expected in names
    targets = next(t for t in fig.data if t.name == CLICK_TARGET_NAME)
    assert len(targets.x) == 100 and targets.marker.color == "rgba(0,0,0,0)"
    assert list(fig.layout.xaxis.range) == [-4.0, 4.0] and list(fig.layout.yaxis.range) == [-3.0, 3.0]
    saddles = next(t for t in fig.data if t.name == "saddle")
    assert sorted(np.round(saddles.x, 6)) == pytest.approx([-np.pi, np.pi], abs=1e-6)
    assert "eigenvalues -1, 1" in saddles.text[0]
    # each saddle gets two eigen-direction segments, unstable red and stable blue
    names = [t.name for t in fig.data]
    assert names.count("unstable eigen-direction") == 2 and names.count("stable eigen-direction") == 2
    unstable = next(t for t in fig.data if t.name == "unstable eigen-direction")
    assert (unstable.x[1] - unstable.x[0]) * (unstable.y[1] - unstable.y[0]) > 0  # along (1, 1) at θ = ±π


def test_field_marks_are_coloured_by_speed():
    sample = sample_field(PENDULUM, WINDOW, 15)
    fig = phase_plane_figure(PlaneLayers(window=WINDOW, names=("θ", "p"), arrows=sample))
    marks = [t for t in fig.data if t.mode == "lines"]
    assert 2 <= len(marks) <= SPEED_BINS
    assert len({t.line.color for t in marks}) == len(marks)
    bar = [t for t in fig.data if t.marker is not None and t.marker.showscale]
    assert len(bar) == 1 and bar[0].marker.colorbar.title.text == "|f|"


def test_beside_the_plane_the_legend_is_a_column_and_the_colour_bar_lies_under_it():
    """A projector's plane (tour step 6): the legend's rows under the plot fell below the fold; beside it, the
    field's upright colour bar stood over the legend."""
    sample = sample_field(PENDULUM, WINDOW, 15)
    fig = phase_plane_figure(
        PlaneLayers(window=WINDOW, names=("θ", "p"), arrows=sample), 434, legend_beside=True
    )
    legend = fig.layout.legend
    assert (legend.orientation, legend.x, legend.yanchor, legend.y) == ("v", 1.02, "top", 1.0)
    (bar,) = [t.marker.colorbar for t in fig.data if t.marker is not None and t.marker.showscale]
    assert (bar.orientation, bar.x, bar.y, bar.yanchor) == ("h", 1.02, 0.0, "bottom")
    assert fig.layout.height == 434
    below = phase_plane_figure(PlaneLayers(window=WINDOW, names=("θ", "p"), arrows=sample))
    assert below.layout.legend.orientation == "h" and below.layout.legend.y < 0


def test_speed_bins_are_monotone_and_skip_undefined():
    speed = np.array([np.nan, 0.0, 0.01, 0.1, 1.0, 10.0, 100.0])
    index, low, high = speed_bins(speed, bins=4)
    assert index[0] == -1 and index[1] == -1
    assert (np.diff(index[2:]) >= 0).all() and index[2] == 0 and index[-1] == 3
    assert low < high


def test_the_animation_has_frames_play_pause_and_a_time_slider():
    times = np.linspace(0, 2, 6)
    clouds = np.random.default_rng(0).normal(size=(6, 30, 2))
    fig = flow_animation_figure(WINDOW, ("x", "y"), times, clouds, np.linspace(0, 1, 30))
    assert len(fig.frames) == 6
    assert np.allclose(fig.frames[3].data[0].x, clouds[3, :, 0])
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert labels == ["Play", "Pause"]
    # Playing, the points glide from frame to frame for as long as a frame shows; paused, they jump.
    play, pause = (b.args[1] for b in fig.layout.updatemenus[0].buttons)
    assert play["frame"]["duration"] == play["transition"]["duration"] == FLOW_FRAME_MS
    assert play["transition"]["easing"] == "linear" and pause["transition"]["duration"] == 0
    assert [s.label for s in fig.layout.sliders[0].steps] == [f"{t:.2f}" for t in times]
    # It opens mid-flow (frame 3 of 6), the drawn cloud and the slider alike, not on the starting patch.
    cloud = [tr for tr in fig.data if tr.name == "points"][0]
    assert fig.layout.sliders[0].active == 3 and np.allclose(cloud.x, clouds[3, :, 0])


def test_3d_trajectories_and_the_cylinder():
    curves = np.stack(
        (np.cos(np.linspace(0, 6, 20)), np.sin(np.linspace(0, 6, 20)), np.linspace(0, 1, 20)), -1
    )
    fig = trajectories_3d_figure(curves[:, None, :], ("x", "y", "z"), color_by=np.linspace(0, 1, 20))
    assert isinstance(fig.data[0], go.Scatter3d) and fig.layout.scene.zaxis.title.text == "z"
    assert len(fig.data[0].line.color) == 21
    fig = trajectories_3d_figure(curves[:, None, :], ("cos θ", "sin θ", "p"), cylinder=True)
    assert isinstance(fig.data[0], go.Surface)


def test_trace_determinant_plane_places_each_point():
    points = find_fixed_points(PENDULUM, WINDOW)
    fig = trace_determinant_figure(points)
    saddles = next(t for t in fig.data if t.name == "saddle")
    centres = next(t for t in fig.data if t.name == "centre")
    assert list(saddles.y) == pytest.approx([-1.0, -1.0]) and list(saddles.x) == pytest.approx([0.0, 0.0])
    assert list(centres.y) == pytest.approx([1.0])


@pytest.mark.parametrize(
    ("value", "text"),
    [(2 + 0j, "2"), (-0.1 + 1j, "-0.1 + 1i"), (0.5 - 2j, "0.5 − 2i"), (3j, "3i"), (-0.0 + 0j, "0")],
)
def test_format_complex(value, text):
    assert format_complex(value) == text


def test_format_eigenvalues_writes_a_conjugate_pair_once():
    assert format_eigenvalues([-0.15 + 0.98874j, -0.15 - 0.98874j], 4) == "-0.15 ± 0.9887i"
    assert format_eigenvalues([2j, -2j]) == "±2i"
    assert format_eigenvalues([-1 + 0j, 3 + 0j]) == "-1,  3"
    assert format_eigenvalues([1 + 0j, 0.5 + 2j, 0.5 - 2j]) == "1,  0.5 ± 2i"


def test_region_labels_of_the_trace_determinant_plane_stay_apart_and_inside():
    """Each name on at most two short lines, inside the plot, anchored away from its neighbours: at the
    presenter scale in 2/5 of 1024 px none runs into another or past the plot's edge."""
    reach, top = 3.0, 2.25
    labels = {text: (x, y, anchors) for x, y, text, anchors in region_labels(reach, top)}
    assert all(len(line) <= 9 for text in labels for line in text.split("<br>"))
    assert all(abs(x) <= reach and abs(y) <= top for x, y, _ in labels.values())
    (lx, _, left), (rx, _, right) = labels["stable<br>spirals"], labels["unstable<br>spirals"]
    assert lx < 0 < rx and (left["xanchor"], right["xanchor"]) == ("right", "left")  # apart from τ = 0
    assert labels["centres"][2]["textangle"] == -90  # upright along τ = 0, between the spirals
    (_, ny, nodes), (_, sy, spirals) = labels["stable<br>nodes"], labels["stable<br>spirals"]
    assert nodes["yanchor"] == "bottom" and spirals["yanchor"] == "top" and ny < 0.1 * top < 0.9 * top < sy
    fig = trace_determinant_figure(find_fixed_points(PENDULUM, WINDOW))
    assert [a.text for a in fig.layout.annotations] == list(labels)


def _point(trace: float, det: float, kind: str) -> FixedPoint:
    """A planar fixed point whose Jacobian [[trace, -det], [1, 0]] has this trace and determinant."""
    return FixedPoint((0.0, 0.0), ((trace, -det), (1.0, 0.0)), (), (), kind)


#: The trace–determinant plot at the presenter scale in 2/5 of 1024 px: its plot area in pixels (about 300 px
#: wide; 470 px high less its margins and a two-row legend) and its annotations' font (14 px, 1.6 times larger).
PLOT_PX = (300.0, 270.0)
LABEL_FONT_PX = 14 * 1.6


def _label_box(annotation: dict, px_per_unit: tuple[float, float]) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1) in data units of an annotation's text, from its anchors, angle and lines: a
    character 0.5 em wide (measured in the browser: "centres" 67 px, "unstable" 81 px at 22.4 px, 0.43 to
    0.45 em), a line 1.25 em high."""
    lines = annotation["text"].split("<br>")
    width, height = 0.5 * LABEL_FONT_PX * max(map(len, lines)), 1.25 * LABEL_FONT_PX * len(lines)
    if annotation.get("textangle") == -90:
        width, height = height, width
    w, h = width / px_per_unit[0], height / px_per_unit[1]
    x, y = annotation["x"], annotation["y"]
    x0 = {"left": x, "right": x - w}.get(annotation.get("xanchor"), x - w / 2)
    y0 = {"bottom": y, "top": y - h}.get(annotation.get("yanchor"), y - h / 2)
    return x0, x0 + w, y0, y0 + h


@pytest.mark.parametrize(
    "points",
    [
        [_point(-0.3, 1.0, "stable spiral")],  # the tour's damped pendulum: "centres" ended 3 px from it
        [_point(0.0, 1.0, "centre"), _point(0.0, -1.0, "saddle")],  # the pendulum
        [_point(0.0, 4.0, "centre")],  # Δ = 4 lay above the plot's Δ range of ±2.25
        [_point(-4.0, 3.0, "stable node"), _point(2.5, -2.0, "saddle"), _point(1.0, 6.0, "unstable spiral")],
    ],
)
def test_region_names_keep_clear_of_the_fixed_points_at_the_presenter_scale(points):
    layout = json.loads(trace_determinant_figure(points).to_json())["layout"]
    (x_lo, x_hi), (y_lo, y_hi) = layout["xaxis"]["range"], layout["yaxis"]["range"]
    per_unit = (PLOT_PX[0] / (x_hi - x_lo), PLOT_PX[1] / (y_hi - y_lo))
    fig = trace_determinant_figure(points)
    markers = [(x, y) for t in fig.data if t.mode == "markers" for x, y in zip(t.x, t.y, strict=True)]
    assert len(markers) == len(points)
    for x, y in markers:
        assert x_lo < x < x_hi and y_lo < y < y_hi  # every point on the plot
        for annotation in layout["annotations"]:
            x0, x1, y0, y1 = _label_box(annotation, per_unit)
            dx = max(x0 - x, 0.0, x - x1) * per_unit[0]
            dy = max(y0 - y, 0.0, y - y1) * per_unit[1]
            assert np.hypot(dx, dy) >= 7 + 6, annotation["text"]  # the marker's 7 px radius and 6 px clear


def test_the_node_names_sit_under_the_parabola_at_1280_and_on_a_light_ground():
    """At the presenter scale in 2/5 of 1280 px (a plot about 400 x 360 px) each node region's name lies
    below det = tr²/4, inside the region it names; every name has a light ground for narrower plots."""
    layout = json.loads(trace_determinant_figure([_point(-0.3, 1.0, "stable spiral")]).to_json())["layout"]
    (x_lo, x_hi), (y_lo, y_hi) = layout["xaxis"]["range"], layout["yaxis"]["range"]
    per_unit = (400 / (x_hi - x_lo), 360 / (y_hi - y_lo))
    nodes = [a for a in layout["annotations"] if a["text"].endswith("nodes")]
    assert len(nodes) == 2
    for annotation in nodes:
        x0, x1, y0, y1 = _label_box(annotation, per_unit)
        inner = min(abs(x0), abs(x1))
        assert y0 > 0 and y1 <= inner**2 / 4
    assert all(a["bgcolor"].startswith("rgba(255, 255, 255") for a in layout["annotations"])


def test_the_3d_scene_is_wider_than_tall_to_use_a_wide_page():
    curves = np.random.default_rng(0).normal(size=(20, 3, 3))
    layout = json.loads(trajectories_3d_figure(curves, ("x", "y", "z")).to_json())["layout"]
    scene_ = layout["scene"]
    assert scene_["aspectmode"] == "manual"
    ratio = scene_["aspectratio"]
    assert ratio["x"] > ratio["y"] > ratio["z"]  # long along x, where the Lorenz attractor's wings lie
    eye = scene_["camera"]["eye"]
    # From the y side, where the wings sit side by side, and lower than the diagonal: seen corner-on the floor's
    # front corner and its tick labels sat at the box's foot, under a 720 px fold (tour step 8).
    assert abs(eye["y"]) > 2 * abs(eye["x"]) and eye["z"] < np.hypot(eye["x"], eye["y"]) / np.sqrt(2)
    assert scene_["camera"]["center"]["z"] < 0  # the floor's tick labels stay inside the box


def test_the_3d_figure_in_presenter_mode_ends_above_a_projector_s_fold():
    """Tour step 8's chart starts 261 px down the page at 1280x720 and 1024x768: the 640 px figure's x and y
    tick labels at the floor's front fell under the fold, its legend below it."""
    curves = np.random.default_rng(0).normal(size=(20, 3, 3))
    layout = presenter_figure(trajectories_3d_figure(curves, ("x", "y", "z"), color_by=np.arange(20.0)))[
        "layout"
    ]
    assert layout["height"] == PRESENTER_SCENE_HEIGHT and 261 + layout["height"] <= 720
    margin = layout["margin"]
    scene_px = layout["height"] - margin["t"] - margin["b"]
    assert scene_px >= 0.8 * layout["height"]
    assert -layout["legend"]["y"] * scene_px <= 12  # its legend just under the scene, above the fold


def test_a_nullcline_goes_in_fewer_points_within_a_quarter_pixel_of_the_same_line():
    window = ((-3.0, 3.0), (-2.0, 2.0))
    field = lambda t, y: torch.stack([y[..., 1] - torch.sin(2 * y[..., 0]), y[..., 0]], dim=-1)  # noqa: E731
    lines = nullcline_lines(field, window, 121)
    for line in lines:
        drawn = simplified(line, window)
        points = line[~np.isnan(line).any(axis=1)]
        kept = drawn[~np.isnan(drawn).any(axis=1)]
        assert len(kept) < len(points) / 3
        assert {tuple(p) for p in kept} <= {tuple(p) for p in points}  # every point kept is one of the line's
        scale = np.array([hi - lo for lo, hi in window])
        pieces = np.split(drawn, np.flatnonzero(np.isnan(drawn).any(axis=1)))
        segments = [
            (a / scale, b / scale)
            for piece in pieces
            for a, b in zip(piece[:-1], piece[1:], strict=True)
            if not (np.isnan(a).any() or np.isnan(b).any())
        ]
        for p in points / scale:
            gap = min(
                np.linalg.norm(
                    p - (a + np.clip(np.dot(p - a, b - a) / max(np.dot(b - a, b - a), 1e-30), 0, 1) * (b - a))
                )
                for a, b in segments
            )
            assert gap <= SIMPLIFY_TOL + 1e-12
