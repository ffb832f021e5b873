"""The NODE vs ANODE point cloud (components/flow_cloud_figures.cloud_figure) in 3-D: the floor axes are
labelled sparsely enough not to run into each other, and the tall figure's camera looks near the cube's
centre across the screen (the training replay's end states)."""

import numpy as np

from components.flow_cloud_figures import CLOUD_VIEW, SCENE_TICKS, cloud_figure
from components.flow_panels import Coloring, Panel

N = 6


def _panel(dim: int, label: str) -> Panel:
    t = np.linspace(0, 1, 3)
    states = np.stack([np.full((N, dim), 8.0 * k) + np.arange(N)[:, None] for k in t])  # (T, N, dim)
    return Panel(label, t, states, ("z0", "z1", "a1")[:dim])


def test_a_scene_s_floor_axes_carry_few_ticks():
    fig = cloud_figure([_panel(2, "NODE"), _panel(3, "ANODE")], Coloring(np.arange(N) % 2), animate=False)
    assert fig.layout.scene.xaxis.nticks == fig.layout.scene.yaxis.nticks == SCENE_TICKS <= 5


def test_the_tall_camera_looks_at_most_a_little_aside_of_the_cube_s_centre():
    # The eye's screen-right direction (looking from the eye along the floor, z up): looking at a point far
    # left of the centre put the cube's far corner and z1's ticks off the scene's right side.
    eye, center = CLOUD_VIEW["eye"], CLOUD_VIEW["center"]
    right = np.array([-eye["y"], eye["x"]]) / np.hypot(eye["x"], eye["y"])
    assert abs(right @ np.array([center["x"], center["y"]])) < 0.1
