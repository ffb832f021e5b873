"""Small live pictures of each page for the home page, built from the pages' own cached results."""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go

from cached.solver import reference, trajectory
from components.solver_figures import phase_figure
from components.style import Curve
from models.solve import SolverConfig
from models.systems import Problem


def _thumbnail(fig: go.Figure) -> go.Figure:
    fig.update_layout(height=220, margin={"l": 10, "r": 10, "t": 10, "b": 10}, showlegend=False)
    fig.update_xaxes(showticklabels=False, title_text=None)
    fig.update_yaxes(showticklabels=False, title_text=None)
    return fig


def solver_lab() -> go.Figure:
    problem = Problem()
    t, y, _ = reference(problem)
    curves = [Curve("reference", "reference", t, y, dash="dash")]
    for method in ("euler", "rk4"):
        run = trajectory(problem, SolverConfig(method=method, step_size=0.2))
        curves.append(Curve(method, method, run.t, run.y))
    return _thumbnail(phase_figure(curves, ("x", "y")))


THUMBNAILS: dict[str, Callable[[], go.Figure]] = {"solver_lab": solver_lab}
