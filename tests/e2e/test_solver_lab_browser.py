"""The Solver lab in a real browser: a deep link reproduces a view, bad links fall back with a note."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_and_wait

pytestmark = pytest.mark.e2e


def test_deep_link_reproduces_the_view(server, page):
    open_and_wait(
        page, f"{server}/solver_lab?system=harmonic&methods=euler,midpoint&h=0.1&view=error-vs-step-size"
    )
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text("Euler (h = 0.1)")
    expect(main).to_contain_text("Midpoint (h = 0.1)")
    expect(main).to_contain_text("Measured orders")  # the error-vs-step-size tab is the open one
    expect(page.locator("[data-testid='stSidebar']")).to_contain_text(
        "ω (angular frequency)"
    )  # harmonic only
    assert page.locator("[data-testid='stException']").count() == 0


def test_changing_a_control_updates_the_link(server, page):
    open_and_wait(page, f"{server}/solver_lab")
    field = page.get_by_label("Step size h")
    field.fill("0.1")
    field.press("Enter")
    page.wait_for_url("**h=0.1**", timeout=30_000)
    open_and_wait(page, page.url)
    expect(page.locator("[data-testid='stMain']")).to_contain_text("Euler (h = 0.1)")


def test_bad_link_values_fall_back_with_a_note(server, page):
    open_and_wait(page, f"{server}/solver_lab?system=__import__('os')&h=-5&tol=zzz")
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text("system=__import__('os') was ignored")
    expect(main).to_contain_text("h=-5 was ignored")
    expect(main).to_contain_text("Euler (h = 0.2)")
    assert page.locator("[data-testid='stException']").count() == 0


def test_blow_up_ends_with_a_message_not_a_traceback(server, page):
    open_and_wait(page, f"{server}/solver_lab?system=blowup&t1=2", timeout_ms=30_000)
    expect(page.locator("[data-testid='stMain']")).to_contain_text("blew up")
    assert page.locator("[data-testid='stException']").count() == 0
