"""Show a plotly figure with its exports (interactive HTML, CSV) one click away, and an altair chart; in
presenter mode both with their text enlarged for a projector."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import plotly.graph_objects as go
import streamlit as st

from components.export import figure_csv, figure_html
from kit.chrome import presenter_mode

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
#: plotly fits a 3-D scene to the lower side of its box: on a wide page only a taller box draws it larger.
PRESENTER_SCENE_MIN_HEIGHT = 640
#: At most this many tick labels along each 3-D axis in presenter mode.
PRESENTER_SCENE_TICKS = 5
#: (label, builder, file ending, MIME type, icon) of each export offered beside a figure.
EXPORTS: tuple[tuple[str, Callable[[go.Figure], str], str, str, str], ...] = (
    ("Interactive HTML", figure_html, "html", "text/html", ":material/html:"),
    ("Data (CSV)", figure_csv, "csv", "text/csv", ":material/table:"),
)
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
    fig: go.Figure,
    key: str,
    name: str | None = None,
    on_select: Callable[[], None] | str = "ignore",
    selection_mode: tuple[str, ...] = ("points", "box", "lasso"),
) -> Any:
    """Draw `fig`; outside presenter mode, offer its HTML and CSV under a small Export menu, in presenter
    mode draw `presenter_figure(fig)` without plotly's toolbar.

    The exports are built only when clicked (deferred download data), so they cost nothing per rerun.
    `on_select` / `selection_mode` pass through to `st.plotly_chart`; its return value is returned.
    """
    if presenter_mode():
        return st.plotly_chart(
            presenter_figure(fig),
            key=key,
            config=PRESENTER_PLOTLY_CONFIG,
            theme=None,
            on_select=on_select,
            selection_mode=selection_mode,
        )
    event = st.plotly_chart(
        fig, key=key, config=PLOTLY_CONFIG, on_select=on_select, selection_mode=selection_mode
    )
    stem = name or key
    st.html(EXPORT_ROW_CSS)  # style only: it takes no room on the page
    with st.container(key=f"export_{key}"), st.popover("Export", icon=":material/download:"):
        for label, build, ending, mime, icon in EXPORTS:
            st.download_button(
                label,
                data=lambda build=build: build(fig),
                file_name=f"{stem}.{ending}",
                mime=mime,
                on_click="ignore",
                key=f"{key}.{ending}",
                icon=icon,
            )
    return event


def show_live_figure(area: Any, fig: go.Figure, key: str) -> Any:
    """Draw `fig` into a live-training placeholder `area` (one element, so no Export menu), presenter-sized
    in presenter mode as `show_figure` draws it."""
    if presenter_mode():
        return area.plotly_chart(presenter_figure(fig), key=key, config=PRESENTER_PLOTLY_CONFIG, theme=None)
    return area.plotly_chart(fig, key=key, config=PLOTLY_CONFIG)


def presenter_figure(fig: go.Figure) -> dict[str, Any]:
    """A copy of `fig` (as plotly's JSON) for a projector: every font PRESENTER_FONT_SCALE times larger.

    The layout's font and every size set explicitly anywhere (axis titles and ticks, legend, annotations,
    colour bars, text on traces, 3-D scenes, animation frames) scale alike; axes make room for their larger
    labels, and a low figure grows (a 3-D one more, to use a wide page). `fig` itself, often shared through
    a cache, is left as it is.
    """
    spec = fig.to_dict()
    _scale_fonts(spec)
    layout = spec.setdefault("layout", {})
    font = layout.get("font", {})
    layout["font"] = {"family": PAGE_FONT, **font, "size": _size(font, PLOTLY_FONT_SIZE)}
    hover_font = layout.setdefault("hoverlabel", {}).setdefault("font", {})
    hover_font.setdefault("size", PLOTLY_HOVER_FONT_SIZE * PRESENTER_FONT_SCALE)
    scenes = any(name.startswith("scene") for name in layout)
    low = PRESENTER_SCENE_MIN_HEIGHT if scenes else PRESENTER_MIN_HEIGHT
    layout["height"] = max(layout.get("height") or 0, low)
    for name, value in list(layout.items()):
        if name.startswith(("xaxis", "yaxis")) and isinstance(value, dict):
            value.setdefault("automargin", True)
        elif name.startswith("scene") and isinstance(value, dict):
            # 1.6x tick labels at plotly's default density run into each other along a 3-D axis.
            for axis in ("xaxis", "yaxis", "zaxis"):
                value.setdefault(axis, {}).setdefault("nticks", PRESENTER_SCENE_TICKS)
    return spec


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
