"""What a classifier costs to train and run: bytes autograd holds for the backward pass (counted with the
saved-tensor hooks of learning.adjoint_memory), forward and backward NFE, wall time; memory against NFE for
the RK-Net's backprop and the ODE-Net's adjoint; and the trained ODE-Net's accuracy and NFE against its
tolerance at test time (the paper's adaptive computation).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import torch
from torch import Tensor
from torch.nn import functional as F

from models.images.classifiers import ImageClassifier, build_image_model, with_tolerance
from models.learning.adjoint_memory import SavedTensorMeter
from models.nn.odefunc import count_nfe, reset_nfe

#: The test-time tolerance sweep, loosest last (the ODE-Net is trained at its config's tol).
SWEEP_TOLERANCES: tuple[float, ...] = (1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 0.3)
#: The RK-Net's step counts and the ODE-Net's training tolerances of the memory-against-NFE study.
MEMORY_STEPS: tuple[int, ...] = (1, 2, 4, 8, 16)
MEMORY_TOLERANCES: tuple[float, ...] = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5)


@dataclass(frozen=True)
class BackwardCost:
    """One training step's forward and backward pass on one batch.

    `saved_bytes`: unique storages autograd holds for the backward pass when the forward ends, parameters
    excluded; `nfe_*`: evaluations of the ODE block's field (0 for the MLP and ResNet).
    """

    saved_bytes: int
    nfe_forward: int
    nfe_backward: int
    forward_s: float
    backward_s: float


def measure_backward(model: ImageClassifier, x: Tensor, y: Tensor) -> BackwardCost:
    """Forward and backward pass of the cross-entropy on (x: (n, 1, 8, 8), y: (n,)), in training mode.

    The gradients it leaves are zeroed afterwards; the model's mode is restored.
    """
    was_training = model.training
    model.train()
    meter = SavedTensorMeter(exclude=tuple(model.parameters()))
    reset_nfe(model)
    start = time.perf_counter()
    with torch.autograd.graph.saved_tensors_hooks(meter.pack, meter.unpack):
        loss = F.cross_entropy(model(x), y)
        saved = meter.live_bytes
        forward_s = time.perf_counter() - start
        nfe_forward = count_nfe(model)
        start = time.perf_counter()
        loss.backward()
    backward_s = time.perf_counter() - start
    nfe_backward = count_nfe(model) - nfe_forward
    model.zero_grad(set_to_none=True)
    model.train(was_training)
    return BackwardCost(int(saved), nfe_forward, nfe_backward, forward_s, backward_s)


@dataclass(frozen=True)
class MemoryPoint:
    """Memory against NFE at one setting: the RK-Net's step count or the ODE-Net's tolerance."""

    kind: str
    setting: float
    cost: BackwardCost


def memory_vs_nfe(
    model: ImageClassifier, x: Tensor, y: Tensor, settings: Sequence[float] | None = None
) -> tuple[MemoryPoint, ...]:
    """`model`'s weights (an RK-Net or an ODE-Net) at each step count or tolerance: backprop's memory grows with
    the NFE, the adjoint's stays flat."""
    cfg = model.cfg
    if cfg.kind not in ("rknet", "odenet"):
        raise ValueError("memory against NFE is measured for the RK-Net and the ODE-Net")
    if settings is None:
        settings = MEMORY_STEPS if cfg.kind == "rknet" else MEMORY_TOLERANCES
    points = []
    for setting in settings:
        other = (
            replace(cfg, rk_steps=int(setting)) if cfg.kind == "rknet" else replace(cfg, tol=float(setting))
        )
        copy = build_image_model(other)
        copy.load_state_dict(model.state_dict())
        points.append(MemoryPoint(cfg.kind, float(setting), measure_backward(copy, x, y)))
    return tuple(points)


@dataclass(frozen=True)
class SweepPoint:
    """The trained ODE-Net on a whole split at one test-time tolerance."""

    tol: float
    accuracy: float
    nfe: int  # forward evaluations of the field for the whole split (one batch)
    wall_s: float


def tolerance_sweep(
    model: ImageClassifier, x: Tensor, y: Tensor, tolerances: Sequence[float] = SWEEP_TOLERANCES
) -> tuple[SweepPoint, ...]:
    """Accuracy and NFE of the ODE-Net on (x, y) at each dopri5 tolerance, without gradients."""
    if model.cfg.kind != "odenet":
        raise ValueError("the tolerance sweep is the ODE-Net's")
    points = []
    with torch.inference_mode():
        for tol in tolerances:
            reset_nfe(model)
            start = time.perf_counter()
            logits = model(x, with_tolerance(model.cfg, tol))
            wall_s = time.perf_counter() - start
            accuracy = float((logits.argmax(dim=1) == y).float().mean())
            points.append(SweepPoint(float(tol), accuracy, count_nfe(model), wall_s))
    return tuple(points)


def accuracy(model: ImageClassifier, x: Tensor, y: Tensor) -> float:
    """Test accuracy at the model's own solver settings."""
    with torch.inference_mode():
        return float((model(x).argmax(dim=1) == y).float().mean())


def forward_nfe(model: ImageClassifier, x: Tensor) -> int:
    """Evaluations of the field in one inference pass over `x` (0 without an ODE block)."""
    reset_nfe(model)
    with torch.inference_mode():
        model(x)
    return count_nfe(model)


#: The paper's Table 1 (Chen et al. 2018, MNIST): test error %, parameters (millions), memory, time.
PAPER_TABLE1: dict[str, tuple[float, float, str, str]] = {
    "mlp": (1.60, 0.24, "-", "-"),
    "resnet": (0.41, 0.60, "O(L)", "O(L)"),
    "rknet": (0.47, 0.22, "O(L̃)", "O(L̃)"),
    "odenet": (0.42, 0.22, "O(1)", "O(L̃)"),
}
#: The batch whose backward memory the table reports: a training minibatch's size.
MEMORY_BATCH = 128


@dataclass(frozen=True)
class TableRow:
    """One model's row of our Table 1: test error on the seeded split, parameters, backward memory of one
    training minibatch, the checkpoint's training time, and NFE of one training step."""

    kind: str
    test_error: float
    params: int
    saved_bytes: int
    train_s: float
    nfe_forward: int
    nfe_backward: int


def table_row(kind: str, model: ImageClassifier, train_s: float, x: Tensor, y: Tensor) -> TableRow:
    """Measure `model` on the test split (x, y); the backward pass on its first `MEMORY_BATCH` images."""
    cost = measure_backward(model, x[:MEMORY_BATCH], y[:MEMORY_BATCH])
    params = sum(p.numel() for p in model.parameters())
    return TableRow(
        kind,
        1 - accuracy(model, x, y),
        params,
        cost.saved_bytes,
        train_s,
        cost.nfe_forward,
        cost.nfe_backward,
    )
