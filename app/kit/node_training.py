"""The NODE vs ANODE lab's training: models trained one after another on the same data and seed inside the
one live-training fragment (kit.live_training), with progress and live curves; Step takes one optimiser
step of each, continuing the model and optimiser that the session keeps.

Each run is stored in the visitor's session as it trains, so Stop (which interrupts the fragment) keeps
what was learned; the next script run finds the interrupted training and finishes its bookkeeping.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

import numpy as np
import streamlit as st
import torch

from cached.node_anode import (
    MODEL_LABELS,
    PLAIN,
    SessionRun,
    forget_runs,
    model_reg,
    run_key,
    run_label,
    session_runs,
    store_run,
)
from components.training_charts import Run, race_table, training_chart
from kit.chrome import presenter_mode
from kit.figures import show_chart
from kit.live_training import LiveProgress, TrainButton, note, training_fragment
from kit.live_training import stop_button as live_stop_button
from models.failure import Failure
from models.nn.supervised import fit_splits
from models.nn.training import TrainConfig, make_optimizer, snapshot_state
from models.node_anode.classifiers import ModelConfig, build_model
from models.node_anode.data import ToyDataConfig, make_dataset
from models.node_anode.regularisation import Regularisation, task_loss
from models.ode.solve import BudgetExceeded

#: A live training stops at this wall time per model, whatever the step count.
MAX_WALL_S = 30.0
ACTIVE_KEY = "node_anode.__active"
AUTO_KEY = "node_anode.__auto_tried"
#: Weight snapshots a run keeps for the replay; past this, every other one goes (Step adds one a press).
MAX_SNAPSHOTS = 41


@dataclass(frozen=True)
class Plan:
    """What Train trains: the models in order, on one data set with one seed, and how (`reg`: the penalties
    NODE and ANODE train with)."""

    data: ToyDataConfig
    seed: int
    entries: tuple[tuple[str, ModelConfig], ...]
    train: TrainConfig
    auto: bool  # a shipped checkpoint of these settings is broken: train without waiting for a click
    x_axis: str
    task: str
    reg: Regularisation = PLAIN

    def keys(self) -> list[tuple]:
        return [
            run_key(kind, cfg, self.data, self.seed, model_reg(kind, self.reg)) for kind, cfg in self.entries
        ]


def finish_run(run: SessionRun, model: torch.nn.Module, reason: str | None = None) -> None:
    run.state = snapshot_state(model)
    if reason is not None:
        run.stop_reason = reason
    steps = len(run.history)
    if run.snapshots and run.snapshots[-1][0] != steps:
        run.snapshots.append((steps, snapshot_state(model)))
    if len(run.snapshots) > MAX_SNAPSHOTS:
        del run.snapshots[1:-1:2]
    run.seconds = run.history[-1]["wall_s"] if run.history else 0.0


def finalize_interrupted() -> bool:
    """Keep what a training cut short (Stop, or a control changed meanwhile) had learned. True if any."""
    active = st.session_state.get(ACTIVE_KEY)
    if not active:
        return False
    st.session_state[ACTIVE_KEY] = None
    for run, model in active.values():
        if run.history:
            finish_run(run, model, "stopped")
            note(
                PANEL,
                f"Training stopped: {run_label(run.kind, run.reg)} kept what it learned in {len(run.history)} steps.",
            )
        else:
            session_runs().pop(run_key(run.kind, run.cfg, run.data, run.seed, run.reg), None)
    return True


def stop_words(reason: str) -> str:
    return {
        "completed": "all steps",
        "callback": "stopped",
        "stopped": "stopped",
        "time_budget": f"{MAX_WALL_S:.0f} s budget",
        "non_finite": "loss became non-finite",
        "nfe_budget": "solver budget exceeded",
        "solver_failed": "solver failed",
    }.get(reason, reason)


def chart_run(run: SessionRun) -> Run:
    """A session run as the training chart draws it: coloured by model, dashed when regularised."""
    return Run(run.kind, MODEL_LABELS[run.kind], run.history, "regularised" if run.reg.active else "plain")


def live_runs(done: list[SessionRun], current: SessionRun | None) -> list[Run]:
    return [chart_run(r) for r in [*done, *([current] if current is not None else [])]]


def start_run(kind: str, cfg: ModelConfig, plan: Plan, in_dim: int, n_out: int) -> SessionRun:
    """A fresh model of `cfg` with its optimiser, stored in the session as a run of no steps yet."""
    model = build_model(cfg, in_dim, n_out, seed=plan.seed)
    run = SessionRun(kind, cfg, plan.data, plan.seed, in_dim, n_out, model_reg(kind, plan.reg), model=model)
    run.optimizer = make_optimizer(model, plan.train)
    run.snapshots.append((0, snapshot_state(model)))
    store_run(run)
    return run


def kept_run(kind: str, cfg: ModelConfig, plan: Plan) -> SessionRun | None:
    """The session's run of these settings that Step can continue: its model, trained with this very
    config (a changed solver builds a different model), and its optimiser are still here."""
    run = session_runs().get(run_key(kind, cfg, plan.data, plan.seed, model_reg(kind, plan.reg)))
    if run is None or run.model is None or run.optimizer is None or run.cfg != cfg:
        return None
    run.run_id = uuid.uuid4().hex  # its weights are about to change: views of the old ones must not show
    return run


def train_race(plan: Plan, live: LiveProgress, one_step: bool = False) -> list[Failure]:
    """Train every model of the plan one after another, drawing progress and live curves; returns
    its failures. Each run is stored in the session as it goes, so Stop keeps what was learned.

    `one_step`: Step, one optimiser step of each model, continuing its kept run (a fresh one if none)."""
    problems: list[Failure] = []
    data = make_dataset(plan.data)
    config = replace(plan.train, steps=1) if one_step else plan.train
    snap_every = max(1, config.steps // 20)
    active: dict[str, tuple[SessionRun, torch.nn.Module]] = {}
    st.session_state[ACTIVE_KEY] = active
    done: list[SessionRun] = []
    total = len(plan.entries) * config.steps
    for i, (kind, cfg) in enumerate(plan.entries):
        run = (kept_run(kind, cfg, plan) if one_step else None) or start_run(
            kind, cfg, plan, data.in_dim, data.n_out
        )
        model = run.model
        first = len(run.history)
        # A continued run draws Hutchinson's probes on from a seed of its own, not its first step's again.
        loss_fn = task_loss(replace(run.reg, seed=run.reg.seed + first), data.task)
        label = run_label(kind, run.reg)
        before_s = run.history[-1]["wall_s"] if run.history else 0.0
        active[kind] = (run, model)

        def on_step(
            step: int,
            metrics: dict[str, float],
            run=run,
            model=model,
            i=i,
            label=label,
            first=first,
            before_s=before_s,
        ) -> None:
            # A continued run counts its steps and seconds on from where it was.
            run.history.append({**metrics, "wall_s": metrics["wall_s"] + before_s})
            at = first + step
            if at % snap_every == 0:
                run.snapshots.append((at, snapshot_state(model)))
            last = step == config.steps
            accuracy = metrics.get("val_accuracy", metrics.get("accuracy"))
            drawn = live.progress(
                (i * config.steps + step) / total,
                f"Training {label} ({i + 1} of {len(plan.entries)}): step {at} / "
                f"{first + config.steps} · loss {metrics['loss']:.3g}"
                + (f" · accuracy {accuracy:.3f}" if accuracy is not None else "")
                + f" · NFE {metrics['nfe_forward']:.0f} forward, {metrics['nfe_backward']:.0f} backward"
                + f" · {metrics['wall_s']:.1f} s",
                force=last,
            )
            if drawn:
                live.picture(
                    lambda area: show_chart(training_chart(live_runs(done, run), plan.x_axis), area=area),
                    force=last,
                )

        try:
            result = fit_splits(model, data, loss_fn, config, on_step, optimizer=run.optimizer)
            reason = result.stop_reason
        except BudgetExceeded:
            reason = "nfe_budget"
            problems.append(
                BudgetExceeded(
                    f"{label}: the solver needed more than {cfg.solver.max_nfe} evaluations of f in "
                    "one solve; try a looser tolerance or fewer steps"
                )
            )
        except (AssertionError, RuntimeError, ValueError) as err:
            # torchdiffeq reports a collapsing step size ("underflow in dt") as an AssertionError.
            reason = "solver_failed"
            first_words = Failure.of(err).message[:160]
            problems.append(Failure(f"{label}: the solver failed ({first_words}); training stopped there"))
        if reason == "non_finite":
            problems.append(Failure(f"{label}: the loss became non-finite; try a smaller learning rate"))
        finish_run(run, model, reason)
        del active[kind]
        done.append(run)
    st.session_state[ACTIVE_KEY] = None
    live.progress(1.0, "Done.", force=True)
    if one_step:
        words = "; ".join(
            f"{run_label(r.kind, r.reg)} step {len(r.history)}, loss {r.history[-1]['loss']:.4g}"
            for r in done
            if r.history
        )
        note(PANEL, f"One step each: {words}.")
    else:
        words = ", ".join(
            f"{run_label(r.kind, r.reg)} {r.seconds:.1f} s ({stop_words(r.stop_reason)})" for r in done
        )
        note(PANEL, f"Trained on the same data and seed: {words}.")
    return problems


#: What a run is judged by: (history key, target, higher is better, words), by task.
JUDGED = {
    "classification": ("val_accuracy", 0.99, True, "validation accuracy"),
    "regression": ("val_loss", 0.01, False, "validation MSE"),
}


def best_and_final(history: list[dict[str, float]], task: str) -> tuple[int, float, int, float] | None:
    """(best step, its value, final step, its value) of the run's validation metric; None before any."""
    key, _, higher, _ = JUDGED[task]
    scored = [(step, m[key]) for step, m in enumerate(history, start=1) if key in m]
    if not scored:
        return None
    best = (max if higher else min)(scored, key=lambda sv: sv[1])
    return (*best, *scored[-1])


def best_and_final_words(history: list[dict[str, float]], task: str) -> str:
    """The run's final validation metric and, when the final step is worse than the best, both."""
    found = best_and_final(history, task)
    if found is None:
        return ""
    best_step, best, final_step, final = found
    words = JUDGED[task][3]
    value = "{:.3f}" if task == "classification" else "{:.3g}"
    if final == best:
        return f"final {words} {value.format(final)} at step {final_step} (its best)"
    return (
        f"final {words} {value.format(final)} at step {final_step}, worse than its best "
        f"{value.format(best)} at step {best_step}"
    )


def race_words(runs: list[Run], task: str) -> str:
    key, target, better, _ = JUDGED[task]
    if not any(key in m for r in runs for m in r.history):
        return ""
    table = race_table(runs, key, target, better)
    goal = "99% validation accuracy" if task == "classification" else "validation MSE ≤ 0.01"
    parts = []
    for row in table.itertuples(index=False):
        if row[1] is None or (isinstance(row[1], float) and np.isnan(row[1])):
            parts.append(f"**{row[0]}** did not get there in {row[4]} steps")
        else:
            parts.append(f"**{row[0]}** at step {int(row[1])} ({row[2]} s, {int(row[3]):,} evaluations of f)")
    ends = [f"**{r.name}** {w}" for r in runs if (w := best_and_final_words(r.history, task))]
    return f"To {goal}: " + "; ".join(parts) + ". Then: " + "; ".join(ends) + "."


PANEL = TrainButton(
    "node_anode",
    key="node_anode.train",
    primary=True,
    reset_help="Forget the models trained here for these settings.",
    step_help="One optimiser step of each model, continuing the one trained here (or a fresh one), then "
    "redraw everything: watch the flow learn step by step.",
)


def stop_button() -> None:
    """The lab's Stop, beside its panel (see kit.live_training.stop_button)."""
    live_stop_button("node_anode.stop")


def training_panel(plan: Plan, trained: list[Run], taming: str = "") -> None:
    """Train / Reset with progress and live curves; the rest of the page redraws when done. `trained`:
    the runs of the models trained in this session that the page shows, whose curves are drawn here;
    `taming`: words comparing plain and regularised runs, under them."""

    def reset() -> str:
        return f"Reset: forgot {forget_runs(plan.keys())} model(s) trained here for these settings."

    def auto() -> bool:
        tried = st.session_state.setdefault(AUTO_KEY, set())
        if not plan.auto or tuple(plan.keys()) in tried:
            return False
        tried.add(tuple(plan.keys()))
        st.info(
            "A shipped model for these settings could not be loaded, so it is being trained live.",
            icon=":material/model_training:",
        )
        return True

    def curves() -> None:
        if not any(r.history for r in trained):
            return
        show_chart(training_chart(trained, plan.x_axis))
        words = race_words(trained, plan.task)
        if words:
            st.markdown(words)
        if taming:
            st.markdown(taming)

    button = replace(
        PANEL,
        help=f"Train {' and '.join(run_label(k, model_reg(k, plan.reg)) for k, _ in plan.entries)} from scratch "
        f"on the same data and seed ({plan.train.steps} steps each, at most {MAX_WALL_S:.0f} s each).",
    )
    training_fragment(
        button, lambda _, live: train_race(plan, live), reset=reset, interrupted=finalize_interrupted, auto=auto,
        after=curves, step=lambda _, live: train_race(plan, live, one_step=True),
    )  # fmt: skip


#: In presenter mode, Train, Step and Reset keep their labels whole: their columns (kit.live_training) grow to fit.
PRESENTER_BUTTONS = """<style>
[data-testid="stColumn"]:has(.st-key-node_anode-train), [data-testid="stColumn"]:has(.st-key-node_anode-reset),
[data-testid="stColumn"]:has(.st-key-node_anode-step) {
  flex: 0 0 auto !important; width: auto !important; min-width: max-content !important; }
.st-key-node_anode-train p, .st-key-node_anode-reset p, .st-key-node_anode-stop p,
.st-key-node_anode-step p { white-space: nowrap; }
</style>"""


def training_row(plan: Plan, trained: list[Run], taming: str = "") -> None:
    """The training panel with Stop at its right; in presenter mode full width with Stop below it, so no
    button label is cut at 1024 px."""
    if presenter_mode():
        st.markdown(PRESENTER_BUTTONS, unsafe_allow_html=True)
        training_panel(plan, trained, taming)
        stop_button()
        return
    panel, side = st.columns([9, 1])
    with side:
        stop_button()
    with panel:
        training_panel(plan, trained, taming)
