"""The Solver lab in a real browser: a deep link reproduces a view, bad links fall back with a note."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_exception, expect_main, open_and_wait

pytestmark = pytest.mark.e2e


def test_deep_link_reproduces_the_view(server, page):
    open_and_wait(
        page, f"{server}/solver_lab?system=harmonic&methods=euler,midpoint&h=0.1&view=error-vs-step-size"
    )
    # The error-vs-step-size tab is the open one.
    expect_main(page, "Euler (h = 0.1)", "Midpoint (h = 0.1)", "Measured orders")
    expect(page.locator("[data-testid='stSidebar']")).to_contain_text(
        "ω (angular frequency)"
    )  # harmonic only
    assert_no_exception(page)


def test_changing_a_control_updates_the_link(server, page):
    open_and_wait(page, f"{server}/solver_lab")
    field = page.get_by_label("Step size h")
    field.fill("0.1")
    field.press("Enter")
    page.wait_for_url("**h=0.1**", timeout=30_000)
    open_and_wait(page, page.url)
    expect_main(page, "Euler (h = 0.1)")


def test_bad_link_values_fall_back_with_a_note(server, page):
    open_and_wait(page, f"{server}/solver_lab?system=__import__('os')&h=-5&tol=zzz")
    expect_main(page, "system=__import__('os') was ignored", "h=-5 was ignored", "Euler (h = 0.2)")
    assert_no_exception(page)


def test_blow_up_ends_with_a_message_not_a_traceback(server, page):
    open_and_wait(page, f"{server}/solver_lab?system=blowup&t1=2", timeout_ms=30_000)
    expect_main(page, "blew up")
    assert_no_exception(page)


def test_stiffness_tab_opens_from_a_deep_link(server, page):
    open_and_wait(page, f"{server}/solver_lab?system=robertson&methods=&adaptive=lsoda&view=stiffness")
    expect_main(
        page, "LSODA (Adams/BDF switching) (implicit)", "Dormand–Prince 5(4): stopped", "Stiffness ratio"
    )
    plot = "[data-testid='stPlotlyChart'] .js-plotly-plot"
    page.wait_for_selector(plot, timeout=30_000)
    expect(page.locator(plot).first).to_contain_text("stopped by the budget")  # in the legend
    assert_no_exception(page)
