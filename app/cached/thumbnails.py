"""Small pictures of each page for the home page, built from the pages' own cached results for the
opening view, which each page's view dataclass (`kit.page_views`) gives by its defaults.

Two users: scripts/make_thumbnails.py stores them (compacted) in app/assets/thumbnails.json for the home
page, and kit.warmup calls every builder once at server start, which fills the caches of each page's
opening view before the first visitor opens it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import plotly.graph_objects as go

from cached.latent import checkpoint_dir
from cached.latent import extrapolation as latent_extrapolation
from cached.latent import models as latent_models
from cached.node_anode import MODEL_LABELS, SHIPPED_DATA, data_arrays, preset_ref, regions_view
from cached.phase import PORTRAIT, STABLE, UNSTABLE, fixed_points, trajectories
from cached.solver import reference, trajectory
from components.fixed_point_figures import STABLE_COLOR, UNSTABLE_COLOR
from components.flow_panels import CLASS_COLORS, Coloring
from components.flow_plane_figures import decision_regions_figure
from components.latent_figures import LATENT_COLOR, extrapolation_figure
from components.phase_figures import PlaneLayers, TrajectorySet, phase_plane_figure
from components.solver_figures import phase_figure
from components.style import Curve
from kit.page_views import (
    FlowsView,
    HowTheyLearnView,
    LatentSpiralsView,
    NodeAnodeLabView,
    PhasePortraitsView,
    SolverLabView,
)
from models.failure import Failure
from models.node_anode.analysis import padded_window
from models.ode.solve import FixedStep, SolverConfig
from models.phase.portrait import PortraitConfig, SeedConfig
from models.systems.library import SYSTEMS
from models.systems.spec import Problem, SystemSpec, portrait_defaults

#: A picture 220 pixels high and a third of the page wide draws its lines in fewer points than the page's
#: own chart: within a 1000th of the window, under half a pixel across it.
THUMBNAIL_TOL = 1e-3


def _thumbnail(fig: go.Figure) -> go.Figure:
    # Subplot titles (NODE, ANODE) stand above the plot area: they need a top margin to be seen whole.
    top = 30 if fig.layout.annotations else 10
    fig.update_layout(height=220, margin={"l": 10, "r": 10, "t": top, "b": 10}, showlegend=False)
    fig.update_annotations(font_size=15)
    fig.update_xaxes(showticklabels=False, title_text=None)
    fig.update_yaxes(showticklabels=False, title_text=None)
    return fig


def solver_lab() -> go.Figure:
    opening = SolverLabView()
    problem, spec = Problem(SystemSpec(opening.system)), SYSTEMS[opening.system]
    t, y, _ = reference(problem)
    curves = [Curve("reference", "reference", t, y, dash="dash", layer=1)]  # on top, as on the page
    for method in opening.methods:
        run = trajectory(problem, SolverConfig(method=method, step=FixedStep(spec.step)))
        curves.append(Curve(method, method, run.t, run.y))
    return _thumbnail(phase_figure(curves, spec.state_names))


def phase_portraits() -> go.Figure:
    """The page's opening view without the field: the sources' pendulum portrait and its separatrices."""
    opening = PhasePortraitsView()
    spec, defaults = SystemSpec(opening.system), portrait_defaults(opening.system)
    system = spec.system()
    window = system.window
    view = trajectories(
        spec,
        SeedConfig(defaults.seeds, defaults.count),
        PortraitConfig(method=opening.method, step_size=defaults.step_size, t1=defaults.t1),
        window,
        opening.back,
        opening.fixed,
        opening.starts,
    )
    sets = [TrajectorySet("trajectories", view.y[:, view.role == PORTRAIT], width=1.0)]
    sets += [
        TrajectorySet(label, view.y[:, view.role == role], color, 2.0)
        for label, role, color in (("stable", STABLE, STABLE_COLOR), ("unstable", UNSTABLE, UNSTABLE_COLOR))
    ]
    layers = PlaneLayers(
        window, system.state_names, tuple(sets), fixed_points=fixed_points(spec, window) or ()
    )
    return _thumbnail(phase_plane_figure(layers, tol=THUMBNAIL_TOL))


def node_anode_lab() -> go.Figure:
    """The page's opening view: NODE and ANODE decision regions on half moons (the data alone if the
    shipped models cannot be loaded)."""
    data = NodeAnodeLabView().data
    arrays = data_arrays(SHIPPED_DATA[data])
    grids = []
    for kind in ("node", "anode"):
        ref = preset_ref(kind, data, 2, 2)
        grid = regions_view(ref, padded_window(arrays.x, 0.15), 60) if ref is not None else None
        if grid is not None and not isinstance(grid, Failure):
            grids.append((MODEL_LABELS[kind], grid))
    if not grids:
        colors = [CLASS_COLORS[int(k)] for k in arrays.y]
        fig = go.Figure(
            go.Scatter(x=arrays.x[:, 0], y=arrays.x[:, 1], mode="markers", marker={"color": colors})
        )
        return _thumbnail(fig)
    fig = decision_regions_figure(grids, arrays.x, Coloring(arrays.y.astype(int)))
    fig.update_layout(coloraxis_showscale=False)
    fig.update_traces(marker_size=4, selector={"type": "scatter"})
    return _thumbnail(fig)


def how_they_learn() -> go.Figure:
    """The learning-dynamics view: the shipped linear field fitted to the noisy spiral."""
    from cached.learning import shipped_field_view
    from components.learning_figures import vector_field_figure

    opening = HowTheyLearnView()
    fv = shipped_field_view(opening.system, opening.field, 10_000)  # clamped to the last snapshot
    if fv is None:
        return _thumbnail(go.Figure())
    return _thumbnail(
        vector_field_figure(
            fv.xs, fv.ys, fv.true_values, fv.learned_values, fv.observed, fv.true_path, fv.learned_path
        )
    )


def latent_spirals() -> go.Figure:
    """The page's opening view: the latent ODE continuing a held-out spiral from its first 30 points
    (an empty frame if the shipped models cannot be loaded)."""
    if isinstance(latent_models(), Failure):
        return _thumbnail(go.Figure())
    opening = LatentSpiralsView()
    k = opening.k
    ex = latent_extrapolation(checkpoint_dir(), opening.source, opening.spiral, opening.seed, k)
    fig = extrapolation_figure(
        ex.t, ex.obs, ex.true, k, ex.latent[k:], "latent ODE", LATENT_COLOR, ex.latent[:k]
    )
    fig.update_traces(marker_showscale=False, selector={"mode": "markers"})
    return _thumbnail(fig)


def ode_nets() -> go.Figure:
    """The ODE-Net's class probabilities along t for the first test digit (an empty frame without models)."""
    from cached.images import checkpoint_dir as images_dir
    from cached.images import flow_figures

    figures = flow_figures(images_dir(), 0)
    if isinstance(figures, Failure):
        return _thumbnail(go.Figure())
    # The card names the page; the figure's own title would be clipped at a thumbnail's size.
    return _thumbnail(go.Figure(figures[2]).update_layout(title=None))


def flows() -> go.Figure:
    """The page's opening view: the shipped two-moons CNF's density mid-flow (an empty frame without it)."""
    from cached.flows import checkpoint_dir as flows_dir
    from cached.flows import timelapse
    from components.flow_density_figures import density_figure

    opening = FlowsView()
    lapse = timelapse(flows_dir(), opening.target, False, opening.direction)
    if isinstance(lapse, Failure):
        return _thumbnail(go.Figure())
    return _thumbnail(density_figure(lapse.axis[::2], lapse.density[opening.frame, ::2, ::2]))


THUMBNAILS: dict[str, Callable[[], go.Figure]] = {
    "solver_lab": solver_lab,
    "phase_portraits": phase_portraits,
    "node_anode_lab": node_anode_lab,
    "how_they_learn": how_they_learn,
    "latent_spirals": latent_spirals,
    "ode_nets": ode_nets,
    "flows": flows,
}


def _rounded(value: Any) -> Any:
    """Plotly JSON with arrays as lists of 4-significant-digit numbers: plenty for a 220-pixel picture."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    if isinstance(value, float | np.floating):
        return None if not np.isfinite(value) else float(f"{value:.4g}")
    if isinstance(value, np.integer):
        return int(value)
    return value


def compact_figure(fig: go.Figure) -> dict:
    """`fig` as small JSON-ready plotly data, the template named rather than inlined (saves ~10 KB)."""
    spec = _rounded(fig.to_plotly_json())
    spec.setdefault("layout", {})["template"] = "plotly_white"  # kit.home_pictures.TEMPLATE
    return spec
