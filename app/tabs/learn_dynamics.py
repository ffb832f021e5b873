"""The "Learning dynamics" tab of How Neural ODEs learn: a linear or MLP vector field fitted to noisy samples
of a trajectory, its shipped training snapshots, and a field trained live."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st
from torch import Tensor

from cached.learning import FieldView, field_view, observations, shipped_field_view, shipped_fit
from components.learning_figures import (
    curve_chart,
    curve_records,
    field_training_figure,
    training_frame_indices,
    vector_field_figure,
)
from kit.chrome import presenter_mode
from kit.failure import failed, show_failure
from kit.figures import figure_spec, show_chart, show_figure, show_live_figure
from kit.links import PageLinks
from kit.live_training import LiveProgress, TrainButton, training_fragment
from kit.quiet_controls import choice, slider
from models.failure import Failure
from models.learning.dynamics_fit import DynamicsDataConfig, FitConfig, build_field, fit_dynamics
from models.nn.training import snapshot_state

SYSTEM_LABELS = {"spiral": "Linear spiral", "nonlinear": "Non-linear field (§5)"}
FIELD_LABELS = {"linear": "Linear field (2×2)", "mlp": "MLP field (16 hidden, ELU)"}
LIVE_KEY = "learn.__dyn_live"
LIVE_SNAP_KEY = "learn.dyn_live_snap"


@dataclass(frozen=True)
class TrainedFit:
    """The visitor's own fitted field, kept in the session and shown instead of the shipped fit of its
    (system, kind): its weight snapshots (step, state dict), oldest first, and its window losses."""

    system: str
    kind: str
    snapshots: list[tuple[int, dict[str, Tensor]]]
    losses: list[float]


#: About as many snapshots of a live run as a shipped fit has (21), whatever its number of steps.
LIVE_SNAPSHOTS = 20


BUTTON = TrainButton(
    "learn.dyn",
    label="Train live",
    key="learn.dyn_train",
    reset_help="Forget your training; show the shipped fit.",
)


@dataclass(frozen=True)
class LiveFit:
    """What the live training fits: the observed system, the model field and how."""

    system: str
    kind: str
    fit: FitConfig


def field_controls(system: str, kind: str) -> LiveFit:
    """Steps, learning rate and longest window of the field to train."""
    c1, c2, c3 = st.columns(3)
    n_steps = c1.slider("Steps", 50, 1000, 300, step=50, key="learn.dyn_steps")
    lr = c2.select_slider(
        "Learning rate",
        [0.003, 0.01, 0.03, 0.05, 0.1],
        value=0.05 if kind == "linear" else 0.01,
        key=f"learn.dyn_lr.{kind}",
    )
    longest = c3.slider(
        "Longest window", 1.0, 5.0, 2.0, step=0.5, key="learn.dyn_window", help="The blog used up to 5."
    )
    fit = FitConfig(
        steps=n_steps,
        lr=lr,
        max_window=longest,
        max_wall_s=60.0,
        snapshots_every=max(1, n_steps // LIVE_SNAPSHOTS),
    )
    return LiveFit(system, kind, fit)


def field_figure(fv: FieldView, title: str):
    return vector_field_figure(
        fv.xs,
        fv.ys,
        fv.true_values,
        fv.learned_values,
        fv.observed,
        fv.true_path,
        fv.learned_path,
        title=title,
    )


def shipped_training_figure(system: str, kind: str, index: int):
    """The shipped fit's snapshots as one animation opening on snapshot `index`: presenter mode hides the
    page's snapshot slider, and the tour's step 16 asks to watch the learned field turn into the true one."""
    snap_steps, _ = shipped_fit(system, kind)
    indices = sorted(set(training_frame_indices(len(snap_steps))) | {index})
    views = [shipped_field_view(system, kind, i) for i in indices]
    first = views[0]
    return field_training_figure(
        first.xs,
        first.ys,
        first.true_values,
        [v.learned_values for v in views],
        first.observed,
        first.true_path,
        [v.learned_path for v in views],
        [snap_steps[i] for i in indices],
        indices.index(index),
    )


def train(plan: LiveFit, live: LiveProgress) -> list[Failure]:
    """Fit a fresh field, drawing it as it learns; keeps its snapshots and losses for the page."""
    data = DynamicsDataConfig(system=plan.system)
    field = build_field(plan.kind, seed=0)
    steps = plan.fit.steps

    def on_step(step: int, metrics: dict[str, float]) -> None:
        last = step == steps
        if live.progress(step / steps, f"step {step}: window MSE {metrics['loss']:.2e}", force=last):
            fv = field_view(data, plan.kind, snapshot_state(field))
            live.picture(
                lambda area: show_live_figure(
                    area, field_figure(fv, f"step {step}"), key=f"live_field_{step}"
                ),
                force=last,
            )

    fit = fit_dynamics(field, observations(data), plan.fit, on_step)
    st.session_state[LIVE_KEY] = TrainedFit(plan.system, plan.kind, fit.snapshots, fit.losses)
    st.session_state.pop(LIVE_SNAP_KEY, None)  # a new run opens on its last snapshot
    return []


def forget_live() -> str:
    st.session_state.pop(LIVE_KEY, None)
    st.session_state.pop(LIVE_SNAP_KEY, None)
    return "Showing the shipped fit."


def live_fit(system: str, kind: str) -> TrainedFit | None:
    """The visitor's run for this (system, kind), if there is one."""
    run = st.session_state.get(LIVE_KEY)
    ok = isinstance(run, TrainedFit) and (run.system, run.kind) == (system, kind) and run.snapshots
    return run if ok else None


def live_snapshot(run: TrainedFit) -> tuple[FieldView, str]:
    """The slider through the visitor's snapshots (not in the link: the run lives in this session only),
    and the chosen snapshot drawn."""
    steps = [step for step, _ in run.snapshots]
    if presenter_mode():
        step = steps[-1]
    else:
        step = st.select_slider(
            "Training snapshot (your training)", steps, value=steps[-1], key=LIVE_SNAP_KEY
        )
    state = dict(run.snapshots)[step]
    return field_view(
        DynamicsDataConfig(system=run.system), run.kind, state
    ), f"your training after {step} steps"


def render(links: PageLinks) -> None:
    """The tab's system and field controls, the learned field, its losses and the live training."""
    a, b = st.columns(2)
    with a:
        system = choice(links, "Observed system", "system", list(SYSTEM_LABELS), labels=SYSTEM_LABELS)
    with b:
        kind = choice(links, "Model field", "field", list(FIELD_LABELS), labels=FIELD_LABELS)
    shipped = shipped_fit(system, kind)
    if failed(shipped):
        show_failure(shipped, "Shipped fit unavailable")
    else:
        snap_steps, losses = shipped
        run = live_fit(system, kind)
        dyn_losses = run.losses if run else None
        if run:
            fv, title = live_snapshot(run)
            st.caption(
                "The slider moves through your training run, which lives only in this browser session: the "
                "page's link leaves it out and opens the shipped fit. Reset (below) brings the shipped fit back "
                "here."
            )
        else:
            last = len(snap_steps) - 1
            index = int(slider(links, "Training snapshot", "snap", 0, last, last, scope=f"{system}.{kind}"))
            fv = shipped_field_view(system, kind, index)
            title = f"shipped fit after {snap_steps[index]} steps"
        if presenter_mode() and not run:
            # The slider is hidden: the snapshots play in the figure instead, from the link's snapshot.
            spec = figure_spec(shipped_training_figure, system, kind, index)
            show_figure(spec, key="field", name="learned-field")
        elif fv is not None:
            show_figure(figure_spec(field_figure, fv, title), key="field", name="learned-field")
        records = curve_records(
            np.arange(1, len(losses) + 1), losses, "step", "window MSE", run="shipped fit"
        )
        if dyn_losses:
            records += curve_records(
                np.arange(1, len(dyn_losses) + 1), dyn_losses, "step", "window MSE", run="your training"
            )
        show_chart(curve_chart(records, "step", "window MSE", color="run", log_y=True), width="stretch")
        if dyn_losses:
            st.caption(
                f"Trained live: window MSE {dyn_losses[0]:.2e} → {dyn_losses[-1]:.2e} over {len(dyn_losses)} steps."
            )
        st.markdown(
            "200 noisy samples (std 0.01) of one trajectory from (0.6, 0.3). Each training step solves the "
            "model from the first observation of 8 random windows (1 to 2 time units, at most 32 points) and "
            "lowers the mean squared error to the observations. A linear field recovers the spiral's matrix; "
            "on the non-linear field it can only find the best linear compromise, which the MLP improves on."
        )

    if not presenter_mode() and not failed(shipped):
        training_fragment(BUTTON, train, lambda: field_controls(system, kind), reset=forget_live)
