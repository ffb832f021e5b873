"""Train the NODE vs ANODE lab presets (models/node_anode/presets.py) with fixed seeds and write them to
checkpoints/node_anode/.

Run from the repository root: `python scripts/make_node_checkpoints.py` (about two minutes on one core), or
name the presets to retrain only those: `python scripts/make_node_checkpoints.py anode_circles`.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.nn.checkpoints import save_checkpoint  # noqa: E402
from models.nn.supervised import fit_splits, loss_for_task  # noqa: E402
from models.node_anode.classifiers import build_model, count_parameters  # noqa: E402
from models.node_anode.data import make_dataset  # noqa: E402
from models.node_anode.presets import PRESETS, Preset  # noqa: E402

OUT = ROOT / "checkpoints" / "node_anode"
MODEL_SEED = 0


def _round(values: list[float]) -> list[float]:
    return [float(f"{v:.4g}") for v in values]


def make(preset: Preset) -> dict[str, float]:
    """Train one preset, save it, and return its headline figures."""
    data = make_dataset(preset.data)
    model = build_model(preset.model, data.in_dim, data.n_out, seed=MODEL_SEED)
    result = fit_splits(model, data, loss_for_task(data.task), preset.train)
    wall_s = result.history[-1]["wall_s"]
    meta = {
        "name": preset.name,
        "data": dataclasses.asdict(preset.data),
        "train": dataclasses.asdict(preset.train),
        "model_seed": MODEL_SEED,
        "task": data.task,
        "parameters": count_parameters(model),
        "test": {k: float(v) for k, v in result.test.items()},
        "wall_s": round(wall_s, 2),
        "history": {
            "loss": _round([m["loss"] for m in result.history]),
            "nfe_forward": [int(m["nfe_forward"]) for m in result.history],
        },
    }
    save_checkpoint(
        OUT / f"{preset.name}.pt", preset.model, data.in_dim, data.n_out, model.state_dict(), meta
    )
    return {**result.test, "wall_s": wall_s, "parameters": float(count_parameters(model))}


def main(names: list[str]) -> None:
    torch.set_num_threads(1)
    unknown = set(names) - {p.name for p in PRESETS.values()}
    if unknown:
        sys.exit(
            f"unknown preset(s) {sorted(unknown)}; expected some of {[p.name for p in PRESETS.values()]}"
        )
    print(
        f"{'preset':<15} {'params':>6} {'test acc':>8} {'test loss':>10} {'fwd NFE':>7} {'wall s':>7}  size"
    )
    for preset in PRESETS.values():
        if names and preset.name not in names:
            continue
        figures = make(preset)
        accuracy = figures.get("accuracy")
        size_kb = (OUT / f"{preset.name}.pt").stat().st_size / 1024
        print(
            f"{preset.name:<15} {figures['parameters']:>6.0f} "
            f"{'-' if accuracy is None else f'{accuracy:.3f}':>8} {figures['loss']:>10.2e} "
            f"{figures['nfe_forward']:>7.0f} {figures['wall_s']:>7.1f}  {size_kb:.1f} KB",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
