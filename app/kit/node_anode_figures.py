"""The figures of the NODE vs ANODE lab drawn from its models on its data: paths of the shown points,
the 1-D task's outputs and decision regions, with an error line for each model that cannot be solved, and
where each tab puts its figure and its text."""

from collections.abc import Callable
from dataclasses import dataclass

import plotly.graph_objects as go
import streamlit as st

from cached.node_anode import MODEL_LABELS, DataArrays, ModelRef, outputs_view, paths_view, regions_view
from components.flow_panels import Coloring, Panel
from components.flow_path_figures import FLIP_HEIGHT, flip1d_figure
from components.flow_plane_figures import decision_regions_figure
from kit.chrome import presenter_mode
from kit.failure import failed, show_failure
from kit.figures import PRESENTER_MIN_HEIGHT, PRESENTER_SCENE_HEIGHT, figure_spec, show_figure
from models.node_anode.analysis import Window
from models.node_anode.classifiers import ModelConfig

#: In presenter mode a tab's figure is this tall when all of it must be above the fold: the figure starts
#: ~282 px down a 1280x720 projector (305 of 768 at 1024x768) under the tour's banner, the title, the caption
#: and the tabs (tour steps 10, 11 and 12). kit.figures draws every 3-D figure this tall there.
PRESENTER_FOLD_HEIGHT = PRESENTER_SCENE_HEIGHT


def dim_names(kind: str, in_dim: int, cfg: ModelConfig) -> tuple[str, ...]:
    augment = cfg.arch.augment_dim if kind == "anode" else 0
    return tuple(f"z{i}" for i in range(in_dim)) + tuple(f"a{i + 1}" for i in range(augment))


def figure_and_text(wide: bool = False) -> tuple:
    """Where a tab's figure and its side text go: side by side, or in presenter mode the text below the
    figure, which keeps the full width (a narrow text column grows thousands of pixels tall). A `wide`
    figure (two 3-D scenes, each fitted to its box's lower side) always keeps the width, its text below."""
    if wide or presenter_mode():
        return st.container(), st.container()
    return tuple(st.columns([3.2, 1]))


def show_errors(results: dict[str, object]) -> None:
    for kind, result in results.items():
        if failed(result):
            show_failure(result, MODEL_LABELS[kind])


@dataclass(frozen=True)
class ModelFigures:
    """The page's data and models (`refs`, by kind), and the window of the input plane (None in 1-D)."""

    arrays: DataArrays
    refs: dict[str, ModelRef]
    window: Window | None

    def panels_for(self, kinds: list[str], models: dict[str, ModelRef] | None = None) -> dict[str, Panel]:
        """Paths of the shown points for each model that could be solved (the others get an error line)."""
        models = models or self.refs
        results = {k: paths_view(models[k], self.arrays.shown_x, 26) for k in kinds}
        show_errors(results)
        return {
            k: Panel(
                MODEL_LABELS[k],
                r.t,
                r.states,
                dim_names(k, self.arrays.x.shape[1], models[k].cfg),
                r.discrete,
            )
            for k, r in results.items()
            if not failed(r)
        }

    def show_panels(
        self,
        build: Callable[[list[Panel]], go.Figure],
        kinds: list[str],
        key: str,
        name: str,
        models: dict[str, ModelRef] | None = None,
    ) -> bool:
        """Draw `build(panels)` for the models of `kinds` that could be solved; whether it was drawn."""
        panels = self.panels_for(kinds, models)
        if panels:
            show_figure(build(list(panels.values())), key=key, name=name)
        return bool(panels)

    def flip_figure(self, models: dict[str, ModelRef], key: str, name: str) -> dict[str, Panel]:
        """The 1-D task's paths and outputs for `models`, in presenter mode both rows above the fold;
        returns the panels drawn."""
        panels = self.panels_for(list(models), models)
        outputs = {k: outputs_view(models[k], self.arrays.shown_x) for k in panels}
        show_errors(outputs)
        kept = {k: pn for k, pn in panels.items() if not failed(outputs[k])}
        if kept:
            height = PRESENTER_FOLD_HEIGHT if presenter_mode() else FLIP_HEIGHT
            figure = flip1d_figure(
                list(kept.values()), self.arrays.shown_x[:, 0], [outputs[k][:, 0] for k in kept], height
            )
            show_figure(figure, key=key, name=name, presenter_min_height=height)
        return kept

    def regions_figure(
        self,
        models: dict[str, ModelRef],
        key: str,
        name: str,
        resolution: int = 60,
        shared: bool = False,
        presenter_height: int | None = None,
    ) -> None:
        """`shared`: every model is shipped or untrained, so the finished figure may be shared across
        sessions (figure_spec); a visitor's own model's never is. `presenter_height`: in presenter mode the
        figure is built and drawn this tall (below kit.figures' floor), for a view that starts it lower."""
        grids = {k: regions_view(models[k], self.window, resolution) for k in models}
        show_errors(grids)
        good = tuple((MODEL_LABELS[k], g) for k, g in grids.items() if not failed(g))
        if good:
            args = (good, self.arrays.x, Coloring(self.arrays.y.astype(int)))
            floor = PRESENTER_MIN_HEIGHT
            if presenter_height is not None and presenter_mode():
                args, floor = (*args, presenter_height), presenter_height
            figure = figure_spec(decision_regions_figure, *args) if shared else decision_regions_figure(*args)
            show_figure(figure, key=key, name=name, presenter_min_height=floor)
