"""Small checkpoints for the "How Neural ODEs learn" page: fitted vector fields with their training
snapshots, and the trained ResNets and ODE-Net of the textbook regression.

Plain primitives and tensors only, read back with `torch.load(..., weights_only=True)`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, NamedTuple

import torch
from torch import Tensor

from models.learning.dynamics_fit import DynamicsDataConfig, FitConfig
from models.learning.resnet_vs_odenet import RegressionConfig
from models.nn.checkpoints import CheckpointError, save_atomically

DYNAMICS_FORMAT = "dynamics_fit/1"
REGRESSION_FORMAT = "resnet_odenet/1"


class DynamicsCheckpoint(NamedTuple):
    data: DynamicsDataConfig
    fit: FitConfig
    kind: str
    snapshots: list[tuple[int, dict[str, Tensor]]]
    losses: list[float]
    seed: int


class RegressionCheckpoint(NamedTuple):
    cfg: RegressionConfig
    resnets: dict[int, dict[str, Tensor]]  # depth -> state dict
    resnet_losses: dict[int, list[float]]
    odenet: dict[str, Tensor]
    odenet_losses: list[float]


def _load(path: str | Path, fmt: str) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path.name} not found")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise CheckpointError(f"checkpoint {path.name} is unreadable") from exc
    if not isinstance(payload, dict) or payload.get("format") != fmt:
        raise CheckpointError(f"checkpoint {path.name} is not a {fmt} checkpoint")
    return payload


def _plain(cfg: Any) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(cfg).items()}


def save_dynamics(path: str | Path, ckpt: DynamicsCheckpoint) -> None:
    """Write a fitted field's snapshots (step, state dict) with its data and fit configs."""
    save_atomically(
        path,
        {
            "format": DYNAMICS_FORMAT,
            "data": _plain(ckpt.data),
            "fit": _plain(ckpt.fit),
            "kind": ckpt.kind,
            "seed": int(ckpt.seed),
            "snapshots": [
                [int(s), {k: v.detach().clone() for k, v in sd.items()}] for s, sd in ckpt.snapshots
            ],
            "losses": [float(x) for x in ckpt.losses],
        },
    )


def load_dynamics(path: str | Path) -> DynamicsCheckpoint:
    """Read a fitted-field checkpoint; raises `CheckpointError` with one line if it is bad."""
    p = _load(path, DYNAMICS_FORMAT)
    try:
        data = DynamicsDataConfig(**{**p["data"], "z0": tuple(p["data"]["z0"])})
        return DynamicsCheckpoint(
            data, FitConfig(**p["fit"]), str(p["kind"]), [(int(s), sd) for s, sd in p["snapshots"]],
            list(p["losses"]), int(p["seed"]),
        )  # fmt: skip
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"checkpoint {Path(path).name} is inconsistent: {exc}") from exc


def save_regression(path: str | Path, ckpt: RegressionCheckpoint) -> None:
    """Write the trained ResNets (one per depth) and the ODE-Net of one regression config."""
    save_atomically(
        path,
        {
            "format": REGRESSION_FORMAT,
            "cfg": _plain(ckpt.cfg),
            "resnets": {str(d): sd for d, sd in ckpt.resnets.items()},
            "resnet_losses": {str(d): [float(x) for x in v] for d, v in ckpt.resnet_losses.items()},
            "odenet": ckpt.odenet,
            "odenet_losses": [float(x) for x in ckpt.odenet_losses],
        },
    )


def load_regression(path: str | Path) -> RegressionCheckpoint:
    """Read the regression checkpoint; raises `CheckpointError` with one line if it is bad."""
    p = _load(path, REGRESSION_FORMAT)
    try:
        return RegressionCheckpoint(
            RegressionConfig(**p["cfg"]),
            {int(d): sd for d, sd in p["resnets"].items()},
            {int(d): list(v) for d, v in p["resnet_losses"].items()},
            p["odenet"],
            list(p["odenet_losses"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"checkpoint {Path(path).name} is inconsistent: {exc}") from exc
