"""The NODE vs ANODE lab's Seeds tab in a real browser: a deep link opens it on the precomputed 5-seed bands
(with the regularised runs when the link switches them on), drawn as a chart, with no exception."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_exception, expect_main, main, open_and_wait

pytestmark = pytest.mark.e2e


def test_deep_link_opens_the_seed_bands(server, page):
    open_and_wait(page, f"{server}/node_anode_lab?view=seeds&reg=1")
    expect_main(
        page,
        "NODE, regularised",
        "(precomputed)",
        "median over seeds",
        "with the penalties at w = 0.01: median test NFE",
    )
    chart = main(page).locator("[data-testid='stVegaLiteChart']").first
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=30_000)
    # The sidebar's one toggle, which Train and Step use too.
    sidebar = page.locator("[data-testid='stSidebar']")
    toggle = sidebar.get_by_role("switch", name="Regularise (kinetic energy + Jacobian norm)")
    expect(toggle).to_be_checked()
    assert_no_exception(page)


def test_on_a_projector_the_panels_use_the_width_above_the_fold(server, page):
    page.set_viewport_size({"width": 1280, "height": 720})
    open_and_wait(page, f"{server}/node_anode_lab?view=seeds&tour=24&present=1")
    charts = main(page).locator("[data-testid='stVegaLiteChart']")
    expect(charts.nth(3).locator("canvas, svg").first).to_be_visible(timeout=30_000)
    legend, *panels = [charts.nth(i).bounding_box() for i in range(4)]
    width = main(page).bounding_box()["width"]
    # The hconcat of three drew 902 px of the 1228 px row.
    assert sum(p["width"] for p in panels) >= 0.95 * legend["width"] >= 0.9 * (width - 52)
    assert len({round(p["y"]) for p in panels}) == 1  # one row
    assert max(p["y"] + p["height"] for p in panels) <= 720
    assert_no_exception(page)
