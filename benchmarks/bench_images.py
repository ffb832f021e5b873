"""ODE-Nets on images on this machine: our Table 1 on the digits beside the paper's (targets: the shipped
ODE-Net at >= 98% test accuracy, within one point of the ResNet with at most half its parameters), the trained
ODE-Net's accuracy and NFE against its test-time tolerance, and backward memory against NFE for the adjoint
(flat) and the RK-Net's backprop (growing).

Run from the repository root:
    python -m benchmarks.bench_images
"""

from __future__ import annotations

import statistics

from benchmarks.common import ROOT, setup, time_open, time_reruns, verdict
from models.images.checkpoints import load_image_checkpoint
from models.images.classifiers import KINDS, LABELS
from models.images.data import make_digits
from models.images.measure import MEMORY_BATCH, PAPER_TABLE1, memory_vs_nfe, table_row, tolerance_sweep

CHECKPOINTS = ROOT / "checkpoints" / "images"
WARM_RERUN_S = 0.1
TABS = ("table-1", "flow", "tolerance", "mistakes", "train-live")


def main() -> None:
    setup()
    x, y = make_digits().test
    loaded = {kind: load_image_checkpoint(CHECKPOINTS / f"{kind}.pt") for kind in KINDS}
    rows = {k: table_row(k, m.model, float(m.meta["train_s"]), x, y) for k, m in loaded.items()}
    print(f"Table 1 on {len(y)} held-out digits (8x8), memory of one batch of {MEMORY_BATCH}; paper: MNIST")
    print(f"{'model':12s} {'error':>7s} {'params':>8s} {'memory':>9s} {'train':>7s} {'NFE f/b':>8s}   paper")
    for kind, r in rows.items():
        err, params, memory, time = PAPER_TABLE1[kind]
        print(
            f"{LABELS[kind]:12s} {r.test_error:7.2%} {r.params:8,d} {r.saved_bytes / 2**20:7.2f}MB "
            f"{r.train_s:6.0f}s {r.nfe_forward:4d}/{r.nfe_backward:<4d}   {err:.2f}% {params:.2f}M {memory} {time}"
        )
    ode, res = rows["odenet"], rows["resnet"]
    print(f"target ODE-Net accuracy >= 98%: {1 - ode.test_error:.2%} {verdict(ode.test_error <= 0.02)}")
    close = ode.test_error <= res.test_error + 0.01 and ode.params <= res.params / 2
    print(f"target within a point of the ResNet at <= half its parameters: {verdict(close)}")

    print("\nThe trained ODE-Net at other test-time tolerances (dopri5, whole test split)")
    for p in tolerance_sweep(loaded["odenet"].model, x, y):
        print(f"  tol {p.tol:7.0e}  accuracy {p.accuracy:.2%}  NFE {p.nfe:3d}  {p.wall_s * 1e3:6.0f} ms")

    print(f"\nBackward memory against NFE, one batch of {MEMORY_BATCH}")
    batch = x[:MEMORY_BATCH], y[:MEMORY_BATCH]
    points = {kind: memory_vs_nfe(loaded[kind].model, *batch) for kind in ("rknet", "odenet")}
    for kind, what in (("rknet", "RK4 steps"), ("odenet", "tolerance")):
        for p in points[kind]:
            c = p.cost
            print(
                f"  {LABELS[kind]:8s} {what} {p.setting:<7g} NFE {c.nfe_forward:3d}/{c.nfe_backward:<3d}  "
                f"{c.saved_bytes / 2**20:7.2f} MB"
            )
    rk, adj = [p.cost.saved_bytes for p in points["rknet"]], [p.cost.saved_bytes for p in points["odenet"]]
    grows = all(b > a for a, b in zip(rk, rk[1:], strict=False))
    print(
        f"target backprop memory grows with NFE, the adjoint's is flat: {verdict(grows and len(set(adj)) == 1)}"
    )

    print("\nThe page's warm rerun (AppTest, median of 5 plain reruns after the first run)")
    for tab in TABS:
        at, first = time_open("ode_nets", view=tab)
        warm = statistics.median(time_reruns(at))
        print(
            f"  {tab:11s} first {first:5.2f} s  warm {warm * 1e3:5.0f} ms  target <= 100 ms {verdict(warm <= WARM_RERUN_S)}"
        )


if __name__ == "__main__":
    main()
