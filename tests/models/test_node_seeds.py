"""Repeated seeded runs of NODE and ANODE (models/node_anode/seeds.py): equal-length curves per seed, bands
that hold their median, a stop that keeps finished runs, and the precomputed file's round trip."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from models.nn.training import TrainConfig
from models.node_anode.data import ToyDataConfig
from models.node_anode.regularisation import Regularisation
from models.node_anode.seeds import (
    SeedsConfig,
    SeedsResult,
    bands,
    describe,
    find_result,
    load_results,
    run_seeds,
    save_results,
    shipped_configs,
)

SEEDS_FILE = Path(__file__).resolve().parents[2] / "checkpoints" / "node_anode" / "seeds_moons.json"
SMALL = SeedsConfig(
    data=ToyDataConfig("moons", n=100),
    seeds=(0, 1, 2),
    train=TrainConfig(steps=6, lr=0.02, batch_size=100_000, eval_every=0),
)


def test_every_seed_gives_curves_of_equal_length_and_the_median_lies_in_the_band():
    runs = run_seeds(SMALL)
    assert [(r.kind, r.seed) for r in runs] == [(k, s) for s in SMALL.seeds for k in SMALL.kinds]
    assert {len(c) for r in runs for c in (r.loss, r.accuracy, r.nfe)} == {SMALL.train.steps}
    assert len({tuple(r.loss) for r in runs if r.kind == "node"}) == len(SMALL.seeds)  # seeds differ
    for name in ("loss", "accuracy", "nfe"):
        found = bands(runs, name)
        assert [b.kind for b in found] == ["node", "anode"]
        for band in found:
            assert band.seeds == 3 and band.steps == list(range(1, SMALL.train.steps + 1))
            assert all(lo <= m <= hi for lo, m, hi in zip(band.low, band.median, band.high, strict=True))
    assert run_seeds(SMALL)[0].loss == runs[0].loss  # explicit seeds: the same runs again


def test_a_stop_keeps_the_runs_finished_before_it():
    seen = []

    def on_step(kind, seed, step, metrics):
        return seed == 1 and kind == "anode" and step == 2

    runs = run_seeds(SMALL, on_step, seen.append)
    assert [(r.kind, r.seed) for r in runs] == [("node", 0), ("anode", 0), ("node", 1)]
    assert seen == runs


def test_regularised_runs_record_the_task_loss(tmp_path):
    cfg = replace(SMALL, seeds=(0,), kinds=("node",), reg=Regularisation.both(0.1))
    (run,) = run_seeds(cfg)
    assert len(run.loss) == cfg.train.steps and run.loss[0] > 0
    path = tmp_path / "seeds.json"
    save_results(path, [SeedsResult(describe(cfg), [run])])
    loaded = load_results(path)
    assert find_result(loaded, cfg).runs == [run]
    assert find_result(loaded, SMALL) is None


def test_the_shipped_file_holds_every_shipped_configuration():
    shipped = load_results(SEEDS_FILE)
    for cfg in shipped_configs():
        result = find_result(shipped, cfg)
        assert result is not None
        assert len(result.runs) == len(cfg.seeds) * len(cfg.kinds)
        assert {len(r.nfe) for r in result.runs} == {cfg.train.steps}
