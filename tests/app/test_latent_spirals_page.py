"""AppTest of the Latent spirals page: default view, each main control, deep links, bad links, bad checkpoints."""

from __future__ import annotations

import pytest

from tests.app.apptest_helpers import assert_clean, open_page, plotly_figure, texts


def charts(at) -> int:
    return len(at.get("plotly_chart"))


def metric(at, label: str) -> float:
    return float(next(m.value for m in at.metric if m.label == label))


LATENT, RNN = "Latent ODE extrapolation RMSE", "RNN extrapolation RMSE"


def decoded(at) -> dict:
    """The interpolation figure's current decoded trajectory (the trace named "decoded at α = ...")."""
    (trace,) = [t for t in plotly_figure(at)["data"] if str(t.get("name", "")).startswith("decoded at α")]
    return trace


def test_default_view_extrapolates_a_held_out_spiral():
    at = open_page("latent_spirals")
    assert_clean(at)
    assert at.title[0].value == "Latent spirals"
    assert [m.label for m in at.metric] == [LATENT, RNN]
    assert metric(at, LATENT) < metric(at, RNN)  # the shipped models, on held-out spiral #0 from 30 points
    assert charts(at) == 2
    assert "first **30** of 200 points" in texts(at)
    assert dict(at.query_params) == {}


def test_k_slider_changes_the_view_and_the_link():
    at = open_page("latent_spirals")
    before = metric(at, LATENT)
    at.slider(key="latent.k").set_value(80).run()
    assert_clean(at)
    assert at.query_params["k"] == "80"
    assert "first **80** of 200 points" in texts(at) and metric(at, LATENT) != before


def test_a_random_spiral_by_seed_and_the_new_spiral_button():
    at = open_page("latent_spirals")
    at.selectbox(key="latent.source").set_value("random").run()
    assert_clean(at)
    first = metric(at, RNN)
    at.button(key="latent.new_seed").click().run()
    assert_clean(at)
    assert at.query_params["source"] == "random" and at.query_params["seed"] == "1"
    assert metric(at, RNN) != first


def test_held_out_spiral_slider():
    at = open_page("latent_spirals")
    at.slider(key="latent.spiral").set_value(1).run()
    assert_clean(at)
    assert at.query_params["spiral"] == "1"
    assert "A counter-clockwise spiral" in texts(at)


def test_table_tab_lists_both_models_for_30_50_100_points():
    at = open_page("latent_spirals", view="table-2")
    table = at.dataframe[0].value.set_index("score")
    assert list(table.columns) == ["k = 30", "k = 50", "k = 100"]  # four columns fit a projector
    assert list(table.loc["RNN (paper)"]) == [0.3937, 0.3202, 0.1813]
    assert (table.loc["latent ODE (ours)"] < table.loc["RNN (ours)"]).all()
    assert len(at.get("vega_lite_chart")) == 1


def test_alpha_slider_moves_the_decoded_trajectory():
    at = open_page("latent_spirals", view="interpolation")
    assert at.selectbox(key="latent.a").value == "0" and at.selectbox(key="latent.b").value == "1"
    before = decoded(at)
    at.slider(key="latent.alpha").set_value(0.9).run()
    assert_clean(at)
    assert at.query_params["alpha"] == "0.9"
    after = decoded(at)
    assert before["name"] == "decoded at α = 0.50" and after["name"] == "decoded at α = 0.90"
    assert max(abs(a - b) for a, b in zip(after["x"], before["x"], strict=True)) > 1e-3
    at.selectbox(key="latent.b").set_value("3").run()
    assert_clean(at)
    assert at.query_params["b"] == "3"


def test_prior_samples_controls():
    at = open_page("latent_spirals", view="prior-samples")
    at.slider(key="latent.n").set_value(3).run()
    at.number_input(key="latent.prior_seed").set_value(5).run()
    assert_clean(at)
    assert at.query_params["n"] == "3" and at.query_params["prior_seed"] == "5"


def test_deep_link_reproduces_a_view():
    link = {
        "source": "random",
        "seed": "7",
        "k": "50",
        "view": "interpolation",
        "a": "2",
        "b": "5",
        "alpha": "0.3",
    }
    at = open_page("latent_spirals", **link)
    assert_clean(at)
    assert at.selectbox(key="latent.b").value == "5" and at.slider(key="latent.alpha").value == 0.3
    assert decoded(at)["name"] == "decoded at α = 0.30"
    assert dict(at.query_params) == link  # the sidebar's spiral, unused by this tab, stays in the link
    at = open_page("latent_spirals", **{**link, "view": "extrapolation"})
    assert_clean(at)
    assert at.selectbox(key="latent.source").value == "random"
    assert at.number_input(key="latent.seed").value == 7
    assert at.slider(key="latent.k").value == 50
    assert "first **50** of 200 points" in texts(at)


@pytest.mark.parametrize("view", ["interpolation", "prior-samples", "table-2"])
def test_the_sidebar_spiral_steps_aside_on_tabs_that_do_not_use_it(view):
    at = open_page("latent_spirals", view=view, k="40")
    assert_clean(at)
    assert not at.sidebar.get("slider") and not at.sidebar.get("selectbox")
    assert "chosen on the Extrapolation and Latent path tabs" in "\n".join(
        c.value for c in at.sidebar.get("caption")
    )
    assert at.query_params["k"] == "40"
    at = open_page("latent_spirals", view="latent-path")
    assert [w.label for w in at.sidebar.get("slider")] == ["Held-out spiral", "Observed points k"]


def test_each_seed_says_what_it_seeds():
    at = open_page("latent_spirals", source="random")
    assert [w.label for w in at.get("number_input")] == ["Random spiral's seed"]
    at = open_page("latent_spirals", view="prior-samples")
    assert [w.label for w in at.get("number_input")] == ["Seed of the prior draws"]


def test_observed_points_are_coloured_by_their_own_times():
    at = open_page("latent_spirals", k="30")
    for key in ("latent_extrapolation", "rnn_extrapolation"):
        fig = plotly_figure(at, key=key)
        (points,) = [t for t in fig["data"] if t.get("name") == "first 30 observed points"]
        marker = points["marker"]
        assert marker["cmin"] == min(marker["color"]) == 0.0
        assert marker["cmax"] == max(marker["color"]) > 0  # t of the 30th point, not the end of the series
        assert len(set(marker["color"])) == 30
        assert fig["layout"]["legend"]["yanchor"] == "top" and fig["layout"]["legend"]["y"] < 0


def test_no_in_page_control_in_presenter_mode_yet_the_link_sets_the_view():
    at = open_page("latent_spirals", present="1", view="interpolation", alpha="0.3", b="5")
    assert_clean(at)
    assert not at.main.get("selectbox") and not at.main.get("slider")
    assert decoded(at)["name"] == "decoded at α = 0.30" and at.query_params["b"] == "5"
    # Its legend's rows ran past the fold: the curves are named in the plot instead.
    layout = plotly_figure(at, key="interpolation")["layout"]
    assert layout["showlegend"] is False
    assert {a["text"] for a in layout["annotations"]} == {"α = 0", "α = 1", "α = 0.30"}
    at = open_page("latent_spirals", present="1", view="prior-samples", n="3")
    assert_clean(at)
    assert not at.main.get("slider") and not at.main.get("number_input")
    assert sum(t.get("name", "").startswith("sample ") for t in plotly_figure(at)["data"]) == 3


def test_bad_link_values_fall_back_with_a_note():
    at = open_page("latent_spirals", k="999", source="__import__('os')", spiral="-3", view="nope")
    assert_clean(at)
    notes = "\n".join(i.value for i in at.info)
    for param in ("k=999", "source=__import__('os')", "spiral=-3", "view=nope"):
        assert f"`{param}` was ignored" in notes
    assert at.slider(key="latent.k").value == 30 and [m.label for m in at.metric] == [LATENT, RNN]


def test_bad_interpolation_link_values_fall_back():
    at = open_page("latent_spirals", view="interpolation", a="1e9", alpha="nan", b="x")
    assert_clean(at)
    assert at.slider(key="latent.alpha").value == 0.5 and at.selectbox(key="latent.a").value == "0"
    assert sum("was ignored" in i.value for i in at.info) == 3


@pytest.mark.parametrize("problem", ["missing", "corrupt"])
def test_a_missing_or_corrupt_checkpoint_shows_a_notice(tmp_path, monkeypatch, problem):
    if problem == "corrupt":
        (tmp_path / "latent_ode.pt").write_bytes(b"\x00garbage")
        (tmp_path / "rnn.pt").write_bytes(b"\x00garbage")
    monkeypatch.setenv("LATENT_CHECKPOINT_DIR", str(tmp_path))
    at = open_page("latent_spirals")
    assert_clean(at)
    assert at.title[0].value == "Latent spirals"
    warning = at.warning[0].value
    assert "not available" in warning and ("not found" if problem == "missing" else "unreadable") in warning
    assert "python -m scripts.train_latent" in warning


def test_tour_step_18_s_alpha_surface_is_level_with_the_curve_beside_it():
    """Tour step 18 in presenter mode: the α surface's figure was 640 px, its scene over the upper 4/5 and its
    cube, seen from far off, small and lower than the curve figure beside it. Its plot now starts where the
    curve's does and ends by the curve's x-axis labels, its scene over all of it."""
    at = open_page("latent_spirals", view="interpolation", alpha="0.3", tour="18", present="1")
    assert_clean(at)
    curve = plotly_figure(at, key="interpolation")["layout"]
    family = plotly_figure(at, key="family")["layout"]
    assert family["height"] <= curve["height"] and 271 + family["height"] <= 720
    assert family["margin"]["t"] == curve["margin"]["t"]
    family_bottom = family["height"] - family["margin"]["b"]
    curve_bottom = curve["height"] - curve["margin"]["b"]
    assert curve_bottom <= family_bottom <= curve_bottom + 90
    assert family["scene"].get("domain", {"y": [0.0, 1.0]})["y"] == [0.0, 1.0]
