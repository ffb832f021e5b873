"""Link-bound controls that step aside in presenter mode: the value still comes from the link (or the
session's last view), but no widget is drawn, so a projected page shows only what the link set."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from kit.chrome import presenter_mode
from kit.link_values import parse_bool, parse_choice, parse_int
from kit.links import PageLinks


def _value(links: PageLinks, param: str, default: Any, parse) -> Any:
    return st.session_state[links.initial(param, default, parse)]


def choice(
    links: PageLinks, label: str, param: str, options: Sequence[str], *, labels: dict[str, str] | None = None
) -> str:
    """`links.selectbox`, or its linked value alone in presenter mode."""
    if presenter_mode():
        return _value(links, param, None, parse_choice(options))
    return links.selectbox(label, param, options, labels=labels)


def switch(links: PageLinks, label: str, param: str, *, help: str | None = None) -> bool:
    """`links.toggle`, or its linked value alone in presenter mode."""
    if presenter_mode():
        return bool(_value(links, param, None, parse_bool))
    return links.toggle(label, param, help=help)


def whole_slider(
    links: PageLinks, label: str, param: str, low: int, high: int, default: int, *, scope: str | None = None
) -> int:
    """`links.slider` over whole numbers, or its linked value alone in presenter mode."""
    if presenter_mode():
        return int(st.session_state[links.initial(param, default, parse_int(low, high), scope=scope)])
    return int(links.slider(label, param, low, high, default, scope=scope))
