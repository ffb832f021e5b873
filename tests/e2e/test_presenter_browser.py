"""Presenter mode in a real browser: controls hidden, type enlarged, a way back, and the tour bar."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DONE, open_and_wait

pytestmark = pytest.mark.e2e


def _font_px(page, selector: str) -> float:
    return page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


def test_presenter_mode_hides_controls_and_enlarges_type(server, page):
    open_and_wait(page, f"{server}/solver_lab")
    normal = _font_px(page, "[data-testid='stMain'] h1")
    expect(page.locator("[data-testid='stSidebar']")).to_be_visible()
    open_and_wait(page, f"{server}/solver_lab?present=1")
    expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
    assert page.get_by_text("Export").count() == 0
    assert _font_px(page, "[data-testid='stMain'] h1") > normal
    page.get_by_role("button", name="Leave presenter mode").click()
    expect(page.locator("[data-testid='stSidebar']")).to_be_visible(timeout=30_000)
    assert "present=1" not in page.url


def test_tour_step_link_shows_the_bar_and_next_goes_on(server, page):
    open_and_wait(page, f"{server}/solver_lab?tour=1")
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text("Tour · step 1 of")
    page.get_by_role("link", name="Next").click()
    expect(main).to_contain_text("Tour · step 2 of", timeout=60_000)
    expect(main).to_contain_text("Drag to rotate the 3-D view", timeout=60_000)
    page.wait_for_url("**tour=2**", timeout=30_000)  # the step is itself a link
    assert "view=3-d" in page.url


def test_presenter_mode_stays_on_through_the_tour(server, page):
    open_and_wait(page, f"{server}/solver_lab?tour=1")
    normal = _font_px(page, "[data-testid='stMain'] h1")
    open_and_wait(page, f"{server}/solver_lab?tour=1&present=1")
    main = page.locator("[data-testid='stMain']")
    for k in (2, 3):
        page.get_by_role("link", name="Next").click()
        expect(main).to_contain_text(f"Tour · step {k} of", timeout=60_000)
        page.wait_for_url(f"**tour={k}**", timeout=30_000)
        page.wait_for_selector(DONE, timeout=60_000)
        assert "present=1" in page.url
        expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
        expect(page.get_by_role("button", name="Leave presenter mode")).to_be_visible()
        assert _font_px(page, "[data-testid='stMain'] h1") > normal


#: The tour bar's Previous / Next links, which the arrow keys click.
BAR_LINKS = ".st-key-tour_bar a[data-testid='stPageLink-NavLink']"


def test_arrow_keys_step_the_tour(server, page):
    open_and_wait(page, f"{server}/solver_lab?tour=1&present=1")
    main = page.locator("[data-testid='stMain']")
    page.wait_for_function("window.tourArrowKeys")  # the bar's script has run: the keys are bound
    page.locator(f"{BAR_LINKS}:has-text('Next')").wait_for(timeout=30_000)
    page.keyboard.press("ArrowRight")
    expect(main).to_contain_text("Tour · step 2 of", timeout=60_000)
    page.wait_for_url("**tour=2**", timeout=30_000)
    page.wait_for_selector(DONE, timeout=60_000)
    page.locator(f"{BAR_LINKS}:has-text('Previous')").wait_for(timeout=30_000)
    page.wait_for_timeout(800)
    page.keyboard.press("ArrowLeft")
    expect(main).to_contain_text("Tour · step 1 of", timeout=60_000)
    page.wait_for_url("**tour=1**", timeout=30_000)
    assert "present=1" in page.url
