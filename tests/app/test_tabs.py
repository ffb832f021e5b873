"""Every tab of every page opens from its link (`?view=<tab>`): it runs clean, shows its own text and
charts, and the link keeps naming it."""

from __future__ import annotations

import pytest

from tests.app.apptest_helpers import assert_clean, open_page, texts

#: (page, tab, a text only that tab shows, its plotly charts, its altair charts)
TABS = [
    ("solver_lab", "3-d", "Drag to rotate the 3-D view", 1, 0),
    ("solver_lab", "error-vs-step-size", "Measured orders", 1, 0),
    ("solver_lab", "work-precision", "Cost is counted in evaluations", 1, 0),
    ("solver_lab", "adaptive-steps", "accepted steps", 1, 0),
    ("solver_lab", "the-maths", "local truncation error", 0, 0),
    ("node_anode_lab", "depth", "Depth is time", 1, 0),
    ("node_anode_lab", "3-d", "A flow keeps topology", 1, 0),
    ("node_anode_lab", "animation", "The point cloud flowing", 1, 0),
    ("node_anode_lab", "vector-field", "The learned vector field", 1, 0),
    ("node_anode_lab", "training-replay", "Press Train above to record one", 0, 1),  # the shipped record
    ("how_they_learn", "nfe-study", "needs more steps", 3, 1),
    ("how_they_learn", "resnet-to-ode-net", "one Euler step", 2, 1),
    ("how_they_learn", "learning-dynamics", "noisy samples", 1, 1),
    ("latent_spirals", "latent-path", "fixed projection", 1, 0),
    ("latent_spirals", "interpolation", "smooth latent space", 3, 0),
    ("latent_spirals", "prior-samples", "prior N(0, I)", 1, 0),
    ("latent_spirals", "table-2", "Table 2 (Chen et al.", 0, 1),
]


@pytest.mark.parametrize(
    ("page", "view", "expect", "plotly", "altair"), TABS, ids=[f"{p}-{v}" for p, v, *_ in TABS]
)
def test_each_tab_opens_from_a_link(page, view, expect, plotly, altair):
    at = open_page(page, view=view)
    assert_clean(at)
    assert expect in texts(at)
    assert at.query_params["view"] == view
    assert len(at.get("plotly_chart")) == plotly
    assert len(at.get("vega_lite_chart")) == altair
