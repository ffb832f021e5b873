"""The Normalizing flows page in a real browser: the time-lapse opens mid-flow with Play, a deep link
reproduces a view, bad links fall back with a note."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_exception, expect_main, main_text, open_and_wait

pytestmark = pytest.mark.e2e

PLOT = "[data-testid='stPlotlyChart'] .js-plotly-plot"


def test_the_time_lapse_opens_mid_flow_and_plays(server, page):
    open_and_wait(page, f"{server}/flows")
    page.wait_for_selector(PLOT, timeout=30_000)
    plot = page.locator(PLOT).first
    expect(plot).to_contain_text("Play")
    # The arrows are markers turned by their angle: the browser draws each one (121 on the default grid).
    assert plot.locator(".scatterlayer .trace").nth(1).locator("path.point").count() == 11 * 11
    expect(plot).to_contain_text("t = 0.50")
    plot.get_by_text("Play").click()
    expect(plot).not_to_contain_text("t = 0.50", timeout=10_000)
    assert "Log-likelihood" in main_text(page)
    assert_no_exception(page)


def test_deep_link_to_the_reverse_of_a_pinwheel(server, page):
    open_and_wait(page, f"{server}/flows?target=pinwheel&direction=reverse&frame=5")
    page.wait_for_selector(PLOT, timeout=30_000)
    expect(page.locator(PLOT).first).to_contain_text("t = 0.75")
    assert "backwards to the Gaussian" in main_text(page)
    assert_no_exception(page)


def test_the_planar_tab_by_link(server, page):
    open_and_wait(page, f"{server}/flows?view=cnf-vs-planar&k=8")
    page.wait_for_selector(PLOT, timeout=30_000)
    expect_main(page, "Planar flow, K = 8", "Log-likelihood")
    assert page.locator(PLOT).count() == 2
    assert_no_exception(page)


def test_bad_link_values_fall_back_with_a_note(server, page):
    open_and_wait(page, f"{server}/flows?target=spiral&frame=abc")
    expect_main(page, "target=spiral was ignored", "frame=abc was ignored")
    assert_no_exception(page)
