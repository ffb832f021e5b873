"""The one live-training fragment behind every Train button: Train (and Reset) inside an `st.fragment`,
the server-wide training limit with its queued notice, throttled progress text and live pictures.

A page supplies what to train (`train(settings, live) -> problems`), optional controls drawn inside the
fragment, and hooks for Reset, an interrupted run and automatic training. When training ends the whole
page reruns, so it shows the result that `train` stored in the session.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from kit.failure import show_failure
from kit.training_slots import training_slot
from models.failure import Failure

#: Progress text is cheap; a chart costs ~0.2 s to build and send, and the browser's time to draw it.
PROGRESS_EVERY_S = 0.3
CHART_EVERY_S = 1.2
NO_SLOT = Failure("no training slot came free; try again in a minute")


@dataclass(frozen=True)
class TrainButton:
    """The fragment's buttons: Train's label and widget key; `prefix`.reset is Reset's key when shown.

    Session keys derive from the prefix too: `prefix.__pending` (Train pressed), `.__stepping` (Step
    pressed), `.__reset`, `.__note` (a caption beside the buttons, shown once) and `.__problems` (failures,
    shown once). `prefix`.step is Step's key when shown, with `step_help` its tooltip.
    """

    prefix: str
    label: str = "Train"
    key: str = ""
    help: str | None = None
    primary: bool = False
    reset_help: str | None = None
    step_help: str | None = None

    def flag(self, name: str) -> str:
        return f"{self.prefix}.__{name}"


class LiveProgress:
    """What `train` draws while it runs: a progress bar and one area for a live picture, both throttled."""

    def __init__(self) -> None:
        self._bar = st.progress(0.0, text="Waiting for a training slot…")
        self._area = st.empty()
        self._drawn = {"progress": 0.0, "chart": 0.0}

    def progress(self, fraction: float, text: str, force: bool = False) -> bool:
        """Move the bar, at most every PROGRESS_EVERY_S unless forced; True if it was drawn."""
        now = time.perf_counter()
        if now - self._drawn["progress"] < PROGRESS_EVERY_S and not force:
            return False
        self._drawn["progress"] = now
        self._bar.progress(min(max(fraction, 0.0), 1.0), text=text)
        return True

    def picture(self, draw: Callable[[Any], None], force: bool = False) -> None:
        """Redraw the live picture with `draw(container)`, at most every CHART_EVERY_S unless forced."""
        now = time.perf_counter()
        if now - self._drawn["chart"] < CHART_EVERY_S and not force:
            return
        self._drawn["chart"] = now
        draw(self._area)

    def clear(self) -> None:
        self._bar.empty()


def note(button: TrainButton, text: str) -> None:
    """A caption shown beside the buttons on the next run (e.g. what was trained, or what Reset forgot)."""
    st.session_state[button.flag("note")] = text


def _request(flag: str) -> None:
    st.session_state[flag] = True


def stop_button(key: str) -> None:
    """Stop, drawn outside the fragment on purpose: a click on a widget inside a fragment waits for that
    fragment's run to end, while a click outside it reruns the app, which interrupts the training at its
    next progress update; the page's `interrupted` hook then keeps what was learned."""
    st.button(
        "Stop",
        icon=":material/stop:",
        key=key,
        help="Stop a training in progress, keeping what it has learned so far.",
    )


@st.fragment
def training_fragment(
    button: TrainButton,
    train: Callable[[Any, LiveProgress], list[Failure]],
    controls: Callable[[], Any] | None = None,
    *,
    reset: Callable[[], str] | None = None,
    interrupted: Callable[[], bool] | None = None,
    auto: Callable[[], bool] | None = None,
    after: Callable[[], None] | None = None,
    step: Callable[[Any, LiveProgress], list[Failure]] | None = None,
) -> None:
    """Controls, Train (and Step, and Reset), and the training itself under the server-wide limit.

    Args:
        button: labels and keys.
        train: runs while holding a training slot with the controls' settings; stores its result in the
            session and returns its failures (shown after the rerun).
        controls: draws the fragment's own widgets and returns their settings.
        reset: forgets what was trained (Reset shown when given); returns the note to show.
        interrupted: keeps what a training cut short had learned; True reruns the page to show it.
        auto: True to train now without a click (e.g. a shipped model failed to load).
        after: draws below the buttons (e.g. the curves of what was trained).
        step: like `train`, for one optimiser step continuing what was trained (Step shown when given).
    """
    if interrupted is not None and interrupted():
        st.rerun(scope="app")
    if reset is not None and st.session_state.pop(button.flag("reset"), False):
        note(button, reset())
        st.rerun(scope="app")
    settings = controls() if controls is not None else None
    training = st.session_state.pop(button.flag("pending"), False) or (auto is not None and auto())
    stepping = step is not None and st.session_state.pop(button.flag("stepping"), False) and not training
    busy = training or stepping
    # (label, icon, key, flag it raises, tooltip, disabled while training) of each button drawn, in order.
    buttons = [(button.label, "play_arrow", button.key, "pending", button.help, busy)]
    if step is not None:
        buttons.append(("Step", "skip_next", f"{button.prefix}.step", "stepping", button.step_help, busy))
    if reset is not None:
        buttons.append(("Reset", "restart_alt", f"{button.prefix}.reset", "reset", button.reset_help, False))
    n = len(buttons)
    cells = iter(st.columns([1] * n + [7 - n]) if n > 1 else [st.container(), st.container()])
    for label, icon, key, flag, tip, disabled in buttons:
        next(cells).button(
            label,
            type="primary" if button.primary and flag == "pending" else "secondary",
            icon=f":material/{icon}:",
            key=key,
            on_click=_request,
            args=(button.flag(flag),),
            disabled=disabled,
            help=tip,
        )
    caption = st.session_state.pop(button.flag("note"), None)
    if caption:
        next(cells).caption(caption)
    if busy:
        live = LiveProgress()
        with training_slot(st.empty()) as ok:
            if ok:
                live.progress(0.0, "Training…", force=True)
                problems = (train if training else step)(settings, live)
            else:
                live.clear()
                problems = [NO_SLOT]
        st.session_state[button.flag("problems")] = problems
        st.rerun(scope="app")
    for problem in st.session_state.pop(button.flag("problems"), []):
        show_failure(problem)
    if after is not None:
        after()
