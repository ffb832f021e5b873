"""A lecturer's rehearsal, then the talk: change controls on three pages in one browser session, start the
guided tour in presenter mode at 1280x720 and walk all of it with Next. Every step must show its own full
view (whatever was rehearsed), stay in presenter mode, and start its first chart above the fold."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from kit.story import steps
from tests.e2e.conftest import DONE, expect_main, main, open_and_wait

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1280, "height": 720}
PLOT = "[data-testid='stPlotlyChart'] .js-plotly-plot"
#: Top of the first chart on screen (charts in closed tabs have no height), or null while none is drawn.
FIRST_CHART_TOP = """() => {
  const charts = [...document.querySelectorAll(
    "[data-testid='stMain'] [data-testid='stPlotlyChart'], [data-testid='stMain'] [data-testid='stVegaLiteChart']")];
  const shown = charts.map((c) => c.getBoundingClientRect()).filter((r) => r.height > 0);
  return shown.length ? shown[0].top : null;
}"""


def settle(page) -> None:
    """Wait until the rerun a click started has finished."""
    page.wait_for_timeout(500)
    page.wait_for_selector(DONE, timeout=60_000)


def rehearse(page, server: str) -> None:
    """What a speaker tries before the talk, through the UI: each leaves state in the session."""
    sidebar = page.locator("[data-testid='stSidebar']")
    open_and_wait(page, f"{server}/solver_lab")
    sidebar.get_by_role("combobox", name="System").click()
    page.get_by_role("option", name="Duffing oscillator").click()
    page.wait_for_url("**system=duffing**", timeout=30_000)
    settle(page)

    sidebar.locator("[data-testid='stSidebarNavLink']", has_text="Phase portraits").click()
    page.wait_for_url("**/phase_portraits**", timeout=30_000)
    page.wait_for_selector(f"{PLOT} .nsewdrag", timeout=60_000)
    settle(page)
    area = page.locator(f"{PLOT} .nsewdrag").first.bounding_box()
    page.mouse.click(area["x"] + 0.7 * area["width"], area["y"] + 0.3 * area["height"])
    page.wait_for_url("**starts=**", timeout=30_000)
    settle(page)

    sidebar.locator("[data-testid='stSidebarNavLink']", has_text="NODE vs ANODE").click()
    page.wait_for_url("**/node_anode_lab**", timeout=30_000)
    settle(page)
    sidebar.get_by_text("f depends on t").click()
    page.wait_for_url("**timedep=**", timeout=30_000)
    settle(page)


def url_params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def test_rehearse_then_walk_the_whole_tour_in_presenter_mode(server, browser):
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    try:
        rehearse(page, server)
        # In the same session, as the speaker would: the menu to the tour page, then its presenter start.
        page.locator("[data-testid='stSidebarNavLink']", has_text="Guided tour").click()
        page.wait_for_url("**/tour**", timeout=30_000)
        settle(page)
        main(page).get_by_role("link", name="Start in presenter mode").click()

        tour = steps()
        problems: list[str] = []
        for k, step in enumerate(tour, start=1):
            if k > 1:
                page.locator(".st-key-tour_bar a[data-testid='stPageLink-NavLink']", has_text="Next").click()
            expect_main(page, f"Tour · step {k} of {len(tour)}: {step.title}")
            page.wait_for_url(f"**tour={k}**", timeout=30_000)
            settle(page)
            want = {**step.params, "tour": str(k), "present": "1"}
            if (got := url_params(page.url)) != want:
                problems.append(f"step {k}: link {got}, the step's view is {want}")
            expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
            expect(page.get_by_role("button", name="Leave presenter mode")).to_be_visible()
            try:
                page.wait_for_function(f"({FIRST_CHART_TOP})() !== null", timeout=60_000)
            except PlaywrightTimeout:
                problems.append(f"step {k} ({step.page}): no chart shown within 60 s")
                continue
            top = page.evaluate(FIRST_CHART_TOP)
            if top >= PROJECTOR["height"]:
                problems.append(f"step {k} ({step.page}): first chart starts at {top:.0f} px, below the fold")
        assert not problems, "\n".join(problems)
    finally:
        context.close()
