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


def _links(at) -> list[tuple[str, str, dict[str, str]]]:
    """(label, url path, parsed query) of each page link on the page, in order."""
    from urllib.parse import parse_qsl

    return [(p.proto.label, p.proto.page, dict(parse_qsl(p.proto.query_string))) for p in at.get("page_link")]


def test_tour_page_links_every_step_to_its_registered_page():
    at = open_page("tour")
    assert_clean(at)
    hashes = {p.proto.page for p in at.get("page_link") if p.proto.page_script_hash}
    assert len(hashes) == len({s.page for s in steps()})  # every link resolved to a registered page
    links = _links(at)
    start, present, *per_step = links
    assert start == ("Start the tour", steps()[0].page, {**steps()[0].params, "tour": "1"})
    assert present == (
        "Start in presenter mode",
        steps()[0].page,
        {**steps()[0].params, "tour": "1", "present": "1"},
    )
    assert [(page, query) for _, page, query in per_step] == [
        (step.page, {**step.params, "tour": str(k)}) for k, step in enumerate(steps(), start=1)
    ]


def test_tour_bar_links_point_at_the_neighbours():
    at = open_page(steps()[1].page, **steps()[1].params, tour="2")
    previous, following = _links(at)[:2]
    assert previous == ("Previous", steps()[0].page, {**steps()[0].params, "tour": "1"})
    assert following == ("Next", steps()[2].page, {**steps()[2].params, "tour": "3"})
    last = len(steps())
    at = open_page(steps()[-1].page, **steps()[-1].params, tour=str(last))
    assert _links(at)[1][:2] == ("The end", "tour")
