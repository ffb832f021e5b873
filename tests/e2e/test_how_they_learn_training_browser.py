"""How Neural ODEs learn in a real browser: pressing the quickest Train button shows its result."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DONE, open_and_wait

pytestmark = pytest.mark.e2e


def test_train_and_record_nfe(server, page):
    open_and_wait(page, f"{server}/how_they_learn?view=nfe-study")
    main = page.locator("[data-testid='stMain']")
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    expect(chart).to_contain_text("shipped training")
    expect(chart).not_to_contain_text("your training")

    steps = page.locator("input[type=range][aria-label='Steps']")
    steps.focus()
    steps.press("Home")  # the fewest steps the slider allows: 10
    expect(steps).to_have_value("10")
    page.wait_for_selector(DONE)
    page.get_by_role("button", name="Train and record NFE").click()

    caption = main.get_by_text(re.compile(r"Trained live: 10 steps"))
    expect(caption).to_be_visible(timeout=90_000)
    page.wait_for_selector(DONE)
    expect(chart).to_contain_text("your training")
    first, last = map(float, re.search(r"loss ([\d.]+) → ([\d.]+)", caption.inner_text()).groups())
    assert last < first
    assert page.locator("[data-testid='stException']").count() == 0


def test_train_live_then_the_snapshot_slider_moves_through_that_run(server, page):
    open_and_wait(page, f"{server}/how_they_learn?view=learning-dynamics&snap=3")
    main = page.locator("[data-testid='stMain']")
    field = page.locator("[data-testid='stPlotlyChart']").first
    expect(field).to_contain_text("shipped fit after 45 steps")
    steps = page.locator("input[type=range][aria-label='Steps']")
    steps.focus()
    steps.press("Home")  # 50 steps
    expect(steps).to_have_value("50")
    page.wait_for_selector(DONE)
    page.get_by_role("button", name="Train live").click()
    expect(main.get_by_text(re.compile(r"Trained live: window MSE"))).to_be_visible(timeout=90_000)
    page.wait_for_selector(DONE)
    expect(field).to_contain_text("your training after 50 steps")
    assert "snap=" not in page.url  # the run lives in this session; the link opens the shipped fit
    live = page.locator("input[type=range][aria-label='Training snapshot (your training)']")
    live.focus()
    live.press("Home")
    page.wait_for_selector(DONE)
    expect(field).to_contain_text("your training after 0 steps")
    assert "snap=" not in page.url
    assert page.locator("[data-testid='stException']").count() == 0
