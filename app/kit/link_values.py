"""One query-parameter value: parsing it (a bad one raises BadValue with the reason) and writing it."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


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


def slug(label: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in label.lower()).strip("-").replace("--", "-")
