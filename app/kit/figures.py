"""Show a plotly figure with its exports (interactive HTML, CSV) one click away."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from components.export import figure_csv, figure_html
from kit.chrome import presenter_mode

#: The plotly toolbar keeps its PNG button; the file name says where the picture came from.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "filename": "neural-ode-explorer"},
}


def show_figure(fig: go.Figure, key: str, name: str | None = None) -> None:
    """Draw `fig`; outside presenter mode, offer its HTML and CSV under a small Export menu.

    The exports are built only when clicked (deferred download data), so they cost nothing per rerun.
    """
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG)
    if presenter_mode():
        return
    stem = name or key
    with st.popover("Export", icon=":material/download:"):
        st.download_button(
            "Interactive HTML",
            data=lambda: figure_html(fig),
            file_name=f"{stem}.html",
            mime="text/html",
            on_click="ignore",
            key=f"{key}.html",
            icon=":material/html:",
        )
        st.download_button(
            "Data (CSV)",
            data=lambda: figure_csv(fig),
            file_name=f"{stem}.csv",
            mime="text/csv",
            on_click="ignore",
            key=f"{key}.csv",
            icon=":material/table:",
        )
