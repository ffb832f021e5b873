"""Read-outs of trained classifiers for plotting: one image flowing through the ODE block (feature maps and
class probabilities at times t) or through the ResNet's blocks, predictions and the confusion matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
from torch import Tensor

from models.images.classifiers import ImageClassifier, ODEBlock
from models.images.data import N_CLASSES


@dataclass(frozen=True)
class Flow:
    """One image through depth: `depth: (T,)` times t (ODE block) or block indices (ResNet), the features
    `maps: (T, c, h, w)` there, and the head's class probabilities `probs: (T, 10)` read off each."""

    depth: Tensor
    maps: Tensor
    probs: Tensor


def flow(model: ImageClassifier, image: Tensor, n_times: int = 21) -> Flow:
    """image: (1, 8, 8). The ODE block is solved at `n_times` evenly spaced times in [0, t1] (dense output
    of the same solve); a ResNet is read after its stem and after each of its L blocks."""
    if model.cfg.kind == "mlp":
        raise ValueError("the MLP has no depth to flow through")
    with torch.inference_mode():
        z0 = model.stem(image.unsqueeze(0))
        if isinstance(model.middle, ODEBlock):
            depth = torch.linspace(0.0, model.cfg.t1, n_times)
            solver = replace(model.middle.solver, grad="none")
            states = model.middle.trajectory(z0, depth, solver)[:, 0]
        else:
            outputs = [z0]
            for block in model.middle:
                outputs.append(block(outputs[-1]))
            depth = torch.arange(len(outputs), dtype=torch.float32)
            states = torch.cat(outputs)
        probs = torch.softmax(model.head(states), dim=1)
    return Flow(depth, states, probs)


def predict(model: ImageClassifier, x: Tensor) -> Tensor:
    """Class probabilities (n, 10) of x: (n, 1, 8, 8) at the model's own solver settings."""
    with torch.inference_mode():
        return torch.softmax(model(x), dim=1)


def confusion_matrix(predicted: Tensor, y: Tensor) -> Tensor:
    """counts[true, predicted]: (10, 10) int64."""
    counts = torch.zeros(N_CLASSES, N_CLASSES, dtype=torch.int64)
    counts.index_put_((y, predicted), torch.ones_like(y), accumulate=True)
    return counts
