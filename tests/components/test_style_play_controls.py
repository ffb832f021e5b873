"""The shared Play / Pause and frame slider: every frame a step, at most PLAY_LABELS of them named under the rail,
in every figure that has one (the flows' time-lapse, the NODE lab's cloud, the phase cloud, the latent morph,
the ODE-Net's feature maps)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from components.flow_cloud_figures import cloud_figure
from components.flow_density_figures import timelapse_figure
from components.flow_panels import Coloring, Panel
from components.image_figures import feature_maps_figure
from components.latent_space_figures import morph_animation_figure
from components.phase_figures import flow_animation_figure
from components.style import (
    PLAY_LABEL_NAME,
    PLAY_LABELS,
    SLIDER_STEP_INSET_PX,
    TRANSPARENT,
    add_play_controls,
    labelled_frames,
)


@pytest.mark.parametrize(
    ("count", "frames"),
    [
        (3, [0, 1, 2]),
        (6, [0, 1, 2, 3, 4, 5]),
        (7, [0, 2, 4, 6]),  # thirds: six intervals in neither quarters nor fifths
        (21, [0, 5, 10, 15, 20]),  # quarters of the time span
        (26, [0, 5, 10, 15, 20, 25]),  # fifths
        (60, [0, 15, 30, 44, 59]),  # no even split of 59 intervals: the frames nearest the quarters
    ],
)
def test_labelled_frames_are_few_and_span_first_to_last(count, frames):
    assert labelled_frames(count) == frames


def _drawn_labels(layout: dict) -> list[str]:
    """The labels a viewer sees along a slider: plotly's own under every step it labels (all of them, when
    its font is not transparent) and the annotations that name frames (their last line)."""
    (slider,) = layout["sliders"]
    own = [] if slider.get("font", {}).get("color") == TRANSPARENT else [s["label"] for s in slider["steps"]]
    marks = [a for a in layout.get("annotations", []) if a.get("name") == PLAY_LABEL_NAME]
    return own + [a["text"].split("<br>")[-1] for a in marks]


def _check(fig: go.Figure) -> tuple[dict, list[dict]]:
    """Every frame a step that animates to it and names it (the current value), at most PLAY_LABELS labels
    drawn, the first and last frames among them; returns the slider and the label annotations."""
    spec = fig.to_dict()
    layout, names = spec["layout"], [f["name"] for f in spec["frames"]]
    (slider,) = layout["sliders"]
    assert [s["args"][0] for s in slider["steps"]] == [[n] for n in names]
    assert [s["label"] for s in slider["steps"]] == names
    assert slider["currentvalue"]["font"]["color"] != TRANSPARENT
    drawn = _drawn_labels(layout)
    assert len(drawn) <= PLAY_LABELS and drawn[0] == names[0] and drawn[-1] == names[-1]
    assert slider["ticklen"] == slider["minorticklen"]  # no longer ticks at plotly's own k-th steps
    return slider, [a for a in layout["annotations"] if a.get("name") == PLAY_LABEL_NAME]


def test_a_label_sits_at_its_step_where_plotly_would_write_it():
    names = [f"{t:.2f}" for t in np.linspace(0, 1, 21)]
    fig = go.Figure(frames=[go.Frame(name=n) for n in names])
    add_play_controls(fig, names, prefix="t = ", frame_ms=100, y=-0.2, slider_x=0.25)
    slider, marks = _check(fig)
    assert [m["text"].split("<br>")[-1] for m in marks] == ["0.00", "0.25", "0.50", "0.75", "1.00"]
    for mark, f in zip(marks, (0.0, 0.25, 0.5, 0.75, 1.0), strict=True):
        # paper x along the rail, and plotly's inset of its end steps in px
        assert mark["x"] == pytest.approx(slider["x"] + slider["len"] * f)
        assert mark["xshift"] == pytest.approx(SLIDER_STEP_INSET_PX * (1 - 2 * f))
        assert (mark["xref"], mark["yref"], mark["y"]) == ("paper", "paper", slider["y"])
        # hung from the slider's top, under the current value's line (an empty first line) and the ticks
        assert mark["yanchor"] == "top" and mark["yshift"] < 0 and mark["text"].count("<br>") == 1


def test_a_slider_standing_on_its_foot_has_its_labels_stand_there_too():
    names = ["a", "b", "c", "d", "e", "f", "g"]
    fig = go.Figure(frames=[go.Frame(name=n) for n in names])
    add_play_controls(fig, names, prefix="", frame_ms=100, y=1.03, slider_y=1.03, anchor="bottom")
    slider, marks = _check(fig)
    assert slider["yanchor"] == fig.layout.updatemenus[0].yanchor == "bottom"
    assert [m["text"] for m in marks] == ["a", "c", "e", "g"]
    assert all(m["yanchor"] == "bottom" and m["y"] == 1.03 and m["yshift"] == 0 for m in marks)


def _timelapse(frames: int) -> go.Figure:
    n = 6
    return timelapse_figure(
        np.linspace(-4, 4, n),
        np.ones((frames, n, n)),
        np.zeros((frames, 5, 2)),
        np.zeros((3, 2)),
        np.zeros((frames, 3, 2)),
        np.linspace(0, 1, frames),
        frames // 2,
    )


def _cloud(frames: int) -> go.Figure:
    t = np.linspace(0, 1, 5)
    states = np.random.default_rng(0).normal(size=(5, 8, 2))
    return cloud_figure([Panel("NODE", t, states, ("z0", "z1"))], Coloring(np.arange(8) % 2), frames=frames)


def _phase(frames: int) -> go.Figure:
    clouds = np.random.default_rng(0).normal(size=(frames, 10, 2))
    return flow_animation_figure(
        ((-4.0, 4.0), (-3.0, 3.0)), ("x", "y"), np.linspace(0, 2, frames), clouds, np.zeros(10)
    )


def _morph(frames: int) -> go.Figure:
    family = np.random.default_rng(0).normal(size=(frames, 12, 2))
    return morph_animation_figure(family, np.linspace(0, 1, frames))


def _maps(frames: int) -> go.Figure:
    maps = np.random.default_rng(0).random((frames, 8, 4, 4))
    return feature_maps_figure(np.linspace(0, 1, frames), maps, "ODE-Net", "t")


@pytest.mark.parametrize("build", [_timelapse, _cloud, _phase, _morph, _maps])
@pytest.mark.parametrize("frames", [7, 21, 26, 40])
def test_every_animated_figure_names_a_few_frames_and_keeps_every_one(build, frames):
    """plotly labelled as many steps as fit: twenty (0.00 0.05 … 0.97) under the NODE lab's rail on a 1280 px
    projector, twenty-one under the latent morph's at 1440 px, eleven under the full-width time-lapse."""
    fig = build(frames)
    assert len(fig.frames) == frames
    _check(fig)
