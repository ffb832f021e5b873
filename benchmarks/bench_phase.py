"""Phase portraits: a 400-trajectory portrait in one batched solve against a per-trajectory RK4 loop as in
the sources (same steps, same arithmetic, measured in the same run), and the page's rerun times.

Run from the repository root: python -m benchmarks.bench_phase
"""

from __future__ import annotations

import statistics

import torch

from benchmarks.common import best_of, setup, time_open, time_reruns, verdict
from models.ode.fixed_step import rk4_step
from models.phase.portrait import PortraitConfig, grid_seeds, solve_portrait
from models.systems.spec import SystemSpec

TARGET_SPEEDUP = 20.0


def per_trajectory_loop(f, y0: torch.Tensor, h: float, steps: int) -> torch.Tensor:
    """The sources' way: one initial value at a time, a Python loop over RK4 steps. Returns (T, batch, dim)."""
    curves = []
    for row in y0:
        y, t, states = row[None], torch.tensor(0.0, dtype=torch.float64), [row[None]]
        for _ in range(steps):
            y = rk4_step(f, t, y, torch.tensor(h, dtype=torch.float64))
            t = t + h
            states.append(y)
        curves.append(torch.cat(states))
    return torch.stack(curves, dim=1)


def bench_batched() -> None:
    spec = SystemSpec("pendulum")
    f = spec.field()
    window = ((-10.0, 10.0), (-4.0, 4.0))
    y0 = grid_seeds(window, 20)  # 400 initial values
    cfg = PortraitConfig(method="rk4", step_size=0.1, t1=7.0)  # the sources' pendulum settings: 70 steps
    with torch.no_grad():
        loop_s, loop = best_of(lambda: per_trajectory_loop(f, y0, 0.1, 70), 2)
        batch_s, portrait = best_of(lambda: solve_portrait(f, y0, window, cfg, autonomous=True), 5)
    diff = float((portrait.y - loop).abs().max())
    speedup = loop_s / batch_s
    print(f"portrait of {len(y0)} pendulum trajectories, RK4 h = 0.1, 70 steps:")
    print(f"  per-trajectory loop (as in the sources): {loop_s * 1e3:8.1f} ms")
    print(f"  one batched solve (guarded, bounded):    {batch_s * 1e3:8.1f} ms")
    print(
        f"  speed-up {speedup:.0f}x (target >= {TARGET_SPEEDUP:.0f}x): {verdict(speedup >= TARGET_SPEEDUP)}"
    )
    print(f"  max |batched - loop| = {diff:.1e}")


def bench_page() -> None:
    print("page reruns (AppTest, the real router; cold = first run of that view in this process):")
    for label, params in (
        ("default (sources' pendulum)", {}),
        ("Lotka–Volterra (1000 steps)", {"system": "lotka_volterra"}),
        ("custom link dx=y, dy=-sin(x)", {"dx": "y", "dy": "-sin(x)"}),
        ("Lorenz", {"system": "lorenz"}),
    ):
        at, cold = time_open("phase_portraits", **params)
        warm = time_reruns(at, 5)
        print(f"  {label:32s} cold {cold:5.2f} s   warm rerun median {statistics.median(warm) * 1e3:5.0f} ms")


if __name__ == "__main__":
    setup()
    bench_batched()
    bench_page()
