"""AppTest of what the NODE vs ANODE lab's opening views claim: a fair circles comparison whose cost shows
in numbers, an honest best and final step, animations that open mid-flow, notes that match the data set,
and the presenter layout (text below the figure)."""

from __future__ import annotations

import importlib
import re

from tests.app.apptest_helpers import assert_clean, open_page, plotly_figure, texts

URL = "node_anode_lab"


def summaries(at) -> dict[str, str]:
    """Each model's summary caption, by model (the caption under its metric)."""
    captions = [c.value for c in at.caption if " parameters · " in c.value]
    return {m.label.split(":")[0]: c for m, c in zip(at.metric, captions, strict=True)}


def number(pattern: str, text: str) -> float:
    return float(re.search(pattern, text).group(1).replace(",", ""))


def test_circles_compares_models_of_matched_size_and_shows_the_node_s_cost():
    at = open_page(URL, data="circles")
    assert_clean(at)
    node, anode = summaries(at)["NODE"], summaries(at)["ANODE"]
    params = [number(r"([\d,]+) parameters", s) for s in (node, anode)]
    assert abs(params[0] - params[1]) / max(params) < 0.1
    loss = [number(r"test loss ([\d.e+-]+)", s) for s in (node, anode)]
    nfe = [number(r"forward NFE (\d+)", s) for s in (node, anode)]
    jitter = [number(r"accuracy ([\d.]+) on the test set jittered", s) for s in (node, anode)]
    assert loss[0] > 20 * loss[1]  # the NODE's cheating shows in its loss...
    assert nfe[0] > 1.5 * nfe[1]  # ...in its evaluations of f...
    assert jitter[0] < jitter[1]  # ...and on points near the training data
    assert "σ = 0.1" in node


def test_the_summary_reports_a_final_step_worse_than_the_best():
    at = open_page(URL, steps="2", models="node")
    at.button(key="node_anode.train").click().run()
    (run,) = at.session_state["node_anode.__runs"].values()
    # As if 400 steps had been trained: best 1.000 at step 80, back to 0.640 at the end.
    run.history = [{**run.history[-1], "loss": 0.5} for _ in range(400)]
    for step, accuracy in ((80, 1.0), (200, 0.9), (400, 0.64)):
        run.history[step - 1] = {**run.history[step - 1], "val_accuracy": accuracy}
    at.run()
    assert_clean(at)
    worse = "final validation accuracy 0.640 at step 400, worse than its best 1.000 at step 80"
    assert worse in summaries(at)["NODE"]
    assert f"Then: **NODE** {worse}." in texts(at)
    training = importlib.import_module("kit.node_training")
    history = [{"val_accuracy": 0.5}, {}, {"val_accuracy": 0.9}]
    assert training.best_and_final_words(history, "classification") == (
        "final validation accuracy 0.900 at step 3 (its best)"
    )
    assert training.best_and_final_words([{"val_loss": 0.2}, {"val_loss": 0.4}], "regression") == (
        "final validation MSE 0.4 at step 2, worse than its best 0.2 at step 1"
    )


def test_the_tour_s_circles_animation_opens_mid_flow():
    at = open_page(URL, data="circles", view="animation")
    assert_clean(at)
    figure = plotly_figure(at)
    slider = figure["layout"]["sliders"][0]
    opening = slider["active"]
    assert 0 < opening < len(figure["frames"]) - 1
    assert slider["steps"][opening]["label"] == "0.48"
    assert figure["data"][0]["x"] == figure["frames"][opening]["data"][0]["x"]
    assert "It opens half-way" in texts(at)


def test_every_note_matches_the_data_set_shown():
    moons = open_page(URL, view="3-d")
    circles = open_page(URL, data="circles", view="3-d")
    assert_clean(moons) and assert_clean(circles)
    assert "ring" not in texts(moons) and "the two interleaved moons move apart along a" in texts(moons)
    assert "the inner disc be pulled out of the plane along a" in texts(circles)


def side_by_side(at, wide: float = 3.2, narrow: float = 1.0) -> bool:
    """Whether the page has columns of widths wide : narrow: a figure with its text in a narrow column beside
    it (3.2 : 1), or the training panel with Stop squeezed at its right (9 : 1). Streamlit sends each column's
    share of its row."""
    shares = [c.weight for c in at.columns]
    return any(abs(w - wide / (wide + narrow)) < 1e-6 for w in shares) and any(
        abs(w - narrow / (wide + narrow)) < 1e-6 for w in shares
    )


def in_order(node) -> list:
    """The page's elements in the order they are drawn (depth first)."""
    children = getattr(node, "children", None)
    if not children:
        return [node]
    return [e for key in sorted(children) for e in in_order(children[key])]


def test_presenter_mode_puts_the_text_below_the_figure_and_the_figure_first():
    normal = open_page(URL)
    present = open_page(URL, present="1")
    assert_clean(normal) and assert_clean(present)
    assert side_by_side(normal) and not side_by_side(present)
    assert side_by_side(normal, 9) and not side_by_side(present, 9)
    assert "A flow keeps topology" in texts(present)
    for at, figure_first in ((normal, False), (present, True)):
        kinds = [e.type for e in in_order(at.main)]
        assert (kinds.index("plotly_chart") < kinds.index("metric")) is figure_first
    assert not present.button(key="node_anode.train").disabled
    assert present.button(key="node_anode.stop").label == "Stop"


def test_each_metric_carries_its_loss_and_nfe():
    at = open_page(URL, data="circles")
    deltas = {m.label: m.proto.delta for m in at.metric}
    assert set(deltas) == {"NODE: test accuracy", "ANODE: test accuracy"}
    assert all(re.fullmatch(r"loss [\d.e+-]+ · \d+ NFE", d) for d in deltas.values()), deltas


def test_in_presenter_mode_the_untrained_warning_stays_above_the_figure():
    at = open_page(URL, data="circles", p="2", present="1")
    assert_clean(at)
    (warning,) = at.warning
    assert "No trained ANODE with p = 2" in warning.value and "Press Train under the figure" in warning.value
    kinds = [e.type for e in in_order(at.main)]
    first = next(i for i, e in enumerate(in_order(at.main)) if "No trained" in str(getattr(e, "value", "")))
    assert first < kinds.index("plotly_chart") < kinds.index("metric")
