"""The Phase portraits page in a real browser: a custom-system link, a hostile link, a click that starts a
trajectory and lands in the link, and a deep link to a tab."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DONE, assert_no_exception, expect_main, main, main_text, open_and_wait

pytestmark = pytest.mark.e2e

PLOT = "[data-testid='stPlotlyChart'] .js-plotly-plot"


def test_a_custom_system_link_draws_its_portrait(server, page):
    open_and_wait(page, f"{server}/phase_portraits?dx=y&dy=-sin(x)")
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_role("textbox", name="dx/dt =")).to_have_value("y")
    expect(sidebar.get_by_role("textbox", name="dy/dt =")).to_have_value("-sin(x)")
    page.wait_for_selector(PLOT, timeout=30_000)
    text = main_text(page)
    assert "144 trajectories" in text and "in one batched solve" in text
    expect(page.locator(PLOT).first).to_contain_text("centre")  # the fixed point at the origin, in the legend
    assert_no_exception(page)


def test_a_hostile_link_shows_one_line_and_nothing_runs(server, page):
    open_and_wait(page, f"{server}/phase_portraits?dx=__import__('os').system('touch /tmp/pwned')&dy=-sin(x)")
    message = page.locator("[data-testid='stAlert'] [data-testid='stMarkdownContainer']").first
    expect(message).to_contain_text("dx/dt:")
    assert "\n" not in message.inner_text().strip()
    assert_no_exception(page)
    # The page stays: the default equations are drawn in its place, and the caption says so.
    page.wait_for_selector(PLOT, timeout=30_000)
    expect_main(page, "The picture is of the last equations that worked: dx/dt = y")


def test_clicking_the_plane_starts_a_trajectory_that_lands_in_the_link(server, page):
    open_and_wait(page, f"{server}/phase_portraits?system=harmonic")
    page.wait_for_selector(f"{PLOT} .nsewdrag", timeout=30_000)
    area = page.locator(f"{PLOT} .nsewdrag").first.bounding_box()
    page.mouse.click(area["x"] + 0.7 * area["width"], area["y"] + 0.3 * area["height"])
    page.wait_for_url("**starts=**", timeout=30_000)
    page.wait_for_selector(DONE, timeout=30_000)
    expect_main(page, "1 of yours (both ways)")
    expect(page.locator(PLOT).first).to_contain_text("your starts")
    open_and_wait(page, page.url)  # the link alone reproduces it
    expect_main(page, "1 of yours (both ways)")
    page.get_by_role("button", name="Clear my trajectories").click()
    page.wait_for_timeout(500)
    page.wait_for_selector(DONE, timeout=30_000)
    expect(main(page)).not_to_contain_text("of yours")
    assert "starts=" not in page.url


def test_deep_link_to_the_fixed_points_of_a_linear_type(server, page):
    open_and_wait(page, f"{server}/phase_portraits?system=linear&type=stable_spiral&view=fixed-points")
    expect_main(page, "1 fixed point")
    expect(page.locator("[data-testid='stDataFrame']")).to_be_visible()
    assert_no_exception(page)


def test_the_flow_tab_has_play_and_a_time_slider(server, page):
    open_and_wait(page, f"{server}/phase_portraits?view=flow")
    page.wait_for_selector(PLOT, timeout=30_000)
    plot = page.locator(PLOT).first
    expect(plot).to_contain_text("Play")
    expect(plot).to_contain_text("t = 3.60")  # the slider's value: the animation opens mid-flow
    expect(plot).to_contain_text("0.00")  # and runs from its first step
