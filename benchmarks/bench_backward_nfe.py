"""Benchmark of the NFE study's backward pass: backward / forward NFE of backprop (VJPs replayed), the adjoint
and the adjoint with a seminorm on the shipped half-moons NODE (dopri5, rtol = atol), the seminorm's saving,
which channel of the backward solve's error estimate sets its step, and a seeded case where the seminorm
does save evaluations (a summed loss).

Run from the repository root: python -m benchmarks.bench_backward_nfe
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F
from torchdiffeq import odeint_adjoint
from torchdiffeq._impl.misc import _mixed_norm, _rms_norm

from benchmarks.common import setup
from models.learning.nfe_study import MODES, NFEStudyConfig, backward_forward_ratio, tolerance_sweep
from models.nn.checkpoints import load_checkpoint
from models.nn.odefunc import ODEFunc
from models.node_anode.data import ToyDataConfig, make_dataset
from models.ode.solve import UNTIMED, Tolerances, solve

ROOT = Path(__file__).resolve().parents[1]
CHANNELS = ("dL/dt", "state z", "adjoint a", "parameter gradients")


def dominant_channels(func: torch.nn.Module, z0: torch.Tensor, head, tol: float) -> np.ndarray:
    """How often each channel of the full-norm backward error estimate is the largest (rtol = atol = tol)."""
    seen: list[int] = []

    def norm(state: tuple[torch.Tensor, ...]) -> torch.Tensor:
        vjp_t, z, a, *params = state
        parts = torch.stack([vjp_t.abs(), _rms_norm(z), _rms_norm(a), torch.as_tensor(_mixed_norm(params))])
        seen.append(int(parts.argmax()))
        return parts.max()

    params = tuple(func.parameters())
    z = odeint_adjoint(
        func, z0, torch.tensor([0.0, 1.0]), rtol=tol, atol=tol, method="dopri5",
        adjoint_params=params, adjoint_options={"norm": norm},
    )  # fmt: skip
    torch.autograd.grad(head(z[-1]), params)
    return np.bincount(seen[1:], minlength=len(CHANNELS))  # the first call sizes the initial step


def seeded_case(reduction: str, seminorm: bool, tol: float) -> int:
    """Backward NFE of |z(1)|^2 over 64 seeded points, summed or averaged, through a seeded 2-64-2 field."""
    gen = torch.Generator().manual_seed(0)
    func = ODEFunc(2, 64, gen).double()
    z0 = torch.randn(64, 2, generator=gen, dtype=torch.float64)
    cfg = replace(
        UNTIMED, method="dopri5", step=Tolerances(tol, tol), grad="adjoint", adjoint_seminorm=seminorm
    )
    result = solve(func, z0, torch.tensor([0.0, 1.0], dtype=torch.float64), cfg)
    squares = result.y[-1].pow(2)
    (squares.sum() if reduction == "sum" else squares.mean()).backward()
    return result.nfe_backward


def main() -> None:
    setup()
    ckpt = load_checkpoint(ROOT / "checkpoints" / "node_anode" / "node_moons.pt")
    test = make_dataset(ToyDataConfig(**ckpt.meta["data"])).test
    model = ckpt.model

    def head(z: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(model.readout(z), test.y)

    sweep = tolerance_sweep(model.func, test.x, head, NFEStudyConfig(time_budget_s=60.0))
    print("shipped half-moons NODE, dopri5, rtol = atol, batch-mean cross-entropy of the 100 test points")
    print("    tol  fwd NFE  backprop VJPs (ms)  adjoint NFE (ms)  seminorm NFE (ms)")
    for p in sweep.points:
        b = p.backward
        print(
            f"  {p.tol:.0e}  {p.nfe_forward:7d}  {b['backprop'].vjps:8d} ({b['backprop'].seconds * 1e3:5.0f})"
            f"  {b['adjoint'].nfe:8d} ({b['adjoint'].seconds * 1e3:5.0f})"
            f"  {b['seminorm'].nfe:9d} ({b['seminorm'].seconds * 1e3:5.0f})"
        )
    forward = sweep.column("nfe_forward")
    replay = float(np.median(sweep.backward_column("backprop", "vjps") / forward))
    print(f"median backward/forward: backprop {replay:.2f} (VJPs; 0 new evaluations)", end="")
    for mode in MODES[1:]:
        print(f", {mode} {backward_forward_ratio(sweep, mode):.2f}", end="")
    full, semi = sweep.backward_column("adjoint", "nfe"), sweep.backward_column("seminorm", "nfe")
    saving = np.median(1 - semi / full)
    print(f"\nseminorm vs plain adjoint backward NFE: median {saving:.0%} fewer, equal at "
          f"{int((full == semi).sum())} of {len(full)} tolerances (Kidger et al. 2021: median 40%)")  # fmt: skip
    print("which channel sets the full-norm backward step (count of error estimates where it is largest):")
    for tol in NFEStudyConfig().tolerances:
        counts = dominant_channels(model.func, test.x, head, tol)
        print(f"  tol {tol:.0e}: " + ", ".join(f"{n} {c}" for n, c in zip(CHANNELS, counts, strict=True)))
    print("seeded 2-64-2 field, |z(1)|^2 over 64 points, backward NFE plain -> seminorm:")
    for tol in (1e-3, 1e-5):
        for reduction in ("sum", "mean"):
            plain, semi_n = seeded_case(reduction, False, tol), seeded_case(reduction, True, tol)
            print(f"  tol {tol:.0e}, {reduction:4s}: {plain} -> {semi_n} ({1 - semi_n / plain:+.0%} saved)")


if __name__ == "__main__":
    main()
