"""Link-bound controls that can step aside: the value still comes from the link (or the session's last
view) and stays in the link, but no widget is drawn. By default they step aside in presenter mode, so a
projected page shows only what the link set; a page may also hide controls the open tab does not use."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from kit.chrome import presenter_mode
from kit.link_values import parse_bool, parse_choice, parse_float, parse_int
from kit.links import PageLinks


def _quiet(hidden: bool | None) -> bool:
    return presenter_mode() if hidden is None else hidden


def _value(links: PageLinks, param: str, default: Any, parse: Callable[[str], Any], scope: str | None = None):
    return st.session_state[links.initial(param, default, parse, scope=scope)]


def choice(
    links: PageLinks,
    label: str,
    param: str,
    options: Sequence[str],
    default: str | None = None,
    *,
    labels: dict[str, str] | None = None,
    hidden: bool | None = None,
) -> str:
    """`links.selectbox`, or its linked value alone when `hidden` (None: in presenter mode)."""
    if _quiet(hidden):
        return _value(links, param, default, parse_choice(options))
    return links.selectbox(label, param, options, default, labels=labels)


def switch(
    links: PageLinks, label: str, param: str, *, help: str | None = None, hidden: bool | None = None
) -> bool:
    """`links.toggle`, or its linked value alone when `hidden` (None: in presenter mode)."""
    if _quiet(hidden):
        return bool(_value(links, param, None, parse_bool))
    return links.toggle(label, param, help=help)


def slider(
    links: PageLinks,
    label: str,
    param: str,
    low: float,
    high: float,
    default: float | None = None,
    *,
    step: float | None = None,
    help: str | None = None,
    scope: str | None = None,
    hidden: bool | None = None,
) -> float:
    """`links.slider`, or its linked value alone when `hidden` (None: in presenter mode)."""
    if _quiet(hidden):
        whole = isinstance(low, int) and isinstance(high, int) and (step is None or isinstance(step, int))
        return _value(links, param, default, parse_int(low, high) if whole else parse_float(low, high), scope)
    return links.slider(label, param, low, high, default, step=step, help=help, scope=scope)


def number(
    links: PageLinks,
    label: str,
    param: str,
    low: float,
    high: float,
    *,
    step: float | None = None,
    format: str | None = None,
    hidden: bool | None = None,
) -> float:
    """`links.number`, or its linked value alone when `hidden` (None: in presenter mode)."""
    if _quiet(hidden):
        return float(_value(links, param, float(links.default(param)), parse_float(low, high)))
    return links.number(label, param, low, high, step=step, format=format)
