"""Benchmark of "How Neural ODEs learn": the memory sweep's run time, and the page's cold and warm rerun
times through AppTest for each tab.

Run from the repository root: python -m benchmarks.bench_learning
"""

from __future__ import annotations

from benchmarks.common import setup, time_open, timed
from models.learning.adjoint_memory import MemoryStudyConfig, step_sweep, tolerance_sweep


def mib(n: int) -> str:
    return f"{n / 2**20:8.3f} MiB"


def main() -> None:
    setup()
    cfg = MemoryStudyConfig()
    study = step_sweep(cfg)
    print(f"memory sweep (rk4, hidden {cfg.hidden}, batch {cfg.batch}, {cfg.dtype}): {study.wall_s:.1f} s")
    print("  steps   backprop saved   adjoint saved   adjoint peak   rel grad diff   bwd time direct/adjoint")
    for c in study.comparisons:
        print(
            f"  {c.direct.steps:5d}  {mib(c.direct.saved_bytes)}  {mib(c.adjoint.saved_bytes)}  "
            f"{mib(c.adjoint.peak_saved_bytes)}  {c.rel_diff:13.2e}   "
            f"{c.direct.backward_s:.3f} / {c.adjoint.backward_s:.3f} s"
        )
    tol = tolerance_sweep(cfg)
    print(f"tolerance sweep (dopri5): {tol.wall_s:.1f} s")
    for c in tol.comparisons:
        print(
            f"  tol {c.direct.tol:.0e}: {c.direct.steps:3d} steps, NFE fwd {c.direct.nfe_forward}, "
            f"adjoint bwd NFE {c.adjoint.nfe_backward}, backprop {mib(c.direct.saved_bytes)}, "
            f"adjoint {mib(c.adjoint.saved_bytes)}, rel diff {c.rel_diff:.1e}"
        )
    for view in ("adjoint-memory", "nfe-study", "resnet-to-ode-net", "learning-dynamics"):
        at, cold = time_open("how_they_learn", timeout=300, view=view)
        warm, _ = timed(at.run)
        print(
            f"page ?view={view}: cold {cold:.2f} s, warm rerun {warm:.2f} s, exceptions {len(at.exception)}"
        )


if __name__ == "__main__":
    main()
