"""Checkpoints: round trip gives identical outputs; bad files raise CheckpointError with one line."""

import dataclasses
from pathlib import Path

import pytest
import torch

from models.nn.checkpoints import FLAT_FORMAT, CheckpointError, from_flat, load_checkpoint, save_checkpoint
from models.nn.supervised import evaluate, loss_for_task
from models.node_anode.classifiers import Architecture, ModelConfig, ModelSolver, build_model
from models.node_anode.data import ToyDataConfig, make_dataset
from models.node_anode.presets import PRESETS
from models.ode.solve import FixedStep, Tolerances

SHIPPED = Path(__file__).resolve().parents[2] / "checkpoints" / "node_anode"


@pytest.mark.parametrize(
    ("cfg", "in_dim", "n_out"),
    [
        (ModelConfig(Architecture(kind="node")), 2, 2),
        (ModelConfig(Architecture(kind="anode", augment_dim=2, time_dependent=True)), 2, 2),
        (ModelConfig(Architecture(kind="resnet", resnet_depth=3)), 1, 1),
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
    anode = build_model(ModelConfig(Architecture(kind="anode")), 2, 2, 0)
    save_checkpoint(mismatched, ModelConfig(Architecture(kind="node")), 2, 2, anode.state_dict())
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


@pytest.mark.parametrize("preset", PRESETS.values(), ids=lambda preset: preset.name)
def test_shipped_checkpoints_are_the_presets_and_match_their_recorded_metrics(preset):
    name = preset.name
    loaded = load_checkpoint(SHIPPED / f"{name}.pt")
    # Fields added to ToyDataConfig and TrainConfig since (at their defaults) are absent from older checkpoints.
    assert loaded.cfg == preset.model and ToyDataConfig(**loaded.meta["data"]) == preset.data
    assert loaded.meta["train"].items() <= dataclasses.asdict(preset.train).items()
    data = make_dataset(ToyDataConfig(**loaded.meta["data"]))
    metrics = evaluate(loaded.model, data.test, loss_for_task(data.task))
    assert metrics["loss"] == pytest.approx(loaded.meta["test"]["loss"], rel=1e-3, abs=1e-6)
    assert (SHIPPED / f"{name}.pt").stat().st_size < 32_000  # 4.5K float32 weights at most


FLAT = {  # a "node_anode/1" checkpoint's config: architecture and solver fields side by side
    "kind": "anode",
    "hidden": 64,
    "layers": 1,
    "augment_dim": 2,
    "time_dependent": True,
    "activation": "tanh",
    "readout": "auto",
    "solver": "dopri5",
    "rtol": 1e-4,
    "atol": 1e-5,
    "step_size": None,
    "adjoint": True,
    "max_nfe": 500,
    "resnet_depth": 3,
    "resnet_step": 1.0,
    "t1": 1.0,
}


def test_flat_configs_become_composed_ones_with_the_step_control_their_method_takes():
    arch = Architecture(kind="anode", augment_dim=2, time_dependent=True)
    assert from_flat(FLAT) == ModelConfig(arch, ModelSolver("dopri5", Tolerances(1e-4, 1e-5), True, 500))
    fixed = from_flat({**FLAT, "solver": "rk4", "step_size": 0.25})
    assert fixed.solver == ModelSolver("rk4", FixedStep(0.25), True, 500)


def test_flat_checkpoints_still_load(tmp_path):
    cfg = from_flat(FLAT)
    model = build_model(cfg, 2, 2, seed=4)
    path = tmp_path / "flat.pt"
    torch.save(
        {
            "format": FLAT_FORMAT,
            "model_config": FLAT,
            "in_dim": 2,
            "n_out": 2,
            "state_dict": model.state_dict(),
        },
        path,
    )
    loaded = load_checkpoint(path)
    assert loaded.cfg == cfg and loaded.meta == {}
    x = torch.randn(5, 2, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert torch.equal(loaded.model(x), model(x))
