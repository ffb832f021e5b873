"""The guided tour: every step renders with its tour bar, and Previous / Next point at the neighbours."""

from __future__ import annotations

import pytest

from kit.story import steps
from tests.app.apptest_helpers import assert_clean, open_page, texts


def test_tour_page_lists_every_step():
    at = open_page("tour")
    assert_clean(at)
    text = texts(at)
    for k, step in enumerate(steps(), start=1):
        assert f"{k}. {step.title}" in text


@pytest.mark.parametrize("k", range(1, len(steps()) + 1))
def test_every_step_renders_with_its_caption(k):
    step = steps()[k - 1]
    at = open_page(step.page, **step.params, tour=str(k))
    assert_clean(at)
    text = texts(at)
    assert f"Tour · step {k} of {len(steps())}: {step.title}" in text
    assert at.query_params["tour"] == str(k)  # the tour marker survives the page's own link sync
    for key, value in step.params.items():  # kept as given, or dropped because it is the default
        assert at.query_params.get(key, value) == value


def test_a_bad_tour_value_shows_no_bar():
    at = open_page("solver_lab", tour="999")
    assert_clean(at)
    assert "Tour · step" not in texts(at)
