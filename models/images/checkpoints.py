"""Small `.pt` checkpoints of the image classifiers: the config as plain primitives, a state dict, metadata.

Loaded with `torch.load(..., weights_only=True)` (nn.checkpoints.read_payload); anything wrong raises the
one `CheckpointError` with one line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from torch import Tensor

from models.images.classifiers import ImageClassifier, ImageModelConfig, build_image_model
from models.nn.checkpoints import CheckpointError, read_payload, save_atomically

#: Version 2: the ODE field's softplus and the flattened head (version 1 checkpoints do not fit).
FORMAT = "images/2"


class LoadedImageModel(NamedTuple):
    """A loaded checkpoint: its config, the model in eval mode, and its metadata (metrics, training time)."""

    cfg: ImageModelConfig
    model: ImageClassifier
    meta: dict[str, Any]


def save_image_checkpoint(
    path: str | Path, cfg: ImageModelConfig, state_dict: dict[str, Tensor], meta: dict[str, float | str]
) -> None:
    """Write a checkpoint atomically; `meta` holds plain numbers and strings only."""
    payload = {
        "format": FORMAT,
        "model_config": cfg.to_dict(),
        "state_dict": {k: v.detach().cpu().clone() for k, v in state_dict.items()},
        "meta": {str(k): v if isinstance(v, str) else float(v) for k, v in meta.items()},
    }
    save_atomically(path, payload)


def load_image_checkpoint(path: str | Path) -> LoadedImageModel:
    """Read a checkpoint and rebuild its model (in eval mode).

    Raises:
        CheckpointError: one line, if the file is missing, corrupt or does not fit its model.
    """
    path = Path(path)
    payload = read_payload(path, FORMAT)
    try:
        cfg = ImageModelConfig(**payload["model_config"])
        model = build_image_model(cfg)
        model.load_state_dict(payload["state_dict"], strict=True)
        meta = dict(payload.get("meta") or {})
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise CheckpointError(f"checkpoint {path.name} does not fit its model: {first}") from exc
    model.eval()
    return LoadedImageModel(cfg, model, meta)
