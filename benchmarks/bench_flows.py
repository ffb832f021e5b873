"""Normalizing flows figures on this machine, each against its reference measured in the same run:
the shipped two-moons CNF against the planar flow with K = 32 (held-out log-likelihood and parameters),
the regularised CNF against the plain one (forward NFE and log-likelihood), the 41-frame time-lapse of a
100 x 100 density grid, a short live run from scratch against the base Gaussian, and the page's warm rerun.

Run from the repository root: `python -m benchmarks.bench_flows` (about a minute).
"""

from __future__ import annotations

import statistics

import torch

from benchmarks.common import ROOT, setup, time_open, time_reruns, timed, verdict
from models.flows.catalog import CNF_SHIPPED, CNF_TRAIN, cnf_stem, planar_stem
from models.flows.checkpoints import load_flow_checkpoint
from models.flows.cnf import CNF, parameter_count
from models.flows.timelapse import FrameGrid, density_frames
from models.flows.training import FlowData, base_log_likelihood, held_out, log_likelihood, train_flow
from models.nn.training import TrainConfig

CHECKPOINTS = ROOT / "checkpoints" / "flows"
LIVE_LIMIT_S, LIVE_GAIN = 30.0, 1.0
NFE_RATIO, LOGLIK_SLACK = 1.5, 0.05
TIMELAPSE_S, RERUN_S = 2.0, 0.1


def cnf_against_planar() -> None:
    x = held_out("moons")
    flow = load_flow_checkpoint(CHECKPOINTS / f"{cnf_stem('moons')}.pt", "cnf").model
    planar = load_flow_checkpoint(CHECKPOINTS / f"{planar_stem(32)}.pt", "planar").model
    ours, theirs = log_likelihood(flow, x), log_likelihood(planar, x)
    n_ours, n_theirs = parameter_count(flow), parameter_count(planar)
    print(
        f"two moons, held-out log-likelihood: CNF {ours:.3f} ({n_ours} params), planar K=32 {theirs:.3f} ({n_theirs} params)"
    )
    print(f"  CNF beats planar K=32 with fewer parameters: {verdict(ours > theirs and n_ours < n_theirs)}")


def regularised_against_plain() -> None:
    x = held_out("moons")
    rows = []
    for regularised in (False, True):
        model = load_flow_checkpoint(CHECKPOINTS / f"{cnf_stem('moons', regularised)}.pt", "cnf").model
        assert isinstance(model, CNF)
        with torch.no_grad():
            nfe = model.log_prob(x).result.nfe
        rows.append((nfe, log_likelihood(model, x)))
    (nfe0, ll0), (nfe1, ll1) = rows
    print(
        f"regularisation: forward NFE {nfe0} -> {nfe1} ({nfe0 / nfe1:.2f}x fewer), loglik {ll0:.3f} -> {ll1:.3f}"
    )
    ok = nfe0 / nfe1 >= NFE_RATIO and ll1 >= ll0 - LOGLIK_SLACK
    print(f"  >= {NFE_RATIO}x fewer NFE within {LOGLIK_SLACK} nats: {verdict(ok)}")


def timelapse_time() -> None:
    model = load_flow_checkpoint(CHECKPOINTS / f"{cnf_stem('moons')}.pt", "cnf").model
    assert isinstance(model, CNF)
    grid = FrameGrid(frames=41, n=100)
    seconds = min(timed(lambda: density_frames(model, grid))[0] for _ in range(3))
    print(
        f"time-lapse, 41 frames of 100 x 100: {seconds:.2f} s (best of 3; target <= {TIMELAPSE_S:g} s): {verdict(seconds <= TIMELAPSE_S)}"
    )


def live_from_scratch() -> None:
    x = held_out("moons", 1024)
    model = CNF(CNF_SHIPPED, seed=0)
    config = TrainConfig(steps=300, lr=CNF_TRAIN.lr, batch_size=128, eval_every=0, max_wall_s=LIVE_LIMIT_S)
    result = train_flow(model, FlowData("moons"), config)
    base, after = base_log_likelihood(x), log_likelihood(model, x)
    print(
        f"live run from scratch: {result.steps_done} steps in {result.wall_s:.1f} s, held-out loglik {after:.3f} "
        f"against the base Gaussian's {base:.3f} (gain {after - base:.2f} nats)"
    )
    ok = after - base >= LIVE_GAIN and result.wall_s <= LIVE_LIMIT_S + 1
    print(f"  >= {LIVE_GAIN:g} nat in <= {LIVE_LIMIT_S:.0f} s: {verdict(ok)}")


def warm_rerun() -> None:
    at, cold = time_open("flows")
    reruns = time_reruns(at, repeats=7)
    median = statistics.median(reruns)
    print(
        f"page: first open {cold:.2f} s, warm rerun median {median * 1e3:.0f} ms (target <= {RERUN_S * 1e3:.0f} ms): {verdict(median <= RERUN_S)}"
    )


def main() -> None:
    setup()
    cnf_against_planar()
    regularised_against_plain()
    timelapse_time()
    live_from_scratch()
    warm_rerun()


if __name__ == "__main__":
    main()
