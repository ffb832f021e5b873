"""The NODE vs ANODE lab's 3-D tab keeps the page's width in both modes: two 3-D scenes side by side,
each fitted to its box's lower side, were small cubes in a 3.2 : 1 column with gaps around them."""

from __future__ import annotations

import pytest

from tests.app.apptest_helpers import assert_clean, open_page, plotly_figure, texts
from tests.app.test_node_anode_lab_truth import side_by_side

URL = "node_anode_lab"


def test_the_3d_tab_keeps_the_width_with_its_text_below_outside_presenter_mode_too():
    for params in ({}, {"present": "1"}):
        at = open_page(URL, data="circles", view="3-d", **params)
        assert_clean(at)
        assert not side_by_side(at)
        assert "A flow keeps topology" in texts(at)
        layout = plotly_figure(at, key="node_anode.3d")["layout"]
        assert {name for name in layout if name.startswith("scene")} == {"scene", "scene2"}
        assert (
            layout["scene"]["zaxis"]["title"]["text"] == "t"
            and layout["scene2"]["zaxis"]["title"]["text"] == "a1"
        )


def test_the_animation_of_a_3d_cloud_keeps_the_width_too():
    """Beside its text the ANODE's scene was 287 px wide and 358 high at 1440x900: plotly fits the cube to
    the height, and its a1 title and a tick ran off the scene's sides."""
    at = open_page(URL, data="circles", view="animation")
    assert_clean(at)
    assert not side_by_side(at)
    assert "scene" in plotly_figure(at, key="node_anode.cloud")["layout"]


@pytest.mark.parametrize(
    ("params", "key"),
    [({"view": "animation", "models": "node"}, "node_anode.cloud"), ({"view": "depth"}, "node_anode.depth")],
)
def test_the_other_tabs_keep_their_text_beside_the_figure(params, key):
    at = open_page(URL, data="circles", **params)
    assert_clean(at)
    assert side_by_side(at)
    assert not any(name.startswith("scene") for name in plotly_figure(at, key=key)["layout"])
