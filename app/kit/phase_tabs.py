"""Tabs of the Phase portraits page beside the plane: the fixed points with their types, the flowing cloud,
the 3-D views and the maths, each drawn from the view's system, window and solver settings."""

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import streamlit as st

from cached.phase import PORTRAIT, ViewTrajectories, arrows, cloud, fixed_points
from components.fixed_point_figures import format_eigenvalues, trace_determinant_figure
from components.phase_figures import flow_animation_figure, trajectories_3d_figure
from components.style import readable_table
from kit.failure import drawn_part, failed, show_failure
from kit.figures import figure_spec, show_figure
from kit.links import PageLinks
from models.phase.fixed_points import FixedPoint
from models.phase.portrait import PortraitConfig, Window
from models.systems.library import System
from models.systems.spec import ANGULAR, CUSTOM, LINEAR, SystemSpec


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


def fixed_points_tab(spec: SystemSpec, window: Window, wrap: bool, dim: int) -> None:
    """The fixed points in the window, classified, with the trace–determinant plane for a planar system."""
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
                "eigenvalues": format_eigenvalues(p.eigenvalues, 4),
            }
            # Named as the diagram's axes are, short: the table has 3/5 of 1024 px at the presenter scale.
            | ({"trace τ": round(p.trace, 4), "det Δ": round(p.determinant, 4)} if dim == 2 else {})
            for p in shown
        ]
        left, right = st.columns([3, 2]) if dim == 2 else (st.container(), None)
        with left:
            narrow = {name: st.column_config.Column(width="small") for name in ("trace τ", "det Δ")}
            st.dataframe(readable_table(rows), hide_index=True, width="stretch", column_config=narrow)
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
                show_figure(figure_spec(trace_determinant_figure, shown), key="phase.tracedet")
                st.caption("A planar fixed point's type depends only on the trace τ and determinant Δ of J.")


def flow_tab(
    spec: SystemSpec,
    window: Window,
    cfg: PortraitConfig,
    wrap: bool,
    names: tuple[str, ...],
    t1: float,
    dim: int,
    projection: tuple[int, int],
) -> None:
    """A cloud of points carried by the flow, animated."""
    moving = cloud(spec, window, cfg)
    if failed(moving):
        show_failure(moving)
    moving = drawn_part(moving)
    if moving is not None:
        points_drawn = moving.points
        if wrap:
            points_drawn = points_drawn.copy()
            theta = points_drawn[..., 0]
            points_drawn[..., 0] = theta - 2 * np.pi * np.ceil((theta - np.pi) / (2 * np.pi))
        show_figure(
            figure_spec(
                flow_animation_figure,
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


def three_d_tab(
    view: ViewTrajectories,
    names: tuple[str, ...],
    points: tuple[FixedPoint, ...] | None,
    system_key: str,
    links: PageLinks,
    drawn: Callable[[np.ndarray], np.ndarray],
    dim: int,
) -> None:
    """The view's trajectories in 3-D: the state of a 3-D system, else on the cylinder or lifted by t."""
    # At most about 80 curves: a 3-D scene with hundreds of lines is slow to turn and hard to read.
    rows = np.flatnonzero(view.role == PORTRAIT)
    rows = rows[:: max(1, len(rows) // 80)]
    curves = view.y[:, rows]
    if dim == 3:
        show_figure(
            figure_spec(trajectories_3d_figure, curves, names, points or (), color_by=view.t), key="phase.3d"
        )
        st.caption(
            "Drag to rotate. Colour is time. Fixed points are marked; near the Lorenz attractor every "
            "trajectory winds around the two outer ones, flipping between them unpredictably."
        )
    else:
        cylinder = system_key in ANGULAR and links.toggle("Draw on the cylinder", "cylinder")
        if cylinder:
            theta, mom = curves[..., 0], curves[..., 1]
            show_figure(
                figure_spec(
                    trajectories_3d_figure,
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
                figure_spec(trajectories_3d_figure, drawn(lifted), (*names, "t"), color_by=None),
                key="phase.xyt",
            )
            st.caption(
                "Each solution is a curve through (x, y, t); the phase portrait is its shadow on the floor. "
                "Curves never cross in this space, because a solution is fixed by where it is at a time."
            )


def maths_tab(
    system: System,
    system_key: str,
    names: tuple[str, ...],
    equations: tuple[str, ...],
    params: tuple[tuple[str, float], ...],
) -> None:
    """The system's equations and what its linearisation says."""
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
