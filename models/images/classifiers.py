"""The four classifiers of the paper's Table 1 at small scale: a one-hidden-layer MLP on the pixels, and three
that share a downsampling stem and a linear head around their middle: L residual blocks (ResNet), or one ODE
block solved by fixed-grid RK4 and backpropagated through (RK-Net), or by dopri5 with the adjoint (ODE-Net).

Every solve goes through the one `models.ode.solve`; weights are drawn from an explicit `torch.Generator`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from models.images.data import N_CLASSES, SIDE
from models.ode.solve import UNTIMED, FixedStep, SolverConfig, Tolerances, solve

Kind = Literal["mlp", "resnet", "rknet", "odenet"]
KINDS: tuple[Kind, ...] = ("mlp", "resnet", "rknet", "odenet")
LABELS: dict[str, str] = {"mlp": "1-layer MLP", "resnet": "ResNet", "rknet": "RK-Net", "odenet": "ODE-Net"}
Norm = Literal["group", "batch"]


@dataclass(frozen=True)
class ImageModelConfig:
    """One classifier.

    Attributes:
        kind: "mlp", "resnet", "rknet" or "odenet".
        channels: feature maps of the stem, the blocks and the ODE field (the blog's 64; 32 suits 8x8 digits).
        blocks: residual blocks L of the ResNet (the paper's 6).
        hidden: hidden units of the MLP.
        norm: "group" (GroupNorm, independent of the batch, so an adaptive solve sees one field) or "batch".
        t1: the ODE block integrates over [0, t1].
        rk_steps: RK-Net's fixed RK4 steps over [0, t1] (4 evaluations each).
        tol: ODE-Net's dopri5 rtol = atol (1e-2: two steps, 14 evaluations, on the trained field).
        max_nfe: cap on evaluations per solve, the adjoint's backward included.
    """

    kind: Kind = "odenet"
    channels: int = 32
    blocks: int = 6
    hidden: int = 300
    norm: Norm = "group"
    t1: float = 1.0
    rk_steps: int = 4
    tol: float = 1e-2
    max_nfe: int = 5_000

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown model {self.kind!r}; expected one of {KINDS}")
        if self.norm not in ("group", "batch"):
            raise ValueError(f"norm must be group or batch, got {self.norm!r}")
        if min(self.channels, self.blocks, self.hidden, self.rk_steps, self.max_nfe) < 1:
            raise ValueError("channels, blocks, hidden, rk_steps and max_nfe must be >= 1")
        if not (math.isfinite(self.t1) and self.t1 > 0 and 0 < self.tol < 1):
            raise ValueError("t1 must be positive and tol in (0, 1)")

    def solver_config(self) -> SolverConfig:
        """The one solve's config of the ODE block: RK4 (torchdiffeq's 3/8 rule) with backprop for the
        RK-Net, dopri5 with the adjoint for the ODE-Net; untimed, within `max_nfe`."""
        budget = replace(UNTIMED.budget, max_nfe=self.max_nfe)
        if self.kind == "rknet":
            return replace(UNTIMED, method="rk4_38", step=FixedStep(self.t1 / self.rk_steps), budget=budget)
        return replace(
            UNTIMED, method="dopri5", step=Tolerances(self.tol, self.tol), grad="adjoint", budget=budget
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _seeded(module: nn.Module, generator: torch.Generator) -> nn.Module:
    """Redraw every conv and linear layer as PyTorch's default does, U(±1/sqrt(fan_in)), from `generator`."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.Conv2d | nn.Linear):
                bound = 1.0 / math.sqrt(m.weight[0].numel())
                m.weight.uniform_(-bound, bound, generator=generator)
                if m.bias is not None:
                    m.bias.uniform_(-bound, bound, generator=generator)
    return module


def _norm(kind: Norm, channels: int) -> nn.Module:
    return nn.GroupNorm(min(8, channels), channels) if kind == "group" else nn.BatchNorm2d(channels)


def _conv(c_in: int, c_out: int, kernel: int = 3, stride: int = 1, padding: int = 1) -> nn.Conv2d:
    return nn.utils.skip_init(nn.Conv2d, c_in, c_out, kernel, stride=stride, padding=padding)


class ConcatConv(nn.Module):
    """A 3x3 convolution that sees the time t as one more input channel (the blog's ConcatConv2d)."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv = _conv(c_in + 1, c_out)

    def forward(self, t: Tensor, x: Tensor) -> Tensor:
        """t: scalar; x: (n, c_in, h, w) -> (n, c_out, h, w)."""
        time = t.to(x).expand(x.shape[0], 1, *x.shape[2:])
        return self.conv(torch.cat([time, x], dim=1))


class ConvODEFunc(nn.Module):
    """The ODE block's field f(t, z): norm, softplus, time-concat conv, norm, softplus, time-concat conv, norm.

    Softplus rather than the blog's ReLU: a smooth field keeps the solvers' order, so the adjoint's gradients
    match backprop's to the solve's tolerance (ReLU's kinks held them to about a percent).
    Counts its evaluations in `nfe` (read by nn.odefunc.NFEMetric and the trainer).
    """

    def __init__(self, channels: int, norm: Norm) -> None:
        super().__init__()
        self.norm1, self.norm2, self.norm3 = (_norm(norm, channels) for _ in range(3))
        self.conv1, self.conv2 = ConcatConv(channels, channels), ConcatConv(channels, channels)
        self.nfe = 0

    def forward(self, t: Tensor, z: Tensor) -> Tensor:
        """z: (n, channels, h, w) -> dz/dt of the same shape."""
        self.nfe += 1
        out = self.conv1(t, F.softplus(self.norm1(z)))
        return self.norm3(self.conv2(t, F.softplus(self.norm2(out))))


class ODEBlock(nn.Module):
    """z(t1) from z(0) = the stem's features, by the one solve under `solver` (the model's unless given)."""

    def __init__(self, func: ConvODEFunc, solver: SolverConfig, t1: float) -> None:
        super().__init__()
        self.func, self.solver, self.t1 = func, solver, t1

    def trajectory(self, z0: Tensor, times: Tensor, solver: SolverConfig | None = None) -> Tensor:
        """z0: (n, c, h, w), increasing times: (T,) from 0 -> z: (T, n, c, h, w)."""
        return solve(self.func, z0, times.to(z0), solver or self.solver).y

    def forward(self, z0: Tensor, solver: SolverConfig | None = None) -> Tensor:
        return self.trajectory(z0, torch.tensor([0.0, self.t1]), solver)[-1]


class ResBlock(nn.Module):
    """z + conv(ReLU(norm(conv(ReLU(norm(z)))))): one Euler step of a field, as the paper reads a ResNet."""

    def __init__(self, channels: int, norm: Norm) -> None:
        super().__init__()
        self.net = nn.Sequential(
            _norm(norm, channels),
            nn.ReLU(),
            _conv(channels, channels),
            _norm(norm, channels),
            nn.ReLU(),
            _conv(channels, channels),
        )

    def forward(self, z: Tensor) -> Tensor:
        return z + self.net(z)


def _stem(channels: int, norm: Norm) -> nn.Sequential:
    """(n, 1, 8, 8) -> (n, channels, 4, 4): a conv, then a strided conv that halves the side."""
    return nn.Sequential(
        _conv(1, channels), _norm(norm, channels), nn.ReLU(), _conv(channels, channels, 4, 2)
    )


def _head(channels: int, norm: Norm) -> nn.Sequential:
    """(n, channels, 4, 4) -> (n, 10) logits: norm, ReLU, flatten, linear.

    Flattened rather than average-pooled as on MNIST's 7x7 maps: on 4x4 maps the linear layer then sees
    where a stroke is, and training reaches 90% in a third of the steps.
    """
    side = SIDE // 2
    linear = nn.utils.skip_init(nn.Linear, channels * side * side, N_CLASSES)
    return nn.Sequential(_norm(norm, channels), nn.ReLU(), nn.Flatten(), linear)


class ImageClassifier(nn.Module):
    """stem -> middle -> head; the MLP has no stem and a flat middle.

    `middle` is an `ODEBlock` (RK-Net, ODE-Net), an `nn.Sequential` of `ResBlock`s (ResNet) or the MLP's
    hidden layer.
    """

    def __init__(self, cfg: ImageModelConfig, generator: torch.Generator) -> None:
        super().__init__()
        self.cfg = cfg
        c, norm = cfg.channels, cfg.norm
        if cfg.kind == "mlp":
            self.stem = nn.Flatten()
            self.middle = nn.Sequential(nn.utils.skip_init(nn.Linear, SIDE * SIDE, cfg.hidden), nn.ReLU())
            self.head = nn.utils.skip_init(nn.Linear, cfg.hidden, N_CLASSES)
        else:
            self.stem, self.head = _stem(c, norm), _head(c, norm)
            if cfg.kind == "resnet":
                self.middle = nn.Sequential(*(ResBlock(c, norm) for _ in range(cfg.blocks)))
            else:
                self.middle = ODEBlock(ConvODEFunc(c, norm), cfg.solver_config(), cfg.t1)
        _seeded(self, generator)

    def forward(self, x: Tensor, solver: SolverConfig | None = None) -> Tensor:
        """x: (n, 1, 8, 8) -> logits (n, 10); `solver` replaces the ODE block's own (a looser tolerance)."""
        z = self.stem(x)
        z = self.middle(z, solver) if isinstance(self.middle, ODEBlock) else self.middle(z)
        return self.head(z)


def build_image_model(cfg: ImageModelConfig, seed: int = 0) -> ImageClassifier:
    """A freshly initialised classifier, its weights drawn from `seed`."""
    return ImageClassifier(cfg, torch.Generator().manual_seed(seed))


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def with_tolerance(cfg: ImageModelConfig, tol: float) -> SolverConfig:
    """The ODE-Net's solver at another tolerance, for inference (no gradients), within the same budget."""
    return replace(cfg.solver_config(), step=Tolerances(tol, tol), grad="none")
