"""The ODE-Nets on images page in a real browser: the table opens and fits the width, a deep link to the flow
of a digit draws its animated figures, a control lands in the link, bad links fall back with a note, a live
run trains and reports, presenter mode draws the mistakes without controls."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DONE, assert_no_exception, expect_main, main, main_text, open_and_wait

pytestmark = pytest.mark.e2e

PLOT = "[data-testid='stPlotlyChart'] .js-plotly-plot"


def test_opening_view_is_table_1(server, page):
    open_and_wait(page, f"{server}/ode_nets")
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=30_000)
    assert "the shape of the table holds" in main_text(page)
    assert_no_exception(page)


#: [scrolled width, visible width] of each table's grid: a wider grid scrolls, its right columns cut off.
GRID_WIDTHS = """() => [...document.querySelectorAll("[data-testid='stDataFrame'] .dvn-scroller")]
  .map((e) => [e.scrollWidth, e.clientWidth])"""


@pytest.mark.parametrize(
    ("size", "present"), [({"width": 1024, "height": 768}, True), ({"width": 1440, "height": 900}, False)]
)
def test_table_1_is_not_cut_at_the_right(server, browser, size, present):
    """One 11-column table scrolled (1,688 px of grid in 969 at 1024 presenter); ours and the paper's fit."""
    context = browser.new_context(viewport=size)
    page = context.new_page()
    try:
        open_and_wait(page, f"{server}/ode_nets?tour=19" + ("&present=1" if present else ""))
        page.wait_for_function(f"({GRID_WIDTHS})().length === 2", timeout=30_000)
        widths = page.evaluate(GRID_WIDTHS)
        assert all(scrolled <= shown + 1 for scrolled, shown in widths), widths
        assert_no_exception(page)
    finally:
        context.close()


def test_deep_link_to_the_flow_of_a_digit(server, page):
    open_and_wait(page, f"{server}/ode_nets?view=flow&image=4")
    page.wait_for_selector(PLOT, timeout=60_000)
    assert page.locator(PLOT).count() == 4
    expect(page.locator(PLOT).first).to_contain_text("Play")  # the feature maps' animation
    expect(page.locator(PLOT).nth(2)).to_contain_text("ODE-Net: probabilities along t")
    assert_no_exception(page)


def test_model_choice_lands_in_the_link(server, page):
    open_and_wait(page, f"{server}/ode_nets?view=mistakes")
    page.get_by_label("Model").click()
    page.get_by_role("option", name="ResNet").click()
    page.wait_for_url("**model=resnet**", timeout=30_000)
    page.wait_for_selector(DONE, timeout=30_000)
    expect_main(page, "ResNet mistakes")


def test_bad_link_values_fall_back_with_a_note(server, page):
    open_and_wait(page, f"{server}/ode_nets?view=flow&image=abc")
    expect_main(page, "image=abc was ignored")
    assert_no_exception(page)


def test_a_live_run_from_scratch_trains_and_reports(server, page):
    open_and_wait(page, f"{server}/ode_nets?view=train-live&steps=20")
    page.get_by_role("button", name="Train").click()
    expect(main(page).get_by_text(re.compile(r"Your run: ODE-Net from scratch, 20 steps in"))).to_be_visible(
        timeout=120_000
    )
    expect_main(page, "test accuracy")
    assert_no_exception(page)


def test_presenter_mode_draws_the_mistakes_without_controls(server, page):
    open_and_wait(page, f"{server}/ode_nets?view=mistakes&present=1")
    page.wait_for_selector(PLOT, timeout=60_000)
    assert page.locator(PLOT).count() == 2
    expect_main(page, "ODE-Net mistakes")
    assert page.get_by_label("Model").count() == 0  # presenter mode hides the controls
    assert_no_exception(page)
