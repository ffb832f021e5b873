"""The Solver lab's figure builders return the traces, axes and annotations the page relies on."""

from __future__ import annotations

import json

import numpy as np

from app.kit.figures import PRESENTER_SCENE_HEIGHT, presenter_figure
from components.solver_figures import (
    components_figure,
    error_order_figure,
    omitted_steps,
    phase_figure,
    readable_framing,
    step_size_figure,
    trajectory_3d_figure,
    work_precision_figure,
)
from components.style import METHOD_COLORS, Curve

T = np.linspace(0, 1, 11)
CIRCLE = np.stack([np.cos(T), np.sin(T)], axis=1)
CURVES = [
    Curve("reference", "reference", T, CIRCLE, dash="dash"),
    Curve("euler", "Euler", T, CIRCLE * 1.1, markers=True),
    Curve("rk4", "RK4", T, CIRCLE),
]


def test_components_figure_has_one_row_per_state_and_one_legend_entry_per_curve():
    fig = components_figure(CURVES, ("x", "y"))
    assert len(fig.data) == 6
    assert sum(bool(tr.showlegend) for tr in fig.data) == 3
    assert fig.layout.yaxis.title.text == "x" and fig.layout.yaxis2.title.text == "y"
    assert fig.data[2].mode == "lines+markers"  # Euler's steps are visible
    assert fig.data[2].line.color == METHOD_COLORS["euler"]


def test_phase_figure_marks_start_and_accepted_steps():
    steps = Curve("dopri5", "accepted steps", T[:3], CIRCLE[:3])
    fig = phase_figure(CURVES, ("x", "y"), window=((-2, 2), (-2, 2)), steps=steps)
    names = [tr.name for tr in fig.data]
    assert names == ["reference", "Euler", "RK4", "accepted steps", "y₀"]
    assert list(fig.layout.xaxis.range) == [-2, 2]
    np.testing.assert_allclose(fig.data[-1].x, [1.0])


def test_3d_figure_uses_time_as_third_axis_for_planar_systems_and_z_for_lorenz():
    fig = trajectory_3d_figure(CURVES, ("x", "y"))
    assert fig.layout.scene.zaxis.title.text == "t"
    np.testing.assert_allclose(fig.data[1].z, T)
    lorenz = Curve("rk4", "RK4", T, np.ones((11, 3)) * np.arange(3))
    fig3 = trajectory_3d_figure([lorenz], ("x", "y", "z"))
    assert fig3.layout.scene.zaxis.title.text == "z"
    np.testing.assert_allclose(fig3.data[0].z, 2.0)


def test_error_order_figure_writes_each_measured_order_on_the_chart():
    h = np.array([0.1, 0.05, 0.025])
    fig = error_order_figure([("euler", "Euler", h, h, 1.0), ("rk4", "RK4", h, h**4, 4.0)])
    assert [tr.name for tr in fig.data] == ["Euler: measured order 1.00", "RK4: measured order 4.00"]
    assert [a.text for a in fig.layout.annotations] == ["slope 1.00", "slope 4.00"]
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"


def test_error_order_figure_leaves_a_gap_at_non_finite_points_and_survives_no_order():
    h = np.array([0.2, 0.1, 0.05, 0.025])
    fig = error_order_figure([("euler", "Euler", h, np.array([0.4, np.nan, 0.1, 0.05]), None)])
    # The failed step keeps its place as None, so the line breaks there instead of bridging it.
    assert list(fig.data[0].x) == list(h) and list(fig.data[0].y) == [0.4, None, 0.1, 0.05]
    assert not fig.data[0].connectgaps
    assert "not measurable" in fig.data[0].name
    assert not fig.layout.annotations


def test_work_precision_and_step_size_figures():
    fig = work_precision_figure(
        [("dopri5", "Dormand–Prince", np.array([10, 20]), np.array([1e-3, 1e-6]), ["a", "b"])]
    )
    assert fig.layout.xaxis.type == "log" and list(fig.data[0].text) == ["a", "b"]
    steps = step_size_figure("dopri5", "Dormand–Prince", np.array([0.0, 0.1]), np.array([0.1, 0.2]))
    assert steps.data[0].line.shape == "hv" and steps.layout.yaxis.type == "log"


def test_framing_leaves_plotly_its_ranges_when_every_curve_stays_near_the_reference():
    assert readable_framing(CURVES, CURVES[0]).ranges is None


def test_framing_follows_the_reference_and_names_a_curve_that_blew_up():
    blown = Curve("euler", "Euler", T, CIRCLE * np.exp(20 * T)[:, None])  # 5e8 at t = 1
    framing = readable_framing([CURVES[0], blown, CURVES[2]], CURVES[0])
    assert framing.ranges is not None
    (x_lo, x_hi), (y_lo, y_hi) = framing.ranges
    assert -0.1 < x_lo < 0.6 and 1.0 < x_hi < 1.1 and -0.1 < y_lo < 0.0 and 0.84 < y_hi < 0.9
    (escape,) = framing.escaped
    assert escape.label == "Euler" and 0.0 < escape.t < 0.2 and escape.peak > 1e8


def test_layers_set_the_drawing_order_and_width_the_line():
    beneath = Curve("dopri5", "Dormand–Prince", T, CIRCLE, width=1.5, layer=-1)
    fig = phase_figure([*CURVES, beneath], ("x", "y"))
    assert [tr.zorder for tr in fig.data[:4]] == [0, 0, 0, -1]
    assert fig.data[3].line.width == 1.5 and fig.data[2].line.width == 3


def test_omitted_steps_names_each_left_out_step_size():
    h = np.array([1.5, 1.09, 0.8, 0.571, 0.4])
    euler = np.array([np.nan, 5.5, 33.9, np.nan, 2.0])
    rk4 = np.array([0.4, 0.1, 0.03, 0.005, 0.001])
    midpoint = np.array([np.nan, 1.0, 0.5, 0.2, 0.0])  # an exact 0 cannot sit on a log axis either
    text = omitted_steps([("Euler", h, euler), ("RK4", h, rk4), ("Midpoint", h, midpoint)])
    assert text == "Euler at h = 0.571 and 1.5; Midpoint at h = 0.4 and 1.5"
    assert omitted_steps([("RK4", h, rk4)]) == ""


def test_log_axes_label_decades_or_1_2_5_steps_never_bare_minor_ticks():
    h = np.geomspace(0.047, 1.5, 12)
    fig = error_order_figure([("rk4", "RK4", h, 0.4 * h**4, 4.0)])
    shown = [
        text
        for v, text in zip(fig.layout.xaxis.tickvals, fig.layout.xaxis.ticktext, strict=True)
        if 0.047 <= v <= 1.5
    ]
    assert shown == ["0.05", "0.1", "0.2", "0.5", "1"]
    assert "1e-6" in fig.layout.yaxis.ticktext and "0.001" in fig.layout.yaxis.ticktext
    work = work_precision_figure([("dopri5", "D", np.array([10, 80]), np.array([1e-3, 1e-9]), ["a", "b"])])
    assert list(work.layout.xaxis.ticktext)[:3] == ["10", "20", "50"]  # not 1e+1 ... 8e+1
    assert list(work.layout.yaxis.ticktext) == ["1e-9", "1e-8", "1e-7", "1e-6", "1e-5", "1e-4", "0.001"]
    assert "1e-9" in work.layout.yaxis.ticktext  # no SI prefix: not "1n"


def test_legends_sit_under_the_plot_clear_of_the_toolbar():
    curves = [Curve("euler", "Euler", T, CIRCLE), Curve("rk4", "RK4", T, CIRCLE)]
    h = np.array([0.2, 0.1])
    figures = [
        components_figure(curves, ("x", "y")),
        phase_figure(curves, ("x", "y")),
        trajectory_3d_figure(curves, ("x", "y")),
        error_order_figure([("rk4", "RK4", h, h**4, 4.0)]),
        work_precision_figure([("rk4", "RK4", np.array([10, 20]), np.array([1e-3, 1e-4]), ["a", "b"])]),
    ]
    for fig in figures:
        assert fig.layout.legend.y < 0 and fig.layout.legend.yanchor == "top"


def test_the_3d_view_looks_below_the_box_s_centre_so_the_floor_s_ticks_stay_in_the_scene():
    t = np.linspace(0, 1, 5)
    fig = trajectory_3d_figure([Curve("euler", "Euler", t, np.stack([t, t], 1))], ("x", "y"))
    camera = fig.layout.scene.camera
    assert camera.center.z < 0 and camera.center.x == camera.center.y == 0


def test_the_3d_scene_spreads_across_a_laptop_s_page_instead_of_a_small_square():
    """plotly fits a scene to its box's lower side: a unit cube seen along the diagonal was a 350 px square in
    a 560 px high, 980 px wide box at 1440x900. A floor wider than the scene is tall, seen from lower than the
    diagonal, in a taller box, draws wider than high."""
    t = np.linspace(0, 1, 5)
    layout = json.loads(
        trajectory_3d_figure([Curve("euler", "Euler", t, np.stack([t, t], 1))], ("x", "y")).to_json()
    )["layout"]
    ratio, eye = layout["scene"]["aspectratio"], layout["scene"]["camera"]["eye"]
    assert layout["height"] >= 600
    assert min(ratio["x"], ratio["y"]) >= 1.5 * ratio["z"]
    assert eye["z"] / np.hypot(eye["x"], eye["y"]) < 1 / np.sqrt(2)  # lower than the (1, 1, 1) diagonal


def test_the_3d_time_axis_has_no_label_at_the_floor_s_corner():
    """Tour step 2 at 1280x720: t's "0" and y's "0" were drawn on one spot, where the t axis rises from the
    floor's corner. t's ticks start above its lowest fifth (the floor is t0's plane)."""
    t = np.linspace(0.0, 10.0, 41)
    curves = [Curve("rk4", "RK4", t, np.stack([np.cos(t), np.sin(t)], 1))]
    ticks = trajectory_3d_figure(curves, ("x", "y")).layout.scene.zaxis.tickvals
    assert ticks is not None and len(ticks) >= 2
    assert min(ticks) >= 2.0 and max(ticks) <= 10.0
    # A 3-D system's z likewise (the Solver lab's Lorenz view had z's "0" on y's "-20"), over its finite values.
    z = np.where(t < 9.5, 40 * t / 10, np.inf)
    lorenz = Curve("euler", "Euler", t, np.stack([np.sin(t), np.cos(t), z], 1))
    ticks = trajectory_3d_figure([lorenz], ("x", "y", "z")).layout.scene.zaxis.tickvals
    assert min(ticks) >= 0.2 * z[np.isfinite(z)].max() and max(ticks) <= 40


def test_the_3d_figure_in_presenter_mode_ends_above_a_projector_s_fold():
    """The tab's chart starts 260 px down the page at 1280x720 and 1024x768: a 640 px scene ran 180 px past the
    720 px fold, its floor's front tick labels under it. The figure is PRESENTER_SCENE_HEIGHT tall, its legend
    in one row right under the scene, which keeps the rest of the height."""
    t = np.linspace(0.0, 10.0, 41)
    curves = [Curve(k, k, t, np.stack([np.cos(t), np.sin(t)], 1)) for k in ("reference", "euler", "rk4")]
    layout = presenter_figure(trajectory_3d_figure(curves, ("x", "y")))["layout"]
    assert layout["height"] == PRESENTER_SCENE_HEIGHT and 260 + layout["height"] <= 720
    margin = layout["margin"]
    scene_px = layout["height"] - margin["t"] - margin["b"]
    assert scene_px >= 0.8 * layout["height"]  # the scene, not margins, takes the height
    assert -layout["legend"]["y"] * scene_px <= 12 and layout["legend"]["yanchor"] == "top"  # just under it


def test_the_3d_floor_is_seen_from_its_long_side_to_spread_across_the_width():
    """plotly fits a scene to its box's height: a floor seen corner-on put that corner's tick labels at the
    box's foot and drew narrow; seen from the y side, a floor long in x spans the page."""
    t = np.linspace(0, 1, 5)
    scene_ = json.loads(
        trajectory_3d_figure([Curve("euler", "Euler", t, np.stack([t, t], 1))], ("x", "y")).to_json()
    )["layout"]["scene"]
    eye, ratio = scene_["camera"]["eye"], scene_["aspectratio"]
    assert abs(eye["y"]) > 2 * abs(eye["x"]) and ratio["x"] > ratio["y"]


def test_small_components_are_labelled_with_exponents_not_si_prefixes():
    """Robertson's y₂ stays below 4e-5: plotly's default labels read "30μ"."""
    t = np.linspace(0, 1, 5)
    fig = components_figure([Curve("rk4", "RK4", t, np.stack([t, 3e-5 * t], 1))], ("y₁", "y₂"))
    layout = json.loads(fig.to_json())["layout"]
    assert all(layout[name]["exponentformat"] == "e" for name in layout if name.startswith("yaxis"))
