"""AppTest of the NODE vs ANODE lab's penalties (kinetic energy + Jacobian norm): the sidebar's toggle and
weight in the link, Train and Step training with them, and plain against regularised on the same seed."""

from __future__ import annotations

import json

from tests.app.apptest_helpers import assert_clean, open_page, texts

URL = "node_anode_lab"
RUNS = "node_anode.__runs"


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def runs_by_weight(at) -> dict[float, object]:
    return {run.reg.kinetic: run for run in at.session_state[RUNS].values()}


def reg_toggle(at):
    (toggle,) = [t for t in at.sidebar.toggle if t.label.startswith("Regularise")]
    return toggle


def test_the_penalty_rides_in_the_link_and_the_shipped_models_say_they_lack_it():
    at = open_page(URL, reg="1", regw="0.03")
    assert_clean(at)
    assert reg_toggle(at).value is True
    (weight,) = [s for s in at.sidebar.selectbox if s.label == "Penalty weight w"]
    assert weight.value == "0.03"
    assert dict(at.query_params) == {"reg": "1", "regw": "0.03"}
    assert captions(at).count("trained without the penalties: press Train to train it with them") == 2
    reg_toggle(at).set_value(False).run()
    assert_clean(at)
    assert "reg" not in at.query_params and "trained without the penalties" not in captions(at)


def test_train_with_the_penalty_records_it_and_compares_with_the_plain_run_on_the_same_seed():
    at = open_page(URL, models="anode", steps="3")
    at.button(key="node_anode.train").click().run()
    assert_clean(at)
    assert "Taming NFE" not in texts(at)  # one plain run: nothing to compare yet
    reg_toggle(at).set_value(True).run()
    assert at.query_params["reg"] == "1"
    at.button(key="node_anode.train").click().run()
    assert_clean(at)
    runs = runs_by_weight(at)
    assert set(runs) == {0.0, 0.01}
    plain, tamed = runs[0.0], runs[0.01]
    assert plain.seed == tamed.seed == 0 and len(plain.history) == len(tamed.history) == 3
    assert all(m["kinetic"] > 0 and m["jacobian"] > 0 for m in tamed.history)
    assert not any("kinetic" in m for m in plain.history)
    assert "Trained on the same data and seed: ANODE, regularised" in captions(at)
    assert "trained here: 3 steps" in captions(at)
    words = texts(at)
    assert "**Taming NFE**, plain → regularised on the same data and seed, on the test set" in words
    assert "with the penalties at w = 0.01, accuracy" in words
    (chart,) = at.get("vega_lite_chart")
    encodings = [p["encoding"] for row in json.loads(chart.proto.spec)["vconcat"] for p in row["hconcat"]]
    # Plain solid, regularised dashed, in the one colour of the model.
    assert all(e["strokeDash"]["field"] == "training" for e in encodings)
    # Switched off again, the page shows the plain run and still compares the two.
    reg_toggle(at).set_value(False).run()
    assert_clean(at)
    assert "**Taming NFE**" in texts(at)


def test_step_continues_the_regularised_run_at_the_weight_in_the_link():
    at = open_page(URL, models="anode", steps="2", reg="1", regw="0.1")
    for step in (1, 2):
        at.button(key="node_anode.step").click().run()
        assert_clean(at)
        assert f"One step each: ANODE, regularised step {step}, loss" in captions(at)
    (run,) = at.session_state[RUNS].values()
    assert run.reg.kinetic == run.reg.jacobian == 0.1
    assert len(run.history) == 2 and all("kinetic" in m for m in run.history)
    assert {int(s["step"]) for s in run.optimizer.state.values()} == {2}
    assert dict(at.query_params) == {"models": "anode", "steps": "2", "reg": "1", "regw": "0.1"}


def test_on_the_1d_flip_the_flows_train_with_the_penalty_and_the_resnet_without():
    at = open_page(URL, data="flip1d", steps="1", reg="1")
    at.button(key="node_anode.train").click().run()
    assert_clean(at)
    runs = {run.kind: run for run in at.session_state[RUNS].values()}
    assert set(runs) == {"node", "anode", "resnet"}
    assert runs["node"].reg.active and runs["anode"].reg.active and not runs["resnet"].reg.active
    assert "task_loss" in runs["node"].history[0] and "task_loss" not in runs["resnet"].history[0]
