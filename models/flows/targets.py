"""The 2-D targets of the flows, generated and seeded: two moons, rings, eight Gaussians, checkerboard,
pinwheel (FFJORD's toy densities), each scaled to lie roughly within [-4, 4]^2.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

import torch
from torch import Tensor

Target = Literal["moons", "rings", "8gaussians", "checkerboard", "pinwheel"]
TARGETS: tuple[Target, ...] = ("moons", "rings", "8gaussians", "checkerboard", "pinwheel")
TARGET_LABELS: dict[Target, str] = {
    "moons": "Two moons",
    "rings": "Rings",
    "8gaussians": "Eight Gaussians",
    "checkerboard": "Checkerboard",
    "pinwheel": "Pinwheel",
}


def _uniform(n: int, g: torch.Generator) -> Tensor:
    return torch.rand(n, generator=g)


def _moons(n: int, g: torch.Generator) -> Tensor:
    upper = torch.rand(n, generator=g) < 0.5
    angle = math.pi * _uniform(n, g)
    x = torch.where(upper, torch.cos(angle), 1.0 - torch.cos(angle))
    y = torch.where(upper, torch.sin(angle), 0.5 - torch.sin(angle))
    points = torch.stack([x - 0.5, y - 0.25], dim=1) * 2.0
    return points + 0.1 * torch.randn(n, 2, generator=g)


def _rings(n: int, g: torch.Generator) -> Tensor:
    ring = torch.randint(0, 4, (n,), generator=g)
    radius = 0.8 * (ring + 1).float()
    angle = 2 * math.pi * _uniform(n, g)
    points = torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], dim=1)
    return points + 0.08 * torch.randn(n, 2, generator=g)


def _eight_gaussians(n: int, g: torch.Generator) -> Tensor:
    k = torch.randint(0, 8, (n,), generator=g).float()
    centres = 2.8 * torch.stack([torch.cos(k * math.pi / 4), torch.sin(k * math.pi / 4)], dim=1)
    return centres + 0.25 * torch.randn(n, 2, generator=g)


def _checkerboard(n: int, g: torch.Generator) -> Tensor:
    x1 = 4 * _uniform(n, g) - 2
    column = torch.floor(x1) + 2  # 0..3 on a 4 x 4 board; the rows of the same colour as its column
    row = 2 * torch.randint(0, 2, (n,), generator=g) + column % 2
    x2 = row - 2 + _uniform(n, g)
    return torch.stack([x1, x2], dim=1) * 1.6


def _pinwheel(n: int, g: torch.Generator) -> Tensor:
    arms, radial, tangential, rate = 5, 0.3, 0.1, 0.25
    arm = torch.randint(0, arms, (n,), generator=g).float()
    spread = torch.randn(n, 2, generator=g) * torch.tensor([radial, tangential])
    spread[:, 0] += 1.0
    angle = arm * 2 * math.pi / arms + rate * torch.exp(spread[:, 0])
    cos, sin = torch.cos(angle), torch.sin(angle)
    x = spread[:, 0] * cos - spread[:, 1] * sin
    y = spread[:, 0] * sin + spread[:, 1] * cos
    return 2.0 * torch.stack([x, y], dim=1)


_SAMPLERS: dict[Target, Callable[[int, torch.Generator], Tensor]] = {
    "moons": _moons,
    "rings": _rings,
    "8gaussians": _eight_gaussians,
    "checkerboard": _checkerboard,
    "pinwheel": _pinwheel,
}


def sample_target(target: Target, n: int, generator: torch.Generator | int) -> Tensor:
    """`n` points of `target`: (n, 2) float32, the same for the same seed or generator state.

    Raises:
        ValueError: for an unknown target or n < 1.
    """
    if target not in _SAMPLERS:
        raise ValueError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    g = torch.Generator().manual_seed(generator) if isinstance(generator, int) else generator
    return _SAMPLERS[target](n, g).float()
