"""The Normalizing flows page's figures: the time-lapse's frames, Play and slider, a density, the estimator."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from components.flow_density_figures import (
    ARROW_MAX_PX,
    ARROW_PX,
    DENSITY_LEVELS,
    LAPSE_TOP_PX,
    PRESENTED_HEIGHT,
    density_figure,
    frame_labels,
    presented_lapse,
    presented_pair,
    timelapse_figure,
    trace_spread_figure,
)
from components.style import PLAY_LABEL_NAME


def _lapse(frames: int = 5, n: int = 8, start: int = 2):
    axis = np.linspace(-4, 4, n)
    density = np.random.default_rng(0).random((frames, n, n))
    samples = np.zeros((frames, 10, 2))
    points = np.zeros((4, 2))
    # Arrows 0-2 point right, up and down-left at speed 1, 2 and 3; arrow 3 is far too fast for its cell.
    velocity = np.tile(
        np.array([[1.0, 0.0], [0.0, 2.0], [-3 / 2**0.5, -3 / 2**0.5], [0.0, 100.0]]), (frames, 1, 1)
    )
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
    assert [s.label for s in fig.layout.sliders[0].steps] == ["0.00", "0.25", "0.50", "0.75", "1.00"]
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["Play", "Pause"]


def test_timelapse_sends_its_densities_as_colour_levels_and_frames_only_what_moves():
    fig, _ = _lapse()
    heat = fig.data[0]
    assert np.asarray(heat.z).dtype == np.uint8 and (heat.zmin, heat.zmax) == (0, DENSITY_LEVELS)
    assert f"/{DENSITY_LEVELS} ×" in heat.hovertemplate  # the hover names a level's density
    z, samples, arrows = (t.to_plotly_json() for t in fig.frames[1].data)
    assert set(z) == {"type", "z"} and set(samples) == {"type", "x", "y"}
    assert set(arrows) == {"type", "marker"} and set(arrows["marker"]) == {"angle", "size"}
    assert np.asarray(arrows["marker"]["angle"]).dtype.kind == "i"  # integers: a byte or two per arrow


def test_timelapse_slider_keeps_clear_of_play_and_pause():
    """In a half-width figure in presenter mode's type, Play / Pause (about 150 px, at the left) covered the
    rail's start; above the plot, a current value at the rail's right end sat under plotly's toolbar."""
    fig, _ = _lapse()
    (menu,), (slider,) = fig.layout.updatemenus, fig.layout.sliders
    assert (menu.x, menu.xanchor) == (0.0, "left")
    assert slider.currentvalue.xanchor == "left" and slider.currentvalue.prefix == "t = "
    assert slider.x >= 0.35 and slider.x + slider.len == 1.0  # 0.35 of a 400 px plot area: 140 px


def test_timelapse_controls_stand_on_the_plot_s_top():
    """Under the plot, Play and the slider fell below a projector's fold (1280 x 720); standing on the plot's
    top (anchored at their feet), presenter mode's larger type grows them upwards, never over the plot."""
    fig, _ = _lapse()
    for control in (fig.layout.updatemenus[0], fig.layout.sliders[0]):
        assert control.y >= 1.0 and control.yanchor == "bottom"


def test_density_squares_narrow_the_domain_and_keep_the_grid_s_range():
    for fig in (_lapse()[0], density_figure(np.linspace(-4, 4, 3), np.ones((3, 3)))):
        assert fig.layout.xaxis.range == (-4.0, 4.0) and fig.layout.xaxis.constrain == "domain"
        assert fig.layout.yaxis.scaleanchor == "x"


def test_arrows_are_one_trace_of_strokes_turned_along_the_field_and_sized_by_its_speed():
    fig, _ = _lapse()
    arrows = fig.data[2]
    assert arrows.mode == "markers" and len(arrows.x) == 4
    assert list(arrows.marker.angle) == [90, 0, -135, 0]  # degrees clockwise from up: right, up, down-left
    assert list(arrows.marker.size) == [
        round(ARROW_PX),
        round(2 * ARROW_PX),
        round(3 * ARROW_PX),
        ARROW_MAX_PX,
    ]
    assert list(fig.frames[3].data[2].marker.angle) == list(arrows.marker.angle)  # the same field each frame


def test_frame_labels_are_two_decimals_unless_two_frames_would_share_one():
    assert frame_labels(np.linspace(0.0, 1.0, 21))[:3] == ["0.00", "0.05", "0.10"]
    labels = frame_labels(np.array([0.0, 0.001, 0.002]))
    assert len(set(labels)) == 3 and labels[1] == "0.001"


def test_density_figure_with_samples_and_the_estimator_figure():
    fig = density_figure(np.linspace(-1, 1, 3), np.ones((3, 3)), np.zeros((5, 2)))
    assert [t.type for t in fig.data] == ["heatmap", "scatter"]
    spread = trace_spread_figure(
        np.array([0.0, 1.0]), {"gaussian": (np.array([0.1, 0.9]), np.array([0.5, 0.5]))}
    )
    assert [t.name for t in spread.data] == ["exact", "gaussian: one draw ± σ"]


def test_a_density_beside_a_time_lapse_has_the_same_plot_area_and_scale():
    """The CNF vs planar tab: the planar flow's figure (420 px high, a 30 px top) had its plot start 74 px
    above the CNF's, 66 px shorter (1440 x 900). Laid out as a time-lapse, the room over the plot left empty,
    the two have the same height, margins, axis ranges and square: equal columns draw equal plot areas."""
    lapse = _lapse(n=8)[0].to_dict()["layout"]
    beside = density_figure(np.linspace(-4, 4, 8), np.ones((8, 8)), np.zeros((5, 2)), beside_lapse=True)
    layout = beside.to_dict()["layout"]
    assert layout["height"] == lapse["height"] and layout["margin"] == lapse["margin"]
    for axis in ("xaxis", "yaxis"):
        for setting in ("range", "domain", "constrain", "scaleanchor"):
            assert layout[axis].get(setting) == lapse[axis].get(setting), (axis, setting)
    alone = density_figure(np.linspace(-4, 4, 8), np.ones((8, 8))).to_dict()["layout"]
    assert alone["margin"]["t"] < LAPSE_TOP_PX  # on its own, no empty room over the plot


def test_the_time_lapse_s_top_margin_fits_its_controls_in_presenter_type():
    """plotly widens a margin that its slider does not fit: at 100 px, in presenter mode's type (22.4 px) it
    made 123 px of the CNF's top, and the planar flow beside it, without controls, kept its own. The controls'
    height there: the current value's line and its 10 px offset, the 25 px rail area and 4 px ticks, a line of
    labels (a line: 1.3 x the font), over the plot's top by CONTROLS_Y of a plot about 360 px high."""
    from components.flow_density_figures import CONTROLS_Y

    fig = _lapse()[0]
    (slider,) = fig.layout.sliders
    line = 1.3 * 14 * 1.6
    controls = line + 10 + 25 + slider.ticklen + line + (CONTROLS_Y - 1) * 360
    assert fig.layout.margin.t == LAPSE_TOP_PX >= controls + 5


def _labels(layout: dict) -> list[dict]:
    return [a for a in layout["annotations"] if a.get("name") == PLAY_LABEL_NAME]


def test_presented_lapse_puts_its_controls_beside_the_plot_and_keeps_spec_as_it_was():
    """Presenter mode's full-width time-lapse: Play / Pause and the slider at the plot's left, the plot under a
    top margin for its tick label only, the figure PRESENTED_HEIGHT high; each rail label at its fraction along
    the moved rail. The shared spec it is made from keeps its own layout (controls over the plot)."""
    spec = _lapse()[0].to_dict()
    before = copy.deepcopy(spec["layout"])
    shown = presented_lapse(spec)["layout"]
    assert spec["layout"] == before
    assert shown["height"] == PRESENTED_HEIGHT < before["height"]
    assert shown["margin"]["t"] < 0.1 * PRESENTED_HEIGHT
    (menu,), (slider,) = shown["updatemenus"], shown["sliders"]
    assert slider["x"] + slider["len"] < shown["xaxis"]["domain"][0] and menu["x"] == slider["x"] == 0.0
    assert 0 < slider["y"] < menu["y"] < 1 and slider["yanchor"] == menu["yanchor"] == "bottom"
    old, new = before["sliders"][0], slider
    for was, now in zip(_labels(before), _labels(shown), strict=True):
        fraction = (was["x"] - old["x"]) / old["len"]
        assert (now["x"] - new["x"]) / new["len"] == pytest.approx(fraction)
        assert now["xshift"] == was["xshift"] and now["y"] == new["y"] and now["text"] == was["text"]
    assert presented_lapse(spec)["frames"] is spec["frames"]  # the frames are shared, not copied


def test_a_presented_pair_has_one_plot_area_and_its_own_title():
    """CNF vs planar in presenter mode: each figure titled in its own top row, the two with one height and
    margins (so one plot area), the current value at the rail's right end, clear of a title at the left."""
    lapse = presented_pair(_lapse(n=8)[0].to_dict(), "Continuous flow")["layout"]
    density = density_figure(np.linspace(-4, 4, 8), np.ones((8, 8)), np.zeros((5, 2)), beside_lapse=True)
    beside = presented_pair(density.to_dict(), "Planar flow, K = 8")["layout"]
    assert lapse["height"] == beside["height"] == PRESENTED_HEIGHT and lapse["margin"] == beside["margin"]
    assert lapse["margin"]["t"] < LAPSE_TOP_PX
    assert (lapse["title"]["text"], beside["title"]["text"]) == ("Continuous flow", "Planar flow, K = 8")
    assert lapse["title"]["xanchor"] == "left" and lapse["sliders"][0]["currentvalue"]["xanchor"] == "right"
    assert "sliders" not in beside
