"""Widgets bound to query parameters, so a copied URL reproduces the view.

A page declares its view as a frozen dataclass (see `kit.contract`); `PageLinks` binds its fields to
widgets. A value is read from the URL on the page's first run in a session, and again whenever the page
is entered through a link that differs from the one this session last showed (a shared link, a
guided-tour step): then every control takes the link's value, or its default when the link does not name
it, so a link is always the whole view. A bare page URL (the sidebar menu) restores the session's last
view. A bad value falls back to the default and leaves a visible note. After the page has drawn its
widgets, `PageLinks.sync()` writes the current non-default values back, and drops parameters no widget
of this run owns (for example the parameters of a system that is no longer selected). Values are also
kept outside the widgets' own state, which Streamlit discards when a visitor goes to another page, so
coming back restores the view.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import streamlit as st

from kit.contract import field_default, from_values, plain
from kit.link_values import (
    BadValue,
    format_value,
    parse_bool,
    parse_choice,
    parse_float,
    parse_int,
    parse_subset,
    slug,
)

if TYPE_CHECKING:  # the landing page runs this module and must not wait for torch
    from models.systems.library import Param

T = TypeVar("T")

#: Parameters that belong to the whole app rather than a page; `tour` still marks which link this is.
GLOBAL_PARAMS = frozenset({"present", "tour"})
MAX_RAW_LENGTH = 400


def _link() -> dict[str, str]:
    """The URL's parameters that say which view this is (presenter mode says how it is shown)."""
    return {k: st.query_params[k] for k in st.query_params if k != "present"}


class PageLinks:
    """Binds one page's widgets to query parameters.

    Widget keys are namespaced by page (`"<page>.<param>"`) so pages never share widget state.
    """

    def __init__(self, page: str, view_type: type | None = None) -> None:
        """`view_type`: the page's view dataclass, whose field defaults are the widgets' defaults."""
        self.page = page
        self.view_type = view_type
        # param -> (default value, how the value is written into the URL, widget key)
        self.bound: dict[str, tuple[Any, Callable[[Any], str], str]] = {}
        self._notes_key = f"{page}.__link_notes"
        self._kept_key = f"{page}.__kept"
        self._opened_key = f"{page}.__opened"
        self._synced_key = f"{page}.__synced"
        self.view_key = f"{page}.__view"
        linked = _link()
        if linked and linked != st.session_state.get(self._synced_key):
            # Entered through a link to another view (a tour step included, whose link may name no
            # parameter): the link wins over every control this session had; the ones it does not name
            # take their defaults. Only the bound controls: a page's other state, such as a model
            # trained here, stays.
            bound_keys = list(st.session_state.get(self._kept_key, {}))
            for key in [*bound_keys, self._notes_key, self._kept_key, self._opened_key, self._synced_key]:
                st.session_state.pop(key, None)
        st.session_state.setdefault(self._notes_key, [])
        st.session_state.setdefault(self._kept_key, {})
        st.session_state.setdefault(self._opened_key, False)

    def default(self, param: str, default: Any = None) -> Any:
        """The widget default of `param`: the view's field default, which a page may only restate; a
        page passes its own default for the parameters that depend on other controls."""
        own, own_default = field_default(self.view_type, param) if self.view_type else (False, None)
        if default is None:
            if not own or own_default is None:
                raise ValueError(f"{self.page}: no default for {param!r}")
            return list(own_default) if isinstance(own_default, tuple) else own_default
        if own and own_default is not None and plain(default) != own_default:
            raise ValueError(f"{self.page}: {param!r} defaults to {default!r}, the view to {own_default!r}")
        return default

    def reset(self) -> None:
        """Back to the page's opening view (a button's callback): forget every bound control's value and
        drop the page's parameters from the URL. A page's other state, such as a model trained here, stays."""
        bound_keys = [*st.session_state.get(self._kept_key, {}), *(key for _, _, key in self.bound.values())]
        for key in [*bound_keys, self._notes_key, self._kept_key, self._opened_key, self._synced_key]:
            st.session_state.pop(key, None)
        for param in list(st.query_params.keys()):
            if param not in GLOBAL_PARAMS:
                del st.query_params[param]

    def key(self, param: str, scope: str | None = None) -> str:
        return f"{self.page}.{scope}.{param}" if scope else f"{self.page}.{param}"

    def initial(
        self,
        param: str,
        default: T,
        parse: Callable[[str], T],
        encode: Callable[[Any], str] = format_value,
        scope: str | None = None,
        max_length: int = MAX_RAW_LENGTH,
    ) -> str:
        """Seed the widget's session state (kept value, else the URL on first run, else the default).

        `scope` separates widgets that share a URL name but not a meaning (a parameter `alpha` of two
        different systems); `max_length` is the longest raw value parsed. Returns the widget key.
        """
        key = self.key(param, scope)
        default = self.default(param, default)
        self.bound[param] = (default, encode, key)
        if key not in st.session_state:
            kept = st.session_state[self._kept_key]
            raw = None if st.session_state[self._opened_key] else st.query_params.get(param)
            value = kept.get(key, default)
            if raw is not None:
                try:
                    if len(raw) > max_length:
                        raise BadValue("too long")
                    value = parse(raw)
                except BadValue as why:
                    shown = raw if len(raw) <= 40 else raw[:40] + "…"
                    used = format_value(default) or "none"  # an empty default (no starts) says so
                    note = f"Link parameter `{param}={shown}` was ignored ({why}); using {used}."
                    st.session_state[self._notes_key].append((note, key, value))
            st.session_state[key] = value
        return key

    def notes(self) -> list[str]:
        """The notes about bad link values whose control still holds the value put in their place: once
        the visitor sets the control, its note has served."""
        return [
            note for note, key, used in st.session_state[self._notes_key] if st.session_state.get(key) == used
        ]

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
        for param in list(st.query_params.keys()):
            if param not in wanted and param not in GLOBAL_PARAMS:
                del st.query_params[param]
        for param, raw in wanted.items():
            if st.query_params.get(param) != raw:
                st.query_params[param] = raw
        st.session_state[self._synced_key] = _link()
        if self.view_type is not None:
            values = {p: (st.session_state.get(key, d), d) for p, (d, _, key) in self.bound.items()}
            st.session_state[self.view_key] = from_values(self.view_type, values)

    # --- widgets ------------------------------------------------------------------------------------

    def selectbox(
        self,
        label: str,
        param: str,
        options: Sequence[str],
        default: str | None = None,
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
        default: list[str] | None = None,
        *,
        labels: dict[str, str] | None = None,
        max_items: int | None = None,
        help: str | None = None,
    ) -> list[str]:
        key = self.initial(param, list(self.default(param, default)), parse_subset(options, max_items))
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
        default: float | None = None,
        *,
        step: float | None = None,
        help: str | None = None,
        format: str | None = None,
        scope: str | None = None,
    ) -> float:
        default = self.default(param, default)
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
        default: float | None = None,
        *,
        step: float | None = None,
        help: str | None = None,
        format: str | None = None,
        scope: str | None = None,
    ) -> float:
        key = self.initial(param, float(self.default(param, default)), parse_float(low, high), scope=scope)
        return st.number_input(
            label, min_value=float(low), max_value=float(high), key=key, step=step, help=help, format=format
        )

    def parameters(
        self, params: Sequence[Param], scope: str, *, typed: bool = False, prefix: str = ""
    ) -> tuple[tuple[str, float], ...]:
        """A control per system parameter, in the link as `prefix + name`; `(name, value)` pairs. A slider
        over the parameter's range, or, where `typed` (a parameter of equations the visitor typed), a number
        input that takes any value in it."""
        values = []
        for p in params:
            label, args = p.label or p.name, (prefix + p.name, float(p.low), float(p.high), float(p.default))
            if typed:
                value = self.number(label, *args, step=0.1, format="%g", scope=scope)
            else:
                value = self.slider(label, *args, scope=scope)
            values.append((p.name, float(value)))
        return tuple(values)

    def toggle(self, label: str, param: str, default: bool | None = None, *, help: str | None = None) -> bool:
        key = self.initial(param, default, parse_bool)
        return st.toggle(label, key=key, help=help)

    def tabs(self, labels: Sequence[str], param: str = "view") -> list[Any]:
        """Lazy tabs (only the open one runs, see `.open`) whose selection is part of the link.

        The widget's state is the tab label; the link carries a slug of it.
        """
        byslug = {slug(label): label for label in labels}

        def parse(raw: str) -> str:
            if raw not in byslug:
                raise BadValue(f"not one of {', '.join(byslug)}")
            return byslug[raw]

        key = self.initial(param, labels[0], parse, encode=slug)
        return st.tabs(list(labels), key=key, on_change="rerun")
