"""Solver lab: Euler against RK4 on Lotka–Volterra (the sources' figure), then any system and method,
with measured orders of convergence, work–precision and an adaptive method's steps."""

import math

import numpy as np
import streamlit as st

from cached.solver import (
    Trajectory,
    adaptive_work_points,
    end_reference,
    reference,
    step_size_sweep,
    trajectory,
)
from components.solver_figures import (
    components_figure,
    error_order_figure,
    omitted_steps,
    phase_figure,
    readable_framing,
    step_size_figure,
    trajectory_3d_figure,
    work_point_series,
    work_precision_figure,
)
from components.style import Curve
from kit.chrome import presenter_mode
from kit.failure import drawn_part, failed, show_failure
from kit.figures import figure_spec, show_figure
from kit.page import PageScaffold
from kit.page_views import SolverLabView
from models.failure import Failure
from models.ode.convergence import SweepConfig
from models.ode.methods import method_keys
from models.ode.solve import METHODS, FixedStep, InvalidSolve, SolverConfig, Tolerances, check_request
from models.systems.library import SYSTEMS
from models.systems.spec import Problem, SystemSpec
from tabs.solver_stiffness import show_stiffness

FIXED = [k for k, m in METHODS.items() if not m.adaptive]
ADAPTIVE = [k for k, m in METHODS.items() if m.adaptive]
EXPLICIT_ADAPTIVE = method_keys(lambda m: m.adaptive and not m.implicit)
IMPLICIT = method_keys(lambda m: m.implicit)
TOLERANCES = ["1e-2", "1e-3", "1e-4", "1e-5", "1e-6", "1e-7", "1e-8", "1e-9", "1e-10"]
LABELS = {k: m.label for k, m in METHODS.items()}

page = PageScaffold(
    "solver",
    SolverLabView,
    "Solver lab",
    "How a numerical solver follows dy/dt = f(t, y), and what its accuracy costs.",
)
links = page.links

# --- controls -----------------------------------------------------------------------------------------
with st.sidebar:
    st.header("Problem")
    system_key = links.selectbox(
        "System", "system", list(SYSTEMS), labels={k: s.name for k, s in SYSTEMS.items()}
    )
    spec = SYSTEMS[system_key]
    params = links.parameters(spec.params, system_key)
    y0 = tuple(
        float(links.number(f"{name}(0)", f"y0{i}", -100.0, 100.0, spec.y0[i], step=0.1, scope=system_key))
        for i, name in enumerate(spec.state_names)
    )
    # Robertson's kinetics run to t = 1e5; every other system keeps the range its links were made with.
    longest = max(1000.0, spec.t1)
    t1 = float(links.number("End time t₁", "t1", 0.01, longest, spec.t1, step=1.0, scope=system_key))

    st.header("Methods")
    methods = links.multiselect("Fixed-step methods", "methods", FIXED, labels=LABELS, max_items=5)
    h = float(
        links.number("Step size h", "h", 0.0001, 100.0, spec.step, step=0.01, format="%.4f", scope=system_key)
    )
    adaptive = links.selectbox(
        "Adaptive method", "adaptive", ["none", *ADAPTIVE], labels={"none": "none", **LABELS}
    )
    tol_text = links.selectbox("Tolerance (rtol = atol)", "tol", TOLERANCES)
    tol = float(tol_text)
    implicit = links.selectbox("Implicit method (Stiffness tab)", "implicit", list(IMPLICIT), labels=LABELS)

problem = Problem(SystemSpec(system_key, params), y0=y0, t1=t1)
span = problem.span


def view_caption() -> str:
    """What this view solves, from its controls (the opening view says it is the sources' figure)."""
    start = ", ".join(f"{v:g}" for v in y0)
    steps = math.ceil(round((span[1] - span[0]) / h, 9))
    solvers = (
        [f"{' and '.join(LABELS[m] for m in methods)} with h = {h:g} ({steps:,} steps)"] if methods else []
    )
    if adaptive != "none":
        solvers.append(f"{LABELS[adaptive]} at tolerance {tol_text}")
    text = f"This view: {spec.name} from ({start}) over [{span[0]:g}, {span[1]:g}]"
    text += "".join(f"; {s}" for s in solvers)
    sources = (system_key, y0, t1, h, methods) == (
        "lotka_volterra",
        spec.y0,
        spec.t1,
        spec.step,
        ["euler", "rk4"],
    )
    if sources and params == tuple((p.name, float(p.default)) for p in spec.params):
        text += ". It is the sources' figure, Euler against RK4" + (
            f", with {LABELS[adaptive]} drawn thin beneath them" if adaptive != "none" else ""
        )
    return text + "."


# On a projector the tour bar says what the step shows; the caption follows the figure, with the metrics.
if not presenter_mode():
    st.caption(view_caption())

# --- solves ---------------------------------------------------------------------------------------------
failures: dict[str, Failure] = {}
fixed_cfgs = []
for m in methods:
    cfg = SolverConfig(method=m, step=FixedStep(h))
    try:
        check_request(span, cfg)
        fixed_cfgs.append(cfg)
    except InvalidSolve as err:
        failures[m] = err
outcomes = [trajectory(problem, cfg) for cfg in fixed_cfgs]
if adaptive != "none":
    outcomes.append(trajectory(problem, SolverConfig(method=adaptive, step=Tolerances(tol, tol))))
failures |= {o.partial.method: o for o in outcomes if failed(o)}
runs: list[Trajectory] = [drawn_part(o) for o in outcomes]
adaptive_run = runs[-1] if adaptive != "none" else None

ref_t, ref_y, ref_how = reference(problem)
ref_end = end_reference(problem)

for m, failure in failures.items():
    show_failure(failure, LABELS[m], drawn=m in {r.method for r in runs if len(r.t)})
if ref_how.startswith("unavailable"):
    st.warning(f"Reference solution {ref_how}", icon=":material/warning:")

# --- summary ----------------------------------------------------------------------------------------------


def show_summary() -> None:
    """Each method's global error: above the tabs on a laptop, under the figure on a projector, where this
    row and the view's caption pushed every tab's chart down to 422 px of a 720 px screen."""
    if not runs:
        return
    cols = st.columns(len(runs))
    for col, run in zip(cols, runs, strict=True):
        finished = run.method not in failures and len(run.t) > 0
        err = float(np.linalg.norm(run.y[-1] - ref_end)) if finished and ref_end is not None else None
        setting = f"h = {h:g}" if not METHODS[run.method].adaptive else f"tol = {tol_text}"
        col.metric(
            f"{LABELS[run.method]} ({setting})",
            f"{err:.2e}" if err is not None else "—",
            help="Global error |y_N − y(t₁)| at the end time, against the reference.",
        )
        col.caption(f"{run.nfe:,} evaluations of f · {run.wall_ms:.0f} ms")


if not presenter_mode():
    show_summary()

# Layers, not legend order, decide what shows where curves coincide (the opening view: RK4, the adaptive
# method and the reference on one orbit). The sources' figure is Euler against RK4 against the reference,
# so the adaptive method is drawn thin beneath, RK4 over it, and the dashed reference on top, RK4 showing
# through its gaps; drawn last and thick, Dormand–Prince hid both.
ref_curve = Curve("reference", f"reference ({ref_how})", ref_t, ref_y, dash="dash", layer=1)
curves = [ref_curve] + [
    Curve(
        r.method,
        LABELS[r.method],
        r.t,
        r.y,
        markers=not METHODS[r.method].adaptive and len(r.t) <= 120,
        width=1.5 if METHODS[r.method].adaptive else None,
        layer=-1 if METHODS[r.method].adaptive else 0,
    )
    for r in runs
    if len(r.t)
]
# One blow-up (Euler at 5e10) would flatten every other curve into a line at 0: the axes follow the
# reference and the curves that stayed near it, and a note names what left them.
framing = readable_framing(curves, ref_curve)


def framing_note() -> None:
    if framing.escaped:
        gone = "; ".join(
            f"{e.label} diverges from t ≈ {e.t:.3g}, reaching |y| ≈ {e.peak:.1e}" for e in framing.escaped
        )
        st.caption(f"The axes follow the reference and the curves near it. Beyond them: {gone}.")


# The 3-D view has a tab of its own: plotly's WebGL scene redraws 60 times a second for as long as it is
# on screen (measured: ~13% of a core per open page, idle), which a projector laptop and a server hosting
# many visitors' pages should only pay when someone looks at it.
tab_traj, tab_3d, tab_order, tab_work, tab_adapt, tab_maths, tab_stiff = links.tabs(
    [
        "Trajectories",
        "3-D",
        "Error vs step size",
        "Work–precision",
        "Adaptive steps",
        "The maths",
        "Stiffness",
    ]
)

with tab_traj:
    if tab_traj.open:
        if spec.dim >= 2:
            left, right = st.columns(2)
            with left:
                show_figure(
                    figure_spec(
                        components_figure, curves, spec.state_names, framing.ranges, log_time=spec.log_time
                    ),
                    key="components",
                    name="solver-components",
                )
            with right:
                steps = None
                if adaptive_run is not None and len(adaptive_run.step_states):
                    steps = Curve(
                        adaptive_run.method,
                        f"{LABELS[adaptive_run.method]} accepted steps",
                        adaptive_run.step_times,
                        adaptive_run.step_states,
                    )
                window = framing.ranges[:2] if framing.ranges else None
                show_figure(
                    figure_spec(phase_figure, curves, spec.state_names, window, steps),
                    key="phase",
                    name="solver-phase",
                )
        else:
            show_figure(
                figure_spec(
                    components_figure, curves, spec.state_names, framing.ranges, log_time=spec.log_time
                ),
                key="components",
                name="solver-components",
            )
        framing_note()

with tab_3d:
    if tab_3d.open:
        show_figure(
            figure_spec(trajectory_3d_figure, curves, spec.state_names), key="traj3d", name="solver-3d"
        )
        st.caption(
            "Drag to rotate the 3-D view. For a 2-D system the third axis is time: the solution is a curve "
            "through (x, y, t), and the phase portrait is its shadow on the floor."
        )

with tab_order:
    if tab_order.open:
        sweep = SweepConfig()
        sweeps = step_size_sweep(problem, sweep)
        if sweeps is None:
            st.warning(
                "No reference end state for this problem, so errors cannot be measured.",
                icon=":material/warning:",
            )
        else:
            show_figure(
                figure_spec(
                    error_order_figure, [(s.method, LABELS[s.method], s.h, s.error, s.order) for s in sweeps]
                ),
                key="orders",
                name="solver-error-vs-step",
            )
            orders = ", ".join(
                f"{LABELS[s.method]} {s.order:.2f} (theory {METHODS[s.method].order})"
                for s in sweeps
                if s.order is not None
            )
            st.markdown(
                f"Measured orders (least-squares slope over the six smallest usable steps): **{orders}**. "
                f"Each method ran with {sweep.n_min} to {sweep.n_max} steps over [{span[0]:g}, {span[1]:g}]. "
                "Halving h divides the error by about 2ᵖ: 2 for Euler, 16 for RK4. At large h the curves bend "
                "away from straight lines (not yet asymptotic, or unstable); at tiny errors round-off sets a "
                "floor."
            )
            if omitted := omitted_steps([(LABELS[s.method], s.h, s.error) for s in sweeps]):
                st.caption(
                    f"Not drawn, because the method blew up there (the line breaks at them): {omitted}."
                )

with tab_work:
    if tab_work.open:
        sweeps = step_size_sweep(problem, SweepConfig())
        points = adaptive_work_points(problem, EXPLICIT_ADAPTIVE[-3:], give_up=spec.stiff)
        if sweeps is None or points is None:
            st.warning(
                "No reference end state for this problem, so errors cannot be measured.",
                icon=":material/warning:",
            )
        else:
            series = [
                (s.method, LABELS[s.method], s.nfe, s.error, [f"h = {x:.3g}" for x in s.h]) for s in sweeps
            ]
            series += work_point_series(points, LABELS)
            show_figure(figure_spec(work_precision_figure, series), key="work", name="solver-work-precision")
            st.markdown(
                "Cost is counted in evaluations of f (NFE), which is what a Neural ODE pays for. Lower and to "
                "the left is better: a higher-order method buys each extra digit of accuracy for fewer "
                "evaluations, and adaptive methods spend their evaluations where the solution turns fastest."
            )

with tab_adapt:
    if tab_adapt.open:
        if adaptive_run is None or len(adaptive_run.step_times) == 0:
            st.info(
                "Choose an adaptive method in the sidebar to see the step sizes it picks.",
                icon=":material/arrow_back:",
            )
        else:
            show_figure(
                figure_spec(
                    step_size_figure,
                    adaptive_run.method,
                    LABELS[adaptive_run.method],
                    adaptive_run.step_times,
                    adaptive_run.step_sizes,
                ),
                key="steps",
                name="solver-step-sizes",
            )
            st.markdown(
                f"**{LABELS[adaptive_run.method]}** took {len(adaptive_run.step_times)} accepted steps and "
                f"{adaptive_run.nfe:,} evaluations of f at tolerance {tol_text}. It compares two embedded "
                "estimates of each step and shrinks h where they disagree by more than rtol·|y| + atol, so "
                "steps are short where the solution bends sharply and long where it is smooth."
            )

with tab_maths:
    if tab_maths.open:
        left, right = st.columns(2)
        with left:
            st.markdown("**Euler** follows the slope at the start of each step:")
            st.latex(r"y_{n+1} = y_n + h\,f(y_n, t_n)")
            st.markdown("**Classic RK4** averages four slopes across the step:")
            st.latex(
                # One slope per line: two columns of slopes overflowed the half-width column (clipped at
                # "f(y_n" at 1280 and 1440 px wide).
                r"""\begin{aligned}
                k_1 &= f(y_n,\ t_n)\\
                k_2 &= f(y_n + \tfrac{h}{2}k_1,\ t_n + \tfrac{h}{2})\\
                k_3 &= f(y_n + \tfrac{h}{2}k_2,\ t_n + \tfrac{h}{2})\\
                k_4 &= f(y_n + h k_3,\ t_n + h)\\
                y_{n+1} &= y_n + \tfrac{h}{6}(k_1 + 2k_2 + 2k_3 + k_4)
                \end{aligned}"""
            )
            st.markdown("Euler is RK4 keeping only k₁.")
        with right:
            st.markdown(
                "The **local truncation error** is what one step gets wrong starting from the exact value:"
            )
            st.latex(r"\tau_{n+1} = y(t_{n+1}) - y(t_n) - h\,A(y_n, t_n, h, f)")
            st.markdown(
                "It is O(h²) for Euler and O(h⁵) for RK4. Over the N = T/h steps of a fixed span these errors "
                "add up, so the **global error** e_N = y(t_N) − y_N is one power of h lower: O(h) for Euler, "
                "O(h⁴) for RK4. RK4 costs four evaluations of f per step instead of one, but halving h cuts "
                "its error sixteen-fold instead of two-fold: for any accuracy worth having it is far cheaper."
            )
        st.markdown(f"**{spec.name}**")
        st.latex(spec.equations)
        if spec.note:
            st.caption(spec.note)

with tab_stiff:
    if tab_stiff.open:
        show_stiffness(problem, implicit, tol, tol_text)

if presenter_mode():
    st.caption(view_caption())
    show_summary()
page.finish()
