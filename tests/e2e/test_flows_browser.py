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


#: Per drawn plot: its plot area's top on the page, its x and y axes' lengths in px and ranges; and, for one
#: with Play / Pause, the right end of its buttons and the left end of the first label under its rail.
_PLOT_AREAS = """() => [...document.querySelectorAll("[data-testid='stPlotlyChart'] .js-plotly-plot")]
  .filter(g => g.offsetParent && g._fullLayout).map(g => {
    const x = g._fullLayout.xaxis, y = g._fullLayout.yaxis, box = g.getBoundingClientRect();
    const buttons = [...g.querySelectorAll('g.updatemenu-button')].map(b => b.getBoundingClientRect().right);
    const labels = [...g.querySelectorAll('.annotation')].filter(a => /^[\\s\\d.]+$/.test(a.textContent))
      .map(a => a.getBoundingClientRect().left);
    return {top: Math.round(box.top + y._offset), x: Math.round(x._length), y: Math.round(y._length),
            xrange: x.range.map(v => +v.toFixed(3)), yrange: y.range.map(v => +v.toFixed(3)),
            buttons: buttons.length ? Math.max(...buttons) : null, first_label: labels.length ? Math.min(...labels) : null};
  })"""


@pytest.mark.parametrize(
    ("width", "height", "present"), [(1440, 900, False), (1280, 720, True), (1024, 768, True)]
)
@pytest.mark.parametrize("view", ["cnf-vs-planar", "regularisation"])
def test_the_two_figures_of_a_pair_line_up(server, page, view, width, height, present):
    """Side by side, the CNF and the planar flow (or the flow without and with regularisation) have one plot
    area: the same top, size and ranges. The planar flow's plot started 74 px above the CNF's at 1440 x 900
    (93 px in presenter mode at 1280 x 720); on the Regularisation tab at 1024 x 768 presenter the right title
    wrapped and pushed its figure 46 px down. And Pause ran into the label "0.00" at 1024 x 768. In presenter mode
    CNF vs planar's figures carry their titles, one with its controls over the plot, the other without."""
    page.set_viewport_size({"width": width, "height": height})
    open_and_wait(page, f"{server}/flows?view={view}" + ("&present=1" if present else ""))
    page.wait_for_function(f'document.querySelectorAll("{PLOT}").length >= 2', timeout=30_000)
    page.wait_for_timeout(500)
    left, right = page.evaluate(_PLOT_AREAS)
    assert {k: left[k] for k in ("top", "x", "y", "xrange", "yrange")} == {
        k: right[k] for k in ("top", "x", "y", "xrange", "yrange")
    }
    # Square, and not squeezed: in presenter mode CNF vs planar ends above the fold, its plots 262 px.
    assert left["x"] == left["y"] > (250 if present else 300)
    assert left["first_label"] >= left["buttons"]
    assert_no_exception(page)


def test_a_few_frames_are_named_under_the_rail_and_a_click_on_one_goes_there(server, page):
    """plotly named eleven of the 21 frames under the full-width rail (0.00 0.10 … 1.00); now the quarters,
    and the rail's touch area still lies over them: a click on "0.25" shows that frame."""
    open_and_wait(page, f"{server}/flows")
    page.wait_for_selector(PLOT, timeout=30_000)
    plot = page.locator(PLOT).first
    marks = plot.locator(".annotation-text")
    expect(marks).to_have_count(5)
    assert [marks.nth(k).text_content() for k in range(5)] == ["0.00", "0.25", "0.50", "0.75", "1.00"]
    box = marks.nth(1).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(plot).to_contain_text("t = 0.25")
    assert_no_exception(page)


#: Per drawn plot: the foot of its figure, of its plot area and of the lowest text it draws (ticks, axis titles,
#: labels, buttons); the left of its plot area and of its y axis's text; the right of its slider, its rail's labels
#: and its buttons; and its title's right and current value's left (null where it has none).
_FEET = """() => [...document.querySelectorAll("[data-testid='stPlotlyChart'] .js-plotly-plot")]
  .filter(g => g.offsetParent && g._fullLayout).map(g => {
    const x = g._fullLayout.xaxis, y = g._fullLayout.yaxis, box = g.getBoundingClientRect();
    const boxes = s => [...g.querySelectorAll(s)].map(e => e.getBoundingClientRect()).filter(b => b.width > 0);
    const most = (s, side, pick) => { const b = boxes(s); return b.length ? pick(...b.map(r => r[side])) : null; };
    const labels = [...g.querySelectorAll('.annotation')].filter(a => /^[\\s\\d.]+$/.test(a.textContent))
      .map(a => a.getBoundingClientRect());
    const value = [...g.querySelectorAll('text')].find(t => t.textContent.startsWith('t = '));
    return {figure: box.bottom, plot: box.top + y._offset + y._length, left: box.left + x._offset,
            text: most('text, g.updatemenu-button', 'bottom', Math.max),
            yaxis_left: most('.ytick text, .ytitle', 'left', Math.min),
            slider: most('g.slider-container', 'right', Math.max),
            labels: labels.length ? Math.max(...labels.map(b => b.right)) : null,
            buttons: most('g.updatemenu-button', 'right', Math.max),
            title: most('.gtitle', 'right', Math.max), value: value ? value.getBoundingClientRect().left : null};
  })"""


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1024, 768)])
@pytest.mark.parametrize(
    ("step", "link", "plots"), [(21, "", 1), (22, "view=cnf-vs-planar&", 2)], ids=["time-lapse", "pair"]
)
def test_a_tour_step_s_figures_end_above_a_projector_s_fold(server, page, step, link, plots, width, height):
    """Tour steps 21 and 22 in presenter mode: every figure, its plot, axes and controls, ends above the fold.
    The 560 px time-lapse's plot spanned 412 to 766 px at 1280 x 720, the pair's 485 to 839. The time-lapse's
    controls stand beside its plot, clear of its y axis; a pair's title keeps clear of the current value."""
    page.set_viewport_size({"width": width, "height": height})
    open_and_wait(page, f"{server}/flows?{link}tour={step}&present=1")
    page.wait_for_function(f'document.querySelectorAll("{PLOT}").length >= {plots}', timeout=30_000)
    page.wait_for_timeout(500)
    shown = page.evaluate(_FEET)
    assert len(shown) == plots
    for figure in shown:
        assert max(figure["figure"], figure["plot"], figure["text"]) <= height, figure
    first = shown[0]
    if step == 21:
        assert max(first["slider"], first["labels"], first["buttons"]) < first["yaxis_left"] < first["left"]
    else:
        assert first["title"] < first["value"] and shown[1]["title"] is not None
    assert_no_exception(page)


def test_in_presenter_mode_a_click_on_a_label_beside_the_plot_goes_to_its_frame(server, page):
    """The rail labels move with the rail to the plot's left and still lie under its touch area."""
    page.set_viewport_size({"width": 1280, "height": 720})
    open_and_wait(page, f"{server}/flows?tour=21&present=1")
    page.wait_for_selector(PLOT, timeout=30_000)
    plot = page.locator(PLOT).first
    marks = plot.locator(".annotation-text")
    expect(marks).to_have_count(5)
    box = marks.nth(1).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(plot).to_contain_text("t = 0.25")
    assert_no_exception(page)
