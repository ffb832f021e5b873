"""AppTest of the Normalizing flows page: every tab and control, deep links, bad links, bad checkpoints,
and live training from the shipped flow and from scratch."""

from __future__ import annotations

import pytest

from components.style import PLAY_LABEL_NAME
from tests.app.apptest_helpers import assert_clean, open_page, plotly_figure, texts


def test_default_view_opens_the_time_lapse_on_a_mid_flow_frame():
    at = open_page("flows")
    assert_clean(at)
    assert at.title[0].value == "Normalizing flows"
    fig = plotly_figure(at, key="flows_timelapse")
    assert [t["type"] for t in fig["data"]] == ["heatmap", "scatter", "scatter"]
    assert len(fig["frames"]) == 21
    assert fig["layout"]["sliders"][0]["active"] == 10
    assert [b["label"] for b in fig["layout"]["updatemenus"][0]["buttons"]] == ["Play", "Pause"]
    assert "Log-likelihood" in texts(at)
    assert dict(at.query_params) == {}


@pytest.mark.parametrize("target", ["rings", "8gaussians", "checkerboard", "pinwheel"])
def test_every_target(target):
    at = open_page("flows")
    at.selectbox(key="flows.target").set_value(target).run()
    assert_clean(at)
    assert at.query_params["target"] == target
    assert len(plotly_figure(at, key="flows_timelapse")["frames"]) == 21


def test_reverse_direction_and_the_opening_frame():
    at = open_page("flows")
    at.selectbox(key="flows.direction").set_value("reverse").run()
    at.slider(key="flows.frame").set_value(5).run()
    assert_clean(at)
    assert at.query_params["direction"] == "reverse" and at.query_params["frame"] == "5"
    fig = plotly_figure(at, key="flows_timelapse")
    assert fig["layout"]["sliders"][0]["active"] == 5
    assert float(fig["layout"]["sliders"][0]["steps"][0]["label"]) == pytest.approx(1.0)  # from the data
    assert "backwards to the Gaussian" in texts(at)


@pytest.mark.parametrize("k", ["2", "8", "32"])
def test_planar_tab_at_each_k(k):
    at = open_page("flows", view="cnf-vs-planar")
    at.selectbox(key="flows.k").set_value(k).run()
    assert_clean(at)
    assert f"Planar flow, K = {k}" in [h.value for h in at.subheader]
    assert plotly_figure(at, key="flows_planar")["data"][0]["type"] == "heatmap"
    assert sum(m.label == "Log-likelihood" for m in at.metric) == 2


def test_the_scores_have_labels_short_enough_for_a_third_of_half_the_page():
    """At 1280 px with the sidebar, "Held-out log-likelihood" and "NFE forward / backward" were cut to
    "Held-out log-li…" and "NFE forward / bac…"; what was cut off is in each metric's help."""
    at = open_page("flows", view="cnf-vs-planar")
    assert_clean(at)
    assert [m.label for m in at.metric] == ["Log-likelihood", "Parameters", "NFE fwd / bwd"] + [
        "Log-likelihood",
        "Parameters",
    ]
    helps = {m.label: m.proto.help for m in at.metric}
    assert "held-out" in helps["Log-likelihood"] and "backward" in helps["NFE fwd / bwd"]


def test_cnf_beats_planar_k32_on_held_out_moons_with_fewer_parameters():
    at = open_page("flows", view="cnf-vs-planar")
    assert_clean(at)
    logliks = [float(m.value) for m in at.metric if m.label == "Log-likelihood"]
    params = [int(m.value) for m in at.metric if m.label == "Parameters"]
    assert logliks[0] > logliks[1] and params[0] < params[1]


@pytest.mark.parametrize("noise", ["gaussian", "rademacher"])
def test_exact_vs_hutchinson_tab(noise):
    at = open_page("flows", view="exact-vs-hutchinson", noise=noise)
    assert_clean(at)
    values = {m.label: m.value for m in at.metric}
    once, exact = int(values["NFE, noise drawn once"]), int(values["NFE, exact trace"])
    assert 0.5 * exact <= once <= 1.5 * exact
    redrawn = str(values["NFE, noise redrawn each evaluation"])
    assert redrawn.startswith(">") or int(redrawn) > 2 * once
    assert plotly_figure(at, key="flows_trace")["data"][0]["name"] == "exact"


def test_regularisation_tab_shows_fewer_nfe():
    at = open_page("flows", view="regularisation")
    assert_clean(at)
    nfe = [int(str(m.value).split(" / ")[0]) for m in at.metric if m.label == "NFE fwd / bwd"]
    assert len(nfe) == 2 and nfe[1] < nfe[0]


@pytest.mark.parametrize(
    ("view", "keys"),
    [("regularisation", ("flows_reg_False", "flows_reg_True")), ("cnf-vs-planar", ("flows_cnf_final",))],
)
def test_a_tab_of_two_figures_draws_fewer_samples_the_same_on_both_sides(view, keys):
    """Two figures side by side send about what one time-lapse does: each with PAIR_PARTICLES samples, in
    every frame of a time-lapse (all 21 of them) and in the planar flow's picture beside the CNF's."""
    from views.flows import PAIR_PARTICLES

    full = plotly_figure(open_page("flows"), key="flows_timelapse")
    at = open_page("flows", view=view)
    assert_clean(at)
    for key in keys:
        fig = plotly_figure(at, key=key)
        assert len(fig["frames"]) == len(full["frames"]) == 21
        counts = {len(frame["data"][1]["x"]) for frame in fig["frames"]}
        assert counts == {PAIR_PARTICLES} and len(full["data"][1]["x"]) > PAIR_PARTICLES
    if view == "cnf-vs-planar":
        assert len(plotly_figure(at, key="flows_planar")["data"][1]["x"]) == PAIR_PARTICLES


@pytest.mark.parametrize("start", ["shipped", "scratch"])
def test_live_training_from_shipped_or_scratch(start):
    at = open_page("flows", view="train-live", start=start, steps="10")
    assert_clean(at)
    at.button(key="flows.train_button").click().run(timeout=120)
    assert_clean(at)
    assert not at.error
    words = texts(at)
    assert f"from {start}: 10 steps" in words and "held-out log-likelihood" in words
    assert plotly_figure(at, key="flows_live")["data"][0]["type"] == "heatmap"


def test_deep_link_reproduces_a_view():
    at = open_page("flows", target="pinwheel", direction="reverse", frame="15")
    assert_clean(at)
    assert at.selectbox(key="flows.target").value == "pinwheel"
    assert at.slider(key="flows.frame").value == 15


def test_bad_link_values_fall_back_with_a_note():
    at = open_page("flows", target="spiral", frame="999", view="nowhere")
    assert_clean(at)
    assert at.selectbox(key="flows.target").value == "moons" and at.slider(key="flows.frame").value == 10
    assert sum("was ignored" in i.value for i in at.info) == 3


@pytest.mark.parametrize("problem", ["missing", "corrupt"])
def test_a_missing_or_corrupt_checkpoint_shows_a_notice(tmp_path, monkeypatch, problem):
    if problem == "corrupt":
        (tmp_path / "cnf_moons.pt").write_bytes(b"\x00garbage")
    monkeypatch.setenv("FLOWS_CHECKPOINT_DIR", str(tmp_path))
    at = open_page("flows")
    assert_clean(at)
    warning = at.warning[0].value
    assert "not available" in warning and ("not found" if problem == "missing" else "unreadable") in warning
    assert "python -m scripts.train_flows" in warning
    assert any("Time-lapse unavailable" in e.value for e in at.error)


def test_a_flow_that_blows_up_ends_with_the_solves_one_line_message(tmp_path, monkeypatch):
    import torch

    from models.flows.checkpoints import save_flow_checkpoint
    from models.flows.cnf import CNF

    flow = CNF()
    with torch.no_grad():
        flow.field.net[-1].bias.fill_(1e5)  # every point leaves the bounded region within the first step
    save_flow_checkpoint(tmp_path / "cnf_moons.pt", flow, {"held_out_loglik": 0.0, "params": 146})
    monkeypatch.setenv("FLOWS_CHECKPOINT_DIR", str(tmp_path))
    at = open_page("flows")
    assert_clean(at)
    (line,) = [e.value for e in at.error if "Time-lapse unavailable" in e.value]
    assert "\n" not in line and ("blew up" in line or "underflow" in line or "stopped" in line)


@pytest.mark.parametrize("present", ["0", "1"])
def test_the_cnf_and_the_planar_flow_share_one_plot_area(present):
    """Side by side in equal columns, the two figures have one height, margins and axes (so one plot area and
    scale), in presenter mode too: the planar flow's was 420 px high under a 30 px top, the CNF's 560 under
    100 px that plotly widened to fit its controls (to 104 px at 1440 x 900, 123 in presenter mode)."""
    at = open_page("flows", view="cnf-vs-planar", present=present)
    assert_clean(at)
    cnf, planar = (plotly_figure(at, key=key)["layout"] for key in ("flows_cnf_final", "flows_planar"))
    assert cnf["height"] == planar["height"] and cnf["margin"] == planar["margin"]
    for axis in ("xaxis", "yaxis"):
        for setting in ("range", "constrain", "scaleanchor", "automargin"):
            assert cnf[axis].get(setting) == planar[axis].get(setting), (axis, setting)
    assert cnf["font"]["size"] == planar["font"]["size"] == pytest.approx(22.4 if present == "1" else 14)


def test_presenter_mode_takes_k_from_the_link_without_its_box():
    """On a projector the K box pushed the pair's plots about 110 px further under the fold (tour step 22);
    the title names the link's K."""
    at = open_page("flows", view="cnf-vs-planar", k="8", present="1")
    assert_clean(at)
    assert not [s for s in at.selectbox if s.key == "flows.k"]
    assert plotly_figure(at, key="flows_planar")["layout"]["title"]["text"] == "Planar flow, K = 8"
    assert at.query_params["k"] == "8"


#: Where the Flows page's first chart starts in presenter mode, in Chromium (tests/e2e/test_flows_browser.py
#: measures the whole figure's foot): under the tour bar, the title, the caption (three lines at 1024 px) and
#: the tabs.
CHART_TOP = {(1280, 720): 282, (1024, 768): 305}


def _ends_above_the_fold(layout: dict) -> None:
    for (_, fold), top in CHART_TOP.items():
        assert top + layout["height"] <= fold


def test_presenter_time_lapse_ends_above_the_fold_with_its_controls_beside_the_plot():
    """Tour step 21 on a projector: the 560 px figure from 282 px ran 122 px under the fold at 1280 x 720, its
    plot under Play and the slider to 766 px. Now they stand at the plot's left, in the width a square plot of a
    full-width figure leaves empty, and the plot takes the height but its margins for text."""
    at = open_page("flows", tour="21", present="1")
    assert_clean(at)
    layout = plotly_figure(at, key="flows_timelapse")["layout"]
    _ends_above_the_fold(layout)
    (menu,), (slider,) = layout["updatemenus"], layout["sliders"]
    plot_left = layout["xaxis"]["domain"][0]
    assert menu["x"] + 0.2 < plot_left and slider["x"] + slider["len"] < plot_left  # beside, not above
    assert 0 < slider["y"] < menu["y"] < 1  # under Play, both within the plot's height
    plot_px = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    assert plot_px >= 0.75 * layout["height"]
    labels = [a for a in layout["annotations"] if a.get("name") == PLAY_LABEL_NAME]
    assert [a["text"] for a in labels] == ["0.00", "0.25", "0.50", "0.75", "1.00"]
    assert all(slider["x"] <= a["x"] <= slider["x"] + slider["len"] for a in labels)  # under the moved rail
    assert labels[0]["x"] == slider["x"] and labels[-1]["x"] == pytest.approx(slider["x"] + slider["len"])


def test_presenter_pair_ends_above_the_fold_under_titles_of_its_own():
    """Tour step 22: under a row of subheaders the pair started at 355 px and ran to 915. Each figure now names
    itself in its own top row, beside the current value at the rail's right end (no toolbar there in presenter
    mode), and the two keep one plot area."""
    at = open_page("flows", view="cnf-vs-planar", tour="22", present="1")
    assert_clean(at)
    assert not at.subheader
    cnf, planar = (plotly_figure(at, key=key)["layout"] for key in ("flows_cnf_final", "flows_planar"))
    assert [cnf["title"]["text"], planar["title"]["text"]] == ["Continuous flow", "Planar flow, K = 32"]
    assert cnf["height"] == planar["height"] and cnf["margin"] == planar["margin"]
    _ends_above_the_fold(cnf)
    assert cnf["sliders"][0]["currentvalue"]["xanchor"] == "right"
    assert cnf["title"]["x"] == cnf["updatemenus"][0]["x"] == 0.0  # the title over Play, left of the value


def test_normal_mode_keeps_its_subheaders_and_controls_over_the_plot():
    at = open_page("flows", view="cnf-vs-planar")
    assert_clean(at)
    assert [h.value for h in at.subheader] == ["Continuous flow", "Planar flow, K = 32"]
    layout = plotly_figure(at, key="flows_cnf_final")["layout"]
    assert "title" not in layout or not layout["title"].get("text")
    assert layout["sliders"][0]["y"] > 1 and layout["updatemenus"][0]["y"] > 1
