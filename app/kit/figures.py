"""Show a plotly figure with its exports (interactive HTML, CSV) one click away, and an altair chart; in
presenter mode both with their text enlarged for a projector.

A figure goes to the browser as a compact spec (`compact_spec`: float arrays in 32 bits) handed to
st.plotly_chart without a second validation or copy; `figure_spec` builds a view's figure once and shares it
across sessions, so a warm rerun neither rebuilds nor re-validates it.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import plotly.graph_objects as go
import streamlit as st

from components.export import figure_csv, figure_html
from components.style import scale_legend_below
from kit.cache_keys import cache_key
from kit.chrome import presenter_mode
from models.failure import Failure

#: The plotly toolbar keeps its PNG button; the file name says where the picture came from.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "filename": "neural-ode-explorer"},
}
#: In presenter mode the speaker does not zoom or pan from buttons (drag still zooms, a double click resets, a
#: 3-D scene still rotates), and plotly's toolbar would sit over the legends at the top of every chart: it is
#: hidden. Streamlit's own full-screen button stays, shown at all times by the presenter CSS.
PRESENTER_PLOTLY_CONFIG = {**PLOTLY_CONFIG, "displayModeBar": False}
#: Chart text on a projector, as a multiple of its laptop size: ticks, legends and titles read from the back.
#: Streamlit's chart theme overwrites a figure's font sizes with its own (12 px ticks and legends), so in
#: presenter mode figures are drawn without it, in their own template, with these sizes and the page's font.
PRESENTER_FONT_SCALE = 1.6
PAGE_FONT = '"Source Sans", "Source Sans Pro", sans-serif'
#: plotly.js's own sizes for text that names none: most text inherits the layout font (12 px), hover
#: labels have theirs (13 px).
PLOTLY_FONT_SIZE = 12
PLOTLY_HOVER_FONT_SIZE = 13
#: With text 1.6x larger, a lower figure has no room for a long axis title beside its plot area.
PRESENTER_MIN_HEIGHT = 440
#: A figure with a 3-D scene is this tall in presenter mode, whatever its laptop height: plotly fits a scene to
#: its box's height, and a tab's first chart starts 260-290 px down the page, so a taller one ran past a 720 px
#: fold (the Solver lab's 640 px scene from 260 px lost its floor's front tick labels, tour step 2). 434 ends
#: the NODE vs ANODE lab's 3-D tabs, which start lower (282 px, under its numbers' caption), at 716 px.
PRESENTER_SCENE_HEIGHT = 434
#: Under a 3-D scene (no axis text there), in presenter mode: a gap, then one row of 1.6x legend entries
#: (a projector's page is wide; its height is what is short), then a margin under them.
PRESENTER_SCENE_LEGEND_GAP = 10
PRESENTER_SCENE_LEGEND_ROW = 38
PRESENTER_SCENE_LEGEND_FOOT = 10
#: At most this many tick labels along each 3-D axis in presenter mode.
PRESENTER_SCENE_TICKS = 5
#: plotly.js (gl-axes) draws a 3-D axis's tick labels at size * size / 12 px, its title at size px: a 22 px
#: layout font gave 42 px ticks under 22 px titles. In presenter mode a scene's ticks are set to the size that
#: draws them at the intended size, and its titles this many times larger, so that a title reads as one.
SCENE_TICK_UNIT = 12
PRESENTER_SCENE_TITLE_SCALE = 1.25
#: (label, builder, file ending, MIME type, icon) of each export offered beside a figure.
EXPORTS: tuple[tuple[str, Callable[[go.Figure], str], str, str, str], ...] = (
    ("Interactive HTML", figure_html, "html", "text/html", ":material/html:"),
    ("Data (CSV)", figure_csv, "csv", "text/csv", ":material/table:"),
)
#: Distinct views whose finished figures are kept, across sessions (a spec is at most a few hundred kB).
FIGURE_CACHE_ENTRIES = 64
#: A float array goes to the browser in 32 bits when every value keeps this relative accuracy (float32
#: keeps about 6e-8; an array with values beyond its range or below its normal numbers keeps 64 bits).
COMPACT_RTOL = 1e-6


@dataclass(frozen=True)
class FigureSpec:
    """A finished figure as plotly's JSON-ready dict (arrays compacted): what `figure_spec` shares."""

    spec: dict[str, Any]

    def figure(self) -> go.Figure:
        """The spec as a plotly figure (for the exports, built only when one is clicked)."""
        return go.Figure(self.spec, skip_invalid=True)


Shown = go.Figure | FigureSpec


def figure_spec(
    build: Callable[..., go.Figure | Failure], *args: Hashable, **kwargs: Hashable
) -> FigureSpec | Failure:
    """`build(*args, **kwargs)` finished and compacted, made once per distinct (build, arguments) and shared
    by every session in a bounded cache. `build` is a module-level builder (components/, or a cached view's
    function); the arguments are what the view is made of (configs, cached arrays). Where `build` gives a
    Failure instead (a cached view's function), that, kept nowhere."""
    name = f"{build.__module__}.{build.__qualname__}"
    ordered = tuple(sorted(kwargs.items()))
    try:
        return FigureSpec(_built_spec(build, args, ordered, name, cache_key((args, ordered))))
    except _NoFigure as none:
        return none.failure


class _NoFigure(Exception):
    """Raised through the cache, which keeps nothing then, with the Failure a builder gave."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message)
        self.failure = failure


#: Streamlit cannot hash a complex number (a fixed point's eigenvalue): it is hashed as its two parts.
_HASH_FUNCS = {complex: lambda z: (z.real, z.imag)}


@st.cache_data(max_entries=FIGURE_CACHE_ENTRIES, show_spinner=False, hash_funcs=_HASH_FUNCS)
def _built_spec(
    _build: Callable[..., go.Figure | Failure],
    _args: tuple[Hashable, ...],
    _kwargs: tuple[tuple[str, Hashable], ...],
    name: str,
    key: Any,
) -> dict[str, Any]:
    """Keyed on the builder's name (Streamlit does not hash functions) and `cache_key` of its arguments
    (`key`); the arguments themselves are not hashed again."""
    fig = _build(*_args, **dict(_kwargs))
    if isinstance(fig, Failure):
        raise _NoFigure(fig)
    return finished_spec(fig)


def finished_spec(fig: go.Figure) -> dict[str, Any]:
    """`fig` as the dict that goes to the browser: arrays compacted, and its template's trace defaults only
    for the trace types it draws (a template spells out some 25 types, 4 kB that change nothing here)."""
    spec = compact_spec(fig.to_dict())
    template = spec.get("layout", {}).get("template")
    if isinstance(template, dict) and isinstance(template.get("data"), dict):
        traces = spec.get("data", []) + [t for frame in spec.get("frames", []) for t in frame.get("data", [])]
        drawn = {t.get("type", "scatter") for t in traces}
        template["data"] = {kind: value for kind, value in template["data"].items() if kind in drawn}
    return spec


def compact_spec(node: Any) -> Any:
    """`node` (a figure's dict from `fig.to_dict()`, which copies) with every 64-bit float array plotly
    wrote as a typed array (`{"dtype": "f8", "bdata": base64}`, data arrays only) in 32 bits, where that keeps
    COMPACT_RTOL for each value: half the bytes on the wire, the same picture. Changed in place; returned."""
    if isinstance(node, dict):
        if node.get("dtype") == "f8" and isinstance(node.get("bdata"), str):
            return _float32(node)
        for name, value in node.items():
            node[name] = compact_spec(value)
    elif isinstance(node, list):
        for k, value in enumerate(node):
            node[k] = compact_spec(value)
    return node


def _float32(array: dict[str, Any]) -> dict[str, Any]:
    values = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        small = values.astype(np.float32)
        close = np.isclose(small.astype(np.float64), values, rtol=COMPACT_RTOL, atol=0.0, equal_nan=True)
    if not close.all():  # beyond float32's range or below its normal numbers: kept as it was
        return array
    return {**array, "dtype": "f4", "bdata": base64.b64encode(small.tobytes()).decode("ascii")}


class _Finished(go.Figure):
    """A finished spec that st.plotly_chart takes as a figure: it asks a figure for `to_dict()` and gets
    the spec, neither validated again (as a dict would be, the costliest part of a rerun) nor copied.

    Made without plotly's own set-up (7 ms of copying its template into an empty figure): st.plotly_chart
    uses nothing of it but `to_dict`."""

    def __new__(cls, spec: dict[str, Any]) -> _Finished:
        finished = object.__new__(cls)
        object.__setattr__(finished, "_spec", spec)
        return finished

    def __init__(self, spec: dict[str, Any]) -> None:  # set up in __new__
        pass

    def to_dict(self) -> dict[str, Any]:
        return self._spec


def draw_spec(area: Any, spec: dict[str, Any], **kwargs: Any) -> Any:
    """`area.plotly_chart` of a finished spec (kwargs as st.plotly_chart takes them)."""
    return area.plotly_chart(_Finished(spec), **kwargs)


def _spec_of(fig: Shown) -> dict[str, Any]:
    return fig.spec if isinstance(fig, FigureSpec) else finished_spec(fig)


#: Side-by-side figures (the first two columns of a row each with an Export menu) are often of different
#: heights (a legend of more rows): in such a row each column's content fills the column, which stretches to
#: the row's height, and each menu, with what follows it, moves to its column's foot: the menus line up.
_EXPORT = '[class*="st-key-export_"]'
_SIDE_BY_SIDE = (
    f'[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"]:nth-child(1) {_EXPORT})'
    f':has(> [data-testid="stColumn"]:nth-child(2) {_EXPORT}) > [data-testid="stColumn"]'
)
EXPORT_ROW_CSS = f"""<style>
{_SIDE_BY_SIDE} {{ display: flex; flex-direction: column; }}
{_SIDE_BY_SIDE} > [data-testid="stVerticalBlock"] {{ flex: 1 1 auto; }}
{_SIDE_BY_SIDE} > [data-testid="stVerticalBlock"] > [data-testid="stLayoutWrapper"]:has(> {_EXPORT}) {{
  margin-top: auto; }}
</style>"""


def show_figure(
    fig: Shown,
    key: str,
    name: str | None = None,
    on_select: Callable[[], None] | str = "ignore",
    selection_mode: tuple[str, ...] = ("points", "box", "lasso"),
    presenter_min_height: int = PRESENTER_MIN_HEIGHT,
) -> Any:
    """Draw `fig` (a figure, or a shared `figure_spec`); outside presenter mode, offer its HTML and CSV
    under a small Export menu, in presenter mode draw `presenter_figure(fig, presenter_min_height)` without
    plotly's toolbar (a lower floor for a figure laid out to end above a projector's fold).

    The exports are built only when clicked (deferred download data), so they cost nothing per rerun.
    `on_select` / `selection_mode` pass through to `st.plotly_chart`; its return value is returned.
    """
    if presenter_mode():
        return draw_spec(
            st,
            presenter_figure(fig, presenter_min_height),
            key=key,
            config=PRESENTER_PLOTLY_CONFIG,
            theme=None,
            on_select=on_select,
            selection_mode=selection_mode,
        )
    event = draw_spec(
        st, _spec_of(fig), key=key, config=PLOTLY_CONFIG, on_select=on_select, selection_mode=selection_mode
    )
    full = fig.figure if isinstance(fig, FigureSpec) else lambda: fig
    stem = name or key
    st.html(EXPORT_ROW_CSS)  # style only: it takes no room on the page
    with st.container(key=f"export_{key}"), st.popover("Export", icon=":material/download:"):
        for label, build, ending, mime, icon in EXPORTS:
            st.download_button(
                label,
                data=lambda build=build: build(full()),
                file_name=f"{stem}.{ending}",
                mime=mime,
                on_click="ignore",
                key=f"{key}.{ending}",
                icon=icon,
            )
    return event


def show_live_figure(area: Any, fig: Shown, key: str) -> Any:
    """Draw `fig` into a live-training placeholder `area` (one element, so no Export menu), presenter-sized
    in presenter mode as `show_figure` draws it."""
    if presenter_mode():
        return draw_spec(area, presenter_figure(fig), key=key, config=PRESENTER_PLOTLY_CONFIG, theme=None)
    return draw_spec(area, _spec_of(fig), key=key, config=PLOTLY_CONFIG)


def presenter_figure(fig: Shown, min_height: int = PRESENTER_MIN_HEIGHT) -> dict[str, Any]:
    """A copy of `fig` (as plotly's JSON) for a projector: every font PRESENTER_FONT_SCALE times larger.

    The layout's font and every size set explicitly anywhere (axis titles and ticks, legend, annotations,
    colour bars, text on traces, 3-D scenes, animation frames) scale alike; axes make room for their larger
    labels, and a figure lower than `min_height` grows. A figure with a 3-D scene is PRESENTER_SCENE_HEIGHT tall
    instead (`scene_fitted`). `fig` itself, often shared through a cache, is left as it is (a shared spec's
    containers are copied; its arrays, never written, are not).
    """
    spec = _containers_copied(fig.spec) if isinstance(fig, FigureSpec) else finished_spec(fig)
    _scale_fonts(spec)
    layout = spec.setdefault("layout", {})
    font = layout.get("font", {})
    layout["font"] = {"family": PAGE_FONT, **font, "size": _size(font, PLOTLY_FONT_SIZE)}
    hover_font = layout.setdefault("hoverlabel", {}).setdefault("font", {})
    hover_font.setdefault("size", PLOTLY_HOVER_FONT_SIZE * PRESENTER_FONT_SCALE)
    if any(name.startswith("scene") for name in layout):
        scene_fitted(layout)
    else:
        layout["height"] = max(layout.get("height") or 0, min_height)
        scale_legend_below(layout, PRESENTER_FONT_SCALE)
    for name, value in list(layout.items()):
        if name.startswith(("xaxis", "yaxis")) and isinstance(value, dict):
            value.setdefault("automargin", True)
        elif name.startswith("scene") and isinstance(value, dict):
            # 1.6x tick labels at plotly's default density run into each other along a 3-D axis.
            for axis in ("xaxis", "yaxis", "zaxis"):
                settings = value.setdefault(axis, {})
                settings.setdefault("nticks", PRESENTER_SCENE_TICKS)
                _scene_text_sized(settings, layout["font"]["size"])
    return spec


def scene_fitted(layout: dict[str, Any]) -> None:
    """In a 3-D figure's JSON `layout`, for a projector: PRESENTER_SCENE_HEIGHT tall, and a legend that
    `legend_below` put under the plot in one row just under it, so that the scene keeps the rest of the height.
    A legend elsewhere (on top, or none) and the top margin are left as they are."""
    layout["height"] = PRESENTER_SCENE_HEIGHT
    legend, margin = layout.get("legend", {}), layout.setdefault("margin", {})
    y = legend.get("y")
    if legend.get("yanchor") != "top" or not isinstance(y, int | float) or y >= 0:
        return
    margin["b"] = PRESENTER_SCENE_LEGEND_GAP + PRESENTER_SCENE_LEGEND_ROW + PRESENTER_SCENE_LEGEND_FOOT
    top = margin.get("t")
    plot = PRESENTER_SCENE_HEIGHT - margin["b"] - (top if isinstance(top, int | float) else 100)
    legend["y"] = -PRESENTER_SCENE_LEGEND_GAP / plot


def _scene_text_sized(axis: dict[str, Any], font_size: float) -> None:
    """Size a 3-D axis's tick labels and title for a projector: ticks drawn at their own size (the layout's
    `font_size` unless the axis sets one), the title PRESENTER_SCENE_TITLE_SCALE times that or its own."""
    tickfont = dict(axis.get("tickfont", {}))
    drawn = tickfont.get("size") or font_size
    tickfont["size"] = (SCENE_TICK_UNIT * drawn) ** 0.5
    axis["tickfont"] = tickfont
    title = axis.get("title")
    title = {"text": title} if isinstance(title, str) else dict(title or {})
    font = dict(title.get("font", {}))
    font["size"] = max(font.get("size") or 0, drawn * PRESENTER_SCENE_TITLE_SCALE)
    axis["title"] = {**title, "font": font}


def _containers_copied(node: Any) -> Any:
    if isinstance(node, dict):
        return {name: _containers_copied(value) for name, value in node.items()}
    if isinstance(node, list):
        return [_containers_copied(value) for value in node]
    return node


def _size(font: dict[str, Any], default: float) -> float:
    size = font.get("size")
    return size if isinstance(size, int | float) else default * PRESENTER_FONT_SCALE


def _scale_fonts(node: Any) -> None:
    """Scale, in place, the size of every font object (a dict under a key ending in "font") in `node`."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name.endswith("font") and isinstance(value, dict):
                size = value.get("size")
                if isinstance(size, int | float):
                    value["size"] = size * PRESENTER_FONT_SCALE
                elif isinstance(size, list):  # one size per point (text on a scatter)
                    value["size"] = [v * PRESENTER_FONT_SCALE for v in size]
            _scale_fonts(value)
    elif isinstance(node, list | tuple):
        for value in node:
            _scale_fonts(value)


#: Vega-Lite's own sizes for text a chart names none for, per config block and property; a chart's own sizes
#: and these alike are scaled by PRESENTER_FONT_SCALE in presenter mode.
VEGA_FONT_SIZES: dict[str, dict[str, float]] = {
    "axis": {"labelFontSize": 10, "titleFontSize": 11},
    "legend": {"labelFontSize": 10, "titleFontSize": 11},
    "header": {"labelFontSize": 10, "titleFontSize": 11},
    "title": {"fontSize": 13, "subtitleFontSize": 12},
    "text": {"fontSize": 11},
}


def show_chart(
    chart: alt.TopLevelMixin, key: str | None = None, width: str | None = None, area: Any = st
) -> Any:
    """Draw an altair chart in `area` (a container or placeholder, the page by default); `width` as
    st.altair_chart takes it, or its own default. In presenter mode `presenter_chart(chart)`, without
    Streamlit's chart theme, which would put its own small sizes back."""
    size = {} if width is None else {"width": width}
    if presenter_mode():
        return area.altair_chart(presenter_chart(chart), key=key, theme=None, **size)
    return area.altair_chart(chart, key=key, **size)


def presenter_chart(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """A copy of `chart` whose axis, legend, header, title and text sizes are PRESENTER_FONT_SCALE times its
    own (or Vega-Lite's defaults); `chart`, possibly cached and shared, is left as it is."""
    config = chart.config.to_dict() if chart.config is not alt.Undefined else {}
    for block, defaults in VEGA_FONT_SIZES.items():
        own = config.setdefault(block, {})
        for name, default in defaults.items():
            own[name] = own.get(name, default) * PRESENTER_FONT_SCALE
    big = chart.copy(deep=False)
    big.config = alt.Config.from_dict(config)
    return big
