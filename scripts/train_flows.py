"""Train the shipped flows with fixed seeds (models.flows.catalog); write checkpoints/flows/.

Run from the repository root: `python -m scripts.train_flows` (or `python scripts/train_flows.py`); about
four minutes on one core of a shared 2-core machine. Prints each flow's training time, held-out
log-likelihood and NFE, which are also stored in the checkpoints' metadata.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.flows.catalog import SHIPPED, ShippedFlow  # noqa: E402
from models.flows.checkpoints import save_flow_checkpoint  # noqa: E402
from models.flows.cnf import CNF, CNFConfig, parameter_count  # noqa: E402
from models.flows.planar import PlanarFlow  # noqa: E402
from models.flows.training import held_out, log_likelihood, solve_nfe, train_flow  # noqa: E402

OUT = ROOT / "checkpoints" / "flows"
MODEL_SEED = 0
#: Every how many steps the stored training curve keeps a point.
CURVE_EVERY = 4


def train_one(entry: ShippedFlow) -> dict[str, object]:
    """Train one shipped flow, save it, and return its metadata."""
    model = (
        CNF(entry.model, MODEL_SEED)
        if isinstance(entry.model, CNFConfig)
        else PlanarFlow(entry.model, MODEL_SEED)
    )
    result = train_flow(model, entry.data, entry.train)
    x = held_out(entry.data.target)
    meta: dict[str, object] = {
        "target": entry.data.target,
        "steps": result.steps_done,
        "stop_reason": result.stop_reason,
        "train_s": round(result.wall_s, 1),
        "params": parameter_count(model),
        "held_out_loglik": log_likelihood(model, x),
        "curve_step": [i + 1 for i in range(0, len(result.history), CURVE_EVERY)],
        "curve_loglik": [result.history[i]["loglik"] for i in range(0, len(result.history), CURVE_EVERY)],
    }
    if isinstance(model, CNF):
        meta["curve_nfe"] = [
            result.history[i]["nfe_forward"] for i in range(0, len(result.history), CURVE_EVERY)
        ]
        meta["nfe_forward"], meta["nfe_backward"] = solve_nfe(model, x)
    save_flow_checkpoint(OUT / f"{entry.stem}.pt", model, meta)
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="stems to train (default: all)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    start = time.perf_counter()
    for entry in SHIPPED:
        if args.only and entry.stem not in args.only:
            continue
        meta = train_one(entry)
        nfe = f"  NFE {meta['nfe_forward']} / {meta['nfe_backward']}" if "nfe_forward" in meta else ""
        print(
            f"{entry.stem:24s} {meta['params']:4d} params  {meta['steps']} steps in {meta['train_s']:5.1f} s"
            f"  held-out loglik {meta['held_out_loglik']:.3f}{nfe}",
            flush=True,
        )
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
