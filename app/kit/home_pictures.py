"""The home page's small pictures, read from app/assets/thumbnails.json (written by
scripts/make_thumbnails.py from each page's opening view).

Reading a file instead of solving keeps the landing page free of torch: a visitor sees it, pictures
included, while the server is still importing the models in the background (kit.warmup).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from kit.figures import finished_spec

THUMBNAIL_FILE = Path(__file__).resolve().parents[1] / "assets" / "thumbnails.json"
FORMAT = 1
TEMPLATE = "plotly_white"
#: The trace types the home-page builders draw (app/cached/thumbnails.py).
TRACE_TYPES = frozenset({"scatter", "heatmap", "contour"})


@st.cache_resource(show_spinner=False)
def thumbnails() -> dict[str, go.Figure]:
    """Page url -> its picture; a missing or unreadable file gives no pictures rather than an error.

    Built once per server process and shared: st.plotly_chart only reads the figure. The file is ours,
    written from valid figures and re-validated by tests/app/test_home_pictures.py, so it is loaded
    without plotly's validation: 0.11 s instead of 0.69 s, on the landing page's first run (cold start).
    A picture whose shape is not what the script writes is skipped.
    """
    try:
        raw = json.loads(THUMBNAIL_FILE.read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("figures"), dict):
        return {}
    template = pio.templates[TEMPLATE]
    figures = {}
    for url, spec in raw["figures"].items():
        if not _well_formed(spec):
            continue
        layout = {k: v for k, v in spec.get("layout", {}).items() if k != "template"}
        fig = go.Figure({"data": spec["data"], "layout": layout}, _validate=False)
        fig.layout.template = template
        figures[url] = fig
    return figures


def _well_formed(spec: object) -> bool:
    return (
        isinstance(spec, dict)
        and isinstance(spec.get("layout", {}), dict)
        and isinstance(spec.get("data"), list)
        and all(isinstance(t, dict) and t.get("type") in TRACE_TYPES for t in spec["data"])
    )


@st.cache_resource(show_spinner=False)
def thumbnail_specs() -> dict[str, dict[str, Any]]:
    """`thumbnails()` as the specs that go to the browser (`kit.figures.finished_spec`: arrays in 32 bits,
    half the landing page's bytes), finished once per process; read only (`kit.figures.draw_spec`)."""
    return {url: finished_spec(fig) for url, fig in thumbnails().items()}
