"""Reset view: every page built on the scaffold goes back to its opening view, whatever was changed."""

from __future__ import annotations

import pytest

from kit.page_views import (
    HowTheyLearnView,
    LatentSpiralsView,
    NodeAnodeLabView,
    PhasePortraitsView,
    SolverLabView,
)
from tests.app.apptest_helpers import assert_clean, open_page
from tests.app.test_tour_views import LINKS_NAMES

#: (page, its view type, a deep link that changes the view)
CHANGED = [
    ("solver_lab", SolverLabView, {"system": "duffing", "view": "the-maths"}),
    ("phase_portraits", PhasePortraitsView, {"system": "harmonic", "starts": "1,0"}),
    ("latent_spirals", LatentSpiralsView, {"k": "50", "view": "interpolation"}),
    ("node_anode_lab", NodeAnodeLabView, {"data": "circles", "steps": "20"}),
    ("how_they_learn", HowTheyLearnView, {"view": "resnet-to-ode-net", "depth": "2"}),
]


@pytest.mark.parametrize(("page", "view_type", "params"), CHANGED, ids=[c[0] for c in CHANGED])
def test_reset_view_returns_to_the_opening_view(page, view_type, params):
    at = open_page(page, **params)
    assert_clean(at)
    name = LINKS_NAMES[page]
    assert at.session_state[f"{name}.__view"] != view_type()
    at.button(key=f"{name}.__reset_view").click().run()
    assert_clean(at)
    assert at.session_state[f"{name}.__view"] == view_type()
    assert not {k for k in at.query_params if k not in ("present", "tour")}
