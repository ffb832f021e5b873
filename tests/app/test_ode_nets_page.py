"""AppTest of the ODE-Nets on images page: every tab and control, deep links, bad links, live training and
bad checkpoints."""

from __future__ import annotations

import functools

import pytest

from kit.contract import to_params
from kit.page_views import OdeNetsView
from tests.app.apptest_helpers import assert_clean, open_page, plotly_figure, texts


def test_default_view_is_table_1_beside_the_papers():
    at = open_page("ode_nets")
    assert_clean(at)
    assert at.title[0].value == "ODE-Nets on images"
    table = at.dataframe[0].value
    assert list(table["model"]) == ["1-layer MLP", "ResNet", "RK-Net", "ODE-Net"]
    errors = dict(zip(table["model"], table["test error %"], strict=True))
    assert errors["ODE-Net"] <= 2.0 and errors["ODE-Net"] <= errors["ResNet"] + 1.0
    paper = at.dataframe[1].value
    assert list(paper["model"]) == list(table["model"])
    assert list(paper["test error %"]) == [1.60, 0.41, 0.47, 0.42]
    assert at.session_state["ode_nets.__view"] == OdeNetsView()
    assert dict(at.query_params) == {}


def test_table_1_fits_a_projector_as_two_narrow_tables_with_their_detail_as_help():
    """Eleven columns in one table were cut at the right at 1024 px (presenter) and 1440 px (with the sidebar):
    ours and the paper's are two tables of at most seven short columns, the long names in the headers' help."""
    at = open_page("ode_nets", present="1")
    assert_clean(at)
    ours, paper = (list(d.value.columns) for d in at.dataframe)
    assert ours == ["model", "test error %", "parameters", "memory MB", "train s", "NFE fwd", "NFE bwd"]
    assert paper == ["model", "test error %", "parameters (M)", "memory", "time"]
    helps = at.dataframe[0].proto.columns
    assert "one minibatch of 128" in helps and "Training time in seconds" in helps
    assert "The paper's Table 1, on MNIST" in texts(at)


def _drawn(node, out: list) -> list:
    """The page's elements in the order they are drawn, as (element type, key), layout blocks left out."""
    for child in getattr(node, "children", {}).values():
        if type(child).__name__ not in ("Block", "Column", "Tab", "HorizontalBlock"):
            out.append((type(child).__name__, getattr(child, "key", None)))
        _drawn(child, out)
    return out


def test_presenter_table_1_opens_on_its_bars_in_the_apps_colours():
    """On a 720 px projector two tables and their captions pushed the bars to ~150 px above the fold; and drawn
    without Streamlit's theme, they came in plotly's default colours."""
    from components.style import PALETTE

    at = open_page("ode_nets", present="1")
    assert_clean(at)
    order = [kind for kind, _ in _drawn(at.main, []) if kind in ("UnknownElement", "Dataframe")]
    assert order == ["UnknownElement", "Dataframe", "Dataframe"]  # the bars, then ours and the paper's
    bars = plotly_figure(at, key="errors")
    assert [t["marker"]["color"] for t in bars["data"]] == list(PALETTE[:2])
    assert bars["layout"]["height"] <= 400  # from ~282 px down, it ends above a 720 px fold
    assert bars["layout"]["font"]["size"] >= 1.6 * 12
    normal = open_page("ode_nets")
    assert [k for k, _ in _drawn(normal.main, []) if k in ("UnknownElement", "Dataframe")] == [
        "Dataframe",
        "UnknownElement",
        "Dataframe",
    ]


def test_presenter_flow_opens_on_the_probabilities_low_enough_for_the_fold():
    """Tour step 20: the feature maps filled a 720 px projector and pushed the probabilities, the step's point,
    below its fold. In presenter mode they come first, 400 px high (their legend of ten 1.6x entries, which
    took two rows under each plot, gives way to the true class named on its line), the maps under them."""
    at = open_page("ode_nets", view="flow", image="311", present="1")
    assert_clean(at)
    keys = [c.key for c in at.get("plotly_chart")]
    assert keys == ["ode_probs", "res_probs", "ode_maps", "res_maps"]
    for key in ("ode_probs", "res_probs"):
        layout = plotly_figure(at, key=key)["layout"]
        assert layout["height"] <= 400 and layout["showlegend"] is False
        assert [a["text"] for a in layout["annotations"]] == ["true class 8", "class 1"]  # and its rival
        assert len(layout["title"]["text"]) <= 30  # fits half of a 1024 px page at 1.6x
    ode = plotly_figure(at, key="ode_probs")["data"][8]["y"]  # the eight's own line: the tour's 0.08 -> 0.97
    assert ode[0] < 0.1 and ode[-1] > 0.95
    assert all(b >= a - 1e-3 for a, b in zip(ode, ode[1:], strict=False))  # it rises smoothly along t
    normal = open_page("ode_nets", view="flow", image="311")
    assert [c.key for c in normal.get("plotly_chart")] == ["ode_maps", "res_maps", "ode_probs", "res_probs"]
    assert plotly_figure(normal, key="res_probs")["layout"]["legend"]["title"]["text"] == "class"


def test_probability_titles_fit_half_a_projector_for_both_models():
    """ "ResNet: class probabilities block by block" ran past its chart's right edge at 1024 px, presenter."""
    at = open_page("ode_nets", view="flow", present="1")
    titles = [plotly_figure(at, key=k)["layout"]["title"]["text"] for k in ("ode_probs", "res_probs")]
    assert [t.split(":")[0] for t in titles] == ["ODE-Net", "ResNet"]
    assert all(len(t) <= 30 for t in titles), titles  # 1.6x of 17 px in ~477 px


def test_flow_tab_and_its_digit_slider():
    at = open_page("ode_nets", view="flow")
    assert_clean(at)
    assert len(at.get("plotly_chart")) == 4
    before = plotly_figure(at, key="ode_probs")["data"]
    at.slider(key="ode_nets.image").set_value(5).run()
    assert_clean(at)
    assert at.query_params["image"] == "5"
    assert plotly_figure(at, key="ode_probs")["data"] != before
    frames = plotly_figure(at, key="ode_maps")["frames"]
    assert len(frames) == 21 and len(plotly_figure(at, key="res_maps")["frames"]) == 7


def test_tolerance_tab_nfe_falls_as_the_tolerance_loosens():
    at = open_page("ode_nets", view="tolerance")
    assert_clean(at)
    nfe = next(t for t in plotly_figure(at, key="tolerance")["data"] if t["name"] == "forward NFE")["y"]
    assert nfe[0] > nfe[-1] and all(a >= b for a, b in zip(nfe, nfe[1:], strict=False))


def test_mistakes_tab_and_its_model_choice():
    at = open_page("ode_nets", view="mistakes")
    assert_clean(at)
    assert "ODE-Net mistakes" in texts(at) and len(at.get("plotly_chart")) == 2
    at.selectbox(key="ode_nets.model").set_value("resnet").run()
    assert_clean(at)
    assert at.query_params["model"] == "resnet" and "ResNet mistakes" in texts(at)


def test_the_links_default_steps_are_the_live_recipes():
    from models.images.training import LIVE

    assert OdeNetsView().steps == LIVE.steps


def test_live_training_from_the_shipped_weights():
    at = open_page("ode_nets", view="train-live", train="resnet", start="shipped", steps="20", timeout=180)
    assert_clean(at)
    at.button(key="ode_nets.train_button").click().run(timeout=180)
    assert_clean(at)
    assert "Your run: ResNet from the shipped weights, 20 steps" in texts(at)


def test_live_training_controls_land_in_the_link_and_train_from_scratch():
    at = open_page("ode_nets", view="train-live", timeout=180)
    assert_clean(at)
    assert at.button(key="ode_nets.stop") is not None
    at.selectbox(key="ode_nets.train").set_value("resnet").run()
    at.selectbox(key="ode_nets.start").set_value("shipped").run()
    at.slider(key="ode_nets.steps").set_value(30).run()
    assert_clean(at)
    assert dict(at.query_params) == {
        "view": "train-live",
        "train": "resnet",
        "start": "shipped",
        "steps": "30",
    }
    at.selectbox(key="ode_nets.train").set_value("odenet").run()
    at.selectbox(key="ode_nets.start").set_value("scratch").run()
    at.slider(key="ode_nets.steps").set_value(20).run()
    at.button(key="ode_nets.train_button").click().run(timeout=180)
    assert_clean(at)
    assert "Your run: ODE-Net from scratch, 20 steps" in texts(at) and "test accuracy" in texts(at)
    run = at.session_state["ode_nets.__live"]
    assert run.steps == [10, 20] and run.wall_s > 0 and run.test_accuracy > 0.5  # 20 steps: far above chance
    assert len(at.get("arrow_vega_lite_chart")) + len(at.get("vega_lite_chart")) == 1  # the validation curve


def test_a_stopped_run_keeps_its_curve_and_time():
    from kit.ode_nets_training import LiveRun

    at = open_page("ode_nets", view="train-live")
    at.session_state["ode_nets.__partial"] = LiveRun("odenet", "scratch", [10, 20], [0.6, 0.8], None, 3.5)
    at.button(key="ode_nets.stop").click().run()
    assert_clean(at)
    assert "Your run: ODE-Net from scratch, 20 steps in 3.5 s, stopped before the test." in texts(at)


def test_presenter_mode_shows_the_last_run_without_controls():
    at = open_page("ode_nets", view="train-live", present="1")
    assert_clean(at)
    assert not [b for b in at.button if b.key == "ode_nets.train_button"]
    assert not [s for s in at.slider if s.key == "ode_nets.steps"]
    assert "Leave presenter mode to start a run" in texts(at)


@pytest.mark.parametrize(
    ("view", "expect", "plotly"),
    [
        ("table-1", "the shape of the table holds", 1),
        ("flow", "press Play or drag the slider", 4),
        ("tolerance", "adaptive computation", 1),
        ("mistakes", "true against predicted", 2),
        ("train-live", "validation accuracy every 10 steps", 0),
    ],
)
@pytest.mark.parametrize("present", ["0", "1"])
def test_every_tab_opens_in_both_modes(view, expect, plotly, present):
    at = open_page("ode_nets", view=view, **({"present": "1"} if present == "1" else {}))
    assert_clean(at)
    assert at.query_params.get("view", "table-1") == view  # the default view is left out of the link
    assert len(at.get("plotly_chart")) == plotly
    if present == "1" and view == "train-live":  # presenter mode hides the live controls and their caption
        expect = "Leave presenter mode to start a run"
    assert expect in texts(at)


BUILDERS = (
    "error_bars_figure",
    "feature_maps_figure",
    "probabilities_figure",
    "tolerance_figure",
    "digits_figure",
    "confusion_figure",
)


def _counted(build, calls):
    @functools.wraps(build)  # the same module and name: figure_spec's cache key
    def counted(*args, **kwargs):
        calls.append(build.__name__)
        return build(*args, **kwargs)

    return counted


@pytest.mark.parametrize("view", ["table-1", "flow", "tolerance", "mistakes"])
def test_a_warm_rerun_rebuilds_no_figure(monkeypatch, view):
    # Every figure comes through kit.figures.figure_spec: a rerun of an opened tab builds none again.
    import components.image_figures as builders

    at = open_page("ode_nets", view=view)
    calls: list[str] = []
    for name in BUILDERS:
        monkeypatch.setattr(builders, name, _counted(getattr(builders, name), calls))
    at.run()
    assert_clean(at)
    assert calls == []
    at.query_params["image"] = "11"  # a new view builds its figures, once
    at.run()
    assert_clean(at)
    if view == "flow":
        assert sorted(calls) == ["feature_maps_figure"] * 2 + ["probabilities_figure"] * 2


@pytest.mark.parametrize(
    "view",
    [
        OdeNetsView(view="Flow", image=7),
        OdeNetsView(view="Mistakes", model="mlp"),
        OdeNetsView(view="Train live", train="resnet", start="shipped", steps=50),
    ],
)
def test_a_view_round_trips_through_its_link(view):
    at = open_page("ode_nets", **to_params(view))
    assert_clean(at)
    assert at.session_state["ode_nets.__view"] == view
    assert dict(at.query_params) == to_params(view)


def test_bad_link_values_fall_back_with_a_note():
    at = open_page("ode_nets", view="flow", image="1e9")
    assert_clean(at)
    assert at.slider(key="ode_nets.image").value == 0
    assert any("was ignored" in i.value for i in at.info)


@pytest.mark.parametrize("problem", ["missing", "corrupt"])
def test_a_missing_or_corrupt_checkpoint_gives_a_notice_and_live_training(tmp_path, monkeypatch, problem):
    if problem == "corrupt":
        for kind in ("mlp", "resnet", "rknet", "odenet"):
            (tmp_path / f"{kind}.pt").write_bytes(b"\x00garbage")
    monkeypatch.setenv("IMAGES_CHECKPOINT_DIR", str(tmp_path))
    at = open_page("ode_nets")
    assert_clean(at)
    warning = at.warning[0].value
    assert "not available" in warning and ("not found" if problem == "missing" else "unreadable") in warning
    assert "python -m scripts.train_image_models" in warning
    assert at.selectbox(key="ode_nets.start").options == ["scratch (fresh weights)"]
    at.slider(key="ode_nets.steps").set_value(20).run()
    at.button(key="ode_nets.train_button").click().run(timeout=180)
    assert_clean(at)
    assert "Your run: ODE-Net from scratch, 20 steps" in texts(at)
