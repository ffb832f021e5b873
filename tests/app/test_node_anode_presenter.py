"""The NODE vs ANODE lab on a projector (presenter mode): the Animation and 3-D tabs' figures fit under the
page's head above a 1280x720 fold, Play and the slider included, the 1-D flip's paths and outputs too, and
the own-points how-to goes under the plane (tour steps 10, 11, 12 and 26); the training replay's end states
are built as tall as they are drawn."""

from __future__ import annotations

import pytest

from components.flow_cloud_figures import CLOUD_VIEW, LOW_FOOT_PX, near_view
from kit.figures import PRESENTER_SCENE_HEIGHT
from kit.node_anode_notes import OWN_POINTS
from tests.app.apptest_helpers import assert_clean, open_page, plotly_figure
from tests.app.test_node_anode_lab_truth import in_order

URL = "node_anode_lab"
#: Tour step 26's link: a ring of A around four B.
RING = "1.3,0,a;0.92,0.92,a;0,1.3,a;-0.92,0.92,a;-1.3,0,a;-0.92,-0.92,a;0,-1.3,a;0.92,-0.92,a;0.28,0.12,b;-0.12,0.28,b;-0.28,-0.12,b;0.12,-0.28,b"
#: Where the tab's figure starts on a 1280x720 projector (measured in Chromium: 282 px, under the tour's
#: banner, the title, the caption and the tabs).
FIGURE_TOP_PX = 282


@pytest.mark.parametrize(("view", "key"), [("animation", "node_anode.cloud"), ("3-d", "node_anode.3d")])
def test_the_flow_figures_fit_above_a_projector_s_fold(view, key):
    at = open_page(URL, data="circles", view=view, present="1")
    assert_clean(at)
    layout = plotly_figure(at, key=key)["layout"]
    # Not kit.figures' 640 px floor for 3-D figures, which put the foot (and Play) at 922 px of 720.
    assert 400 <= layout["height"] <= 720 - FIGURE_TOP_PX
    assert layout["font"]["size"] > 12  # still the presenter's enlarged text


def test_the_flow_figures_keep_their_own_height_on_a_laptop():
    at = open_page(URL, data="circles", view="animation")
    assert_clean(at)
    assert plotly_figure(at, key="node_anode.cloud")["layout"]["height"] == 560


def test_the_cloud_s_controls_are_inside_the_presenter_figure():
    at = open_page(URL, data="circles", view="animation", present="1")
    layout = plotly_figure(at, key="node_anode.cloud")["layout"]
    plot = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    # The slider's top at least 80 px above the figure's foot: its current value, rail and labels (about
    # 100 px with its pad) end inside the figure, so above the fold.
    slider_top = layout["margin"]["t"] + (1 - layout["sliders"][0]["y"]) * plot
    assert slider_top <= layout["height"] - 80


@pytest.mark.parametrize(("present", "how_to_first"), [({}, True), ({"present": "1"}, False)])
def test_the_own_points_how_to_is_under_the_plane_only_in_presenter_mode(present, how_to_first):
    at = open_page(URL, data="own", pts=RING, **present)
    assert_clean(at)
    drawn = in_order(at.main)
    how_to = next(i for i, e in enumerate(drawn) if getattr(e, "value", None) == OWN_POINTS)
    plane = next(i for i, e in enumerate(drawn) if e.type == "plotly_chart")
    assert (how_to < plane) is how_to_first


#: Where tour step 12's figure starts (measured in Chromium: 261 px down a 1280x720 projector, 305 px down a
#: 1024x768 one, under a one-line banner).
FLIP_TOP_PX = {(1280, 720): 261, (1024, 768): 305}


def test_the_flip_s_paths_and_outputs_are_above_a_projector_s_fold():
    at = open_page(URL, data="flip1d", present="1", tour="12")
    assert_clean(at)
    layout = plotly_figure(at, key="node_anode.flip")["layout"]
    # The laptop's 660 px put the outputs' row at 921 px of 720.
    assert all(top + layout["height"] <= fold for (_, fold), top in FLIP_TOP_PX.items())
    assert layout["legend"]["x"] > 1  # beside the outputs, not a 70 px row over the paths
    assert layout["font"]["size"] >= 1.6 * 14  # still the presenter's enlarged text
    drawn = in_order(at.main)
    figure = next(i for i, e in enumerate(drawn) if e.type == "plotly_chart")
    note = next(i for i, e in enumerate(drawn) if "needs paths to cross" in str(getattr(e, "value", "")))
    assert figure < note  # the side text under the figure


def test_the_flip_keeps_its_own_height_on_a_laptop():
    at = open_page(URL, data="flip1d")
    assert plotly_figure(at, key="node_anode.flip")["layout"]["height"] == 660


@pytest.mark.parametrize(
    ("present", "height", "camera"),
    [
        ({}, 500, CLOUD_VIEW),
        ({"present": "1"}, PRESENTER_SCENE_HEIGHT, near_view(PRESENTER_SCENE_HEIGHT - 50 - LOW_FOOT_PX)),
    ],
)
def test_the_replay_s_end_states_are_built_as_tall_as_they_are_drawn(present, height, camera):
    at = open_page(URL, steps="3", view="training-replay", **present)
    at = at.button(key="node_anode.train").click().run()
    assert_clean(at)
    layout = plotly_figure(at, key="node_anode.replay_cloud")["layout"]
    assert layout["height"] == height
    # The camera chosen for the height it is drawn at: built 440 px tall for the nearer one, the cloud was
    # drawn 640 px tall on a projector and the ANODE's ran off its scene.
    assert layout["scene"]["camera"] == camera


def test_the_replay_s_decision_regions_end_above_a_projector_s_fold():
    """Under the step slider and the loss caption the regions start 318 px down a 1280x720 projector (340 of
    768 at 1024x768, measured in Chromium): at their usual 456 px their x axis ended at 774."""
    at = open_page(URL, steps="3", view="training-replay", present="1")
    at = at.button(key="node_anode.train").click().run()
    assert_clean(at)
    layout = plotly_figure(at, key="node_anode.replay_regions")["layout"]
    assert 318 + layout["height"] <= 720 and 340 + layout["height"] <= 768
    assert layout["height"] - layout["margin"]["t"] >= 300  # room left for the plots and their x axis
    assert layout["font"]["size"] > 12
    laptop = open_page(URL, steps="3", view="training-replay")
    laptop = laptop.button(key="node_anode.train").click().run()
    assert plotly_figure(laptop, key="node_anode.replay_regions")["layout"]["height"] == 456
