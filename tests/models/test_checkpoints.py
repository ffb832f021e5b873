"""Checkpoints: round trip gives identical outputs; bad files raise CheckpointError with one line."""

from pathlib import Path

import pytest
import torch

from models.nn.checkpoints import CheckpointError, load_checkpoint, save_checkpoint
from models.nn.supervised import evaluate, loss_for_task
from models.node_anode.classifiers import ModelConfig, build_model
from models.node_anode.data import ToyDataConfig, make_dataset

SHIPPED = Path(__file__).resolve().parents[2] / "checkpoints" / "node_anode"
PRESETS = [
    "node_moons",
    "anode_moons",
    "node_circles",
    "anode_circles",
    "node_flip1d",
    "anode_flip1d",
    "resnet_flip1d",
]


@pytest.mark.parametrize(
    ("cfg", "in_dim", "n_out"),
    [
        (ModelConfig(kind="node"), 2, 2),
        (ModelConfig(kind="anode", augment_dim=2, time_dependent=True), 2, 2),
        (ModelConfig(kind="resnet", resnet_depth=3), 1, 1),
    ],
)
def test_round_trip_gives_identical_outputs(tmp_path, cfg, in_dim, n_out):
    model = build_model(cfg, in_dim, n_out, seed=11)
    meta = {"data": {"name": "moons", "noise": None}, "test_accuracy": 0.5, "history": [1.0, 0.5]}
    path = tmp_path / "sub" / "m.pt"
    save_checkpoint(path, cfg, in_dim, n_out, model.state_dict(), meta)
    loaded = load_checkpoint(path)
    x = torch.randn(9, in_dim, generator=torch.Generator().manual_seed(0))
    assert loaded.cfg == cfg and loaded.meta == meta
    assert not loaded.model.training
    with torch.no_grad():
        assert torch.equal(loaded.model(x), model(x))
    assert path.stat().st_size < 20_000
    assert list(path.parent.iterdir()) == [path], "no temporary file left behind"


def _assert_one_line_error(path):
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(path)
    assert "\n" not in str(info.value) and len(str(info.value)) < 250
    return str(info.value)


def test_missing_corrupt_and_truncated_files_raise(tmp_path):
    assert "not found" in _assert_one_line_error(tmp_path / "absent.pt")
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"\x00\x01 not a checkpoint" * 50)
    _assert_one_line_error(garbage)
    good = tmp_path / "good.pt"
    save_checkpoint(good, ModelConfig(), 2, 2, build_model(ModelConfig(), 2, 2, 0).state_dict())
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(good.read_bytes()[:300])
    _assert_one_line_error(truncated)


def test_foreign_or_inconsistent_payloads_raise(tmp_path):
    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(3)}, foreign)
    _assert_one_line_error(foreign)
    mismatched = tmp_path / "mismatched.pt"
    anode = build_model(ModelConfig(kind="anode"), 2, 2, 0)
    save_checkpoint(mismatched, ModelConfig(kind="node"), 2, 2, anode.state_dict())
    _assert_one_line_error(mismatched)


def test_pickled_objects_are_refused(tmp_path):
    path = tmp_path / "pickle.pt"
    torch.save({"format": "node_anode/1", "obj": ToyDataConfig()}, path)
    _assert_one_line_error(path)


def test_meta_must_be_plain_primitives(tmp_path):
    cfg = ModelConfig()
    state = build_model(cfg, 2, 2, 0).state_dict()
    with pytest.raises(TypeError):
        save_checkpoint(tmp_path / "m.pt", cfg, 2, 2, state, {"data": ToyDataConfig()})


@pytest.mark.parametrize("name", PRESETS)
def test_shipped_checkpoints_load_and_match_their_recorded_metrics(name):
    loaded = load_checkpoint(SHIPPED / f"{name}.pt")
    data = make_dataset(ToyDataConfig(**loaded.meta["data"]))
    metrics = evaluate(loaded.model, data.test, loss_for_task(data.task))
    assert metrics["loss"] == pytest.approx(loaded.meta["test"]["loss"], rel=1e-3, abs=1e-6)
    assert (SHIPPED / f"{name}.pt").stat().st_size < 32_000  # 4.5K float32 weights at most
