"""Small `.pt` checkpoints of NODE / ANODE / ResNet models: config as plain primitives plus a state dict.

Loading uses `torch.load(..., weights_only=True)`; anything wrong raises `CheckpointError` with one line.
Checkpoints of the older flat config (format "node_anode/1") still load.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

import torch
from torch import Tensor, nn

from models.failure import Failure
from models.node_anode.classifiers import Architecture, ModelConfig, ModelSolver, build_model
from models.ode.methods import BY_TORCHDIFFEQ_NAME
from models.ode.solve import Tolerances, step_control

FORMAT = "node_anode/2"
#: The format before configs were composed: one flat dict of architecture and solver fields.
FLAT_FORMAT = "node_anode/1"
_PRIMITIVES = (str, int, float, bool, type(None))


class CheckpointError(Failure):
    """A checkpoint (of any page's models) is missing, unreadable or does not describe a valid model."""


class LoadedCheckpoint(NamedTuple):
    """A loaded checkpoint: its config, the model in eval mode, and the free-form metadata."""

    cfg: ModelConfig
    model: nn.Module
    meta: dict[str, Any]


def _check_primitive(value: object, where: str) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{where}: keys must be strings, got {k!r}")
            _check_primitive(v, f"{where}.{k}")
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _check_primitive(v, f"{where}[{i}]")
    elif not isinstance(value, _PRIMITIVES):
        raise TypeError(f"{where}: {type(value).__name__} is not a plain primitive")


def save_checkpoint(
    path: str | Path,
    cfg: ModelConfig,
    in_dim: int,
    n_out: int,
    state_dict: dict[str, Tensor],
    meta: dict[str, Any] | None = None,
) -> None:
    """Write a checkpoint atomically.

    Args:
        path: destination `.pt` file (parent folders are created).
        cfg: the model's config.
        in_dim, n_out: the dimensions `build_model` was called with.
        state_dict: the model's weights.
        meta: plain primitives only (str, int, float, bool, None, lists, dicts): metrics, data config...

    Raises:
        TypeError: if `meta` holds anything but plain primitives.
    """
    meta = dict(meta or {})
    _check_primitive(meta, "meta")
    payload = {
        "format": FORMAT,
        "model_config": cfg.to_dict(),
        "in_dim": int(in_dim),
        "n_out": int(n_out),
        "state_dict": {k: v.detach().cpu().clone() for k, v in state_dict.items()},
        "meta": meta,
    }
    save_atomically(path, payload)


def read_payload(path: Path, fmt: str, *older: str) -> dict[str, Any]:
    """Load a checkpoint dict with `weights_only=True` and check its format tag (`fmt` or one of `older`).

    Raises:
        CheckpointError: one line, if the file is missing, unreadable or of another format.
    """
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path.name} not found")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        # torch's own messages run over many lines; the cause stays chained for debugging.
        raise CheckpointError(
            f"checkpoint {path.name} is unreadable (corrupt, truncated, or not just tensors and primitives)"
        ) from exc
    if not isinstance(payload, dict) or payload.get("format") not in (fmt, *older):
        raise CheckpointError(f"checkpoint {path.name} is not a {fmt} checkpoint")
    return payload


def save_atomically(path: str | Path, payload: dict[str, Any]) -> None:
    """torch.save to a temporary file beside `path`, then rename: a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        torch.save(payload, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def from_flat(flat: dict[str, Any]) -> ModelConfig:
    """The composed config of a "node_anode/1" checkpoint's flat one (architecture fields beside solver,
    rtol, atol, step_size, adjoint, max_nfe), keeping the step control its method takes."""
    arch_fields = {f.name for f in dataclasses.fields(Architecture)}
    method = flat["solver"]
    tolerances = Tolerances(flat["rtol"], flat["atol"])
    return ModelConfig(
        Architecture(**{k: v for k, v in flat.items() if k in arch_fields}),
        ModelSolver(
            method,
            step_control(BY_TORCHDIFFEQ_NAME[method].key, flat["step_size"], tolerances),
            flat["adjoint"],
            flat["max_nfe"],
        ),
    )


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line if len(line) <= 160 else line[:157] + "..."


def load_checkpoint(path: str | Path) -> LoadedCheckpoint:
    """Read a checkpoint and rebuild its model (in eval mode).

    Raises:
        CheckpointError: with a one-line message if the file is missing, corrupt or inconsistent.
    """
    path = Path(path)
    payload = read_payload(path, FORMAT, FLAT_FORMAT)
    try:
        read = from_flat if payload["format"] == FLAT_FORMAT else ModelConfig.from_dict
        cfg = read(payload["model_config"])
        model = build_model(cfg, int(payload["in_dim"]), int(payload["n_out"]), seed=0)
        model.load_state_dict(payload["state_dict"], strict=True)
        meta = dict(payload.get("meta") or {})
    except Exception as exc:
        raise CheckpointError(f"checkpoint {path.name} does not fit its model: {_one_line(exc)}") from exc
    model.eval()
    return LoadedCheckpoint(cfg=cfg, model=model, meta=meta)
