"""The Latent spirals page in a real browser: deep links reproduce a view, a button lands in the link, bad
links fall back with a note."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DONE, assert_no_exception, expect_main, main_text, open_and_wait

pytestmark = pytest.mark.e2e

PLOT = "[data-testid='stPlotlyChart'] .js-plotly-plot"


def test_deep_link_to_a_random_spiral_and_k(server, page):
    open_and_wait(page, f"{server}/latent_spirals?source=random&seed=7&k=50")
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_label("Random spiral's seed")).to_have_value("7")
    page.wait_for_selector(PLOT, timeout=30_000)
    assert page.locator(PLOT).count() == 2
    text = main_text(page)
    assert "first 50 of 200 points" in text
    assert "Latent ODE extrapolation RMSE" in text and "RNN extrapolation RMSE" in text
    expect(page.locator(PLOT).first).to_contain_text("latent ODE: extrapolation")
    assert_no_exception(page)


def test_deep_link_to_the_interpolation(server, page):
    open_and_wait(page, f"{server}/latent_spirals?view=interpolation&b=5&alpha=0.3")
    page.wait_for_selector(PLOT, timeout=30_000)
    expect(page.locator(PLOT).first).to_contain_text("decoded at α = 0.30")
    expect(page.locator(PLOT).nth(2)).to_contain_text("Play")  # the morph animation's controls
    assert page.locator(PLOT).count() == 3
    assert_no_exception(page)


def test_new_random_spiral_button_lands_in_the_link(server, page):
    open_and_wait(page, f"{server}/latent_spirals?source=random")
    page.get_by_role("button", name="New random spiral").click()
    page.wait_for_url("**seed=1**", timeout=30_000)
    page.wait_for_selector(DONE, timeout=30_000)
    open_and_wait(page, page.url)
    expect(page.locator("[data-testid='stSidebar']").get_by_label("Random spiral's seed")).to_have_value("1")


def test_bad_link_values_fall_back_with_a_note(server, page):
    open_and_wait(page, f"{server}/latent_spirals?k=abc&view=zzz&alpha=<script>")
    expect_main(page, "k=abc was ignored", "view=zzz was ignored", "first 30 of 200 points")
    assert_no_exception(page)
