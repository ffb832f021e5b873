"""NODE vs ANODE figures: the traces, panels, scenes and animation frames each builder makes."""

import numpy as np
import plotly.graph_objects as go
import pytest

from components.flow_cloud_figures import (
    CLOUD_TOP_PX,
    CONTROLS_GAP_PX,
    LOW_AXIS_BAND_PX,
    cloud_figure,
)
from components.flow_panels import CLASS_COLORS, THIN_SPAN, Coloring, Panel, polylines, upper_ticks
from components.flow_path_figures import FLIP_ROW_GAP, depth_figure, flip1d_figure, flow_3d_figure
from components.flow_plane_figures import (
    REGIONS_TOP_PX,
    decision_regions_figure,
    own_points_figure,
    vector_field_figure,
)
from models.node_anode.analysis import FieldGrid, RegionGrid

N = 6
LABELS = np.array([0, 1, 0, 1, 1, 0])


def _panel(dim: int, label: str = "NODE", t=None, discrete=False) -> Panel:
    t = np.linspace(0, 1, 5) if t is None else t
    states = np.stack([np.full((N, dim), k) + np.arange(N)[:, None] for k in t])  # (T, N, dim)
    names = ("z0", "z1", "a1")[:dim] if dim <= 3 else tuple(f"d{i}" for i in range(dim))
    return Panel(label, np.asarray(t, float), states.astype(float), names, discrete)


def _grid() -> RegionGrid:
    xs, ys = np.linspace(-1, 1, 4), np.linspace(-2, 2, 3)
    return RegionGrid(xs, ys, np.linspace(0, 1, 12).reshape(3, 4), nfe=10)


def _field(top: float) -> FieldGrid:
    xs = ys = np.linspace(-1, 1, 3)
    speed = np.full((3, 3), top)
    lines = np.zeros((4, 3, 2)) + np.arange(3)[None, :, None] * 0.1
    return FieldGrid(xs, ys, speed, speed, speed, lines, (0, 1))


def test_coloring_groups_classes_and_bins_values():
    classes = Coloring(LABELS)
    groups = classes.groups()
    assert [g[2] for g in groups] == ["class 0", "class 1"]
    assert groups[1][1] == CLASS_COLORS[1] and groups[1][0].sum() == 3
    assert list(classes.marker_colors()) == [CLASS_COLORS[k] for k in LABELS]
    values = Coloring(np.linspace(-1, 1, 70), categorical=False, title="input x")
    masks = [g[0] for g in values.groups()]
    assert len(masks) == 7 and sum(m.sum() for m in masks) == 70  # every point in exactly one bin


def test_polylines_separate_points_with_nan():
    states = np.arange(24, dtype=float).reshape(4, 3, 2)
    (x,) = polylines(states, np.array([True, False, True]), [states[:, :, 0]])
    assert x.shape == (10,) and np.isnan(x[4]) and np.isnan(x[9])
    np.testing.assert_array_equal(x[:4], states[:, 0, 0])


def test_decision_regions_one_heatmap_and_boundary_per_model_with_the_data():
    points = np.random.default_rng(0).normal(size=(N, 2))
    fig = decision_regions_figure([("NODE", _grid()), ("ANODE", _grid())], points, Coloring(LABELS))
    kinds = [type(tr).__name__ for tr in fig.data]
    assert kinds.count("Heatmap") == 2 and kinds.count("Contour") == 2
    assert all(tr.coloraxis == "coloraxis" for tr in fig.data if isinstance(tr, go.Heatmap))
    contour = next(tr for tr in fig.data if isinstance(tr, go.Contour))
    assert contour.contours.start == 0.5 and contour.contours.end == 0.5
    scatters = [tr for tr in fig.data if isinstance(tr, go.Scatter)]
    assert len(scatters) == 4 and sum(len(tr.x) for tr in scatters) == 2 * N
    assert [a.text for a in fig.layout.annotations] == ["NODE", "ANODE"]


def test_depth_has_a_row_per_state_dimension():
    fig = depth_figure([_panel(2), _panel(3, "ANODE")], Coloring(LABELS))
    assert len(fig.data) == (2 + 3) * 2  # (dimensions) x (classes)
    titles = [fig.layout[name].title.text for name in fig.layout if name.startswith("yaxis")]
    assert sorted(t for t in titles if t) == ["a1", "z0", "z0", "z1", "z1"]
    first = fig.data[0]
    # Three class-0 points, their straight paths (the test panel's) drawn by their ends, NaN between.
    assert len(first.x) == 3 * (2 + 1)


def test_depth_of_a_regression_task_carries_a_colour_bar_not_legend_bins():
    fig = depth_figure([_panel(1)], Coloring(np.linspace(-1, 1, N), categorical=False))
    assert not any(tr.showlegend for tr in fig.data if tr.showlegend is not None and tr.x[0] is not None)
    bars = [tr for tr in fig.data if tr.marker is not None and tr.marker.showscale]
    assert len(bars) == 1


def test_3d_uses_time_for_a_2d_state_and_the_augmented_axis_otherwise():
    fig = flow_3d_figure([_panel(2), _panel(3, "ANODE")], Coloring(LABELS))
    assert fig.layout.scene.zaxis.title.text == "t"
    assert fig.layout.scene2.zaxis.title.text == "a1"
    lines = [tr for tr in fig.data if isinstance(tr, go.Scatter3d) and tr.mode == "lines"]
    assert len(lines) == 4
    with pytest.raises(ValueError):
        flow_3d_figure([_panel(1)], Coloring(LABELS))


def test_cloud_animation_has_a_frame_per_time_with_play_and_slider():
    fig = cloud_figure([_panel(2), _panel(3, "ANODE")], Coloring(LABELS), frames=11)
    assert len(fig.frames) == 11 and len(fig.layout.sliders[0].steps) == 11
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["Play", "Pause"]
    assert isinstance(fig.data[1], go.Scatter3d) and isinstance(fig.data[0], go.Scatter)
    # A 3-D panel needs a redraw each frame.
    assert fig.layout.updatemenus[0].buttons[0].args[1]["frame"]["redraw"] is True
    last = fig.frames[-1].data[0]
    np.testing.assert_allclose(last.x, np.arange(N) + 1.0)  # the state at t1


def test_cloud_interpolates_a_resnet_between_its_layers_and_draws_1d_against_the_input():
    resnet = _panel(1, "ResNet", t=np.array([0.0, 1.0, 2.0, 3.0]), discrete=True)
    fig = cloud_figure([resnet], Coloring(LABELS), frames=3)
    middle = fig.frames[1].data[0]  # t / t1 = 0.5, halfway between layers 1 and 2
    np.testing.assert_allclose(middle.x, np.arange(N) + 1.5)
    np.testing.assert_allclose(middle.y, np.arange(N))  # the input, unchanged
    assert fig.layout.yaxis.title.text == "input x"
    still = cloud_figure([resnet], Coloring(LABELS), animate=False)
    assert len(still.frames) == 0 and not still.layout.updatemenus
    np.testing.assert_allclose(still.data[0].x, np.arange(N) + 3.0)


def test_vector_field_shares_one_speed_scale_and_draws_the_paths():
    fig = vector_field_figure(
        [("NODE", _field(2.0), ("z0", "z1")), ("ANODE", _field(5.0), ("z0", "z1"))],
        [_panel(2), None],
        Coloring(LABELS),
    )
    heatmaps = [tr for tr in fig.data if isinstance(tr, go.Heatmap)]
    assert len(heatmaps) == 2 and {tr.coloraxis for tr in heatmaps} == {"coloraxis"}
    assert fig.layout.coloraxis.cmax == 5.0
    streams = [tr for tr in fig.data if tr.name == "streamlines of f"]
    assert len(streams) == 2 and streams[0].marker.symbol == "arrow"
    assert (
        sum(1 for tr in fig.data if tr.name in ("class 0", "class 1")) == 2
    )  # paths of the first panel only


def test_flip1d_draws_outputs_against_the_target():
    inputs = np.linspace(-1, 1, N)
    fig = flip1d_figure([_panel(1), _panel(2, "ANODE")], inputs, [np.zeros(N), -inputs])
    targets = [tr for tr in fig.data if tr.name == "target −x"]
    assert len(targets) == 2
    np.testing.assert_allclose(targets[0].y, -targets[0].x)
    outputs = [tr for tr in fig.data if tr.name == "output"]
    np.testing.assert_allclose(outputs[1].y, -inputs)


def test_cloud_animation_opens_mid_flow_on_the_frame_its_slider_names():
    fig = cloud_figure([_panel(2), _panel(3, "ANODE")], Coloring(LABELS), frames=11)
    assert fig.layout.sliders[0].active == 5  # t / t1 = 0.5, not the input at frame 0
    np.testing.assert_allclose(fig.data[0].x, fig.frames[5].data[0].x)
    np.testing.assert_allclose(fig.data[1].z, fig.frames[5].data[1].z)
    assert fig.frames[5].name == "0.50"


def test_3d_views_leave_room_for_the_vertical_axis_title_and_look_from_the_side():
    fig = flow_3d_figure([_panel(2), _panel(3, "ANODE")], Coloring(LABELS))
    assert fig.layout.margin.l >= 30 and fig.layout.margin.r >= 30
    for name in ("scene", "scene2"):
        eye = fig.layout[name].camera.eye
        assert eye.z < 0.7 < abs(eye.x)  # low and side-on: the t / a1 axis stands upright
        # Near enough that the cube fills its scene (from 3.2 away it was a small cube in a wide gap), far
        # enough that the t / a1 title and the right-hand ticks stay inside a half-width scene at 1024 px.
        assert 2.4 < (eye.x**2 + eye.y**2 + eye.z**2) ** 0.5 < 3
        assert fig.layout[name].camera.center.z < 0  # the cube drawn higher, nearer its title


def test_a_low_figure_s_3d_scenes_are_seen_from_nearer():
    # A projector's figure above its fold: scenes much wider than tall, where a nearer camera draws the cube
    # larger (tour steps 10 and 11); a laptop's taller, narrower scenes keep the farther view.
    def distance(eye) -> float:
        return (eye.x**2 + eye.y**2 + eye.z**2) ** 0.5

    panels = [_panel(2), _panel(3, "ANODE")]
    low, tall = flow_3d_figure(panels, Coloring(LABELS), height=434), flow_3d_figure(panels, Coloring(LABELS))
    assert distance(low.layout.scene.camera.eye) < 0.8 * distance(tall.layout.scene.camera.eye)
    assert low.layout.scene.camera.eye.z < 0.7 < abs(low.layout.scene.camera.eye.x)  # still side-on
    low = cloud_figure(panels, Coloring(LABELS), frames=3, height=434)
    tall = cloud_figure(panels, Coloring(LABELS), frames=3)
    assert distance(low.layout.scene.camera.eye) < 0.95 * distance(tall.layout.scene.camera.eye)


def test_the_cloud_takes_its_height_third_as_the_lab_s_presenter_mode_passes_it():
    """The lab's presenter mode calls `build(panels, coloring, height)` for its 3-D paths and its cloud alike:
    with `frames` third the cloud had 434 frames (their names repeated on the slider, "0.00 0.00 0.00 0.01"),
    laid out for 560 px and drawn 434 px high."""
    panels = [_panel(2), _panel(3, "ANODE")]
    fig = cloud_figure(panels, Coloring(LABELS), 434)
    assert fig.layout.height == 434 and len(fig.frames) == 26
    names = [f.name for f in fig.frames]
    assert len(set(names)) == len(names)
    with pytest.raises(TypeError):
        cloud_figure(panels, Coloring(LABELS), 434, 26)  # frames by name only


def test_the_cloud_s_3d_scene_is_drawn_from_the_side_far_enough_to_fit_a_narrow_scene():
    fig = cloud_figure([_panel(2), _panel(3, "ANODE")], Coloring(LABELS), frames=3)
    eye, center = fig.layout.scene.camera.eye, fig.layout.scene.camera.center
    # From 2.4 away a 287 px wide, 358 px high scene (the Animation tab beside its text at 1440x900) lost its
    # a1 title and a "5" tick; from much further the cube is a small thing in a gap.
    assert eye.z < 0.7 < abs(eye.x) and 2.6 < (eye.x**2 + eye.y**2 + eye.z**2) ** 0.5 < 3
    assert center.x < 0  # looking left of the centre: the a1 title beside the ticks stays in the scene


def test_side_by_side_fields_name_a_shared_vertical_axis_once():
    fig = vector_field_figure(
        [("NODE", _field(2.0), ("z0", "z1")), ("ANODE", _field(5.0), ("z0", "z1"))],
        [_panel(2), _panel(2)],
        Coloring(LABELS),
    )
    assert fig.layout.yaxis.title.text == "z1" and fig.layout.yaxis2.title.text is None
    assert fig.layout.xaxis2.title.text == "z0"


def test_the_own_points_plane_keeps_its_corner_tick_labels_apart():
    """The window's ends are ticks on both axes: without a standoff the x and y "−2" touch at the corner."""
    fig = own_points_figure([(0.5, 0.5, 0), (-1.0, 1.0, 1)], ((-2.0, 2.0), (-2.0, 2.0)), ["0", "1"])
    assert fig.layout.xaxis.range == (-2.0, 2.0) and fig.layout.yaxis.range == (-2.0, 2.0)
    assert fig.layout.xaxis.ticklabelstandoff >= 8 and fig.layout.yaxis.ticklabelstandoff >= 8


def test_thinned_polylines_drop_only_samples_the_line_passes_within_the_tolerance():
    t = np.linspace(0, 1, 26)
    bent = np.where(t < 0.5, t, 1 - t)  # straight but for a corner at t = 0.5
    states = np.stack([bent, np.sin(6 * t), 2 * t], axis=1)[:, :, None]  # (T, 3 points, 1)
    times = np.broadcast_to(t[:, None], (26, 3))
    mask = np.ones(3, dtype=bool)
    full = polylines(states, mask, [times, states[:, :, 0]])
    thin = polylines(states, mask, [times, states[:, :, 0]], THIN_SPAN)
    assert len(full[0]) == 3 * 27 and len(thin[0]) < 0.6 * len(full[0])
    lines = [np.split(x, np.flatnonzero(np.isnan(x)) + 1)[:3] for x in thin]
    for k in range(3):
        tk, yk = lines[0][k][:-1], lines[1][k][:-1]
        assert tk[0] == 0 and tk[-1] == 1  # every path keeps its ends
        # Redrawn through the kept samples, every dropped one is within the tolerance of the line.
        redrawn = np.interp(t, tk, yk)
        span = np.ptp(states[:, :, 0])
        np.testing.assert_allclose(redrawn, states[:, k, 0], atol=THIN_SPAN * span + 1e-6)
    straight = lines[0][2][:-1]
    assert len(straight) <= 5  # 25 steps of a straight line: its ends and the ends of 7-sample runs
    kept = lines[0][0][:-1]
    assert all(np.isclose(kept, c).any() for c in (0.48, 0.52))  # the samples either side of the corner stay


def test_upper_ticks_leave_the_axis_foot_free():
    for low, high in ((0, 1), (-9.3, 1.2), (-1.5, 7.2), (-6, 1.3), (2e-3, 4e-3)):
        ticks = upper_ticks(low, high)
        assert len(ticks) >= 2
        assert all(low + 0.2 * (high - low) - 1e-12 <= v <= high + 1e-12 for v in ticks)
    assert upper_ticks(0, 1) == [0.5, 1.0]


def test_3d_paths_tick_their_upright_axis_above_the_floor_s_corner_with_the_legend_between_the_titles():
    fig = flow_3d_figure([_panel(2), _panel(3, "ANODE")], Coloring(LABELS))
    assert fig.layout.scene.zaxis.tickvals == (0.5, 1.0)  # t over [0, 1]: no 0 at the corner
    low, high = 0.0, 1.0 + N - 1  # the ANODE panel's third coordinate: t + point
    assert min(fig.layout.scene2.zaxis.tickvals) >= low + 0.2 * (high - low)
    # The legend in the titles' row (centred between them) instead of a row of its own above them.
    assert fig.layout.legend.x == 0.5 and fig.layout.legend.xanchor == "center"
    assert fig.layout.margin.t <= 60


def _distance(eye) -> float:
    return (eye.x**2 + eye.y**2 + eye.z**2) ** 0.5


def test_the_cloud_s_controls_sit_a_fixed_gap_under_its_plots_on_a_laptop():
    fig = cloud_figure([_panel(2), _panel(3, "ANODE")], Coloring(LABELS), frames=3)
    margin = fig.layout.margin
    # Only the subplot titles above the clouds (no legend): they start higher.
    assert margin.t == CLOUD_TOP_PX == 50 and fig.layout.showlegend is False
    plot = fig.layout.height - margin.t - margin.b
    assert -fig.layout.updatemenus[0].y * plot == pytest.approx(CONTROLS_GAP_PX)


def _low_cloud(panels, animate=True):
    fig = cloud_figure(panels, Coloring(LABELS), frames=3, height=434, animate=animate)
    margin = fig.layout.margin
    return fig, fig.layout.height - margin.t - margin.b


def test_a_presenter_cloud_s_controls_clear_the_2d_plots_axis_titles_and_fit_in_the_figure():
    """On a projector (1.6x text) a 2-D plot's ticks and x-axis title reach 70 px under its axis: the Play
    button, 64 px under it, covered the flip's "z0" title and the slider's readout touched the ResNet's."""
    fig, plot = _low_cloud([_panel(1), _panel(2, "ANODE"), _panel(1, "ResNet")])
    margin, menu, slider = fig.layout.margin, fig.layout.updatemenus[0], fig.layout.sliders[0]
    assert margin.t == CLOUD_TOP_PX and fig.layout.showlegend is False
    for axis in ("yaxis", "yaxis2", "yaxis3"):
        assert fig.layout[axis].domain[0] * plot == pytest.approx(LOW_AXIS_BAND_PX)
    axis_foot = margin.t + (1 - LOW_AXIS_BAND_PX / plot) * plot  # px from the figure's top
    for y in (menu.y, slider.y):  # the buttons' top, and the slider's, where its readout is
        assert margin.t + (1 - y) * plot - axis_foot >= 80
    assert menu.yanchor == slider.yanchor == "top" and menu.y == slider.y
    # The slider measured 97 px, readout to labels, in Chromium: all of it in the margin, which else grows
    # in the browser and shrinks the plots.
    assert margin.b + menu.y * plot >= 100


def test_a_presenter_cloud_s_3d_scene_takes_the_2d_plots_axis_band():
    """Tour step 10: the 3-D scene, its labels inside its box, reaches down to where the 2-D plot's axis
    title ends (it was 215 px tall, the cube about 250 px wide in a 500 px box), and is seen from nearer
    and lower with its upright axis flattened, so the cube fitted to that height uses more of the width."""
    fig, plot = _low_cloud([_panel(2), _panel(3, "ANODE")])
    scene = fig.layout.scene
    assert tuple(scene.domain.y) == (0, 1) and fig.layout.yaxis.domain[0] > 0  # the 2-D plot leaves the band
    assert plot >= 260
    assert scene.aspectmode == "manual" and scene.aspectratio.z < scene.aspectratio.x == scene.aspectratio.y
    assert scene.camera.eye.z < 0.25 * _distance(scene.camera.eye)  # low: the a1 axis upright
    laptop = cloud_figure([_panel(2), _panel(3, "ANODE")], Coloring(LABELS), frames=3)
    assert laptop.layout.scene.aspectmode == "cube"


def test_a_presenter_cloud_draws_its_cube_one_size_in_a_taller_scene():
    """The training replay's end states (no controls) have a taller scene than the Animation tab's: the eye
    moves back in proportion, so that the cube, fitted by plotly to the height, still fits a 1024 px
    projector's 388 px wide scene (from the Animation tab's distance the a1 title ran off its left side)."""
    panels = [_panel(2), _panel(3, "ANODE")]
    animated, short = _low_cloud(panels)
    still, tall = _low_cloud(panels, animate=False)
    assert tall > short + 100 and still.layout.scene.domain.y == (0, 1)
    per_px = [_distance(f.layout.scene.camera.eye) / h for f, h in ((animated, short), (still, tall))]
    assert per_px[0] == pytest.approx(per_px[1])
    assert still.layout.yaxis.domain[0] * tall == pytest.approx(LOW_AXIS_BAND_PX)


def test_the_decision_regions_start_their_plots_higher_in_a_lower_figure():
    fig = decision_regions_figure([("NODE", _grid())], np.zeros((N, 2)), Coloring(LABELS))
    margin = fig.layout.margin
    assert margin.t == REGIONS_TOP_PX < 100
    # The plots as tall as with the 100 px top margin and 480 px, the figure 24 px lower: the presenter
    # figure's x-axis title above a 1280x720 fold (tour step 9, 741 -> 717 px).
    assert fig.layout.height - margin.t == 480 - 100 and fig.layout.height <= 456


def test_the_flip_s_rows_leave_room_for_the_top_row_s_axis_title_at_presenter_size():
    fig = flip1d_figure([_panel(1), _panel(2, "ANODE")], np.linspace(-1, 1, N), [np.zeros(N)] * 2)
    top, bottom = fig.layout.yaxis.domain, fig.layout.yaxis3.domain
    assert top[0] - bottom[1] == pytest.approx(FLIP_ROW_GAP)
    plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    # Presenter text (1.6 x 12 px): tick labels, the title "t", half the bottom row's top tick: about 80 px.
    assert FLIP_ROW_GAP * plot >= 80
