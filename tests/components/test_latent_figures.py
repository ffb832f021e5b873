"""Builders of the Latent spirals page: traces, colours and encodings from plain arrays."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from app.kit.figures import PRESENTER_SCENE_HEIGHT, SCENE_TICK_UNIT, presenter_figure
from components.latent_figures import (
    LATENT_COLOR,
    LATENT_PATH_VIEW,
    RNN_COLOR,
    SCENE_END_CLEARANCE,
    SCENE_TICK_SPACING,
    SCENE_TITLE_CLEARANCE,
    extrapolation_figure,
    latent_path_figure,
    roomy_axis,
)
from components.latent_rmse import rmse_by_k, rmse_chart, rmse_rows
from components.latent_space_figures import (
    FAMILY_VIEW,
    MORPH_PLOT_PX,
    family_figure,
    interpolation_figure,
    morph_animation_figure,
    prior_samples_figure,
)

T = np.linspace(0.0, 10.0, 50)
CURVE = np.stack([np.exp(-0.1 * T) * np.cos(T), np.exp(-0.1 * T) * np.sin(T)], axis=1)
PAPER = {30: (0.3937, 0.1642), 50: (0.3202, 0.1502), 100: (0.1813, 0.1346)}


def test_extrapolation_figure_shows_observed_points_by_time_and_both_parts():
    fig = extrapolation_figure(T, CURVE + 0.01, CURVE, 12, CURVE[12:], "latent ODE", LATENT_COLOR, CURVE[:12])
    names = [tr.name for tr in fig.data]
    assert names == [
        "true curve",
        "latent ODE: reconstruction",
        "latent ODE: extrapolation",
        "first 12 observed points",
    ]
    points = fig.data[-1]
    assert (
        len(points.x) == 12 and np.allclose(points.marker.color, T[:12]) and points.marker.cmax == T[11]
    )  # the bar spans what was observed
    extra = fig.data[2]
    assert extra.line.color == LATENT_COLOR and len(extra.x) == 50 - 12 + 1  # joined to the reconstruction
    assert fig.layout.yaxis.scaleanchor == "x"


def test_extrapolation_figure_without_reconstruction_starts_at_the_last_observation():
    obs = CURVE + 0.05
    fig = extrapolation_figure(T, obs, CURVE, 20, CURVE[20:], "RNN", RNN_COLOR)
    assert [tr.name for tr in fig.data] == ["true curve", "RNN: extrapolation", "first 20 observed points"]
    assert fig.data[1].x[0] == pytest.approx(obs[19, 0]) and fig.data[1].line.color == RNN_COLOR


def test_latent_path_figure_colours_by_time_and_marks_the_last_observation():
    path = np.stack([CURVE[:, 0], CURVE[:, 1], T], axis=1)
    fig = latent_path_figure(T, path, 7, others=[path * 0.5, path * 2])
    assert [type(tr).__name__ for tr in fig.data] == ["Scatter3d"] * 4
    assert sum(tr.showlegend is not False for tr in fig.data[:2]) == 1  # one legend entry for the others
    assert np.allclose(fig.data[2].line.color, T)
    assert np.allclose(fig.data[3].z, [path[0, 2], path[6, 2]])
    assert fig.layout.scene.xaxis.title.text == "PC1"


def test_interpolation_figure_draws_the_endpoints_and_the_current_curve():
    fig = interpolation_figure(CURVE * 0.5, CURVE, -CURVE, 0.25, ("#0", "#1"))
    assert [tr.name for tr in fig.data] == ["α = 0: #0", "α = 1: #1", "decoded at α = 0.25", "start"]
    assert np.allclose(fig.data[2].x, CURVE[:, 0] * 0.5)


def test_without_its_legend_each_interpolation_curve_is_named_where_it_starts_and_the_plot_keeps_its_size():
    """Tour step 18 in presenter mode: the legend's rows ran past the fold; the curves are named in the plot."""
    with_legend = interpolation_figure(CURVE * 0.5, CURVE, -CURVE, 0.25, ("#0", "#1"))
    fig = interpolation_figure(CURVE * 0.5, CURVE, -CURVE, 0.25, ("#0", "#1"), legend=False)
    assert fig.layout.showlegend is False
    named = {a.text: (a.x, a.y) for a in fig.layout.annotations}
    starts = {"α = 0": CURVE[0], "α = 1": -CURVE[0], "α = 0.25": CURVE[0] * 0.5}
    assert set(named) == set(starts)
    for text, point in starts.items():
        assert named[text] == pytest.approx(tuple(point))
    assert (fig.layout.height, fig.layout.margin.b) == (
        with_legend.layout.height,
        with_legend.layout.margin.b,
    )


def test_family_figure_is_a_surface_over_alpha_with_one_curve_each():
    alphas = np.linspace(0, 1, 5)
    family = np.stack([CURVE * (1 - 2 * a) for a in alphas])
    fig = family_figure(family, alphas, family[2], 0.5)
    assert isinstance(fig.data[0], go.Surface)
    assert np.asarray(fig.data[0].z).shape == (5, 50) and np.allclose(np.asarray(fig.data[0].z)[:, 0], alphas)
    curves = [tr for tr in fig.data[1:] if isinstance(tr, go.Scatter3d)]
    assert len(curves) == 6 and np.allclose(curves[-1].z, 0.5)
    assert fig.layout.scene.zaxis.title.text == "α"


def test_the_latent_path_looks_below_its_cube_s_centre_from_near_enough_to_fill_its_box():
    """In presenter mode's 440 px figure the cube, seen from (1.5, 1.5, 1.15), was 240 px tall in a 320 px box
    at 1024x768; from nearer it fills the box, and looking below its centre keeps the floor's front tick
    labels and the titles under them inside it."""
    path = np.stack([CURVE[:, 0], CURVE[:, 1], T], axis=1)
    camera = latent_path_figure(T, path, 7).layout.scene.camera
    assert camera.to_plotly_json()["eye"] == LATENT_PATH_VIEW["eye"]
    assert np.linalg.norm([camera.eye.x, camera.eye.y, camera.eye.z]) < 0.9 * np.linalg.norm([1.5, 1.5, 1.15])
    assert camera.center.z < 0


def _plot_px(layout: dict) -> tuple[float, float]:
    """(top, bottom) of a figure's plot area, in px from the figure's top."""
    return layout["margin"]["t"], layout["height"] - layout["margin"]["b"]


def test_the_family_s_cube_is_level_with_the_curve_beside_it_in_presenter_mode():
    """Tour step 18: from (1.9, 1.9, 1.5), in a scene over the upper 4/5 of a 640 px figure, the α surface was
    small and its cube's top well below the top of the curve figure beside it. Now its scene takes its whole
    plot area, which starts where the curve's plot does and ends under it (beside the curve's x-axis labels),
    the figure no taller than the curve's; the camera is nearer, looking below the cube's centre so that the
    floor's front ticks stay in the box, and the side margins are small so the α title stays in at 1024 px."""
    alphas = np.linspace(0, 1, 5)
    family = np.stack([CURVE * (1 - 2 * a) for a in alphas])
    fig = family_figure(family, alphas, family[2], 0.5)
    beside = interpolation_figure(family[2], family[0], family[-1], 0.5, ("#0", "#1"))
    assert fig.layout.height == beside.layout.height  # level on a laptop too
    big, curve = presenter_figure(fig)["layout"], presenter_figure(beside)["layout"]
    assert big["height"] == PRESENTER_SCENE_HEIGHT <= curve["height"]
    domain = big["scene"].get("domain", {"y": [0.0, 1.0]})
    assert list(domain["y"]) == [0.0, 1.0]
    (top, bottom), (curve_top, curve_bottom) = _plot_px(big), _plot_px(curve)
    assert top == curve_top and curve_bottom <= bottom <= curve_bottom + 90
    camera = big["scene"]["camera"]
    assert camera["eye"] == FAMILY_VIEW["eye"] and camera["center"]["z"] < 0
    assert np.linalg.norm(list(camera["eye"].values())) < 0.8 * np.linalg.norm([1.9, 1.9, 1.5])
    assert big["margin"]["l"] <= 10 and big["margin"]["r"] <= 10


def _3d_figures() -> list[go.Figure]:
    path = np.stack([CURVE[:, 0] * 4, CURVE[:, 1] * 3 - 1, T / 5 - 1], axis=1)
    alphas = np.linspace(0, 1, 5)
    family = np.stack([CURVE * (1 - 2 * a) * 3 for a in alphas])
    return [
        latent_path_figure(T, path, 7, others=[path * 0.5]),
        family_figure(family, alphas, family[2], 0.5),
    ]


@pytest.mark.parametrize("index", [0, 1])
def test_presenter_scene_ticks_are_a_size_under_the_figures_text(index):
    """plotly draws a 3-D axis's ticks and title at fixed distances from it: at the 22.4 px presenter mode
    gave the figure's own 14 px, the α title touched the 0.5 tick and PC3 sat behind its ticks."""
    spec = presenter_figure(_3d_figures()[index])
    scene_ = spec["layout"]["scene"]
    for axis in ("xaxis", "yaxis", "zaxis"):
        # plotly.js draws a 3-D tick label at size² / 12 px (kit/figures.py, SCENE_TICK_UNIT)
        drawn_tick = scene_[axis]["tickfont"]["size"] ** 2 / SCENE_TICK_UNIT
        assert drawn_tick == pytest.approx(12 * 1.6)
        assert scene_[axis]["title"]["font"]["size"] >= max(drawn_tick, 14 * 1.6)
        assert spec["layout"]["font"]["size"] == pytest.approx(14 * 1.6)  # the rest of the figure keeps it
        assert 2 <= len(scene_[axis]["tickvals"]) <= 5


@pytest.mark.parametrize("index", [0, 1])
def test_scene_ticks_keep_off_the_axis_title_and_the_cube_corners(index):
    scene_ = _3d_figures()[index].layout.scene
    for axis in (scene_.xaxis, scene_.yaxis, scene_.zaxis):
        low, high = axis.range
        span = high - low
        middle = (low + high) / 2  # where plotly draws the axis's title
        ticks = np.asarray(axis.tickvals)
        assert len(ticks) >= 2 and np.all((ticks > low) & (ticks < high))
        assert np.min(np.abs(ticks - middle)) >= SCENE_TITLE_CLEARANCE * span
        assert np.min(np.minimum(ticks - low, high - ticks)) >= SCENE_END_CLEARANCE * span
        assert np.min(np.diff(np.sort(ticks))) >= SCENE_TICK_SPACING * span - 1e-9  # labels apart


def test_roomy_axis_covers_its_values_with_round_ticks():
    values = np.array([-4.2, 2.3])
    axis = roomy_axis(values, "PC1")
    low, high = axis["range"]
    assert low < -4.2 and high > 2.3 and axis["title"]["text"] == "PC1"
    assert axis["tickvals"] == [-4.0, -2.0, 0.0, 2.0]  # the title at -0.95, clear of -2 and 0
    assert roomy_axis(np.array([-2.9, 3.1]), "PC2")["tickvals"] == [-2.0, 2.0]  # 0 would sit on the title
    assert roomy_axis(np.array([-0.3, 0.31]), "PC3")["tickvals"] == [-0.2, 0.2]
    # Where 5's one tick would be the title's, 2.5's: two ticks.
    assert roomy_axis(np.array([-6.3, 4.2]), "x")["tickvals"] == [-5.0, 2.5]


def test_family_alpha_axis_has_ticks_at_its_ends_only():
    alphas = np.linspace(0, 1, 5)
    family = np.stack([CURVE * (1 - 2 * a) for a in alphas])
    zaxis = family_figure(family, alphas, family[2], 0.5).layout.scene.zaxis
    assert list(zaxis.tickvals) == [0.0, 1.0] and zaxis.range[0] < 0 and zaxis.range[1] > 1


def test_morph_animation_has_one_frame_per_alpha_and_play_controls():
    alphas = np.linspace(0, 1, 7)
    family = np.stack([CURVE * (1 + a) for a in alphas])
    fig = morph_animation_figure(family, alphas)
    assert len(fig.frames) == 7 and fig.frames[-1].name == "1.00"
    assert np.allclose(fig.frames[3].data[0].x, family[3, :, 0])
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["Play", "Pause"]
    assert len(fig.layout.sliders[0].steps) == 7
    # It opens half-way: the drawn curve and the slider both at alpha = 0.5, not on the first spiral.
    assert fig.layout.sliders[0].active == 3 and np.allclose(fig.data[0].x, family[3, :, 0])
    low, high = fig.layout.xaxis.range
    assert low <= family[..., 0].min() and high >= family[..., 0].max()  # fixed axes: frames do not rescale


def test_morph_animation_keeps_a_spiral_round_and_its_controls_under_the_x_title():
    alphas = np.linspace(0, 1, 7)
    fig = morph_animation_figure(np.stack([CURVE * (1 + a) for a in alphas]), alphas)
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    menu, slider = fig.layout.updatemenus[0], fig.layout.sliders[0]
    assert menu.yanchor == "top" and slider.yanchor == "top"
    # The shared helper's layout: the value at the slider's right end, clear of the buttons at its left.
    assert slider.currentvalue.xanchor == "right" and slider.currentvalue.prefix == "α = "
    # The x title ends about 75 px under the plot with presenter mode's 1.6x text: the buttons start lower,
    # and the plot, the room under it and the margin add up to the figure's height.
    assert -menu.y * MORPH_PLOT_PX >= 80
    assert fig.layout.height == fig.layout.margin.t + MORPH_PLOT_PX + fig.layout.margin.b
    below = fig.layout.margin.b - (-menu.y * MORPH_PLOT_PX)
    assert below >= 100  # buttons, the slider and its labels under the x title


def test_morph_animation_in_presenter_mode_keeps_its_size():
    """Presenter mode scales text, not this figure's margins: the room under the plot was sized for it."""
    alphas = np.linspace(0, 1, 7)
    fig = morph_animation_figure(np.stack([CURVE * (1 + a) for a in alphas]), alphas)
    spec = presenter_figure(fig)
    assert (
        spec["layout"]["height"] == fig.layout.height and spec["layout"]["margin"]["b"] == fig.layout.margin.b
    )


def test_prior_samples_figure_draws_each_sample_and_its_start():
    fig = prior_samples_figure(T, np.stack([CURVE, -CURVE, 2 * CURVE]))
    assert len([tr for tr in fig.data if tr.showlegend is not False]) == 3
    assert len(fig.data) == 6


def test_every_prior_sample_has_its_own_colour():
    """The page draws up to 12; plotly's colour cycle gave sample 6 the colour of sample 1."""
    fig = prior_samples_figure(T, np.stack([CURVE * (1 + i) for i in range(12)]))
    colours = [tr.line.color for tr in fig.data if tr.showlegend is not False]
    assert len(colours) == 12 and all(colours) and len(set(colours)) == 12
    assert "#000000" not in colours  # black is the start markers'


def test_rmse_rows_put_ours_beside_the_paper():
    rows = rmse_rows([(30, 0.4, 0.1), (50, 0.3, 0.15), (70, 0.2, 0.2)], PAPER)
    assert rows[0]["RNN / latent (ours)"] == pytest.approx(4.0)
    assert rows[0]["RNN (paper)"] == 0.3937 and rows[0]["RNN / latent (paper)"] == pytest.approx(
        0.3937 / 0.1642
    )
    assert rows[2]["latent ODE (paper)"] is None and rows[2]["RNN / latent (paper)"] is None
    assert "predict (0, 0) (ours)" not in rows[0]
    with_floor = rmse_rows([(30, 0.4, 0.1)], PAPER, origin={30: 0.5})
    assert with_floor[0]["predict (0, 0) (ours)"] == 0.5


def test_rmse_by_k_has_one_row_per_score_and_one_column_per_k():
    rows = rmse_rows([(30, 0.4, 0.1), (50, 0.3, 0.15)], PAPER, origin={30: 0.5, 50: 0.45})
    sideways = rmse_by_k(rows)
    assert [r["score"] for r in sideways] == [name for name in rows[0] if name != "observed points"]
    assert all(list(r) == ["score", "k = 30", "k = 50"] for r in sideways)
    (ratio,) = [r for r in sideways if r["score"] == "RNN / latent (ours)"]
    assert ratio["k = 30"] == pytest.approx(4.0) and ratio["k = 50"] == pytest.approx(2.0)


def test_rmse_chart_groups_bars_by_model_and_source():
    spec = rmse_chart([(30, 0.4, 0.1), (50, 0.3, 0.15)], PAPER).to_dict()
    values = spec["data"]["values"]
    assert len(values) == 8 and {v["source"] for v in values} == {"ours", "paper"}
    enc = spec["encoding"]
    assert (
        enc["x"]["field"] == "k" and enc["xOffset"]["field"] == "model" and enc["column"]["field"] == "source"
    )
    assert enc["color"]["scale"]["range"] == [LATENT_COLOR, RNN_COLOR]
