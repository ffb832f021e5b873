"""AppTest of the NODE vs ANODE lab: shipped models on first load, each main control, deep and bad links,
a short live training, Reset, an interrupted training, and broken or missing checkpoints."""

from __future__ import annotations

import importlib
import re
import shutil
from pathlib import Path

from tests.app.apptest_helpers import assert_clean, open_page, plotly_figure, texts

URL = "node_anode_lab"
SHIPPED = Path(__file__).resolve().parents[2] / "checkpoints" / "node_anode"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def reported_nfe(at) -> list[int]:
    """The forward NFE each model's summary reports for the test set."""
    return [int(n) for n in re.findall(r"forward NFE (\d+) on the test set", captions(at))]


def test_default_view_shows_both_shipped_models_side_by_side():
    at = open_page(URL)
    assert_clean(at)
    assert at.title[0].value == "NODE vs ANODE lab"
    assert metrics(at) == {"NODE: test accuracy": "1.000", "ANODE: test accuracy": "1.000"}
    assert captions(at).count("shipped checkpoint") == 2
    assert "322 parameters" in captions(at) and "459 parameters" in captions(at)
    text = texts(at)
    assert "Measured now for the test set with dopri5 at tolerance 1e-3: NODE **38**, ANODE **26**" in text
    assert len(at.get("plotly_chart")) == 1  # decision regions: only the open tab computes
    assert not at.button(key="node_anode.train").disabled and at.button(key="node_anode.stop").label == "Stop"
    assert dict(at.query_params) == {}


def test_deep_link_to_circles_with_a_tighter_tolerance():
    at = open_page(URL, data="circles", tol="1e-5", view="3-d")
    assert_clean(at)
    assert "4,482 parameters" in captions(at)  # the tutorial's 2-64-64-2 circles NODE
    assert "4,484 parameters" in captions(at)  # an ANODE of the same size: 3-63-63-3 and a linear head
    assert "forward NFE" in captions(at) and "tolerance 1e-5" in captions(at)
    loose = open_page(URL, data="circles")
    tight_nfe, loose_nfe = reported_nfe(at), reported_nfe(loose)
    assert len(tight_nfe) == 2
    assert all(
        tight > lo for tight, lo in zip(tight_nfe, loose_nfe, strict=True)
    )  # tighter tolerance, more NFE
    assert {k: at.query_params[k] for k in ("data", "tol", "view")} == {
        "data": "circles",
        "tol": "1e-5",
        "view": "3-d",
    }


def test_the_1d_task_compares_node_resnet_and_anode():
    at = open_page(URL, data="flip1d")
    assert_clean(at)
    assert set(metrics(at)) == {"NODE: test MSE", "ANODE: test MSE", "ResNet: test MSE"}
    assert float(metrics(at)["NODE: test MSE"]) > 0.3 > 0.01 > float(metrics(at)["ANODE: test MSE"])
    text = texts(at)
    assert "NODE **0**" in text  # no pair of points swaps order under a 1-D flow
    assert "ResNet **12,720**" in text and "ANODE **12,720**" in text  # every pair of 160 swaps


def test_controls_change_models_and_links():
    at = open_page(URL)
    at.selectbox(key="node_anode.data").set_value("circles").run()
    at.multiselect(key="node_anode.circles.models").set_value(["anode"]).run()
    assert_clean(at)
    assert list(metrics(at)) == ["ANODE: test accuracy"]
    assert at.query_params["data"] == "circles" and at.query_params["models"] == "anode"
    at.slider(key="node_anode.p").set_value(2).run()
    assert "untrained: press Train" in captions(at)  # no shipped ANODE with p = 2
    assert list(metrics(at)) == ["ANODE (untrained): test accuracy"]
    (warning,) = at.warning
    assert warning.value.startswith("No trained ANODE with p = 2: the numbers and pictures show untrained")
    assert "Press Train just below" in warning.value
    at.slider(key="node_anode.p").set_value(1).run()
    at.selectbox(key="node_anode.solver").set_value("euler").run()
    at.slider(key="node_anode.h").set_value(1.0).run()
    assert_clean(at)
    assert "euler with h = 1" in captions(at) and "shipped checkpoint" in captions(at)
    at.toggle(key="node_anode.adjoint").set_value(True).run()
    at.toggle(key="node_anode.timedep").set_value(True).run()
    assert_clean(at)
    assert at.query_params["adjoint"] == "1" and at.query_params["timedep"] == "1"
    assert "untrained: press Train" in captions(at)  # the shipped fields do not depend on t
    assert "No trained ANODE with f depending on t" in at.warning[0].value


def test_a_data_change_evaluates_the_shipped_models_on_the_new_data():
    at = open_page(URL, seed="7")
    assert_clean(at)
    evaluated = "shipped checkpoint (trained on 1,000 points, noise 0.1, seed 0), evaluated on these data"
    assert captions(at).count(evaluated) == 2 and "untrained" not in texts(at)
    assert all(float(v) > 0.95 for v in metrics(at).values())  # trained models, not chance
    at.slider(key="node_anode.moons.noise").set_value(0.15).run()
    at.slider(key="node_anode.moons.n").set_value(600).run()
    assert_clean(at)
    assert captions(at).count(evaluated) == 2 and not at.warning
    assert all(float(v) > 0.9 for v in metrics(at).values())


def test_bad_link_values_fall_back_with_a_note():
    at = open_page(URL, data="__import__('os')", tol="zzz", steps="-3", models="node,evil", view="nope")
    assert_clean(at)
    notes = "\n".join(i.value for i in at.info)
    for param in ("data=__import__('os')", "steps=-3", "models=node,evil", "view=nope"):
        assert f"`{param}` was ignored" in notes
    assert list(metrics(at)) == ["NODE: test accuracy", "ANODE: test accuracy"]


def test_a_short_training_shows_curves_and_the_trained_models():
    at = open_page(URL, steps="3")
    at.button(key="node_anode.train").click().run()
    assert_clean(at)
    assert captions(at).count("trained here: 3 steps") == 2
    assert "Trained on the same data and seed" in captions(at)
    assert len(at.get("vega_lite_chart")) == 1
    assert "To 99% validation accuracy" in texts(at)
    replay = open_page(URL, steps="3", view="training-replay")
    replay.button(key="node_anode.train").click().run()
    assert_clean(replay)
    slider = replay.select_slider(key="node_anode.replay")
    assert slider.options == ["0", "1", "2", "3"]
    slider.set_value(0).run()
    assert_clean(replay)
    assert "Training loss at step 0" not in texts(replay) and len(replay.get("plotly_chart")) == 2

    at.button(key="node_anode.reset").click().run()
    assert_clean(at)
    assert captions(at).count("shipped checkpoint") == 2


def test_adjoint_training_reports_backward_nfe():
    at = open_page(URL, steps="2", adjoint="1", models="anode")
    at.button(key="node_anode.train").click().run()
    assert_clean(at)
    runs = at.session_state["node_anode.__runs"]
    (run,) = runs.values()
    assert all(m["nfe_backward"] > 0 for m in run.history)


def test_an_interrupted_training_keeps_what_it_learned():
    at = open_page(URL, steps="2", models="node")
    at.button(key="node_anode.train").click().run()
    cached = importlib.import_module("cached.node_anode")
    classifiers = importlib.import_module("models.node_anode.classifiers")
    (run,) = at.session_state["node_anode.__runs"].values()
    # As if Stop had cut the run short after its first step: the run and its live model are still marked active.
    cut = cached.SessionRun(
        run.kind, run.cfg, run.data, run.seed, run.in_dim, run.n_out, history=run.history[:1]
    )
    cached_runs = at.session_state["node_anode.__runs"]
    cached_runs[next(iter(cached_runs))] = cut
    model = classifiers.build_model(run.cfg, run.in_dim, run.n_out, seed=0)
    at.session_state["node_anode.__active"] = {"node": (cut, model)}
    at.run()
    assert_clean(at)
    assert "trained here: 1 steps" in captions(at) and "(stopped)" in captions(at)
    assert "Training stopped: NODE kept what it learned in 1 steps." in captions(at)


def test_a_corrupt_checkpoint_means_a_notice_and_live_training(tmp_path, monkeypatch):
    (tmp_path / "node_moons.pt").write_bytes(b"not a checkpoint at all")
    shutil.copy(SHIPPED / "anode_moons.pt", tmp_path / "anode_moons.pt")
    monkeypatch.setenv("EXPLORER_NODE_CHECKPOINTS", str(tmp_path))
    at = open_page(URL, steps="2")
    assert_clean(at)
    warning = "\n".join(w.value for w in at.warning)
    assert "Shipped NODE unavailable (checkpoint node_moons.pt is unreadable" in warning
    assert "showing the one trained live in this session" in warning
    assert captions(at).count("trained here: 2 steps") == 2  # trained live, both on the same data and seed


def test_missing_checkpoints_fall_back_without_a_crash(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_NODE_CHECKPOINTS", str(tmp_path))
    at = open_page(URL, steps="1", data="flip1d")
    assert_clean(at)
    assert "checkpoint resnet_flip1d.pt not found" in "\n".join(w.value for w in at.warning)
    assert captions(at).count("trained here: 1 steps") == 3


def test_a_solver_failure_during_training_is_one_line_and_keeps_the_steps_done(monkeypatch):
    at = open_page(URL, steps="3", models="node")
    training = importlib.import_module("kit.node_training")
    solve = importlib.import_module("models.ode.solve")
    real_fit = training.fit_splits

    def fit_failing_after_one_step(model, splits, loss_fn, cfg, on_step, optimizer=None):
        def step_then_fail(step, metrics):
            on_step(step, metrics)
            raise solve.BudgetExceeded("stopped after 2,000 evaluations of f (the budget)")

        return real_fit(model, splits, loss_fn, cfg, step_then_fail, optimizer)

    monkeypatch.setattr(training, "fit_splits", fit_failing_after_one_step)
    at.button(key="node_anode.train").click().run()
    assert_clean(at)
    assert any("NODE: the solver needed more than 2000 evaluations of f" in e.value for e in at.error)
    assert "trained here: 1 steps" in captions(at) and "(solver budget exceeded)" in captions(at)


OWN_POINTS = "0,0,a;0.5,0,a;0,1,b;1,1.5,b"


def test_your_own_points_ride_in_the_link_and_train_on_train():
    at = open_page(URL, data="own", pts=OWN_POINTS, steps="3")
    assert_clean(at)
    plane = plotly_figure(at, key="node_anode.own_plane.0")
    assert [t["name"] for t in plane["data"][:2]] == ["class A (2)", "class B (2)"]
    assert plane["data"][0]["x"] == [0, 0.5] and plane["data"][1]["y"] == [1, 1.5]
    assert "click targets" in [t["name"] for t in plane["data"]]
    # The shipped models learned other data: nothing is scored on these points until Train.
    assert "Press Train (or Step) to train NODE and ANODE on your 4 points" in texts(at)
    assert metrics(at) == {} and len(at.get("plotly_chart")) == 1
    at.button(key="node_anode.train").click().run()
    assert_clean(at)
    assert set(metrics(at)) == {"NODE: accuracy on your points", "ANODE: accuracy on your points"}
    assert captions(at).count("trained here: 3 steps") == 2 and "forward NFE" in captions(at)
    assert len(at.get("plotly_chart")) == 2  # your points, and the decision regions of what learned them
    assert at.query_params["data"] == "own" and at.query_params["pts"] == OWN_POINTS


def test_too_few_points_of_a_class_say_so_and_offer_no_training():
    at = open_page(URL, data="own", pts="0,0,a;0.5,0,a;0,1,b")
    assert_clean(at)
    assert "you have 2 of class A and 1 of class B" in texts(at)
    assert not [b for b in at.button if b.key in ("node_anode.train", "node_anode.step")]


def test_clear_removes_every_point_from_the_plane_and_the_link():
    at = open_page(URL, data="own", pts=OWN_POINTS)
    at.button(key="node_anode.own_clear").click().run()
    assert_clean(at)
    assert "pts" not in at.query_params and "you have 0 of class A and 0 of class B" in texts(at)
    assert at.button(key="node_anode.own_clear").disabled


def test_bad_points_in_the_link_leave_a_note_and_an_empty_plane():
    for raw in ("1,2,c;nan", "0,0,a;" * 300, "inf,1,a"):
        at = open_page(URL, data="own", pts=raw)
        assert_clean(at)
        assert "Link parameter `pts=" in texts(at) and "using none" in texts(at)
        assert "you have 0 of class A" in texts(at)


def test_step_takes_one_optimizer_step_at_a_time_continuing_the_same_optimizer():
    at = open_page(URL, models="node", steps="2")
    losses = []
    for step in (1, 2):
        at.button(key="node_anode.step").click().run()
        assert_clean(at)
        assert f"trained here: {step} steps" in captions(at)
        losses.append(re.search(rf"One step each: NODE step {step}, loss ([\d.]+)", captions(at)).group(1))
    assert losses[0] != losses[1]
    (run,) = at.session_state["node_anode.__runs"].values()
    assert {int(s["step"]) for s in run.optimizer.state.values()} == {2}  # one Adam, two steps
    at.button(key="node_anode.train").click().run()  # Train starts afresh; Step then continues it
    at.button(key="node_anode.step").click().run()
    assert_clean(at)
    assert "trained here: 3 steps" in captions(at) and "NODE step 3" in captions(at)
