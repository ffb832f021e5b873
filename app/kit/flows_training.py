"""The "Train live" tab of the Normalizing flows page: a CNF trained by maximum likelihood for a bounded
number of steps inside the one live-training fragment, from the shipped flow or from scratch.

The run is kept in the session as a `LiveFlow`, defined here rather than in the page script, which is
re-executed on every run (a class defined there would be a new class each time).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import streamlit as st
import torch

from cached.flows import GRID
from components.flow_density_figures import density_figure
from components.learning_figures import curve_chart, curve_records
from kit.chrome import presenter_mode
from kit.failure import failed
from kit.figures import show_chart, show_figure
from kit.links import PageLinks
from kit.live_training import LiveProgress, TrainButton, training_fragment
from models.failure import Failure
from models.flows.catalog import CNF_SHIPPED, CNF_TRAIN
from models.flows.checkpoints import LoadedFlow
from models.flows.cnf import CNF
from models.flows.targets import TARGET_LABELS
from models.flows.training import FlowData, base_log_likelihood, held_out, log_likelihood, train_flow
from models.nn.training import TrainConfig

LIVE_KEY = "flows.__live"
LIVE_LIMIT_S = 30.0
BUTTON = TrainButton("flows.train", label="Train live", key="flows.train_button", primary=True)


@dataclass(frozen=True)
class LiveFlow:
    """The visitor's own training run: its target and start, curves, held-out scores and final density."""

    target: str
    start: str
    steps: list[int]
    loglik: list[float]
    nfe: list[float]
    before: float
    after: float
    base: float
    seconds: float
    density: np.ndarray  # (n, n) on the page's grid


def _trainer(target: str, start: str, steps: int, shipped: LoadedFlow | Failure):
    def train(_settings: object, live: LiveProgress) -> list[Failure]:
        model = CNF(CNF_SHIPPED, seed=0)
        if start == "shipped" and not failed(shipped):
            model = copy.deepcopy(shipped.model)  # the cached flow is shared and read-only
        x = held_out(target, 1024)  # type: ignore[arg-type]
        before = log_likelihood(model, x)
        seen: list[tuple[int, float, float]] = []

        def on_step(step: int, metrics: dict[str, float]) -> None:
            seen.append((step, metrics["loglik"], metrics["nfe_forward"]))
            text = f"step {step}: log-likelihood {metrics['loglik']:.3f}, NFE {metrics['nfe_forward']:.0f}"
            live.progress(step / steps, text, force=step == steps)

        config = TrainConfig(
            steps=steps, lr=CNF_TRAIN.lr, batch_size=128, eval_every=0, max_wall_s=LIVE_LIMIT_S
        )
        result = train_flow(model, FlowData(target), config, on_step)  # type: ignore[arg-type]
        problems = [Failure.of(result.error)] if result.error is not None else []
        if seen:
            with torch.no_grad():
                density = model.log_prob(GRID.points()).logp.exp().reshape(GRID.n, GRID.n).numpy()
            steps_done, loglik, nfe = (list(c) for c in zip(*seen, strict=True))
            st.session_state[LIVE_KEY] = LiveFlow(
                target, start, steps_done, loglik, nfe, before, log_likelihood(model, x), base_log_likelihood(x),
                result.wall_s, density,
            )  # fmt: skip
        return problems

    return train


def live_training(links: PageLinks, target: str, shipped: LoadedFlow | Failure) -> None:
    """The tab: where to start, how many steps, Train, and the last run's curves and density."""
    c_start, c_steps = st.columns(2)
    with c_start:
        start = links.selectbox(
            "Start from", "start", ["shipped", "scratch"],
            labels={"shipped": "the shipped flow", "scratch": "scratch (a fresh field)"},
        )  # fmt: skip
    with c_steps:
        steps = int(
            links.slider(
                "Steps", "steps", 10, 300, step=10, help=f"At most {LIVE_LIMIT_S:.0f} s of training."
            )
        )
    if not presenter_mode():
        training_fragment(BUTTON, _trainer(target, start, steps, shipped))
    run = st.session_state.get(LIVE_KEY)
    if not isinstance(run, LiveFlow):
        return
    left, right = st.columns(2)
    with left:
        records = curve_records(run.steps, run.loglik, "step", "log-likelihood")
        show_chart(curve_chart(records, "step", "log-likelihood"), width="stretch")
        records = curve_records(run.steps, run.nfe, "step", "forward NFE")
        show_chart(curve_chart(records, "step", "forward NFE"), width="stretch")
    with right:
        show_figure(density_figure(GRID.axis().numpy(), run.density), key="flows_live", name="live-flow")
    st.markdown(
        f"{TARGET_LABELS[run.target]}, from {run.start}: {len(run.steps)} steps in {run.seconds:.1f} s; "  # type: ignore[index]
        f"held-out log-likelihood {run.before:.3f} → **{run.after:.3f}** (the base Gaussian scores {run.base:.3f})."
    )
