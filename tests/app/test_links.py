"""Link binding across navigation: a link with parameters wins; a bare page URL restores the last view."""

from __future__ import annotations

from tests.app.apptest_helpers import assert_clean, open_page, texts


def _go(at, url: str, **params: str):
    at.switch_page(f"views/{url}.py" if url else "views/home.py")
    at.query_params.clear()  # as a link to a page carries exactly its own parameters
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_a_new_link_replaces_the_sessions_view():
    at = open_page("solver_lab", system="harmonic")
    at.number_input(key="solver.harmonic.h").set_value(0.05).run()
    _go(at, "solver_lab", system="pendulum", view="the-maths")
    assert_clean(at)
    assert at.selectbox(key="solver.system").value == "pendulum"
    assert at.query_params["view"] == "the-maths"
    assert at.number_input(key="solver.pendulum.h").value == 0.2  # the link's view, not the old session's


def test_a_bare_page_url_restores_the_last_view():
    at = open_page("solver_lab", system="harmonic", h="0.05")
    _go(at, "")
    assert_clean(at)
    _go(at, "solver_lab")
    assert_clean(at)
    assert at.selectbox(key="solver.system").value == "harmonic"
    assert at.number_input(key="solver.harmonic.h").value == 0.05
    assert at.query_params["system"] == "harmonic"


def test_a_new_link_keeps_the_pages_other_state():
    at = open_page("solver_lab", system="harmonic")
    at.session_state["solver.trained_model"] = "kept"  # what a page keeps besides its controls
    _go(at, "solver_lab", system="pendulum")
    assert at.session_state["solver.trained_model"] == "kept"
    assert at.selectbox(key="solver.system").value == "pendulum"


def test_a_note_about_a_bad_link_value_goes_once_the_visitor_sets_it():
    at = open_page("solver_lab", system="harmonic", h="-5", tol="zzz")
    assert_clean(at)
    assert "`h=-5` was ignored" in texts(at) and "`tol=zzz` was ignored" in texts(at)
    at.number_input(key="solver.harmonic.h").set_value(0.05).run()
    assert_clean(at)
    assert "`h=-5` was ignored" not in texts(at)
    assert "`tol=zzz` was ignored" in texts(at)  # still at the value put in its place


def test_a_note_about_an_empty_default_says_none():
    at = open_page("phase_portraits", starts="1,2,3")
    note = next(i.value for i in at.info if "`starts=1,2,3` was ignored" in i.value)
    assert note.endswith("using none.")
