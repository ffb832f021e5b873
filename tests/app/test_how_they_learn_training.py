"""AppTest of the three Train buttons of "How Neural ODEs learn", each pressed with the smallest settings.

The buttons live in `st.fragment`s. AppTest (Streamlit 1.67) has no fragment-only rerun: `run()` after `click()`
reruns the whole script, the fragment seeing the click, and follows the page's own `st.rerun()` after training
within that same `run()`; so one `run()` ends on the page that shows the trained result.
"""

from __future__ import annotations

import re
from collections import Counter

from tests.app.apptest_helpers import assert_clean, chart_rows, open_page, plotly_figure, texts

TRAIN_TIMEOUT = 120


def plotly_traces(at, key: str) -> list[dict]:
    return plotly_figure(at, key=key)["data"]


def curve_runs(at) -> Counter:
    """Rows per `run` of the page's first altair chart."""
    return Counter(row["run"] for row in chart_rows(at))


def trained_live(at, pattern: str) -> tuple[float, float]:
    """The (first, last) loss of the 'Trained live' caption."""
    found = re.search(pattern, texts(at))
    assert found, texts(at)
    return float(found[1]), float(found[2])


def test_train_the_resnet_replaces_the_shipped_one():
    at = open_page("how_they_learn", view="resnet-to-ode-net", depth="2")
    assert_clean(at)
    shipped = {t["name"]: t["y"] for t in plotly_traces(at, "regression")}
    assert "Trained live" not in texts(at)
    at.slider(key="learn.reg_iters").set_value(100)
    at.button(key="learn.reg_train").click().run(timeout=TRAIN_TIMEOUT)
    assert_clean(at)
    assert not at.get("progress")  # finished: the page reran without the bar
    live = {t["name"]: t["y"] for t in plotly_traces(at, "regression")}
    assert "ResNet, depth 2 (your training)" in live
    assert live["ResNet, depth 2 (your training)"] != shipped["ResNet, depth 2"]
    assert live["ODE-Net"] == shipped["ODE-Net"]  # only the ResNet was retrained
    first, last = trained_live(
        at, r"Trained live: ResNet depth 2, training loss ([\d.e+-]+) → ([\d.e+-]+) over 100 "
    )
    assert last < 0.5 * first


def test_train_and_record_nfe_adds_your_curve():
    at = open_page("how_they_learn", view="nfe-study")
    assert_clean(at)
    assert curve_runs(at) == {"shipped training": 150}
    at.slider(key="learn.nfe_steps").set_value(10)
    at.button(key="learn.nfe_train").click().run(timeout=TRAIN_TIMEOUT)
    assert_clean(at)
    assert not at.get("progress")
    assert curve_runs(at) == {"shipped training": 150, "your training": 10}
    first, last = trained_live(at, r"Trained live: 10 steps, loss ([\d.]+) → ([\d.]+), forward NFE \d+ → \d+")
    assert last < first


def test_train_live_fits_the_field():
    at = open_page("how_they_learn", view="learning-dynamics", field="mlp")
    assert_clean(at)
    shipped = plotly_traces(at, "field")
    assert set(curve_runs(at)) == {"shipped fit"}
    at.slider(key="learn.dyn_steps").set_value(50)
    at.button(key="learn.dyn_train").click().run(timeout=TRAIN_TIMEOUT)
    assert_clean(at)
    assert not at.get("progress")
    live = plotly_traces(at, "field")
    assert plotly_figure(at)["layout"]["title"]["text"] == "your training after 50 steps"
    assert live != shipped
    assert curve_runs(at)["your training"] == 50 and curve_runs(at)["shipped fit"] > 50
    first, last = trained_live(at, r"Trained live: window MSE ([\d.e+-]+) → ([\d.e+-]+) over 50 steps")
    assert last < 0.2 * first


def test_the_snapshot_slider_moves_through_the_live_run_and_stays_out_of_the_link():
    at = open_page("how_they_learn", view="learning-dynamics", snap="3")
    assert at.query_params["snap"] == "3"
    at.slider(key="learn.dyn_steps").set_value(50)
    at.button(key="learn.dyn_train").click().run(timeout=TRAIN_TIMEOUT)
    assert_clean(at)
    live = at.select_slider(key="learn.dyn_live_snap")
    assert live.options[0] == "0" and live.options[-1] == "50" and len(live.options) > 10
    assert plotly_figure(at, key="field")["layout"]["title"]["text"] == "your training after 50 steps"
    last = plotly_traces(at, "field")
    assert "snap" not in at.query_params  # the run lives in this session only; the link opens the shipped fit
    assert "the page's link leaves it out and opens the shipped fit" in texts(at)
    live.set_value(live.options[2]).run()
    assert_clean(at)
    assert (
        plotly_figure(at, key="field")["layout"]["title"]["text"]
        == f"your training after {live.options[2]} steps"
    )
    assert plotly_traces(at, "field") != last
    assert "snap" not in at.query_params
    # The link this view wrote reproduces what it says it does: the shipped fit at its last snapshot.
    linked = open_page("how_they_learn", **dict(at.query_params))
    assert plotly_figure(linked, key="field")["layout"]["title"]["text"].startswith(
        "shipped fit after 300 steps"
    )
    # Reset forgets the run: the shipped slider, in the link again, is back.
    at.button(key="learn.dyn.reset").click().run()
    assert_clean(at)
    at.slider(key="learn.spiral.linear.snap").set_value(1).run()
    assert at.query_params["snap"] == "1"
    assert plotly_figure(at, key="field")["layout"]["title"]["text"] == "shipped fit after 15 steps"
