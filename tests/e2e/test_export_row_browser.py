"""Export menus under side-by-side figures line up in one row: the Solver lab's two trajectory charts, of
different heights (legends of two and six rows), and Latent spirals' interpolation beside its family (once
taller, now level with it)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_no_exception, main, open_and_wait

pytestmark = pytest.mark.e2e

EXPORT = "[data-testid='stPopover'] button"
CHART = "[data-testid='stPlotlyChart']"


@pytest.mark.parametrize(
    ("path", "heights_differ"), [("/solver_lab", True), ("/latent_spirals?view=interpolation", False)]
)
def test_the_export_menus_of_a_row_line_up(server, page, path, heights_differ):
    open_and_wait(page, server + path)
    page.wait_for_selector(f"{CHART} .js-plotly-plot", timeout=30_000)
    charts = [main(page).locator(CHART).nth(i).bounding_box() for i in range(2)]
    assert charts[0]["y"] == charts[1]["y"] and charts[0]["x"] < charts[1]["x"]  # side by side
    assert (charts[0]["height"] != charts[1]["height"]) == heights_differ  # different: what misaligned them
    menus = [main(page).locator(EXPORT).nth(i).bounding_box() for i in range(2)]
    assert abs(menus[0]["y"] - menus[1]["y"]) < 1
    for chart, menu in zip(charts, menus, strict=True):
        assert menu["y"] >= chart["y"] + chart["height"]  # under its own chart
    assert_no_exception(page)
