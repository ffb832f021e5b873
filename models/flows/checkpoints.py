"""Small `.pt` checkpoints of the flows: kind ("cnf" or "planar"), config as primitives, state dict, meta.

Loading uses `torch.load(..., weights_only=True)` and raises the shared `CheckpointError` with one line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal, NamedTuple

from models.failure import one_line
from models.flows.cnf import CNF, CNFConfig
from models.flows.planar import PlanarConfig, PlanarFlow
from models.nn.checkpoints import CheckpointError, read_payload, save_atomically

FORMAT = "flows/1"
Kind = Literal["cnf", "planar"]


class LoadedFlow(NamedTuple):
    """A loaded checkpoint: the flow in eval mode and its free-form metadata (training history, scores)."""

    model: CNF | PlanarFlow
    meta: dict[str, Any]


def save_flow_checkpoint(
    path: str | Path, model: CNF | PlanarFlow, meta: dict[str, Any] | None = None
) -> None:
    """Write a checkpoint atomically (parent folders are created).

    Raises:
        TypeError: if `meta` holds anything JSON could not write (only plain primitives load safely).
    """
    meta = dict(meta or {})
    json.dumps(meta)
    payload = {
        "format": FORMAT,
        "kind": "cnf" if isinstance(model, CNF) else "planar",
        "config": model.cfg.to_dict(),
        "state_dict": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
        "meta": meta,
    }
    save_atomically(path, payload)


def load_flow_checkpoint(path: str | Path, kind: Kind) -> LoadedFlow:
    """Read a checkpoint of the given kind and rebuild its flow in eval mode.

    Raises:
        CheckpointError: one line, if the file is missing, unreadable, of another kind or does not fit.
    """
    path = Path(path)
    payload = read_payload(path, FORMAT)
    if payload.get("kind") != kind:
        raise CheckpointError(f"checkpoint {path.name} holds a {payload.get('kind')!r} flow, not {kind!r}")
    try:
        config = dict(payload["config"])
        model: CNF | PlanarFlow = (
            CNF(CNFConfig(**config)) if kind == "cnf" else PlanarFlow(PlanarConfig(**config))
        )
        model.load_state_dict(payload["state_dict"], strict=True)
        meta = dict(payload.get("meta") or {})
    except Exception as exc:
        raise CheckpointError(
            f"checkpoint {path.name} does not fit its flow: {one_line(str(exc))[:160]}"
        ) from exc
    model.eval()
    return LoadedFlow(model, meta)
