"""The discrete baseline: a planar normalizing flow (Rezende & Mohamed 2015) of K layers
g(z) = z + û tanh(w·z + b), run from the data to the Gaussian so that its likelihood is exact:
log p(x) = log N(g_K ∘ … ∘ g_1(x)) + Σ log|1 + û·w tanh'(w·z + b)|.

û keeps w·û ≥ -1, so each layer is invertible; sampling inverts one layer at a time by bisection on w·z.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from models.flows.cnf import DIM, standard_normal_logp

MAX_LAYERS = 64
_BISECTIONS = 60


@dataclass(frozen=True)
class PlanarConfig:
    """Layers of the planar flow (the paper's Fig. 6 uses K = 2, 8, 32)."""

    layers: int = 32

    def __post_init__(self) -> None:
        if not 1 <= self.layers <= MAX_LAYERS:
            raise ValueError(f"layers must lie in 1..{MAX_LAYERS}, got {self.layers}")

    def to_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


class PlanarFlow(nn.Module):
    """K planar layers with parameters w, u: (K, 2) and b: (K,), drawn from a seeded generator."""

    def __init__(self, cfg: PlanarConfig = PlanarConfig(), seed: int = 0) -> None:
        super().__init__()
        self.cfg = cfg
        g = torch.Generator().manual_seed(seed)
        k = cfg.layers
        self.w = nn.Parameter(0.5 * torch.randn(k, DIM, generator=g))
        self.u = nn.Parameter(0.5 * torch.randn(k, DIM, generator=g))
        self.b = nn.Parameter(0.1 * torch.randn(k, generator=g))

    def _u_hat(self, k: int) -> Tensor:
        w, u = self.w[k], self.u[k]
        wu = w @ u
        return u + (F.softplus(wu) - 1 - wu) * w / (w @ w + 1e-9)

    def log_prob(self, x: Tensor) -> Tensor:
        """log p(x) per row of x: (n, 2)."""
        z, log_det = x, torch.zeros(x.shape[0], dtype=x.dtype)
        for k in range(self.cfg.layers):
            u_hat = self._u_hat(k)
            h = torch.tanh(z @ self.w[k] + self.b[k])
            log_det = log_det + torch.log((1 + (1 - h**2) * (self.w[k] @ u_hat)).abs() + 1e-9)
            z = z + h[:, None] * u_hat
        return standard_normal_logp(z) + log_det

    @torch.no_grad()
    def inverse(self, z: Tensor) -> Tensor:
        """Base points z: (n, 2) carried back to the data side, one layer at a time."""
        for k in reversed(range(self.cfg.layers)):
            w, b, u_hat = self.w[k], self.b[k], self._u_hat(k)
            wu, target = float(w @ u_hat), z @ w
            # a + wu·tanh(a + b) = w·z is increasing in a (wu >= -1), and its root lies within |wu| of w·z.
            low, high = target - abs(wu) - 1, target + abs(wu) + 1
            for _ in range(_BISECTIONS):
                mid = (low + high) / 2
                above = mid + wu * torch.tanh(mid + b) > target
                high, low = torch.where(above, mid, high), torch.where(above, low, mid)
            z = z - torch.tanh((low + high) / 2 + b)[:, None] * u_hat
        return z

    def sample(self, n: int, generator: torch.Generator) -> Tensor:
        """`n` draws of the flow's density: (n, 2)."""
        return self.inverse(torch.randn(n, DIM, generator=generator))
