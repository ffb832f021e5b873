"""Train the latent ODE and the RNN baseline on the spirals with fixed seeds; write checkpoints/latent/.

Run from the repository root: `python -m scripts.train_latent` (or `python scripts/train_latent.py`);
about five minutes on one core of a shared 2-core machine. Prints the training time and the extrapolation
RMSE of both models on the held-out spirals, which are also stored in the checkpoints' metadata.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.latent.analysis import TABLE_KS, extrapolation_scores, table2_lines  # noqa: E402
from models.latent.checkpoints import save_latent_checkpoint  # noqa: E402
from models.latent.losses import ELBOLoss, ExtrapolationLoss, WindowConfig  # noqa: E402
from models.latent.model import LatentODE, LatentODEConfig  # noqa: E402
from models.latent.rnn import RNNBaseline, RNNConfig  # noqa: E402
from models.latent.spirals import SpiralConfig, make_spirals  # noqa: E402
from models.nn.supervised import fit_splits  # noqa: E402
from models.nn.training import TrainConfig  # noqa: E402

OUT = ROOT / "checkpoints" / "latent"
MODEL_SEED = 0
STRIDE = 4

DATA = SpiralConfig(dynamics="shared")
LATENT = LatentODEConfig(step_size=STRIDE * DATA.dt)
LATENT_WINDOWS = WindowConfig(window=DATA.n_points, observed=(30, 50, 100), stride=STRIDE, seed=0)
LATENT_TRAIN = TrainConfig(steps=500, lr=1e-2, batch_size=100, seed=0, eval_every=100)
RNN = RNNConfig(hidden=64)
RNN_WINDOWS = WindowConfig(window=DATA.n_points, observed=(30, 50, 100), seed=1)
RNN_TRAIN = TrainConfig(steps=500, lr=1e-2, batch_size=100, seed=1, eval_every=100)


def _progress(name: str, every: int):
    def on_step(step: int, metrics: dict[str, float]) -> None:
        if step % every == 0:
            val = f"  val rmse {metrics['val_rmse']:.4f}" if "val_rmse" in metrics else ""
            print(
                f"  {name} step {step:4d}  loss {metrics['loss']:.4f}  rmse {metrics['rmse']:.4f}{val}"
                f"  {metrics['wall_s']:.0f} s",
                flush=True,
            )

    return on_step


def _history(result, key: str, every: int = 10) -> list[float]:
    return [float(f"{m[key]:.4g}") for m in result.history[::every]]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder for latent_ode.pt and rnn.pt")
    parser.add_argument("--steps", type=int, default=None, help="override both models' steps (a quick check)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    latent_train, rnn_train = LATENT_TRAIN, RNN_TRAIN
    if args.steps is not None:
        latent_train = dataclasses.replace(latent_train, steps=args.steps)
        rnn_train = dataclasses.replace(rnn_train, steps=args.steps)

    start = time.perf_counter()
    data = make_spirals(DATA)
    latent = LatentODE(LATENT, seed=MODEL_SEED)
    rnn = RNNBaseline(RNN, seed=MODEL_SEED)
    print(f"latent ODE: {sum(p.numel() for p in latent.parameters())} parameters, {latent_train.steps} steps")
    latent_result = fit_splits(
        latent, data, ELBOLoss(data.t, LATENT_WINDOWS), latent_train, _progress("latent ODE", 50)
    )
    print(f"RNN: {sum(p.numel() for p in rnn.parameters())} parameters, {rnn_train.steps} steps")
    rnn_result = fit_splits(
        rnn, data, ExtrapolationLoss(data.t, RNN_WINDOWS), rnn_train, _progress("RNN", 50)
    )
    latent.eval()
    rnn.eval()
    with torch.inference_mode():
        scores = extrapolation_scores(latent, rnn, data.held_out, TABLE_KS, step_size=DATA.dt)
    wall_s = time.perf_counter() - start

    table = {
        str(s.k): {"latent_ode": s.latent_rmse, "rnn": s.rnn_rmse, "origin": s.origin_rmse} for s in scores
    }
    common = {"data": dataclasses.asdict(DATA), "model_seed": MODEL_SEED, "script_wall_s": round(wall_s, 1)}
    common["extrapolation_rmse"] = table
    for file, model, windows, train, result in (
        ("latent_ode.pt", latent, LATENT_WINDOWS, latent_train, latent_result),
        ("rnn.pt", rnn, RNN_WINDOWS, rnn_train, rnn_result),
    ):
        save_latent_checkpoint(
            args.out / file,
            model,
            {
                **common,
                "windows": dataclasses.asdict(windows),
                "train": dataclasses.asdict(train),
                "train_wall_s": round(result.history[-1]["wall_s"], 1),
                "history": {"loss": _history(result, "loss"), "rmse": _history(result, "rmse")},
            },
        )

    print(f"\nextrapolation RMSE on {len(data.held_out)} held-out spirals (first k points seen)")
    print("\n".join(table2_lines(scores)))
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1024:.0f} KB" for p in sorted(args.out.glob("*.pt")))
    print(f"\nwrote {sizes} to {args.out}")
    print(
        f"script wall time {wall_s:.1f} s (latent ODE {latent_result.history[-1]['wall_s']:.1f} s, "
        f"RNN {rnn_result.history[-1]['wall_s']:.1f} s)"
    )


if __name__ == "__main__":
    main()
