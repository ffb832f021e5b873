"""Training charts: the long table behind them, the panels drawn, and the race to a target."""

import math

import pytest

from components.flow_panels import MODEL_COLORS
from components.training_charts import Run, first_reach, history_frame, race_table, training_chart


def _history(accuracies, nfe_forward=10.0, nfe_backward=5.0, dt=0.5):
    return [
        {
            "loss": 1.0 / (i + 1),
            "accuracy": a,
            "val_accuracy": a,
            "nfe_forward": nfe_forward,
            "nfe_backward": nfe_backward,
            "wall_s": dt * (i + 1),
        }
        for i, a in enumerate(accuracies)
    ]


NODE = Run("node", "NODE", _history([0.5, 0.8, 0.995, 1.0], nfe_forward=20.0))
ANODE = Run("anode", "ANODE", _history([0.6, 0.999, 1.0, 1.0], nfe_forward=14.0))
SHIPPED = Run("node", "NODE", [{"loss": 0.5, "nfe_forward": 20.0}, {"loss": 0.1, "nfe_forward": 26.0}])


def test_history_frame_is_long_with_nfe_spent_so_far():
    frame = history_frame([NODE, ANODE])
    assert set(frame["metric"]) == {"loss", "accuracy", "forward NFE", "backward NFE"}
    assert len(frame) == 2 * 4 * 4
    node_loss = frame[(frame["model"] == "NODE") & (frame["metric"] == "loss")]
    assert node_loss["nfe_spent"].tolist() == [25.0, 50.0, 75.0, 100.0]
    assert node_loss["step"].tolist() == [1, 2, 3, 4]


def test_history_frame_prefers_validation_accuracy_and_skips_missing_keys():
    run = Run(
        "node",
        "NODE",
        [
            {"loss": 1.0, "accuracy": 0.4, "nfe_forward": 8.0},
            {"loss": 0.5, "accuracy": 0.6, "val_accuracy": 0.9, "nfe_forward": 8.0},
        ],
    )
    frame = history_frame([run])
    accuracy = frame[frame["metric"] == "accuracy"]["value"].tolist()
    assert accuracy == [0.4, 0.9]
    assert "backward NFE" not in set(frame["metric"])
    assert math.isnan(frame["wall_s"].iloc[0])


def _panel_titles(spec: dict) -> list[str]:
    return [panel["title"] for row in spec["vconcat"] for panel in row["hconcat"]]


def test_training_chart_has_four_panels_coloured_by_model():
    spec = training_chart([NODE, ANODE], "nfe_spent").to_dict()
    assert _panel_titles(spec) == [
        "training loss",
        "accuracy (validation where measured)",
        "forward NFE per step",
        "backward NFE per step",
    ]
    first = spec["vconcat"][0]["hconcat"][0]
    assert first["encoding"]["x"]["field"] == "nfe_spent"
    assert first["encoding"]["y"]["scale"]["type"] == "log"
    scale = first["encoding"]["color"]["scale"]
    assert scale["domain"] == ["NODE", "ANODE"]
    assert scale["range"] == [MODEL_COLORS["node"], MODEL_COLORS["anode"]]


def test_a_recording_without_accuracy_or_backward_nfe_draws_two_panels():
    spec = training_chart([SHIPPED], "step").to_dict()
    assert _panel_titles(spec) == ["training loss", "forward NFE per step"]


def test_first_reach_reports_step_seconds_and_nfe_spent():
    assert first_reach(NODE.history, "val_accuracy", 0.99) == (3, 1.5, 75.0)
    assert first_reach(ANODE.history, "val_accuracy", 0.99) == (2, 1.0, 38.0)
    assert first_reach(NODE.history, "loss", 0.34, higher_is_better=False) == (3, 1.5, 75.0)
    assert first_reach(SHIPPED.history, "val_accuracy", 0.99) is None


def test_race_table_names_who_got_there_and_at_what_cost():
    table = race_table([NODE, ANODE], "val_accuracy", 0.99)
    assert table["model"].tolist() == ["NODE", "ANODE"]
    assert table["reached at step"].tolist() == [3, 2]
    assert table["NFE spent to reach"].tolist() == [75, 38]
    assert table["NFE spent in all"].tolist() == [100, 76]
    never = race_table([SHIPPED], "val_accuracy", 0.99)
    assert never["reached at step"].isna().all() and never["last forward NFE"].tolist() == [26]


@pytest.mark.parametrize("x", ["step", "wall_s", "nfe_spent"])
def test_every_x_axis_serialises(x):
    spec = training_chart([NODE, SHIPPED], x).to_dict()
    assert spec["vconcat"][0]["hconcat"][0]["encoding"]["x"]["field"] == x
