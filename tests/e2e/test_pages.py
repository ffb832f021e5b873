"""Every page of the navigation, opened in Chromium against the real server: charts, no exception."""

from __future__ import annotations

import pytest

from kit.registry import PAGES
from tests.e2e.conftest import assert_no_exception, open_and_wait

pytestmark = pytest.mark.e2e

CHARTS = "[data-testid='stPlotlyChart'], [data-testid='stVegaLiteChart']"


@pytest.mark.parametrize("info", PAGES, ids=[p.url or "home" for p in PAGES])
def test_page_renders_charts_without_exceptions(server, page, info):
    open_and_wait(page, f"{server}/{info.url}")
    assert_no_exception(page)
    if info.charts:
        page.wait_for_selector(CHARTS, timeout=30_000)
        assert page.locator(CHARTS).count() >= 1
    else:
        assert page.locator("[data-testid='stPageLink']").count() >= 2
    assert page.locator("h1").first.inner_text().strip() == (
        "Neural ODE Explorer" if not info.url else info.title
    )


def test_navigation_lists_every_page(server, page):
    open_and_wait(page, server)
    links = page.locator("[data-testid='stSidebarNavLink']")
    assert links.count() == len(PAGES)
    assert {links.nth(i).inner_text().strip().split("\n")[-1] for i in range(links.count())} == {
        p.title for p in PAGES
    }
