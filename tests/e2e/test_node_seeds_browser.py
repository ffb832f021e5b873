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
