"""Link values of the Phase portraits page that are more than a widget's: typed equations, and the
trajectories started by a click as `x,y;x,y;...`."""

import math

from kit.link_values import BadValue

MAX_EXPRESSION = 300
MAX_STARTS = 20


def parse_expression(raw: str) -> str:
    if len(raw) > MAX_EXPRESSION:
        raise BadValue(f"longer than {MAX_EXPRESSION} characters")
    return raw


def parse_starts(raw: str) -> tuple[tuple[float, ...], ...]:
    """`x,y;x,y;...`: at most MAX_STARTS finite points of two coordinates."""
    points = []
    for item in [s for s in raw.split(";") if s][:MAX_STARTS]:
        try:
            values = tuple(float(v) for v in item.split(","))
        except ValueError:
            raise BadValue("not a list of points x,y;x,y") from None
        if len(values) != 2 or not all(math.isfinite(v) and abs(v) <= 1e4 for v in values):
            raise BadValue("not a list of points x,y;x,y")
        points.append(values)
    return tuple(points)


def encode_starts(points: tuple[tuple[float, ...], ...]) -> str:
    return ";".join(",".join(f"{v:.4g}" for v in p) for p in points)
