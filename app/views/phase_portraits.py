"""Phase portraits: library systems, linear systems by type, and equations you type; the vector field,
nullclines, classified fixed points, trajectories started by a click, a flowing cloud and 3-D views."""

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from cached.phase import (
    BACKWARD,
    FORWARD,
    PORTRAIT,
    STABLE,
    UNSTABLE,
    arrows,
    cloud,
    field_lines,
    fixed_points,
    nullclines,
    trajectories,
)
from components.fixed_point_figures import (
    STABLE_COLOR,
    UNSTABLE_COLOR,
    format_complex,
    trace_determinant_figure,
)
from components.phase_figures import (
    CLICK_COLOR,
    PlaneLayers,
    TrajectorySet,
    flow_animation_figure,
    phase_plane_figure,
    trajectories_3d_figure,
)
from kit.chrome import presenter_mode
from kit.figures import show_figure
from kit.links import BadValue, PageLinks, parse_choice
from models.ode.solve import METHODS
from models.phase.fixed_points import FixedPoint
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

MAX_EXPRESSION = 300
MAX_STARTS = 20
SYSTEM_LABELS = {k: SYSTEMS[k].name for k in PRESETS} | {
    LINEAR: "Linear system (by type or matrix)",
    CUSTOM: "Your own equations",
}
SEED_LABELS = {"source": "the sources' initial values", "grid": "a grid", "random": "random points"}
FIELD_LABELS = {"streamlines": "short streamlines", "arrows": "arrows", "none": "none"}
PROJECTIONS = {"xy": (0, 1), "xz": (0, 2), "yz": (1, 2)}
CHART_VERSION = "phase.__plane_version"
SOURCE_NOTES = {
    "pendulum": "The sources' portrait: 99 initial values (5i, −i) for i in linspace(−2, 2, 99), RK4, h = 0.1, "
    "70 steps. ",
    "lotka_volterra": "The sources' portrait: 20 initial values (i, i) for i in linspace(0, 1, 20), RK4, h = 0.01, "
    "1000 steps. ",
}


def parse_expression(raw: str) -> str:
    if len(raw) > MAX_EXPRESSION:
        raise BadValue(f"longer than {MAX_EXPRESSION} characters")
    return raw


def parse_starts(raw: str) -> tuple[tuple[float, ...], ...]:
    """`x,y;x,y;...`: at most MAX_STARTS finite points of two coordinates."""
    points = []
    for item in [s for s in raw.split(";") if s][:MAX_STARTS]:
        try:
            values = tuple(float(v) for v in item.split(","))
        except ValueError:
            raise BadValue("not a list of points x,y;x,y") from None
        if len(values) != 2 or not all(math.isfinite(v) and abs(v) <= 1e4 for v in values):
            raise BadValue("not a list of points x,y;x,y")
        points.append(values)
    return tuple(points)


def encode_starts(points: tuple[tuple[float, ...], ...]) -> str:
    return ";".join(",".join(f"{v:.4g}" for v in p) for p in points)


def batch_summary(role: np.ndarray) -> str:
    """What the rows of a view's batch are, in words."""
    parts = [f"{int((role == PORTRAIT).sum())} trajectories"]
    if (role == UNSTABLE).any():
        parts.append(f"{int(((role == UNSTABLE) | (role == STABLE)).sum())} separatrices")
    if (role == FORWARD).any():
        parts.append(f"{int((role == FORWARD).sum())} of yours (both ways)")
    return ", ".join(parts)


def wrap_points(points: tuple[FixedPoint, ...], wrap: bool) -> tuple[FixedPoint, ...]:
    """Fixed points with θ wrapped to (−π, π]; the copies at −π and π become one."""
    if not wrap:
        return points
    seen, out = set(), []
    for p in points:
        theta = p.point[0] - 2 * math.pi * math.ceil((p.point[0] - math.pi) / (2 * math.pi))
        moved = replace(p, point=(theta, *p.point[1:]))
        where = tuple(round(v, 6) for v in moved.point)
        if where not in seen:
            seen.add(where)
            out.append(moved)
    return tuple(out)


links = PageLinks("phase")
st.title("Phase portraits")
st.caption(
    "A phase portrait draws many solutions of dy/dt = f(y) at once, one curve per initial value, over the "
    "vector field that moves them. Pick a system, or type your own; click anywhere on the plane to start a "
    "trajectory there."
)
link_notes = st.container()

# A link that carries dx= is a shared custom system: it selects "Your own equations".
if links.key("system") not in st.session_state and "dx" in st.query_params:
    st.session_state[links.key("system")] = CUSTOM

# --- controls -----------------------------------------------------------------------------------------
with st.sidebar:
    st.header("System")
    system_key = links.selectbox(
        "System", "system", [*PRESETS, LINEAR, CUSTOM], "pendulum", labels=SYSTEM_LABELS
    )
    linear_type, equations = "saddle", ()
    if system_key == LINEAR:
        linear_type = links.selectbox(
            "Type of fixed point",
            "type",
            list(LINEAR_TYPES),
            "saddle",
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
    except ExpressionError as err:
        system, problem = None, str(err)

    params: tuple[tuple[str, float], ...] = ()
    if system is not None and system.params:
        scope = f"linear.{linear_type}" if system_key == LINEAR else system_key
        params = tuple(
            (
                p.name,
                float(
                    links.slider(
                        p.label or p.name,
                        f"p_{p.name}" if system_key == CUSTOM else p.name,
                        float(p.low),
                        float(p.high),
                        float(p.default),
                        step=0.05 if system_key == CUSTOM else None,
                        scope=scope,
                    )
                ),
            )
            for p in system.params
        )

    if system is not None:
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
            "rk4",
            labels={k: METHODS[k].label for k in PORTRAIT_METHODS},
        )
        h = float(
            links.number(
                "Step size h", "h", 0.001, 1.0, defaults.step_size, step=0.01, format="%.3f", scope=system_key
            )
        )
        t1 = float(links.number("Time span", "t1", 0.1, 500.0, defaults.t1, step=1.0, scope=system_key))
        backward = links.toggle("Also backward in time", "back", False)

        st.header("Picture")
        wrap = system_key in ANGULAR and links.toggle(
            "Wrap θ to (−π, π]", "wrap", False, help="θ is an angle: phase space is the cylinder S¹ × ℝ."
        )
        field_style, show_nullclines = "none", False
        if dim == 2:
            field_style = links.selectbox(
                "Vector field", "field", list(FIELD_LABELS), "streamlines", labels=FIELD_LABELS
            )
            show_nullclines = links.toggle("Nullclines", "nullclines", True)
        show_fixed = links.toggle("Fixed points and separatrices", "fixed", True)
        projection = PROJECTIONS["xy"]
        if dim == 3:
            projection = PROJECTIONS[
                links.selectbox(
                    "Plane shown",
                    "proj",
                    list(PROJECTIONS),
                    "xz",
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

starts_key = links.initial("starts", (), parse_starts, encode=encode_starts, scope=system_key)

# --- page body -------------------------------------------------------------------------------------------
if problem is not None:
    st.error(problem, icon=":material/function:")
else:
    spec = SystemSpec(system_key, params, equations, linear_type)
    cfg = PortraitConfig(method=method, step_size=h, t1=t1)
    seeds = SeedConfig(seed_kind, count)
    points = fixed_points(spec, window) if show_fixed else None
    names = system.state_names
    starts = st.session_state[starts_key] if dim == 2 else ()
    view = trajectories(spec, seeds, cfg, window, backward, show_fixed, starts)
    if isinstance(view, str):
        st.error(view, icon=":material/block:")
    else:
        if view.message:
            st.error(f"{view.message}. The part computed before is drawn.", icon=":material/timer:")
    if dim == 2 and not arrows(spec, window).defined:
        st.error(
            "f is not finite anywhere in this window (a division by zero?), so there is nothing to draw; "
            "change the equations or the window.",
            icon=":material/function:",
        )

    tab_plane, tab_fixed, tab_flow, tab_3d, tab_maths = links.tabs(
        ["Phase plane", "Fixed points", "Flow", "3-D", "The maths"]
    )

    def drawn(y: np.ndarray) -> np.ndarray:
        return wrap_angles(y) if wrap else y

    with tab_plane:
        if tab_plane.open and not isinstance(view, str):
            portrait = view.y[:, view.role == PORTRAIT]
            sets = [
                TrajectorySet("trajectories", drawn(portrait), width=1.5 if portrait.shape[1] <= 60 else 1.1)
            ]
            if (view.role == UNSTABLE).any():
                # Stable drawn wide under unstable: where they coincide (a heteroclinic orbit) both show.
                sets.append(
                    TrajectorySet(
                        "stable separatrices", drawn(view.y[:, view.role == STABLE]), STABLE_COLOR, 4.5
                    )
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
                arrows=arrows(spec, window) if field_style == "arrows" else None,
                streamlets=field_lines(spec, window) if field_style == "streamlines" else None,
                nullclines=nullclines(spec, window) if show_nullclines else None,
                fixed_points=wrap_points(points, wrap) if points else (),
                click_targets=48 if dim == 2 else 0,
                starts=tuple(starts),
                dims=projection,
            )
            version = st.session_state.setdefault(CHART_VERSION, 0)
            chart_key = f"phase.plane.{version}"

            def take_click(key: str = chart_key) -> None:
                """Turn a clicked point into a new start; a fresh chart key then clears the selection."""
                chosen = (st.session_state.get(key) or {}).get("selection", {}).get("points", [])
                new = [
                    (float(p["x"]), float(p["y"]))
                    for p in chosen
                    if isinstance(p.get("x"), int | float) and isinstance(p.get("y"), int | float)
                ]
                if new:
                    st.session_state[starts_key] = (tuple(st.session_state[starts_key]) + tuple(new[:1]))[
                        -MAX_STARTS:
                    ]
                    st.session_state[CHART_VERSION] += 1

            show_figure(
                phase_plane_figure(layers),
                key=chart_key,
                on_select=take_click if dim == 2 else "ignore",
                selection_mode=("points",),
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
                    "Click the plane to start a trajectory there (forward solid, backward dotted)."
                    if dim == 2
                    else ""
                )
            )
            if right.button(
                "Clear my trajectories", icon=":material/delete:", disabled=not starts, key="phase.clear"
            ):
                st.session_state[starts_key] = ()
                st.rerun()

    with tab_fixed:
        if tab_fixed.open:
            found = fixed_points(spec, window)
            if found is None:
                st.info(
                    "This field changes with t, so points where it vanishes do not stay fixed: there are no fixed "
                    "points to classify. Set the forcing to zero to see them.",
                    icon=":material/schedule:",
                )
            elif not found:
                st.info("Newton's method found no fixed point in this window.", icon=":material/search_off:")
            else:
                shown = wrap_points(found, wrap)
                rows = [
                    {
                        "point": "(" + ", ".join(f"{v:.4g}" for v in p.point) + ")",
                        "type": p.kind,
                        "eigenvalues": ",  ".join(format_complex(v, 4) for v in p.eigenvalues),
                    }
                    | (
                        {"trace": round(p.trace, 4), "determinant": round(p.determinant, 4)}
                        if dim == 2
                        else {}
                    )
                    for p in shown
                ]
                left, right = st.columns([3, 2]) if dim == 2 else (st.container(), None)
                with left:
                    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
                    st.markdown(
                        f"**{len(shown)} fixed point{'s' if len(shown) != 1 else ''}** found by Newton's method from "
                        f"a grid of starting guesses all at once, with Jacobians from autograd. Each is classified by "
                        "the eigenvalues λ of its Jacobian: real parts of opposite signs make a **saddle**; all "
                        "negative, a **stable** node (real λ) or spiral (complex λ); all positive, an **unstable** "
                        "one; purely imaginary λ, a **centre** of the linearisation (a nonlinear term can still "
                        "make it a slow spiral)."
                    )
                    if any(p.kind == "non-hyperbolic" for p in shown):
                        st.caption(
                            "Non-hyperbolic: an eigenvalue has zero real part, so the linearisation does not decide "
                            "the type (for a line of fixed points, no point is isolated)."
                        )
                if right is not None:
                    with right:
                        show_figure(trace_determinant_figure(shown), key="phase.tracedet")
                        st.caption(
                            "A planar fixed point's type depends only on the trace τ and determinant Δ of J."
                        )

    with tab_flow:
        if tab_flow.open:
            moving = cloud(spec, window, cfg)
            if isinstance(moving, str):
                st.error(moving, icon=":material/block:")
            else:
                if moving.message:
                    st.error(
                        f"{moving.message}. The part computed before is animated.", icon=":material/timer:"
                    )
                points_drawn = moving.points
                if wrap:
                    points_drawn = points_drawn.copy()
                    theta = points_drawn[..., 0]
                    points_drawn[..., 0] = theta - 2 * np.pi * np.ceil((theta - np.pi) / (2 * np.pi))
                show_figure(
                    flow_animation_figure(
                        window,
                        names,
                        moving.times,
                        points_drawn,
                        moving.colors,
                        arrows(spec, window, 15) if dim == 2 else None,
                        projection,
                    ),
                    key="phase.flow",
                )
                st.caption(
                    f"{points_drawn.shape[1]} points carried by the flow over [0, {t1:g}] (press Play, or drag the "
                    "time slider). Each keeps its colour, so you can see where the flow stretches, folds and "
                    "gathers the plane: a flow map is a smooth, invertible deformation, so the cloud never tears."
                )

    with tab_3d:
        if tab_3d.open and not isinstance(view, str):
            # At most about 80 curves: a 3-D scene with hundreds of lines is slow to turn and hard to read.
            rows = np.flatnonzero(view.role == PORTRAIT)
            rows = rows[:: max(1, len(rows) // 80)]
            curves = view.y[:, rows]
            if dim == 3:
                show_figure(
                    trajectories_3d_figure(curves, names, points or (), color_by=view.t), key="phase.3d"
                )
                st.caption(
                    "Drag to rotate. Colour is time. Fixed points are marked; near the Lorenz attractor every "
                    "trajectory winds around the two outer ones, flipping between them unpredictably."
                )
            else:
                cylinder = system_key in ANGULAR and links.toggle("Draw on the cylinder", "cylinder", False)
                if cylinder:
                    theta, mom = curves[..., 0], curves[..., 1]
                    show_figure(
                        trajectories_3d_figure(
                            np.stack((np.cos(theta), np.sin(theta), mom), axis=-1),
                            ("cos θ", "sin θ", names[1]),
                            cylinder=True,
                        ),
                        key="phase.cylinder_chart",
                    )
                    st.caption(
                        "θ is an angle, so the phase space of the pendulum is a cylinder: rotations (whirling "
                        "over the top) are closed loops around it, oscillations are loops on one side."
                    )
                else:
                    times = view.t[:, None] * view.direction[rows][None, :]
                    lifted = np.concatenate((curves, times[..., None]), axis=-1)
                    show_figure(
                        trajectories_3d_figure(drawn(lifted), (*names, "t"), color_by=None), key="phase.xyt"
                    )
                    st.caption(
                        "Each solution is a curve through (x, y, t); the phase portrait is its shadow on the floor. "
                        "Curves never cross in this space, because a solution is fixed by where it is at a time."
                    )

    with tab_maths:
        if tab_maths.open:
            st.markdown(f"**{system.name}**")
            if system_key == CUSTOM:
                st.code(
                    "\n".join(f"d{v}/dt = {text}" for v, text in zip(names, equations, strict=True)),
                    language=None,
                )
            else:
                st.latex(system.equations)
            if system_key == LINEAR:
                (a, b), (c, d) = ((params[0][1], params[1][1]), (params[2][1], params[3][1]))
                st.latex(rf"A = \begin{{pmatrix}} {a:g} & {b:g} \\ {c:g} & {d:g} \end{{pmatrix}}")
            if system.note:
                st.caption(system.note)
            st.markdown(
                "Near a fixed point y*, f(y) ≈ J (y − y*) with J the Jacobian, so the portrait nearby looks like "
                "that of the linear system dz/dt = J z, whose solutions are sums of e^{λt} v over the eigenpairs "
                "(λ, v) of J. The signs of the real parts of λ say whether nearby solutions approach or leave; "
                "imaginary parts make them turn. The **nullclines** are the curves where one component of f "
                "vanishes: trajectories cross them vertically or horizontally, and fixed points are where they meet."
            )

if not presenter_mode():
    st.caption(
        "Every control, and every trajectory you start with a click, is part of the link: copy the URL to share this view."
    )
links.finish(link_notes)
