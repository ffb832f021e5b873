"""The ODE-Nets on images page in a real browser: the table opens, a deep link to the flow of a digit draws its
animated figures, a control lands in the link, bad links fall back with a note, a live run trains and
reports, presenter mode draws the mistakes without controls."""

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


def test_deep_link_to_the_flow_of_a_digit(server, page):
    open_and_wait(page, f"{server}/ode_nets?view=flow&image=4")
    page.wait_for_selector(PLOT, timeout=60_000)
    assert page.locator(PLOT).count() == 4
    expect(page.locator(PLOT).first).to_contain_text("Play")  # the feature maps' animation
    expect(page.locator(PLOT).nth(2)).to_contain_text("class probabilities along t")
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
