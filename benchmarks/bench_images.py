"""ODE-Nets on images on this machine: our Table 1 on the digits beside the paper's (targets: the shipped
ODE-Net at >= 98% test accuracy, within one point of the ResNet with at most half its parameters), the trained
ODE-Net's accuracy and NFE against its test-time tolerance, and backward memory against NFE for the adjoint
(flat) and the RK-Net's backprop (growing), a live run from scratch as the page trains it (target: >= 95% test
accuracy in <= 20 s), and the page's warm reruns (target <= 100 ms). Each section prints the load average:
this machine is shared, so read times beside the ResNet's, measured in the same run.

Run from the repository root (all sections, or some: table, live, page):
    python -m benchmarks.bench_images [table] [live] [page] [--reruns 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
from dataclasses import replace

from benchmarks.common import ROOT, setup, time_open, time_reruns, timed, verdict
from models.images.checkpoints import load_image_checkpoint
from models.images.classifiers import KINDS, LABELS
from models.images.data import make_digits
from models.images.measure import MEMORY_BATCH, PAPER_TABLE1, memory_vs_nfe, table_row, tolerance_sweep
from models.images.training import LIVE, LIVE_SHIFT, SHIPPED, train_image_model

CHECKPOINTS = ROOT / "checkpoints" / "images"
WARM_RERUN_S = 0.1
LIVE_ACCURACY, LIVE_S = 0.95, 20.0
TABS = ("table-1", "flow", "tolerance", "mistakes", "train-live")
#: The live runs' seeds (weights and minibatch order alike); the page trains with seed 0.
LIVE_SEEDS = (0, 1, 2)
SECTIONS = ("table", "live", "page")


def load() -> str:
    return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def live_runs() -> None:
    """The page's "Train live" from scratch, as the page trains it (LIVE, unshifted digits): the ODE-Net (its
    default) over three seeds, median, and the ResNet (the reference) at the page's seed."""
    print(
        f"\nA live run from scratch: {LIVE.steps} steps at most, {LIVE.max_wall_s:.0f} s at most, "
        f"shift {LIVE_SHIFT} ({load()})"
    )
    splits = make_digits()
    runs = {"odenet": LIVE_SEEDS, "resnet": LIVE_SEEDS[:1]}
    for kind, seeds in runs.items():
        seconds, accuracies = [], []
        for seed in seeds:
            train = replace(LIVE, seed=seed)
            run_s, trained = timed(
                lambda kind=kind, seed=seed, train=train: train_image_model(
                    SHIPPED[kind], splits, train, seed=seed, max_shift=LIVE_SHIFT
                )
            )
            r = trained.result
            seconds.append(run_s)
            accuracies.append(r.test["accuracy"])
            print(
                f"  {LABELS[kind]:8s} seed {seed}: {r.steps_done:3d} steps ({r.stop_reason}) in {run_s:5.1f} s "
                f"with its test, {r.wall_s / max(r.steps_done, 1) * 1e3:4.0f} ms a step, test accuracy "
                f"{accuracies[-1]:.2%}  ({load()})",
                flush=True,
            )
        median_s, median_acc = statistics.median(seconds), statistics.median(accuracies)
        ok = median_acc >= LIVE_ACCURACY and median_s <= LIVE_S
        print(
            f"  {LABELS[kind]:8s} median of {len(seeds)}: {median_s:5.1f} s, {median_acc:.2%}  "
            f"target >= 95% in <= 20 s {verdict(ok)}"
        )


def page_live_run() -> None:
    """The page's own live run: open "Train live" with its defaults, click Train, read its caption."""
    at, _ = time_open("ode_nets", view="train-live", timeout=180)
    click_s, _ = timed(lambda: at.button(key="ode_nets.train_button").click().run(timeout=180))
    note = next((c.value for c in at.caption if c.value.startswith("Your run")), "no run caption")
    print(f"  the page's Train (defaults), click to redrawn page: {click_s:.1f} s; {note}  ({load()})")


def warm_reruns(reruns: int) -> None:
    print(f"\nThe page's warm rerun (AppTest, median of {reruns} plain reruns after the first run; {load()})")
    for tab in TABS:
        for mode, params in (("", {}), ("presenter", {"present": "1"})):
            at, first = time_open("ode_nets", view=tab, **params)
            warm = statistics.median(time_reruns(at, reruns))
            print(
                f"  {tab:11s} {mode:9s} first {first:5.2f} s  warm {warm * 1e3:5.0f} ms  "
                f"target <= 100 ms {verdict(warm <= WARM_RERUN_S)}",
                flush=True,
            )


def table() -> None:
    print(load())
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sections", nargs="*", choices=SECTIONS, help="which sections (default: all)")
    parser.add_argument("--reruns", type=int, default=5, help="warm reruns timed per tab")
    args = parser.parse_args()
    setup()
    sections = args.sections or SECTIONS
    if "table" in sections:
        table()
    if "live" in sections:
        live_runs()
        page_live_run()
    if "page" in sections:
        warm_reruns(args.reruns)


if __name__ == "__main__":
    main()
