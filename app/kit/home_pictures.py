"""The home page's small pictures, read from app/assets/thumbnails.json (written by
scripts/make_thumbnails.py from each page's opening view).

Reading a file instead of solving keeps the landing page free of torch: a visitor sees it, pictures
included, while the server is still importing the models in the background (kit.warmup).
"""

from __future__ import annotations

import json
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

THUMBNAIL_FILE = Path(__file__).resolve().parents[1] / "assets" / "thumbnails.json"
FORMAT = 1


@st.cache_resource(show_spinner=False)
def thumbnails() -> dict[str, go.Figure]:
    """Page url -> its picture; a missing or unreadable file gives no pictures rather than an error.

    Built once per server process and shared: st.plotly_chart only reads the figure.
    """
    try:
        raw = json.loads(THUMBNAIL_FILE.read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("figures"), dict):
        return {}
    figures = {}
    for url, spec in raw["figures"].items():
        try:
            figures[url] = go.Figure(spec)
        except (ValueError, TypeError):  # plotly's validation errors: skip that picture only
            continue
    return figures
