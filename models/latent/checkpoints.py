"""Small `.pt` checkpoints of the latent ODE and the RNN baseline: kind, config as primitives, state dict, meta.

`models.nn.checkpoints` is built around the NODE/ANODE `ModelConfig`; these models have their own configs, so
they get this sibling format. Loading uses `torch.load(..., weights_only=True)` and raises the shared
`CheckpointError` with one line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal, NamedTuple

from models.latent.model import LatentODE, LatentODEConfig
from models.latent.rnn import RNNBaseline, RNNConfig
from models.nn.checkpoints import CheckpointError, read_payload, save_atomically

FORMAT = "latent/1"
Kind = Literal["latent_ode", "rnn"]


class LoadedLatent(NamedTuple):
    """A loaded checkpoint: the model in eval mode and its free-form metadata."""

    model: LatentODE | RNNBaseline
    meta: dict[str, Any]


def _kind_of(model: LatentODE | RNNBaseline) -> Kind:
    return "latent_ode" if isinstance(model, LatentODE) else "rnn"


def save_latent_checkpoint(
    path: str | Path, model: LatentODE | RNNBaseline, meta: dict[str, Any] | None = None
) -> None:
    """Write a checkpoint atomically (parent folders are created).

    Raises:
        TypeError: if `meta` holds anything JSON could not write (only plain primitives load safely).
    """
    meta = dict(meta or {})
    json.dumps(meta)
    payload = {
        "format": FORMAT,
        "kind": _kind_of(model),
        "config": model.cfg.to_dict(),
        "state_dict": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
        "meta": meta,
    }
    save_atomically(path, payload)


def load_latent_checkpoint(path: str | Path, kind: Kind) -> LoadedLatent:
    """Read a checkpoint of the given kind and rebuild its model in eval mode.

    Raises:
        CheckpointError: one line, if the file is missing, unreadable, of another kind or does not fit.
    """
    path = Path(path)
    payload = read_payload(path, FORMAT)
    if payload.get("kind") != kind:
        raise CheckpointError(f"checkpoint {path.name} holds a {payload.get('kind')!r} model, not {kind!r}")
    try:
        config = dict(payload["config"])
        model: LatentODE | RNNBaseline = (
            LatentODE(LatentODEConfig(**config)) if kind == "latent_ode" else RNNBaseline(RNNConfig(**config))
        )
        model.load_state_dict(payload["state_dict"], strict=True)
        meta = dict(payload.get("meta") or {})
    except Exception as exc:
        line = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise CheckpointError(f"checkpoint {path.name} does not fit its model: {line}") from exc
    model.eval()
    return LoadedLatent(model, meta)
