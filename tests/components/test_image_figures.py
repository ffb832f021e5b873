"""The ODE-Nets page's feature-map animation: a slider whose ticks fit under it and Play under the slider, clear
of the title; the class probabilities' legend under their own plot."""

import numpy as np

from components.image_figures import feature_maps_figure, probabilities_figure


def _maps(depth, name) -> dict:
    maps = np.random.default_rng(0).random((len(depth), 8, 4, 4))
    return feature_maps_figure(
        np.asarray(depth, dtype=float), maps, "ODE-Net", name, start=len(depth) - 1
    ).to_dict()


def _slider(depth, name):
    fig = _maps(depth, name)
    return fig["layout"]["sliders"][0], [f["name"] for f in fig["frames"]]


def test_the_ticks_are_bare_numbers_and_the_value_above_names_the_depth():
    slider, frames = _slider([0.0, 0.5, 1.0], "t")
    assert [s["label"] for s in slider["steps"]] == ["0.00", "0.50", "1.00"]
    assert slider["currentvalue"]["prefix"] == "t = "
    # each tick still animates to its own frame, and the slider opens on the frame asked for
    assert [s["args"][0][0] for s in slider["steps"]] == frames
    assert slider["active"] == 2


def test_resnet_blocks_are_counted_not_timed():
    slider, _ = _slider([0, 1, 2, 3, 4, 5, 6], "block")
    assert [s["label"] for s in slider["steps"]] == [str(k) for k in range(7)]
    assert slider["currentvalue"]["prefix"] == "block "


def test_play_sits_under_the_slider_not_on_the_title():
    """Above the mosaic (y = 1.12) Play covered the "…: feature maps" title in a 1024 px projector's narrow
    columns; beside the slider it ran into the slider's start. Now: slider at full width under the plot, Play
    and Pause a row further down at the left, inside the bottom margin."""
    layout = _maps([0.0, 0.5, 1.0], "t")["layout"]
    (menu,) = layout["updatemenus"]
    slider = layout["sliders"][0]
    assert [b["label"] for b in menu["buttons"]] == ["Play", "Pause"]
    assert slider["x"] == 0 and slider["len"] == 1
    plot = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    slider_px, play_px = -slider["y"] * plot, -menu["y"] * plot
    assert 0 <= slider_px < play_px - 80  # the slider's rail and ticks, then the buttons under them
    assert play_px + 40 <= layout["margin"]["b"]  # the buttons inside the figure, the title untouched


def test_the_class_legend_sits_under_its_own_plot():
    """At the right of the left chart the "class" legend stood between the two charts of the row."""
    probs = np.full((5, 10), 0.1)
    layout = probabilities_figure(np.linspace(0, 1, 5), probs, "ODE-Net", "time t", 3).to_dict()["layout"]
    assert layout["legend"]["orientation"] == "h" and layout["legend"]["y"] < 0
    assert layout["legend"]["title"]["text"] == "class"
