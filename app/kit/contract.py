"""The page contract: a page's view is one frozen dataclass of its link parameters with their defaults.

A field is the query parameter of the same name, written as the page writes it (`format_value`, or the
field's own `encode`). A field whose default is None means "the widget's own default" (a system's step
size, say). The field made by `others()` holds, as (name, value) pairs, the page's remaining parameters
that differ from their defaults (a system's own parameters, whose names depend on the system). A view
value is a complete view: its link, a tour step and a home picture are all made from it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from kit.link_values import format_value

ENCODE = "encode"
OTHERS = "others"


def encoded(default: Any, encode: Callable[[Any], str]) -> Any:
    """A field written into the link by `encode` (a tab's label as its slug, a list of points)."""
    return dataclasses.field(default=default, metadata={ENCODE: encode})


def others() -> Any:
    """The field of the page's parameters that are not fields of their own, as (name, value) pairs."""
    return dataclasses.field(default=(), metadata={OTHERS: True})


def plain(value: Any) -> Any:
    """Lists as tuples, so a widget's value compares equal to a view's field (and hashes)."""
    return tuple(value) if isinstance(value, list) else value


def field_default(view_type: type, param: str) -> tuple[bool, Any]:
    """(True, default) when `param` is a field of its own of `view_type`, else (False, None)."""
    for f in dataclasses.fields(view_type):
        if f.name == param and not f.metadata.get(OTHERS):
            return True, f.default
    return False, None


def to_params(view: Any) -> dict[str, str]:
    """The query parameters of `view`: its fields that differ from their defaults, as the page writes them."""
    params: dict[str, str] = {}
    for f in dataclasses.fields(view):
        value = getattr(view, f.name)
        if f.metadata.get(OTHERS):
            params.update((name, format_value(v)) for name, v in value)
        elif value is not None and value != f.default:
            params[f.name] = f.metadata.get(ENCODE, format_value)(value)
    return params


def from_values(view_type: type, values: Mapping[str, tuple[Any, Any]]) -> Any:
    """The view of one page run, from each bound parameter's (value, widget default)."""
    kwargs: dict[str, Any] = {}
    rest: list[tuple[str, Any]] = []
    for param, (value, default) in values.items():
        value, default = plain(value), plain(default)
        own, own_default = field_default(view_type, param)
        if own:
            kwargs[param] = None if own_default is None and value == default else value
        elif value != default:
            rest.append((param, value))
    rest_field = next((f.name for f in dataclasses.fields(view_type) if f.metadata.get(OTHERS)), None)
    if rest_field is not None:
        kwargs[rest_field] = tuple(rest)
    return view_type(**kwargs)
