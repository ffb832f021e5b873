"""The "NFE study" tab of How Neural ODEs learn: the Neural ODE paper's NFE figure rerun on the shipped
half-moons NODE, its backward pass three ways (backprop, adjoint, adjoint with a seminorm), and forward NFE
over a training, shipped or trained live."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from cached.learning import nfe_sweep, shipped_nfe_history
from components.learning_figures import (
    BackwardCurve,
    backward_vs_forward_figure,
    curve_chart,
    curve_records,
    nfe_tolerance_figure,
    time_vs_nfe_figure,
)
from kit.chrome import presenter_mode
from kit.failure import failed, show_failure
from kit.figures import PRESENTER_FONT_SCALE, figure_spec, show_chart, show_figure
from kit.links import PageLinks
from kit.live_training import LiveProgress, TrainButton, training_fragment
from kit.quiet_controls import switch
from models.failure import Failure
from models.learning.nfe_study import (
    MODES,
    NFESweep,
    TrainingNFEConfig,
    backward_forward_ratio,
    seconds_per_evaluation,
    seminorm_saving,
    train_recording_nfe,
)
from models.nn.training import TrainConfig

LIVE_KEY = "learn.__nfe_live"


@dataclass(frozen=True)
class LiveNFE:
    """The visitor's own training run, kept in the session: per step, forward NFE and loss."""

    steps: list[int]
    nfe: list[float]
    losses: list[float]


BUTTON = TrainButton("learn.nfe", label="Train and record NFE", key="learn.nfe_train")


def steps_slider() -> int:
    return st.slider("Steps", 10, 150, 60, step=10, key="learn.nfe_steps")


def train(n_steps: int, live: LiveProgress) -> list[Failure]:
    """Train the paper's NODE for `n_steps`, keeping (steps, forward NFE, losses) for the page."""
    seen: list[tuple[int, float, float]] = []

    def on_step(step: int, metrics: dict[str, float]) -> None:
        seen.append((step, metrics["nfe_forward"], metrics["loss"]))
        text = f"step {step}: loss {metrics['loss']:.3f}, NFE {metrics['nfe_forward']:.0f}"
        live.progress(step / n_steps, text, force=step == n_steps)

    train_cfg = TrainConfig(steps=n_steps, lr=0.01, batch_size=100_000, eval_every=0, max_wall_s=60)
    train_recording_nfe(TrainingNFEConfig(train=train_cfg), on_step)
    steps, nfe, losses = (list(c) for c in zip(*seen, strict=True))
    st.session_state[LIVE_KEY] = LiveNFE(steps, nfe, losses)
    return []


def backward_text(sweep: NFESweep) -> str:
    """What backprop's replay costs against the adjoint's backward solve, at the tightest tolerance."""
    last = sweep.points[-1]
    replay, adjoint = last.backward["backprop"], last.backward["adjoint"]
    return (
        "Backprop through the solver evaluates f no more on the way back: autograd replays the recorded graph, "
        f"one vector-Jacobian product per evaluation that reaches the loss ({replay.vjps} of {last.nfe_forward} "
        f"at tolerance {last.tol:.0e}, in {replay.seconds * 1e3:.0f} ms), so its curve counts VJPs; the adjoint "
        f"pays an evaluation and a VJP per backward step ({adjoint.nfe}, in {adjoint.seconds * 1e3:.0f} ms) "
        "for its O(1) memory."
    )


def seminorm_text(sweep: NFESweep) -> str:
    """The seminorm's measured effect, and why it is nil when it is."""
    full, semi = sweep.backward_column("adjoint", "nfe"), sweep.backward_column("seminorm", "nfe")
    same = int((full == semi).sum())
    if same == len(full):
        return (
            "**Seminorm:** leaving the parameter-gradient channels out of the backward solve's error estimate "
            f"changes nothing here, the same backward NFE at all {same} tolerances ({int(full[-1])} at "
            f"{sweep.points[-1].tol:.0e} either way, where Kidger et al. 2021 report a median 40% fewer), "
            "because on this 322-parameter model the backward step is set by the re-integrated state z(t), whose "
            "error is the largest part of the estimate at every backward step, not by the parameter gradients, "
            "which a batch-mean loss keeps small against atol (summed over the batch instead, they set the step "
            "and the seminorm does save evaluations)."
        )
    return (
        f"**Seminorm:** the backward pass needs {seminorm_saving(sweep):.0%} fewer evaluations (median over "
        f"{len(full)} tolerances, the same at {same}; Kidger et al. 2021 report 40%)."
    )


def render(links: PageLinks) -> None:
    """The tab's sweep figures, the NFE-over-training curves and the live training."""
    seminorm = switch(
        links, "Adjoint error on the state only (seminorm)", "seminorm",
        help="Kidger et al. 2021: leave the parameter-gradient integral out of the backward solve's error "
        "in figure (a) and the ratio; figure (c) shows both.",
    )  # fmt: skip
    sweep = nfe_sweep()
    if failed(sweep):
        show_failure(sweep, "NFE study unavailable")
    else:
        mode = "seminorm" if seminorm else "adjoint"
        fwd, bwd = sweep.column("nfe_forward"), sweep.backward_column(mode, "nfe")
        # On a projector each panel's legend goes above its plot: rows under it would grow the figure
        # (larger text) until the legends end below the fold at 1280x720 (tour steps 14 and 27).
        legend = ("above", PRESENTER_FONT_SCALE) if presenter_mode() else ("below", 1.0)
        a, b, c = st.columns(3)
        with a:
            label = "backward (+ seminorm)" if seminorm else "backward (adjoint)"
            show_figure(
                figure_spec(nfe_tolerance_figure, sweep.column("tol"), fwd, bwd, label, *legend),
                key="nfe_tol",
                name="nfe-vs-tolerance",
            )
        with b:
            slope = seconds_per_evaluation(sweep)
            show_figure(
                figure_spec(time_vs_nfe_figure, fwd, sweep.column("forward_s"), slope, *legend),
                key="nfe_time",
                name="time-vs-nfe",
            )
        with c:
            curves = {
                m: BackwardCurve(
                    sweep.backward_column(m, "vjps" if m == "backprop" else "nfe"),
                    sweep.backward_column(m, "seconds"),
                )
                for m in MODES
            }
            show_figure(
                figure_spec(backward_vs_forward_figure, fwd, curves, *legend),
                key="nfe_bwd",
                name="backward-vs-forward-nfe",
            )
        ratio = backward_forward_ratio(sweep, mode)
        adjoint = "the adjoint with a seminorm" if seminorm else "the adjoint"
        skipped = f"; {len(sweep.skipped)} tighter ones skipped for time" if sweep.skipped else ""
        st.markdown(
            "The tutorial's half-moons NODE (2-64-2 tanh, the shipped checkpoint), solved with **dopri5** at "
            f"{len(sweep.points)} tolerances (rtol = atol{skipped}) and differentiated three ways. (a) Looser "
            "tolerance, "
            f"fewer evaluations; (b) forward time grows in proportion to NFE, about {slope * 1e3:.2f} ms each; "
            f"(c) here the backward pass of {adjoint} needs **{ratio:.2f}×** the forward evaluations (median), "
            "where the paper reports about one half (from scipy's LSODA, not dopri5; the grey lines ×1 and ×½ mark "
            "backward = forward and the paper's half). " + backward_text(sweep)
        )
        st.markdown(seminorm_text(sweep))
    st.subheader("(d) NFE over the course of training")
    history = shipped_nfe_history()
    live = st.session_state.get(LIVE_KEY)
    live = live if isinstance(live, LiveNFE) and live.steps else None
    records = []
    if history is not None:
        steps, nfe, loss = history
        records = curve_records(steps, nfe, "step", "forward NFE", run="shipped training")
    if live:
        records += curve_records(live.steps, live.nfe, "step", "forward NFE", run="your training")
    if records:
        show_chart(curve_chart(records, "step", "forward NFE", color="run"), width="stretch")
    if history is not None:
        st.caption(
            f"As the model learns a more complicated flow, the solver needs more steps: forward NFE went from "
            f"{int(nfe[0])} to {int(nfe[-1])} over {len(nfe)} full-batch steps of the shipped training."
        )
    if live:
        st.caption(
            f"Trained live: {len(live.steps)} steps, loss {live.losses[0]:.3f} → {live.losses[-1]:.3f}, "
            f"forward NFE {int(live.nfe[0])} → {int(live.nfe[-1])}."
        )

    if not presenter_mode():
        training_fragment(BUTTON, train, steps_slider)
