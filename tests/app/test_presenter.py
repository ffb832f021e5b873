"""Presenter mode in a talk: it stays on through the tour's Previous / Next and page changes until left."""

from __future__ import annotations

from urllib.parse import parse_qsl

from streamlit.testing.v1 import AppTest

from kit.registry import PAGES
from tests.app.apptest_helpers import assert_clean, open_page, texts


def _link(at: AppTest, label: str):
    return next(el.proto for el in at.get("page_link") if el.proto.label == label)


def follow(at: AppTest, label: str) -> AppTest:
    """What a click on the page link `label` does: open its page, in this session, with its parameters."""
    link = _link(at, label)
    at.switch_page(next(p.path for p in PAGES if p.url == link.page))
    for key, value in parse_qsl(link.query_string):
        at.query_params[key] = value
    return at.run()


def presenting(at: AppTest) -> bool:
    """The URL says presenter mode and the page is drawn in it (its way out is there, the menu button not)."""
    keys = {b.key for b in at.button}
    return at.query_params.get("present") == "1" and "leave_present" in keys and "enter_present" not in keys


def test_next_and_previous_keep_presenter_mode():
    at = open_page("solver_lab", tour="1", present="1")
    assert presenting(at)
    assert dict(parse_qsl(_link(at, "Next").query_string))["present"] == "1"  # the link itself says so
    follow(at, "Next")
    assert_clean(at)
    assert "Tour · step 2 of" in texts(at)
    assert at.query_params["tour"] == "2" and at.query_params["view"] == "3-d"
    assert presenting(at)
    follow(at, "Next")
    assert "Tour · step 3 of" in texts(at)
    assert presenting(at)
    follow(at, "Previous")
    assert "Tour · step 2 of" in texts(at)
    assert presenting(at)


def test_a_page_change_by_a_link_without_it_keeps_presenter_mode():
    at = open_page("solver_lab", tour="1", present="1")
    at.switch_page("views/home.py")  # as the menu does: no parameters at all
    at.run()
    assert_clean(at)
    assert presenting(at)


def test_left_presenter_mode_stays_left():
    at = open_page("solver_lab", tour="1", present="1")
    at.button(key="leave_present").click().run()
    assert not presenting(at)
    assert "present" not in parse_qsl(_link(at, "Next").query_string)
    follow(at, "Next")
    assert "Tour · step 2 of" in texts(at)
    assert "present" not in at.query_params
    assert "enter_present" in {b.key for b in at.button}


def test_without_presenter_mode_the_tour_links_do_not_add_it():
    at = open_page("solver_lab", tour="1")
    assert dict(parse_qsl(_link(at, "Next").query_string)) == {"view": "3-d", "tour": "2"}


def test_tour_page_starts_in_presenter_mode():
    at = open_page("tour")
    assert_clean(at)
    assert "present" not in dict(parse_qsl(_link(at, "Start the tour").query_string))
    follow(at, "Start in presenter mode")
    assert_clean(at)
    assert "Tour · step 1 of" in texts(at)
    assert at.query_params["tour"] == "1"
    assert presenting(at)
