"""How Neural ODEs learn in a real browser: deep links open the asked tab with the asked controls (the NFE
study's backward pass among them)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_exception, expect_main, main, open_and_wait

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


def test_deep_link_to_the_backward_pass_nfe_study(server, page):
    """Issue 17's backward pass: backprop, the adjoint and the adjoint with a seminorm against the forward
    NFE, drawn, with the measured ratio and the seminorm's effect said in words."""
    open_and_wait(page, f"{server}/how_they_learn?view=nfe-study&seminorm=1")
    expect_main(page, "differentiated three ways", "the adjoint with a seminorm needs", "Seminorm:")
    toggle = main(page).get_by_role("switch", name="Adjoint error on the state only (seminorm)")
    expect(toggle).to_be_checked()
    figures = main(page).locator("[data-testid='stPlotlyChart'] .js-plotly-plot")
    expect(figures.nth(2)).to_be_visible(timeout=30_000)  # (a), (b) and (c): the backward pass three ways
    legend = figures.nth(2).locator(".legendtext")
    expect(legend.first).to_have_text("backprop: 0 new NFE")
    expect(figures.nth(2).locator(".legendtext", has_text="adjoint + seminorm")).to_have_count(1)
    expect(figures.nth(0).locator(".legendtext", has_text="backward (+ seminorm)")).to_have_count(1)
    assert "seminorm=1" in page.url
    assert_no_exception(page)
