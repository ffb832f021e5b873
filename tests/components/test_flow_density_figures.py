"""The Normalizing flows page's figures: the time-lapse's frames, Play and slider, a density, the estimator."""

from __future__ import annotations

import numpy as np

from components.flow_density_figures import (
    DENSITY_LEVELS,
    density_figure,
    timelapse_figure,
    trace_spread_figure,
)


def _lapse(frames: int = 5, n: int = 8, start: int = 2):
    axis = np.linspace(-4, 4, n)
    density = np.random.default_rng(0).random((frames, n, n))
    samples = np.zeros((frames, 10, 2))
    points = np.zeros((4, 2))
    velocity = np.ones((frames, 4, 2))
    return timelapse_figure(
        axis, density, samples, points, velocity, np.linspace(0, 1, frames), start
    ), density


def test_timelapse_opens_on_its_start_frame_with_play_and_a_slider():
    fig, density = _lapse()
    assert [t.type for t in fig.data] == ["heatmap", "scatter", "scatter"]
    zmax = float(np.median(density.max(axis=(1, 2))))
    levels = np.rint(np.clip(density / zmax, 0, 1) * DENSITY_LEVELS)
    assert np.array_equal(np.asarray(fig.data[0].z), levels[2])
    assert len(fig.frames) == 5 and np.array_equal(np.asarray(fig.frames[4].data[0].z), levels[4])
    assert fig.layout.sliders[0].active == 2
    assert [s.label for s in fig.layout.sliders[0].steps] == ["0.000", "0.250", "0.500", "0.750", "1.000"]
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["Play", "Pause"]


def test_timelapse_sends_its_densities_as_colour_levels_and_frames_only_what_moves():
    fig, _ = _lapse()
    heat = fig.data[0]
    assert np.asarray(heat.z).dtype == np.uint8 and (heat.zmin, heat.zmax) == (0, DENSITY_LEVELS)
    assert f"/{DENSITY_LEVELS} ×" in heat.hovertemplate  # the hover names a level's density
    z, samples, arrows = (t.to_plotly_json() for t in fig.frames[1].data)
    assert set(z) == {"type", "z"} and set(samples) == set(arrows) == {"type", "x", "y"}


def test_timelapse_slider_keeps_clear_of_play_and_pause():
    """In a half-width figure in presenter mode's type, Play / Pause (about 150 px, at the left) covered the
    rail's start and the current value, which plotly puts at the rail's left unless told otherwise."""
    fig, _ = _lapse()
    (menu,), (slider,) = fig.layout.updatemenus, fig.layout.sliders
    assert (menu.x, menu.xanchor) == (0.0, "left")
    assert slider.currentvalue.xanchor == "right" and slider.currentvalue.prefix == "t = "
    assert slider.x >= 0.35 and slider.x + slider.len == 1.0  # 0.35 of a 400 px plot area: 140 px
    assert slider.y > menu.y  # the rail below the buttons' row, not on it


def test_density_squares_narrow_the_domain_and_keep_the_grid_s_range():
    for fig in (_lapse()[0], density_figure(np.linspace(-4, 4, 3), np.ones((3, 3)))):
        assert fig.layout.xaxis.range == (-4.0, 4.0) and fig.layout.xaxis.constrain == "domain"
        assert fig.layout.yaxis.scaleanchor == "x"


def test_arrows_are_one_trace_of_broken_segments():
    fig, _ = _lapse()
    arrows = fig.data[2]
    assert len(arrows.x) == 4 * 3 and np.isnan(np.asarray(arrows.x, dtype=float)[2::3]).all()


def test_density_figure_with_samples_and_the_estimator_figure():
    fig = density_figure(np.linspace(-1, 1, 3), np.ones((3, 3)), np.zeros((5, 2)))
    assert [t.type for t in fig.data] == ["heatmap", "scatter"]
    spread = trace_spread_figure(
        np.array([0.0, 1.0]), {"gaussian": (np.array([0.1, 0.9]), np.array([0.5, 0.5]))}
    )
    assert [t.name for t in spread.data] == ["exact", "gaussian: one draw ± σ"]
