"""Phase portraits: library systems, linear systems by type, and equations you type; the vector field,
nullclines, classified fixed points, trajectories started by a click, a flowing cloud and 3-D views."""

import math
from dataclasses import replace

import numpy as np
import streamlit as st

from cached.phase import (
    BACKWARD,
    FORWARD,
    PORTRAIT,
    STABLE,
    UNSTABLE,
    arrows,
    autonomous,
    field_lines,
    fixed_points,
    nullclines,
    trajectories,
)
from components.fixed_point_figures import STABLE_COLOR, UNSTABLE_COLOR
from components.phase_figures import CLICK_COLOR, PlaneLayers, TrajectorySet, phase_plane_figure
from kit.chrome import presenter_mode
from kit.failure import drawn_part, failed, show_failure
from kit.figures import figure_spec, show_figure
from kit.links import parse_choice
from kit.page import PageScaffold
from kit.page_views import PhasePortraitsView
from kit.phase_links import (
    MAX_EXPRESSION,
    MAX_STARTS,
    encode_starts,
    field_time_slider,
    parse_expression,
    parse_starts,
)
from kit.phase_tabs import fixed_points_tab, flow_tab, maths_tab, three_d_tab, wrap_points
from kit.plane_clicks import clicked_point
from models.ode.solve import METHODS
from models.phase.portrait import PORTRAIT_METHODS, PortraitConfig, SeedConfig, source_seeds, wrap_angles
from models.systems.expressions import FUNCTIONS, ExpressionError
from models.systems.library import SYSTEMS
from models.systems.linear import LINEAR_TYPES
from models.systems.spec import (
    ANGULAR,
    CUSTOM,
    CUSTOM_DEFAULT,
    LINEAR,
    PRESETS,
    SystemSpec,
    custom_equations,
    portrait_defaults,
)

SYSTEM_LABELS = {k: SYSTEMS[k].name for k in PRESETS} | {
    LINEAR: "Linear system (by type or matrix)",
    CUSTOM: "Your own equations",
}
SEED_LABELS = {"source": "the sources' initial values", "grid": "a grid", "random": "random points"}
FIELD_LABELS = {"streamlines": "short streamlines", "arrows": "arrows", "none": "none"}
PROJECTIONS = {"xy": (0, 1), "xz": (0, 2), "yz": (1, 2)}
CHART_VERSION = "phase.__plane_version"
PLANE_HEIGHT = 620
#: The plane's height on a projector: from ~282 px (under the tour's banner, the title and the tabs) it ends
#: at 716 of 720.
PRESENTER_PLANE_HEIGHT = 434
LAST_GOOD = "phase.__last_good_equations"
SOURCE_NOTES = {
    "pendulum": "The sources' portrait: 99 initial values (5i, −i) for i in linspace(−2, 2, 99), RK4, h = 0.1, "
    "70 steps. ",
    "lotka_volterra": "The sources' portrait: 20 initial values (i, i) for i in linspace(0, 1, 20), RK4, h = 0.01, "
    "1000 steps. ",
}


def batch_summary(role: np.ndarray) -> str:
    """What the rows of a view's batch are, in words."""
    parts = [f"{int((role == PORTRAIT).sum())} trajectories"]
    if (role == UNSTABLE).any():
        parts.append(f"{int(((role == UNSTABLE) | (role == STABLE)).sum())} separatrices")
    if (role == FORWARD).any():
        parts.append(f"{int((role == FORWARD).sum())} of yours (both ways)")
    return ", ".join(parts)


page = PageScaffold(
    "phase",
    PhasePortraitsView,
    "Phase portraits",
    "A phase portrait draws many solutions of dy/dt = f(y) at once, one curve per initial value, over the "
    "vector field that moves them. Pick a system, or type your own; click anywhere on the plane to start a "
    "trajectory there.",
)
links = page.links

# A link that carries dx= is a shared custom system: it selects "Your own equations".
if links.key("system") not in st.session_state and "dx" in st.query_params:
    st.session_state[links.key("system")] = CUSTOM

# --- controls -----------------------------------------------------------------------------------------
with st.sidebar:
    st.header("System")
    system_key = links.selectbox("System", "system", [*PRESETS, LINEAR, CUSTOM], labels=SYSTEM_LABELS)
    linear_type, equations = "saddle", ()
    if system_key == LINEAR:
        linear_type = links.selectbox(
            "Type of fixed point",
            "type",
            list(LINEAR_TYPES),
            labels={k: t.label for k, t in LINEAR_TYPES.items()},
            help="Sets the matrix to an example of this type; then move its entries freely.",
        )
    if system_key == CUSTOM:
        texts = []
        for var, default in zip("xyz", CUSTOM_DEFAULT, strict=True):
            key = links.initial(f"d{var}", default, parse_expression)
            texts.append(
                st.text_input(
                    f"d{var}/dt =" + (" (leave empty for a planar system)" if var == "z" else ""),
                    key=key,
                    max_chars=MAX_EXPRESSION,
                    help="Use x, y, z, t, numbers, + − * / and ** with a number as exponent, pi, e, and "
                    f"{', '.join(FUNCTIONS)}. Any other name becomes a parameter with a slider.",
                )
            )
        equations = custom_equations(texts)
    try:
        system = SystemSpec(system_key, (), equations, linear_type).system()
        problem = None
        if system_key == CUSTOM:
            st.session_state[LAST_GOOD] = equations
    except ExpressionError as err:
        # One typo must not blank the page: the picture and every control stay, drawn from the last
        # equations that compiled in this session (the default ones when a link opens with a typo).
        problem = err
        equations = st.session_state.get(LAST_GOOD, custom_equations(CUSTOM_DEFAULT))
        system = SystemSpec(system_key, (), equations, linear_type).system()

    # A typed parameter takes a typed value: a number input, not a slider in steps of 0.05.
    params = links.parameters(
        system.params,
        f"linear.{linear_type}" if system_key == LINEAR else system_key,
        typed=system_key == CUSTOM,
        prefix="p_" if system_key == CUSTOM else "",
    )

    dim = system.dim
    defaults = portrait_defaults(system_key)
    if dim == 3 and defaults.seeds == "grid":  # a typed 3-D system: a few curves read better than a sheet
        defaults = replace(defaults, seeds="random", count=10)
    st.header("Trajectories")
    kinds = [k for k in SEED_LABELS if k != "source" or source_seeds(system_key) is not None]
    # Scoped by system, since "the sources' initial values" exist for two systems only.
    seed_key = links.initial(
        "seeds",
        defaults.seeds if defaults.seeds in kinds else "grid",
        parse_choice(kinds),
        scope=system_key,
    )
    seed_kind = st.selectbox(
        "Start from",
        kinds,
        key=seed_key,
        format_func=SEED_LABELS.get,
        help="Every trajectory of the view is integrated in one batched solve.",
    )
    count = defaults.count if defaults.seeds == seed_kind else (12 if seed_kind == "grid" else 100)
    if seed_kind == "grid":
        count = int(links.slider("Grid points per side", "n", 2, 24, count, scope=f"{system_key}.grid"))
    elif seed_kind == "random":
        count = int(links.slider("Number of points", "n", 1, 500, count, scope=f"{system_key}.random"))
    method = links.selectbox(
        "Method",
        "method",
        list(PORTRAIT_METHODS),
        labels={k: METHODS[k].label for k in PORTRAIT_METHODS},
    )
    h = float(
        links.number(
            "Step size h", "h", 0.001, 1.0, defaults.step_size, step=0.01, format="%.3f", scope=system_key
        )
    )
    t1 = float(links.number("Time span", "t1", 0.1, 500.0, defaults.t1, step=1.0, scope=system_key))
    backward = links.toggle("Also backward in time", "back")

    st.header("Picture")
    wrap = system_key in ANGULAR and links.toggle(
        "Wrap θ to (−π, π]", "wrap", help="θ is an angle: phase space is the cylinder S¹ × ℝ."
    )
    field_style, show_nullclines = "none", False
    if dim == 2:
        field_style = links.selectbox("Vector field", "field", list(FIELD_LABELS), labels=FIELD_LABELS)
        show_nullclines = links.toggle("Nullclines", "nullclines")
    show_fixed = links.toggle("Fixed points and separatrices", "fixed")
    projection = PROJECTIONS["xy"]
    if dim == 3:
        projection = PROJECTIONS[
            links.selectbox(
                "Plane shown",
                "proj",
                list(PROJECTIONS),
                labels={k: f"{k[0]}–{k[1]}" for k in PROJECTIONS},
            )
        ]
    with st.expander("Window"):
        bounds = []
        for d, name in enumerate(system.state_names):
            if wrap and d == 0:
                bounds.append((-math.pi, math.pi))
                st.caption("θ runs over (−π, π].")
                continue
            low, high = system.window[d]
            left, right = st.columns(2)
            with left:
                lo = float(links.number(f"{name} from", f"w{d}lo", -1e3, 1e3, low, scope=system_key))
            with right:
                hi = float(links.number(f"{name} to", f"w{d}hi", -1e3, 1e3, high, scope=system_key))
            bounds.append((lo, hi) if lo < hi else (low, high))
            if lo >= hi:
                st.caption(f"The {name} range is empty; using [{low:g}, {high:g}].")
    window = tuple(bounds)
    spec = SystemSpec(system_key, params, equations, linear_type)
    field_t = 0.0
    if dim == 2 and (field_style != "none" or show_nullclines) and not autonomous(spec, window):
        field_t = field_time_slider(links, t1)

starts_key = links.initial("starts", (), parse_starts, encode=encode_starts, scope=system_key)

# --- page body -------------------------------------------------------------------------------------------
if problem is not None:
    shown = "; ".join(f"d{v}/dt = {text}" for v, text in zip("xyz", equations, strict=False))
    show_failure(problem)
    st.caption(f"The picture is of the last equations that worked: {shown}.")
cfg = PortraitConfig(method=method, step_size=h, t1=t1)
seeds = SeedConfig(seed_kind, count)
points = fixed_points(spec, window) if show_fixed else None
names = system.state_names
starts = st.session_state[starts_key] if dim == 2 else ()
if dim == 2 and not arrows(spec, window).defined:
    st.error(
        "f is not finite anywhere in this window (a division by zero?), so there is nothing to draw; "
        "change the equations or the window.",
        icon=":material/function:",
    )
solve_notice = st.container()  # above the tabs, filled once a tab that draws the trajectories has solved them

tab_plane, tab_fixed, tab_flow, tab_3d, tab_maths = links.tabs(
    ["Phase plane", "Fixed points", "Flow", "3-D", "The maths"]
)
# Only the plane and the 3-D tab draw the trajectories: the Flow tab solves its own cloud, and solving both
# there doubled its work (and a hostile equation's wait, up to two work-bounded solves).
view = None
if tab_plane.open or tab_3d.open:
    view = trajectories(spec, seeds, cfg, window, backward, show_fixed, starts)
    if failed(view):
        with solve_notice:
            show_failure(view)
    view = drawn_part(view)


def drawn(y: np.ndarray) -> np.ndarray:
    return wrap_angles(y) if wrap else y


with tab_plane:
    if tab_plane.open and view is not None:
        portrait = view.y[:, view.role == PORTRAIT]
        sets = [TrajectorySet("trajectories", drawn(portrait), width=1.5 if portrait.shape[1] <= 60 else 1.1)]
        if (view.role == UNSTABLE).any():
            # Stable drawn wide under unstable: where they coincide (a heteroclinic orbit) both show.
            sets.append(
                TrajectorySet("stable separatrices", drawn(view.y[:, view.role == STABLE]), STABLE_COLOR, 4.5)
            )
            sets.append(
                TrajectorySet(
                    "unstable separatrices", drawn(view.y[:, view.role == UNSTABLE]), UNSTABLE_COLOR, 2
                )
            )
        if (view.role == FORWARD).any():
            sets.append(
                TrajectorySet(
                    "yours, forward", drawn(view.y[:, view.role == FORWARD]), CLICK_COLOR, 3, opacity=1
                )
            )
            sets.append(
                TrajectorySet(
                    "yours, backward", drawn(view.y[:, view.role == BACKWARD]), CLICK_COLOR, 3, "dot", 1
                )
            )
        layers = PlaneLayers(
            window=window,
            names=names,
            trajectories=tuple(sets),
            arrows=arrows(spec, window, t=field_t) if field_style == "arrows" else None,
            streamlets=field_lines(spec, window, t=field_t) if field_style == "streamlines" else None,
            nullclines=nullclines(spec, window, t=field_t) if show_nullclines else None,
            fixed_points=wrap_points(points, wrap) if points else (),
            click_targets=48 if dim == 2 else 0,
            starts=tuple(starts),
            dims=projection,
        )
        version = st.session_state.setdefault(CHART_VERSION, 0)
        chart_key = f"phase.plane.{version}"

        def take_click(key: str = chart_key) -> None:
            """Turn a clicked point into a new start; a fresh chart key then clears the selection."""
            new = clicked_point(st.session_state.get(key))
            if new is not None:
                st.session_state[starts_key] = (*st.session_state[starts_key], new)[-MAX_STARTS:]
                st.session_state[CHART_VERSION] += 1

        # On a projector the plane ends above the fold (it starts ~282 px down a 1280x720 screen), its legend
        # beside it in the wide page's spare width.
        presenting = presenter_mode()
        show_figure(
            figure_spec(
                phase_plane_figure,
                layers,
                height=PRESENTER_PLANE_HEIGHT if presenting else PLANE_HEIGHT,
                legend_beside=presenting,
            ),
            key=chart_key,
            on_select=take_click if dim == 2 else "ignore",
            selection_mode=("points",),
            presenter_min_height=PRESENTER_PLANE_HEIGHT,
        )
        left, right = st.columns([3, 1])
        left.caption(
            SOURCE_NOTES.get(system_key, "")
            * (seed_kind == "source" and method == "rk4" and (h, t1) == (defaults.step_size, defaults.t1))
            + batch_summary(view.role)
            + f" in one batched solve: {view.steps} steps of "
            f"{METHODS[method].label} with h = {h:g}, {view.nfe:,} evaluations of f, {view.wall_ms:.0f} ms. "
            + (
                f"{view.stopped} of them left the window far behind (over {cfg.escape:g} window widths away) "
                "or met a point where f is undefined, and were followed no further. "
                if view.stopped
                else ""
            )
            + (
                "f changes with t: the field"
                + (" and nullclines are" if show_nullclines else " is")
                + f" drawn as at t = {field_t:g} (move “Field drawn at t” under Picture to redraw it at "
                "another time), while the trajectories follow it as it changes. "
                if dim == 2 and (field_style != "none" or show_nullclines) and not autonomous(spec, window)
                else ""
            )
            + (
                "Click the plane to start a trajectory there (forward solid, backward dotted)."
                if dim == 2
                else ""
            )
        )
        # On a projector only once there is something to clear: a greyed button is clutter there.
        if (starts or not presenting) and right.button(
            "Clear my trajectories", icon=":material/delete:", disabled=not starts, key="phase.clear"
        ):
            st.session_state[starts_key] = ()
            st.rerun()

with tab_fixed:
    if tab_fixed.open:
        fixed_points_tab(spec, window, wrap, dim)

with tab_flow:
    if tab_flow.open:
        flow_tab(spec, window, cfg, wrap, names, t1, dim, projection)

with tab_3d:
    if tab_3d.open and view is not None:
        three_d_tab(view, names, points, system_key, links, drawn, dim)

with tab_maths:
    if tab_maths.open:
        maths_tab(system, system_key, names, equations, params)

page.finish(
    "Every control, and every trajectory you start with a click, is part of the link: copy the URL to share this view."
)
