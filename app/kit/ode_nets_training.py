"""The live training of the ODE-Nets on images page: the ODE-Net or the ResNet trained on the digits inside the
one live-training fragment, from scratch or from the shipped weights, with progress, a live validation curve
and Stop. A module, not the page script, so that the run kept in the session keeps its class across reruns."""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

from cached.images import digit_splits
from kit.links import PageLinks
from kit.live_training import LiveProgress, TrainButton, stop_button, training_fragment
from models.failure import Failure
from models.images.checkpoints import LoadedImageModel
from models.images.classifiers import LABELS
from models.images.training import LIVE, LIVE_SHIFT, SHIPPED, train_image_model
from models.ode.solve import SolveError

LIVE_KEY = "ode_nets.__live"
PARTIAL_KEY = "ode_nets.__partial"
BUTTON = TrainButton("ode_nets.train", label="Train", key="ode_nets.train_button", primary=True)


@dataclass(frozen=True)
class LiveRun:
    """What a live training did: which model, from where, its validation accuracy curve and test accuracy."""

    kind: str
    start: str
    steps: list[int]
    val_accuracy: list[float]
    test_accuracy: float | None
    wall_s: float


def _train(settings: tuple, live: LiveProgress) -> list[Failure]:
    kind, start, steps, loaded = settings
    weights = None if start == "scratch" or loaded is None else loaded[kind].model.state_dict()
    config = replace(LIVE, steps=steps)
    run = LiveRun(kind, start, [], [], None, 0.0)
    st.session_state[PARTIAL_KEY] = run

    def on_step(step: int, metrics: dict[str, float]) -> None:
        if "val_accuracy" in metrics:
            run.steps.append(step)
            run.val_accuracy.append(metrics["val_accuracy"])
            live.picture(lambda area: area.line_chart({"validation accuracy": run.val_accuracy}, height=200))
        live.progress(step / steps, f"{LABELS[kind]} step {step} of {steps}: loss {metrics['loss']:.3f}")
        # What a Stop keeps: the curve so far (shared lists) and the time it took.
        st.session_state[PARTIAL_KEY] = replace(run, wall_s=metrics["wall_s"])

    try:
        trained = train_image_model(
            SHIPPED[kind], digit_splits(), config, on_step, start=weights, max_shift=LIVE_SHIFT
        )
    except SolveError as err:
        st.session_state.pop(PARTIAL_KEY, None)
        return [err]
    result = trained.result
    st.session_state[LIVE_KEY] = replace(run, test_accuracy=result.test["accuracy"], wall_s=result.wall_s)
    st.session_state.pop(PARTIAL_KEY, None)
    return []


def _interrupted() -> bool:
    """A Stop (a rerun) cut training short: keep its curve."""
    run = st.session_state.pop(PARTIAL_KEY, None)
    if run is None:
        return False
    st.session_state[LIVE_KEY] = run
    return True


def live_result() -> bool:
    """The last live run's caption and validation curve; False (nothing drawn) when there is none."""
    run = st.session_state.get(LIVE_KEY)
    if not isinstance(run, LiveRun):
        return False
    test = (
        "stopped before the test" if run.test_accuracy is None else f"test accuracy {run.test_accuracy:.2%}"
    )
    st.caption(
        f"Your run: {LABELS[run.kind]} from {'scratch' if run.start == 'scratch' else 'the shipped weights'}, "
        f"{run.steps[-1] if run.steps else 0} steps in {run.wall_s:.1f} s, {test}."
    )
    if run.val_accuracy:
        st.line_chart({"validation accuracy": run.val_accuracy}, height=200)
    return True


def training_section(links: PageLinks, loaded: dict[str, LoadedImageModel] | None) -> None:
    """The live-training controls (bound to the link), Train and Stop, and the last run's result; starting
    from the shipped weights is offered when `loaded` holds them."""
    shipped = loaded is not None
    a, b, c = st.columns(3)
    with a:
        kind = links.selectbox("Model", "train", ["odenet", "resnet"], labels=LABELS)
    with b:
        start = links.selectbox(
            "Start from",
            "start",
            ["scratch", "shipped"] if shipped else ["scratch"],
            labels={"scratch": "scratch (fresh weights)", "shipped": "the shipped weights"},
        )
    with c:
        steps = int(links.slider("Steps", "steps", 20, 300, step=10))
    st.caption(
        f"Adam from {LIVE.lr:g} down a cosine to {LIVE.final_lr:g} over the steps, on minibatches of "
        f"{LIVE.batch_size} digits (unshifted: a short run learns faster without the shipped recipe's shifts), "
        f"stopped after {LIVE.max_wall_s:.0f} s at most; validation "
        f"accuracy every {LIVE.eval_every} steps."
    )
    stop_button("ode_nets.stop")
    training_fragment(
        BUTTON, _train, lambda: (kind, start, steps, loaded), interrupted=_interrupted, after=live_result
    )


def presented_result() -> None:
    """Presenter mode hides the controls: the last run, or where to start one."""
    if not live_result():
        st.markdown(
            f"Train live: the ODE-Net or the ResNet trained here from scratch in {LIVE.steps} steps (about 11 s "
            "of one core, more on a busy machine), with a live validation curve. Leave presenter mode to start a "
            "run; the last one then shows here."
        )
