"""The ODE-Nets page's feature-map animation: a slider whose ticks fit under it."""

import numpy as np

from components.image_figures import feature_maps_figure


def _slider(depth, name):
    maps = np.random.default_rng(0).random((len(depth), 8, 4, 4))
    fig = feature_maps_figure(np.asarray(depth, dtype=float), maps, "ODE-Net", name, start=len(depth) - 1)
    return fig.to_dict()["layout"]["sliders"][0], [f["name"] for f in fig.to_dict()["frames"]]


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
