"""The "Stiffness" tab of the Solver lab: explicit adaptive methods against an implicit one on the same
problem (NFE, accepted steps, the budget's stop in one line each; after the charts in presenter mode), the
stiffness ratio along the path from the Jacobian's eigenvalues, and work–precision for both kinds on one
chart."""

from __future__ import annotations

import streamlit as st

from cached.solver import STIFF_BUDGET, Trajectory, adaptive_work_points, stiff_path, trajectory
from components.solver_figures import components_figure, work_point_series
from components.stiffness_figures import StepTrace, stiff_work_figure, stiffness_figure
from components.style import Curve, format_number
from kit.chrome import presenter_mode
from kit.failure import drawn_part, failed, show_failure
from kit.figures import show_figure
from models.ode.solve import METHODS, SolveError, SolverConfig, Tolerances
from models.systems.spec import Problem

#: The explicit methods set against the implicit one: a low-order and the Neural ODE papers' default.
EXPLICIT = ("bosh3", "dopri5")
LABELS = {k: m.label for k, m in METHODS.items()}


def show_stiffness(problem: Problem, implicit: str, tol: float, tol_text: str) -> None:
    """The tab's body for `problem`, the implicit method `implicit` and the sidebar's tolerance."""
    spec = problem.definition()
    methods = (implicit, *EXPLICIT)
    outcomes = {
        m: trajectory(problem, SolverConfig(method=m, step=Tolerances(tol, tol)), STIFF_BUDGET)
        for m in methods
    }
    runs: dict[str, Trajectory] = {m: drawn_part(o) for m, o in outcomes.items()}

    # On a projector the charts lead (two rows of metrics first pushed them below a 720 px fold); on a laptop
    # the three costs read first, as the tab's one-line answer.
    if not presenter_mode():
        show_costs(problem, outcomes, runs, tol_text)
    path = stiff_path(problem, implicit, tol)
    if failed(path):
        show_failure(path, f"{LABELS[implicit]} for the stiffness ratio")
    else:
        left, right = st.columns(2)
        with left:
            steps = [
                StepTrace(
                    m,
                    LABELS[m],
                    runs[m].step_times,
                    runs[m].step_sizes,
                    METHODS[m].implicit,
                    failed(outcomes[m]),
                )
                for m in methods
                if len(runs[m].step_times)
            ]
            show_figure(
                stiffness_figure(steps, path.t, path.ratio, log_time=spec.log_time),
                key="stiff_steps",
                name="solver-stiffness",
            )
        with right:
            curve = Curve(implicit, f"{LABELS[implicit]} at tol {tol_text}", path.t, path.y)
            show_figure(
                components_figure([curve], spec.state_names, log_time=spec.log_time),
                key="stiff_solution",
                name="solver-stiff-solution",
            )
        ratios = path.ratio[path.ratio == path.ratio]
        if len(ratios):
            st.caption(
                f"Stiffness ratio max|Re λ| / min|Re λ| of ∂f/∂y along the path: from {format_number(ratios.min())} "
                f"to {format_number(ratios.max())}. Eigenvalues with Re λ ≈ 0 (a conserved quantity) are left out."
            )

    if presenter_mode():
        show_costs(problem, outcomes, runs, tol_text)
    for m in methods:
        if failed(failure := outcomes[m]):
            show_failure(failure, LABELS[m], drawn=len(runs[m].step_times) > 0)

    # A method the budget stopped above is stopped at every tolerance of the chart too (on a stiff system its
    # steps are set by stability, not by the tolerance): it is not run again.
    finished = tuple(m for m in methods if not failed(outcomes[m]))
    points = adaptive_work_points(problem, finished, STIFF_BUDGET, give_up=True)
    if points is None:
        st.warning(
            "No reference end state for this problem, so errors cannot be measured.",
            icon=":material/warning:",
        )
        return
    series = work_point_series(points, LABELS)
    show_figure(stiff_work_figure(series, (implicit,)), key="stiff_work", name="solver-stiff-work-precision")
    if missing := [LABELS[m] for m in methods if m not in {s[0] for s in series}]:
        st.caption(
            f"No point for {', '.join(missing)}: the budget ({STIFF_BUDGET.max_nfe:,} evaluations or "
            f"{STIFF_BUDGET.deadline_s:g} s per solve) stops it before t₁."
        )
    st.markdown(
        "A stiff system has time scales far apart: the eigenvalues of its Jacobian ∂f/∂y differ by the stiffness "
        "ratio. An explicit method's step is then bounded by **stability**, h ≲ a few / max|Re λ|, long after the "
        "fast part has died away, so its evaluations grow with t₁ · max|Re λ|. An **implicit** method solves an "
        "equation for each step (Newton's method, with a Jacobian from finite differences of f, counted in NFE "
        "here) and is stable at any h: its steps are set by accuracy. On a non-stiff system the explicit methods "
        "are the cheaper ones."
    )


def show_costs(
    problem: Problem, outcomes: dict[str, Trajectory | SolveError], runs: dict[str, Trajectory], tol_text: str
) -> None:
    """One metric per method: its NFE, with accepted steps, wall time and where the budget stopped it."""
    t1 = problem.span[1]
    for col, m in zip(st.columns(len(runs)), runs, strict=True):
        run, stopped = runs[m], failed(outcomes[m])
        kind = "implicit" if METHODS[m].implicit else "explicit"
        reached = float(run.step_times[-1] + run.step_sizes[-1]) if len(run.step_times) else problem.span[0]
        col.metric(
            f"{LABELS[m]} ({kind})",
            f"{run.nfe:,} NFE",
            help="Evaluations of f (finite-difference Jacobians included) and accepted steps, at tolerance "
            f"{tol_text}.",
        )
        where = f" · stopped at t = {reached:.3g} of {t1:g}" if stopped else ""
        col.caption(f"{len(run.step_times):,} accepted steps · {run.wall_ms:.0f} ms{where}")
