"""Every page shows a failure the one way (`kit.failure.show_failure`): one line, one icon, its subject
first, and a note when the part computed before is still drawn."""

from __future__ import annotations

from kit.failure import DRAWN, ICON, drawn_part, failed, failure_text
from models.failure import Failure
from models.ode.solve import Diverged
from tests.app.apptest_helpers import assert_clean, open_page


def test_the_wording_rule():
    assert failure_text(Failure("no checkpoint")) == "no checkpoint"
    assert failure_text(Failure("no checkpoint"), "Shipped fit unavailable") == (
        "Shipped fit unavailable: no checkpoint"
    )
    assert failure_text(Diverged("blew up.", partial=[1])) == f"blew up. {DRAWN}"
    assert failure_text(Diverged("blew up", partial=[1]), "Euler", drawn=False) == "Euler: blew up"


def test_a_result_or_its_partial_is_what_a_page_draws():
    assert drawn_part([1, 2]) == [1, 2] and not failed([1, 2])
    stopped = Diverged("blew up", partial=[1])
    assert failed(stopped) and drawn_part(stopped) == [1]


def test_the_solver_lab_shows_a_blow_up_through_show_failure():
    at = open_page("solver_lab", system="blowup", t1="2")
    assert_clean(at)
    errors = [e for e in at.error if "blew up" in e.value]
    assert errors and all(e.icon == ICON and e.value.endswith(DRAWN) and "\n" not in e.value for e in errors)


def test_the_phase_portraits_show_a_bad_equation_and_a_refused_solve_through_show_failure():
    bad = open_page("phase_portraits", dx="x**y", dy="-x")
    assert_clean(bad)
    assert [e.icon for e in bad.error] == [ICON]
    refused = open_page("phase_portraits", h="0.001", t1="100")
    assert_clean(refused)
    assert refused.error[0].icon == ICON and "exceed the cap" in refused.error[0].value
