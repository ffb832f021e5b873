"""How Neural ODEs learn in a real browser: deep links open the asked tab with the asked controls."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_no_exception, expect_main, open_and_wait

pytestmark = pytest.mark.e2e


def test_deep_link_to_the_learned_field(server, page):
    open_and_wait(page, f"{server}/how_they_learn?view=learning-dynamics&system=nonlinear&field=mlp&snap=3")
    expect_main(page, "shipped fit after 300 steps")  # snapshots every 100 steps
    assert "field=mlp" in page.url and "system=nonlinear" in page.url  # the link survives the run
    assert page.locator("[data-testid='stPlotlyChart']").count() >= 1
    assert_no_exception(page)


def test_deep_link_to_a_small_memory_sweep_with_a_bad_value(server, page):
    open_and_wait(
        page, f"{server}/how_they_learn?hidden=16&batch=16&most=16&depth=zzz&view=resnet-to-ode-net"
    )
    expect_main(page, "one Euler step", "depth=zzz")
    assert_no_exception(page)
