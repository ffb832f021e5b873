"""The ODE-Nets page's feature-map animation: a slider whose ticks fit under it and Play under the slider, clear
of the title; the class probabilities' legend under their own plot, or the true class named on its line; the
error bars and the tolerance sweep in the app's colours, the sweep's marker where it was trained."""

import math

import numpy as np

from components.image_figures import (
    PRESENTED_HEIGHT,
    error_bars_figure,
    feature_maps_figure,
    probabilities_figure,
    tolerance_figure,
)
from components.style import PALETTE


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


def test_without_its_legend_the_true_class_is_named_where_its_line_ends():
    """Presenter mode's probabilities: no two-row legend under the plot, so that the figure ends above the fold;
    the label sits under a line that ends high and over one that ends low, inside the plot either way."""
    depth = np.linspace(0, 1, 5)
    high = np.full((5, 10), 0.01)
    high[:, 3] = np.linspace(0.1, 0.9, 5)
    layout = probabilities_figure(depth, high, "ODE-Net", "time t", 3, legend=False).to_dict()["layout"]
    assert layout["showlegend"] is False and layout["height"] == PRESENTED_HEIGHT
    (label,) = layout["annotations"]
    assert label["text"] == "true class 3" and (label["x"], label["y"]) == (1.0, 0.9)
    assert label["yanchor"] == "top"
    low = probabilities_figure(depth, np.full((5, 10), 0.1), "ResNet", "block", 3, legend=False)
    assert low.to_dict()["layout"]["annotations"][0]["yanchor"] == "bottom"


def test_without_its_legend_the_strongest_wrong_class_is_named_at_its_peak():
    """Step 20's hard eight: the ODE-Net first believes another class, and without a legend nothing said which."""
    depth = np.linspace(0, 1, 5)
    probs = np.full((5, 10), 0.01)
    probs[:, 8] = np.linspace(0.1, 0.95, 5)
    probs[:, 1] = [0.84, 0.6, 0.4, 0.2, 0.05]  # the rival, believed most at t = 0
    probs[:, 4] = [0.3, 0.3, 0.3, 0.3, 0.3]  # believed a while, never as much
    layout = probabilities_figure(depth, probs, "ODE-Net", "time t", 8, legend=False).to_dict()["layout"]
    labels = {a["text"]: a for a in layout["annotations"]}
    assert set(labels) == {"true class 8", "class 1"}
    assert (labels["class 1"]["x"], labels["class 1"]["y"]) == (0.0, 0.84)
    assert labels["class 1"]["xanchor"] == "left"  # into the plot from its left edge
    # No wrong class worth naming: only the true class is labelled.
    flat = probabilities_figure(depth, np.full((5, 10), 0.1), "ResNet", "block", 3, legend=False)
    assert [a["text"] for a in flat.to_dict()["layout"]["annotations"]] == ["true class 3"]


def test_error_bars_in_the_apps_colours_with_room_for_their_values():
    fig = error_bars_figure(("MLP", "ODE-Net"), (4.74, 1.39), (1.60, 0.42)).to_dict()
    assert [t["marker"]["color"] for t in fig["data"]] == list(PALETTE[:2])
    assert all(t["textposition"] == "outside" for t in fig["data"])
    assert fig["layout"]["yaxis"]["range"][1] > 4.74 * 1.1  # the tallest bar's label stays in the plot


def test_tolerance_marks_where_it_was_trained_and_writes_decades_plainly():
    """add_vline put "trained at" at x = 0.01 on the log axis, which reads an annotation's x as the exponent:
    at 10^0.01, off the plot. The NFE axis had ticks synced to the accuracy grid (6.71, 15.25...) and the
    tolerance axis plotly's SI labels (100µ, 1µ)."""
    tols = [0.3, 0.1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7]
    fig = tolerance_figure(tols, [0.986] * 8, [14, 14, 14, 14, 20, 20, 26, 32], 1e-2).to_dict()
    layout = fig["layout"]
    (label,) = layout["annotations"]
    assert label["text"] == "trained at" and math.isclose(label["x"], -2.0)
    assert layout["shapes"][0]["x0"] == 1e-2
    assert layout["yaxis2"]["tickmode"] == "auto"
    assert {"0.001", "1e-6"} <= set(layout["xaxis"]["ticktext"])
    assert [t["line"]["color"] for t in fig["data"]] == list(PALETTE[:2])
