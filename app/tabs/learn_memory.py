"""The "Adjoint memory" tab of How Neural ODEs learn: bytes saved for backward by backprop through the
solver and by the adjoint, gradients and times, over a sweep of rk4 steps or dopri5 tolerances."""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

from cached.learning import MemoryPoint, memory_point
from components.learning_figures import gradient_gap_figure, memory_figure, time_figure
from components.style import readable_table
from kit.chrome import presenter_mode
from kit.figures import figure_spec, show_figure
from kit.links import PageLinks
from kit.quiet_controls import choice
from models.learning.adjoint_memory import MemoryStudyConfig

STEP_COUNTS = (4, 8, 16, 32, 64, 128, 256)
TOLERANCES = (1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8)
#: Uncached memory measurements stop starting new settings after this long, so the page stays responsive.
MEASURE_BUDGET_S = 8.0


def mb(n: float) -> str:
    return f"{n / 2**20:.2f} MiB" if n >= 2**20 else f"{n / 1024:.1f} KiB"


def timing_caption(x: np.ndarray, points: list[MemoryPoint], unit: str) -> str:
    """What the timing figure shows, read off its numbers: where the adjoint's backward pass was slower
    than backprop's, and where not, whether the runs' ranges overlap (this machine's noise)."""
    runs = [len(p.runs["direct"][1]) for p in points] + [len(p.runs["adjoint"][1]) for p in points]
    counted = f"{min(runs)}" if min(runs) == max(runs) else f"{min(runs)}–{max(runs)}"
    told = f"Median of {counted} timed runs per point; bars from the fastest to the slowest. "
    faster = [i for i, p in enumerate(points) if p.seconds["adjoint"][1] <= p.seconds["direct"][1]]
    if not faster:
        ratios = [p.seconds["adjoint"][1] / max(p.seconds["direct"][1], 1e-12) for p in points]
        return told + (
            f"At every setting the adjoint's backward pass took longer than backprop's ({min(ratios):.1f}× to "
            f"{max(ratios):.1f}×): it trades compute for memory, solving the ODE again, backwards."
        )
    words = []
    for i in faster:
        d, a = points[i].runs["direct"][1], points[i].runs["adjoint"][1]
        noisy = min(d) <= max(a)
        words.append(
            f"at {x[i]:g} {unit} backprop's took {1e3 * points[i].seconds['direct'][1]:.1f} ms against the "
            f"adjoint's {1e3 * points[i].seconds['adjoint'][1]:.1f} ms"
            + (" (the runs' ranges overlap: this machine's noise)" if noisy else "")
        )
    slower = len(points) - len(faster)
    return told + (
        "The adjoint's backward pass solves the ODE again, backwards, so it should take longer; here it did "
        f"at {slower} of {len(points)} settings, and " + "; ".join(words) + "."
    )


def render(links: PageLinks) -> None:
    """The tab's controls, measurements and figures."""
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        sweep_kind = choice(
            links, "Sweep", "sweep", ["steps", "tolerance"],
            labels={"steps": "rk4: number of steps", "tolerance": "dopri5: tolerance"},
        )  # fmt: skip
    with c2:
        hidden = int(choice(links, "Hidden width", "hidden", ["16", "32", "64"]))
    with c3:
        batch = int(choice(links, "Batch", "batch", ["16", "64", "128"]))
    with c4:
        if sweep_kind == "steps":
            most = int(choice(links, "Most steps", "most", [str(s) for s in STEP_COUNTS[2:]]))
            settings = tuple(float(s) for s in STEP_COUNTS if s <= most)
        else:
            tightest = choice(links, "Tightest tolerance", "tightest", [f"{t:.0e}" for t in TOLERANCES[1:]])
            settings = tuple(t for t in TOLERANCES if t >= float(tightest))
    cfg = MemoryStudyConfig(hidden=hidden, batch=batch)
    solver = "rk4" if sweep_kind == "steps" else "dopri5"
    progress = st.empty()
    points = []
    began = time.perf_counter()
    for i, setting in enumerate(settings):
        if points and time.perf_counter() - began > MEASURE_BUDGET_S:
            break  # finished points are cached: the next visit or rerun picks up where this one stopped
        progress.progress(i / len(settings), text=f"Measuring {i + 1} of {len(settings)}…")
        points.append(memory_point(cfg, solver, setting))
    progress.empty()
    if len(points) < len(settings):
        st.info(
            f"Measured {len(points)} of {len(settings)} settings within {MEASURE_BUDGET_S:g} s to keep the page "
            "responsive; rerun (press R) to measure more, as finished points are kept.",
            icon=":material/timer:",
        )
    x = np.array([p.steps if solver == "rk4" else p.nfe["direct"][0] for p in points], dtype=float)
    x_title = "rk4 steps over [0, 5]" if solver == "rk4" else "forward NFE (dopri5; tighter tolerance → more)"
    last = points[-1]
    # On a projector the figure comes first (above the fold) and the metrics go two by two beneath it,
    # where four labels side by side would be cut short.
    first, second = st.container(), st.container()
    figure_area, metrics_area = (first, second) if presenter_mode() else (second, first)
    with metrics_area:
        m1, m2, m3, m4 = (*st.columns(2), *st.columns(2)) if presenter_mode() else st.columns(4)
    m1.metric("Backprop holds", mb(last.direct_saved), help="Bytes of tensors autograd saves for backward.")
    m2.metric(
        "Adjoint holds",
        mb(last.adjoint_saved),
        help="Only z(t₁) and t: its forward runs without a graph.",
    )
    m3.metric(
        "Gradient difference",
        f"{last.rel_diff:.1e}",
        help="max |g_backprop − g_adjoint| / max |g_backprop|",
    )
    m4.metric(
        "Backward time, adjoint ÷ backprop",
        f"{last.seconds['adjoint'][1] / max(last.seconds['direct'][1], 1e-9):.1f}×",
        help="Medians of the timed runs at the last setting.",
    )
    with figure_area:
        show_figure(
            figure_spec(
                memory_figure,
                x, np.array([p.direct_saved for p in points]), np.array([p.adjoint_saved for p in points]),
                np.array([p.adjoint_peak for p in points]), x_title,
            ),
            key="memory", name="adjoint-memory",
        )  # fmt: skip
    st.markdown(
        f"At {int(x[-1])} {'steps' if solver == 'rk4' else 'evaluations'} backpropagation through the solver "
        f"keeps **{mb(last.direct_saved)}** of activations for the backward pass, growing in step with the "
        f"number of solver steps (O(L)); the adjoint keeps **{mb(last.adjoint_saved)}** whatever the number of "
        f"steps (O(1)), and during its backward solve never holds more than {mb(last.adjoint_peak)} at once "
        "(one evaluation's graph). Parameters are not counted; they cost "
        f"{mb(last.param_bytes)} either way. Bytes are counted with saved-tensor hooks, by unique storage."
    )
    left, right = st.columns(2)
    with left:
        show_figure(
            figure_spec(gradient_gap_figure, x, np.array([p.rel_diff for p in points]), x_title),
            key="gap",
            name="gradient-gap",
        )
        st.caption(
            "The two gradients differ because backprop differentiates the solver's arithmetic while the "
            "adjoint discretises the continuous gradient; the gap shrinks as the solve gets finer "
            f"{'(for rk4 roughly as h⁴)' if solver == 'rk4' else '(for dopri5, as its tolerance tightens)'}."
        )
    with right:
        runs = {m: tuple(tuple(p.runs[m][i] for p in points) for i in (0, 1)) for m in ("direct", "adjoint")}
        show_figure(figure_spec(time_figure, x, runs, x_title), key="times", name="adjoint-times")
        st.caption(timing_caption(x, points, "steps" if solver == "rk4" else "forward evaluations"))
    first = (
        {"steps": [p.steps for p in points]} if solver == "rk4" else {"tolerance": [p.tol for p in points]}
    )
    table = first | {
        "backprop saved": [mb(p.direct_saved) for p in points],
        "adjoint saved": [mb(p.adjoint_saved) for p in points],
        "NFE fwd / bwd, backprop": [f"{p.nfe['direct'][0]} / {p.nfe['direct'][1]}" for p in points],
        "NFE fwd / bwd, adjoint": [f"{p.nfe['adjoint'][0]} / {p.nfe['adjoint'][1]}" for p in points],
        "max |Δg|": [f"{p.max_abs_diff:.2e}" for p in points],
    }
    st.dataframe(readable_table(table), hide_index=True, width="stretch", key="memory_table")
    if last.peak_rss is not None:
        st.caption(
            f"Process peak resident memory so far: {mb(last.peak_rss)}. It only ever grows and covers the whole "
            "server, so the per-pass byte counts above are the honest measure."
        )
