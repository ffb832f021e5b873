"""AppTest of "How Neural ODEs learn": default view, each tab from a link, a main control per tab, bad links."""

from __future__ import annotations

import re
import statistics

import numpy as np

from cached.learning import MemoryPoint
from tabs.learn_memory import timing_caption
from tests.app.apptest_helpers import assert_clean, open_page, plotly_figure, texts

SMALL = {"hidden": "16", "batch": "16", "most": "16"}


def test_default_view_measures_the_adjoint_memory():
    at = open_page("how_they_learn", **SMALL)
    assert_clean(at)
    assert at.title[0].value == "How Neural ODEs learn"
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["Backprop holds", "Adjoint holds", "Gradient difference"]
    assert "O(L)" in texts(at) and "O(1)" in texts(at)
    assert float(at.metric[2].value) < 1e-3  # the two gradients agree
    assert len(at.get("plotly_chart")) == 3


def test_memory_sweep_control_switches_to_tolerances():
    at = open_page("how_they_learn", sweep="tolerance", tightest="1e-04", hidden="16", batch="16")
    assert_clean(at)
    assert "evaluations" in texts(at)
    assert at.query_params["sweep"] == "tolerance"


def test_depth_control_changes_the_resnet():
    at = open_page("how_they_learn", view="resnet-to-ode-net")
    at.select_slider(key="learn.depth").set_value(10).run()
    assert_clean(at)
    assert at.query_params["depth"] == "10"


def test_dynamics_controls_are_in_the_link():
    at = open_page("how_they_learn", view="learning-dynamics", system="nonlinear", field="mlp")
    assert_clean(at)
    assert at.selectbox(key="learn.field").value == "mlp"
    at.slider(key="learn.nonlinear.mlp.snap").set_value(0).run()
    assert_clean(at)
    assert at.query_params["snap"] == "0"


def test_bad_link_values_fall_back_with_a_note():
    at = open_page("how_they_learn", view="nope", depth="7", **SMALL)
    assert_clean(at)
    text = texts(at)
    assert "view=nope` was ignored" in text
    at = open_page("how_they_learn", view="resnet-to-ode-net", depth="__import__('os')")
    assert_clean(at)
    assert "was ignored" in texts(at)
    assert at.select_slider(key="learn.depth").value == 3


def test_timing_figure_shows_medians_with_ranges_and_its_caption_reads_them():
    at = open_page("how_they_learn", **SMALL)
    assert_clean(at)
    traces = {t["name"]: t for t in plotly_figure(at, key="times")["data"]}
    direct, adjoint = traces["backprop backward"], traces["adjoint backward"]
    for trace in (direct, adjoint):
        bars = trace["error_y"]
        assert all(lo >= 0 and hi >= 0 for lo, hi in zip(bars["arrayminus"], bars["array"], strict=True))
        assert all(text == "median of 5 runs" for text in trace["text"])
    caption = next(c.value for c in at.caption if c.value.startswith("Median of 5 timed runs"))
    slower = sum(a > d for a, d in zip(adjoint["y"], direct["y"], strict=True))
    if slower == len(direct["y"]):
        assert "At every setting the adjoint's backward pass took longer" in caption
    else:
        assert f"at {slower} of {len(direct['y'])} settings" in caption


def point(steps: int, direct_bwd: tuple[float, ...], adjoint_bwd: tuple[float, ...]) -> MemoryPoint:
    runs = {"direct": ((0.01,) * 5, direct_bwd), "adjoint": ((0.01,) * 5, adjoint_bwd)}
    return MemoryPoint(
        steps=steps, tol=None, direct_saved=1, adjoint_saved=1, direct_peak=1, adjoint_peak=1, param_bytes=1,
        peak_rss=None, nfe={"direct": (1, 0), "adjoint": (1, 1)},
        seconds={m: (0.01, statistics.median(r[1])) for m, r in runs.items()}, runs=runs, max_abs_diff=0.0,
        rel_diff=0.0,
    )  # fmt: skip


def test_timing_caption_never_claims_what_the_numbers_contradict():
    slow = point(16, (0.010, 0.011, 0.012), (0.040, 0.041, 0.050))
    odd = point(32, (0.050, 0.060, 0.200), (0.030, 0.040, 0.055))  # backprop slower, ranges overlapping
    clear = point(64, (0.100, 0.110, 0.120), (0.020, 0.021, 0.022))  # backprop slower, no overlap
    assert "At every setting" in timing_caption(np.array([16.0]), [slow], "steps")
    text = timing_caption(np.array([16.0, 32.0, 64.0]), [slow, odd, clear], "steps")
    assert "At every setting" not in text and "it did at 1 of 3 settings" in text
    assert (
        "at 32 steps backprop's took 60.0 ms against the adjoint's 40.0 ms (the runs' ranges overlap" in text
    )
    assert "at 64 steps backprop's took 110.0 ms against the adjoint's 21.0 ms." in text


def test_nfe_study_shows_the_backward_pass_three_ways_and_the_seminorm_truthfully():
    plain = open_page("how_they_learn", view="nfe-study")
    assert_clean(plain)
    names = [t["name"] for t in plotly_figure(plain, key="nfe_bwd")["data"]]
    assert names[:3] == ["backprop: 0 new NFE", "adjoint", "adjoint + seminorm"]
    text = texts(plain)
    assert "dopri5" in text and "vector-Jacobian product" in text
    assert plotly_figure(plain, key="nfe_tol")["data"][1]["name"] == "backward (adjoint)"
    semi = open_page("how_they_learn", view="nfe-study", seminorm="1")
    assert_clean(semi)
    assert plotly_figure(semi, key="nfe_tol")["data"][1]["name"] == "backward (+ seminorm)"
    assert "the adjoint with a seminorm needs" in texts(semi)
    # On the shipped model the seminorm takes the same backward steps; the page says so, with the numbers.
    assert re.search(
        r"changes nothing here, the same backward NFE at all \d+ tolerances \(\d+ at", texts(semi)
    )
