"""Widgets bound to query parameters, so a copied URL reproduces the view.

A value is read from the URL on the page's first run in a session, and again whenever the page is
entered through a link whose parameters differ from the view this session last showed (a shared link,
a guided-tour step); a bare page URL restores the session's last view. A bad value falls back to the
default and leaves a visible note. After the page has drawn its widgets, `PageLinks.sync()` writes the
current non-default values back, and drops parameters no widget of this run owns (for example the
parameters of a system that is no longer selected). Values are also kept outside the widgets' own state,
which Streamlit discards when a visitor goes to another page, so coming back restores the view.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")

#: Parameters that belong to the whole app rather than a page.
GLOBAL_PARAMS = frozenset({"present", "tour"})
MAX_RAW_LENGTH = 400


class BadValue(ValueError):
    """A query-parameter value that cannot be used."""


def parse_choice(options: Sequence[str]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw not in options:
            raise BadValue(f"not one of {', '.join(options)}")
        return raw

    return parse


def parse_float(low: float, high: float) -> Callable[[str], float]:
    return _parse_number(float, "not a number", low, high, f"[{low:g}, {high:g}]")


def parse_int(low: int, high: int) -> Callable[[str], int]:
    return _parse_number(int, "not a whole number", low, high, f"[{low}, {high}]")


def _parse_number(
    convert: Callable[[str], T], not_one: str, low: T, high: T, bounds: str
) -> Callable[[str], T]:
    """A parser of finite numbers in [low, high]; `not_one` and `bounds` word its two complaints."""

    def parse(raw: str) -> T:
        try:
            value = convert(raw)
        except ValueError:
            raise BadValue(not_one) from None
        # The range first: a huge whole number is out of it, and too large for math.isfinite.
        if not low <= value <= high or not math.isfinite(value):
            raise BadValue(f"outside {bounds}")
        return value

    return parse


def parse_bool(raw: str) -> bool:
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise BadValue("not true or false")


def parse_subset(options: Sequence[str], max_items: int | None = None) -> Callable[[str], list[str]]:
    def parse(raw: str) -> list[str]:
        items = [s for s in raw.split(",") if s]
        bad = [s for s in items if s not in options]
        if bad:
            raise BadValue(f"{bad[0]!r} is not one of {', '.join(options)}")
        if max_items is not None and len(items) > max_items:
            raise BadValue(f"more than {max_items} items")
        return list(dict.fromkeys(items))

    return parse


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


class PageLinks:
    """Binds one page's widgets to query parameters.

    Widget keys are namespaced by page (`"<page>.<param>"`) so pages never share widget state.
    """

    def __init__(self, page: str) -> None:
        self.page = page
        # param -> (default value, how the value is written into the URL, widget key)
        self.bound: dict[str, tuple[Any, Callable[[Any], str], str]] = {}
        self._notes_key = f"{page}.__link_notes"
        self._kept_key = f"{page}.__kept"
        self._opened_key = f"{page}.__opened"
        self._synced_key = f"{page}.__synced"
        linked = {k: st.query_params[k] for k in st.query_params if k not in GLOBAL_PARAMS}
        if linked and linked != st.session_state.get(self._synced_key):
            # Entered through a link to another view: the link wins over the controls this session had
            # (only the bound controls: a page's other state, such as a model trained here, stays).
            bound_keys = list(st.session_state.get(self._kept_key, {}))
            for key in [*bound_keys, self._notes_key, self._kept_key, self._opened_key, self._synced_key]:
                st.session_state.pop(key, None)
        st.session_state.setdefault(self._notes_key, [])
        st.session_state.setdefault(self._kept_key, {})
        st.session_state.setdefault(self._opened_key, False)

    def key(self, param: str, scope: str | None = None) -> str:
        return f"{self.page}.{scope}.{param}" if scope else f"{self.page}.{param}"

    def initial(
        self,
        param: str,
        default: T,
        parse: Callable[[str], T],
        encode: Callable[[Any], str] = format_value,
        scope: str | None = None,
    ) -> str:
        """Seed the widget's session state (kept value, else the URL on first run, else the default).

        `scope` separates widgets that share a URL name but not a meaning (a parameter `alpha` of two
        different systems). Returns the widget key.
        """
        key = self.key(param, scope)
        self.bound[param] = (default, encode, key)
        if key not in st.session_state:
            kept = st.session_state[self._kept_key]
            raw = None if st.session_state[self._opened_key] else st.query_params.get(param)
            value = kept.get(key, default)
            if raw is not None:
                try:
                    if len(raw) > MAX_RAW_LENGTH:
                        raise BadValue("too long")
                    value = parse(raw)
                except BadValue as why:
                    shown = raw if len(raw) <= 40 else raw[:40] + "…"
                    st.session_state[self._notes_key].append(
                        f"Link parameter `{param}={shown}` was ignored ({why}); using {format_value(default)}."
                    )
            st.session_state[key] = value
        return key

    def notes(self) -> list[str]:
        return list(st.session_state[self._notes_key])

    def finish(self, notes_area: Any) -> None:
        """Call once at the end of the page: sync the URL and show link notes in `notes_area`
        (a container placed near the top, so notes read first even though widgets come later)."""
        self.sync()
        for note in self.notes():
            notes_area.info(note, icon=":material/link:")

    def sync(self) -> None:
        """Write this run's non-default values to the URL; drop parameters nobody owns any more."""
        wanted = {}
        kept = st.session_state[self._kept_key]
        for param, (default, encode, key) in self.bound.items():
            value = st.session_state.get(key, default)
            kept[key] = value
            if value != default:
                wanted[param] = encode(value)
        st.session_state[self._opened_key] = True
        st.session_state[self._synced_key] = wanted
        for param in list(st.query_params.keys()):
            if param not in wanted and param not in GLOBAL_PARAMS:
                del st.query_params[param]
        for param, raw in wanted.items():
            if st.query_params.get(param) != raw:
                st.query_params[param] = raw

    # --- widgets ------------------------------------------------------------------------------------

    def selectbox(
        self,
        label: str,
        param: str,
        options: Sequence[str],
        default: str,
        *,
        labels: dict[str, str] | None = None,
        help: str | None = None,
    ) -> str:
        key = self.initial(param, default, parse_choice(options))
        fmt = (lambda o: labels.get(o, o)) if labels else str
        return st.selectbox(label, list(options), key=key, format_func=fmt, help=help)

    def multiselect(
        self,
        label: str,
        param: str,
        options: Sequence[str],
        default: list[str],
        *,
        labels: dict[str, str] | None = None,
        max_items: int | None = None,
        help: str | None = None,
    ) -> list[str]:
        key = self.initial(param, list(default), parse_subset(options, max_items))
        fmt = (lambda o: labels.get(o, o)) if labels else str
        return st.multiselect(
            label, list(options), key=key, format_func=fmt, max_selections=max_items, help=help
        )

    def slider(
        self,
        label: str,
        param: str,
        low: float,
        high: float,
        default: float,
        *,
        step: float | None = None,
        help: str | None = None,
        format: str | None = None,
        scope: str | None = None,
    ) -> float:
        is_int = all(isinstance(v, int) for v in (low, high, default)) and (
            step is None or isinstance(step, int)
        )
        parse = parse_int(int(low), int(high)) if is_int else parse_float(low, high)
        key = self.initial(param, default, parse, scope=scope)
        return st.slider(label, low, high, key=key, step=step, help=help, format=format)

    def number(
        self,
        label: str,
        param: str,
        low: float,
        high: float,
        default: float,
        *,
        step: float | None = None,
        help: str | None = None,
        format: str | None = None,
        scope: str | None = None,
    ) -> float:
        key = self.initial(param, float(default), parse_float(low, high), scope=scope)
        return st.number_input(
            label, min_value=float(low), max_value=float(high), key=key, step=step, help=help, format=format
        )

    def toggle(self, label: str, param: str, default: bool, *, help: str | None = None) -> bool:
        key = self.initial(param, default, parse_bool)
        return st.toggle(label, key=key, help=help)

    def tabs(self, labels: Sequence[str], param: str = "view") -> list[Any]:
        """Lazy tabs (only the open one runs, see `.open`) whose selection is part of the link.

        The widget's state is the tab label; the link carries a slug of it.
        """
        by_slug = {_slug(label): label for label in labels}

        def parse(raw: str) -> str:
            if raw not in by_slug:
                raise BadValue(f"not one of {', '.join(by_slug)}")
            return by_slug[raw]

        key = self.initial(param, labels[0], parse, encode=_slug)
        return st.tabs(list(labels), key=key, on_change="rerun")


def _slug(label: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in label.lower()).strip("-").replace("--", "-")
