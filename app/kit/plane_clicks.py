"""Clicks on a plotly plane as coordinates: the figure carries a grid of invisible click targets
(components.click_targets), `st.plotly_chart(on_select=...)` reports the clicked one, and the chart is
then drawn under a fresh key, which clears the selection so that the next click reads afresh."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st


def clicked_point(event: Any) -> tuple[float, float] | None:
    """The first selected point's (x, y) of a plotly chart's selection event, or None."""
    chosen = (event or {}).get("selection", {}).get("points", [])
    for p in chosen:
        if isinstance(p.get("x"), int | float) and isinstance(p.get("y"), int | float):
            return float(p["x"]), float(p["y"])
    return None


class PlaneClicks:
    """The chart key of one clickable plane, renewed after each click. Draw the chart with `key` and
    `on_select=clicks.callback(take)`; `take(x, y)` runs once per click, before the page reruns."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._version = f"{name}.__click_version"

    @property
    def key(self) -> str:
        return f"{self.name}.{st.session_state.setdefault(self._version, 0)}"

    def callback(self, take: Callable[[float, float], None]) -> Callable[[], None]:
        key = self.key

        def on_select() -> None:
            point = clicked_point(st.session_state.get(key))
            if point is not None:
                take(*point)
                st.session_state[self._version] += 1

        return on_select
