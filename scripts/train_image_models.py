"""Train the four digit classifiers of the paper's Table 1 (MLP, ResNet, RK-Net, ODE-Net) with fixed seeds;
write checkpoints/images/<kind>.pt.

Run from the repository root: `python -m scripts.train_image_models` (or `python scripts/train_image_models.py`);
about two minutes on one core of a shared 2-core machine (121 s under a load average of 7). Prints each model's parameters, training
time, forward and backward NFE and test accuracy, which are also stored in the checkpoints' metadata.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.images.checkpoints import save_image_checkpoint  # noqa: E402
from models.images.classifiers import KINDS, LABELS, count_parameters  # noqa: E402
from models.images.data import DigitsConfig, make_digits  # noqa: E402
from models.images.training import SHIPPED, TRAIN, train_image_model  # noqa: E402

OUT = ROOT / "checkpoints" / "images"
MODEL_SEED = 0


def _progress(name: str, every: int):
    def on_step(step: int, metrics: dict[str, float]) -> None:
        if step % every == 0:
            val = f"  val acc {metrics['val_accuracy']:.3f}" if "val_accuracy" in metrics else ""
            print(
                f"  {name} step {step:4d}  loss {metrics['loss']:.4f}{val}  {metrics['wall_s']:.0f} s",
                flush=True,
            )

    return on_step


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the four .pt files")
    parser.add_argument(
        "--steps", type=int, default=None, help="override every model's steps (a quick check)"
    )
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS), help="which models")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    train = TRAIN if args.steps is None else dataclasses.replace(TRAIN, steps=args.steps)
    data = DigitsConfig()
    splits = make_digits(data)
    total = 0.0
    for kind in args.kinds:
        cfg = SHIPPED[kind]
        trained = train_image_model(cfg, splits, train, _progress(LABELS[kind], 50), seed=MODEL_SEED)
        result, last = trained.result, trained.result.history[-1]
        meta = {
            "test_accuracy": result.test["accuracy"],
            "train_s": result.wall_s,
            "steps": result.steps_done,
            "params": count_parameters(trained.model),
            "nfe_forward": last["nfe_forward"],
            "nfe_backward": last["nfe_backward"],
            "data_seed": data.seed,
        }
        save_image_checkpoint(args.out / f"{kind}.pt", cfg, trained.model.state_dict(), meta)
        print(
            f"{LABELS[kind]:12s} {meta['params']:7,d} params  {result.wall_s:6.1f} s  NFE {last['nfe_forward']:.0f}"
            f"/{last['nfe_backward']:.0f}  test accuracy {result.test['accuracy']:.2%}",
            flush=True,
        )
        total += result.wall_s
    print(f"training time, all {len(args.kinds)} models: {total:.1f} s", flush=True)


if __name__ == "__main__":
    main()
