"""Show a plotly figure with its exports (interactive HTML, CSV) one click away."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from components.export import figure_csv, figure_html
from kit.chrome import presenter_mode

#: The plotly toolbar keeps its PNG button; the file name says where the picture came from.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "filename": "neural-ode-explorer"},
}
#: (label, builder, file ending, MIME type, icon) of each export offered beside a figure.
EXPORTS: tuple[tuple[str, Callable[[go.Figure], str], str, str, str], ...] = (
    ("Interactive HTML", figure_html, "html", "text/html", ":material/html:"),
    ("Data (CSV)", figure_csv, "csv", "text/csv", ":material/table:"),
)


def show_figure(
    fig: go.Figure,
    key: str,
    name: str | None = None,
    on_select: Callable[[], None] | str = "ignore",
    selection_mode: tuple[str, ...] = ("points", "box", "lasso"),
) -> Any:
    """Draw `fig`; outside presenter mode, offer its HTML and CSV under a small Export menu.

    The exports are built only when clicked (deferred download data), so they cost nothing per rerun.
    `on_select` / `selection_mode` pass through to `st.plotly_chart`; its return value is returned.
    """
    event = st.plotly_chart(
        fig, key=key, config=PLOTLY_CONFIG, on_select=on_select, selection_mode=selection_mode
    )
    if presenter_mode():
        return event
    stem = name or key
    with st.popover("Export", icon=":material/download:"):
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
