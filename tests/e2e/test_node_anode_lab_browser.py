"""The NODE vs ANODE lab in a real browser: a deep link reproduces a view, the 3-D views and the animation
render and play, Train (and Stop) run a live training in the page's fragment, Step takes one step at a time,
and a click on the plane of your own points adds one to the link; with the penalties switched on and off,
Train compares the two runs on the same seed; on a projector tour step 12's figure ends above the fold."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DONE, assert_no_exception, expect_main, main, open_and_wait

pytestmark = pytest.mark.e2e


def button(page, label: str):
    # The accessible name starts with the Material icon's ligature, e.g. "play_arrow Train".
    return main(page).get_by_role("button", name=re.compile(rf"^\w*\s*{label}$")).first


def test_deep_link_reproduces_the_3d_view(server, page):
    open_and_wait(page, f"{server}/node_anode_lab?data=circles&tol=1e-4&view=3-d")
    # The circles NODE, at the tolerance of the link, in the 3-D tab.
    expect_main(
        page, "4,482 parameters", "4,484 parameters", "dopri5 at tolerance 1e-4", "A flow keeps topology"
    )
    chart = main(page).locator("[data-testid='stPlotlyChart']").first
    expect(chart.locator(".gl-container canvas").first).to_be_visible(timeout=30_000)
    assert chart.locator("#scene").count() == 1 and chart.locator("#scene2").count() == 1  # one per model
    assert_no_exception(page)


def test_the_point_cloud_animation_plays(server, page):
    open_and_wait(page, f"{server}/node_anode_lab?data=circles&view=animation")
    chart = main(page).locator("[data-testid='stPlotlyChart']").first
    label = chart.locator(".slider-label", has_text="t / t₁")
    # It opens half-way through the flow, so the view makes its point before anyone presses Play.
    expect(label).to_have_text(re.compile(r"t / t₁ = 0\.48"), timeout=30_000)
    chart.locator(".updatemenu-button", has_text="Play").click()
    expect(label).not_to_have_text(re.compile(r"t / t₁ = 0\.48"), timeout=15_000)
    assert_no_exception(page)


def test_train_runs_a_short_live_training(server, page):
    open_and_wait(page, f"{server}/node_anode_lab?steps=4")
    expect(main(page)).to_contain_text("shipped checkpoint")
    button(page, "Train").click()
    expect(main(page)).to_contain_text("trained here: 4 steps", timeout=90_000)
    page.wait_for_selector(DONE, timeout=60_000)
    expect(main(page)).to_contain_text("Trained on the same data and seed")
    expect(main(page).locator("[data-testid='stVegaLiteChart']").first).to_be_visible()
    assert main(page).get_by_text(re.compile("trained here: 4 steps")).count() == 2
    assert_no_exception(page)


def test_stop_keeps_what_was_learned(server, page):
    open_and_wait(page, f"{server}/node_anode_lab?steps=400&models=node")
    button(page, "Train").click()
    expect(main(page)).to_contain_text("Training NODE (1 of 1)", timeout=60_000)
    button(page, "Stop").click()
    expect(main(page)).to_contain_text("(stopped)", timeout=60_000)
    text = main(page).inner_text()
    steps = int(re.search(r"trained here: (\d+) steps", text).group(1))
    assert 1 <= steps < 400
    assert_no_exception(page)


PLOT = "[data-testid='stPlotlyChart'] .js-plotly-plot"


def linked_points(url: str) -> list[str]:
    return [p for p in parse_qs(urlparse(url).query).get("pts", [""])[0].split(";") if p]


def test_a_click_on_the_plane_adds_a_point_that_lands_in_the_link(server, page):
    open_and_wait(page, f"{server}/node_anode_lab?data=own&pts=0,0,a;0.5,0,a;0,1,b")
    expect_main(page, "you have 2 of class A and 1 of class B")
    main(page).get_by_text("class B", exact=True).click()  # the class of the next click
    page.wait_for_selector(f"{PLOT} .nsewdrag", timeout=30_000)
    area = page.locator(f"{PLOT} .nsewdrag").first.bounding_box()
    page.mouse.click(area["x"] + 0.7 * area["width"], area["y"] + 0.3 * area["height"])
    page.wait_for_url(lambda url: len(linked_points(url)) == 4, timeout=30_000)
    assert linked_points(page.url)[-1].endswith(",b")
    page.wait_for_selector(DONE, timeout=30_000)
    expect_main(page, "Your points: 2 of class A, 2 of class B", "Press Train (or Step)")
    open_and_wait(page, page.url)  # the link alone reproduces them
    expect_main(page, "Your points: 2 of class A, 2 of class B")
    button(page, "Step").click()
    expect(main(page)).to_contain_text("One step each: NODE step 1", timeout=60_000)
    page.wait_for_selector(DONE, timeout=60_000)
    expect_main(page, "trained here: 1 steps", "accuracy on your points")
    assert_no_exception(page)


def test_step_takes_one_step_at_a_time(server, page):
    open_and_wait(page, f"{server}/node_anode_lab?models=node")
    for step in (1, 2):
        button(page, "Step").click()
        expect(main(page)).to_contain_text(f"One step each: NODE step {step}", timeout=60_000)
        page.wait_for_selector(DONE, timeout=60_000)
        expect(main(page)).to_contain_text(f"trained here: {step} steps")
    assert_no_exception(page)


def test_train_with_the_penalties_then_without_compares_them_on_the_same_seed(server, page):
    open_and_wait(page, f"{server}/node_anode_lab?models=anode&steps=3&reg=1&regw=0.1")
    sidebar = page.locator("[data-testid='stSidebar']")
    toggle = sidebar.get_by_role("switch", name="Regularise (kinetic energy + Jacobian norm)")
    expect(toggle).to_be_checked()
    expect_main(page, "trained without the penalties")
    button(page, "Train").click()
    expect(main(page)).to_contain_text(
        "Trained on the same data and seed: ANODE, regularised", timeout=90_000
    )
    page.wait_for_selector(DONE, timeout=60_000)
    # The same switch off: Train trains the plain ANODE on the same seed, and the page sets the two side by side.
    sidebar.get_by_text("Regularise (kinetic energy + Jacobian norm)").click()
    page.wait_for_url(lambda url: "reg=" not in url, timeout=30_000)
    page.wait_for_selector(DONE, timeout=60_000)
    button(page, "Train").click()
    expect(main(page)).to_contain_text("Taming NFE", timeout=90_000)
    page.wait_for_selector(DONE, timeout=60_000)
    expect_main(page, "with the penalties at w = 0.1", "ANODE, regularised final validation accuracy")
    expect(main(page).locator("[data-testid='stVegaLiteChart']").first).to_be_visible()
    assert "regw=0.1" in page.url  # the weight stays in the link while the penalties are off
    assert_no_exception(page)


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1024, 768)])
def test_tour_step_12_s_paths_and_outputs_are_above_a_projector_s_fold(server, page, width, height):
    page.set_viewport_size({"width": width, "height": height})
    open_and_wait(page, f"{server}/node_anode_lab?data=flip1d&tour=12&present=1")
    chart = main(page).locator("[data-testid='stPlotlyChart']").first
    expect(chart.locator(".main-svg").first).to_be_visible(timeout=30_000)
    box = chart.bounding_box()
    # The outputs' row and its "input x" titles are the figure's foot: at 660 px it was at 921 px of 720.
    assert box["y"] + box["height"] <= height
    titles = chart.locator("text[class^='x'][class$='title']", has_text="input x")  # plotly's x4title…
    assert titles.count() == 3
    assert all(
        titles.nth(i).bounding_box()["y"] + titles.nth(i).bounding_box()["height"] <= height for i in range(3)
    )
    assert_no_exception(page)


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1024, 768)])
def test_the_flip_s_animation_controls_clear_its_axis_titles_on_a_projector(server, page, width, height):
    """Play / Pause covered the NODE's "z0" title at 1280x720 and the slider's readout touched the ResNet's
    at 1024x768; the controls, inside the figure's bottom margin, did not grow it either."""
    page.set_viewport_size({"width": width, "height": height})
    open_and_wait(page, f"{server}/node_anode_lab?data=flip1d&view=animation&present=1")
    chart = main(page).locator("[data-testid='stPlotlyChart']").first
    expect(chart.locator(".updatemenu-button").first).to_be_visible(timeout=30_000)
    controls = chart.locator(".updatemenu-button, .slider-label", has_text=re.compile(r"Play|Pause|t / t₁"))
    titles = chart.locator("text[class^='x'][class$='title']", has_text="z0")
    assert controls.count() == 3 and titles.count() == 3
    for i in range(controls.count()):
        for j in range(titles.count()):
            assert not _overlap(controls.nth(i).bounding_box(), titles.nth(j).bounding_box())
    margins = chart.locator(".js-plotly-plot").evaluate("gd => [gd._fullLayout._size.b, gd.layout.margin.b]")
    assert margins[0] == pytest.approx(margins[1], abs=1)
    box = chart.bounding_box()
    assert box["y"] + box["height"] <= height
    assert_no_exception(page)
