"""Link values of the NODE vs ANODE lab's own points: `x,y,a;x,y,b;...`, each point's two coordinates
(rounded to 0.01 and clamped to the plane) and its class, A or B."""

import math

from kit.link_values import BadValue

#: The plane where points are placed, and where a linked point is clamped to.
WINDOW = ((-2.0, 2.0), (-2.0, 2.0))
MAX_POINTS = 200
#: The longest link value: MAX_POINTS points of the longest form `-1.23,-1.23,a;`.
MAX_LENGTH = 14 * MAX_POINTS
CLASS_NAMES = ("A", "B")
_CODES = ("a", "b")

Point = tuple[float, float, int]


def place(x: float, y: float, label: int) -> Point:
    """A point as the page keeps it: rounded to 0.01, inside WINDOW."""
    (x_lo, x_hi), (y_lo, y_hi) = WINDOW
    return (round(min(max(x, x_lo), x_hi), 2), round(min(max(y, y_lo), y_hi), 2), label)


def parse_points(raw: str) -> tuple[Point, ...]:
    """`x,y,a;x,y,b;...`: at most MAX_POINTS points of finite coordinates (clamped to the plane) and a
    class a or b."""
    if len(raw) > MAX_LENGTH:
        raise BadValue(f"longer than {MAX_LENGTH} characters")
    items = [s for s in raw.split(";") if s]
    if len(items) > MAX_POINTS:
        raise BadValue(f"more than {MAX_POINTS} points")
    points = []
    for item in items:
        parts = item.split(",")
        if len(parts) != 3 or parts[2].lower() not in _CODES:
            raise BadValue("not a list of points x,y,a;x,y,b")
        try:
            x, y = float(parts[0]), float(parts[1])
        except ValueError:
            raise BadValue("not a list of points x,y,a;x,y,b") from None
        if not (math.isfinite(x) and math.isfinite(y)):
            raise BadValue("a coordinate is not a finite number")
        points.append(place(x, y, _CODES.index(parts[2].lower())))
    return tuple(points)


def encode_points(points: tuple[Point, ...]) -> str:
    return ";".join(f"{x:g},{y:g},{_CODES[label]}" for x, y, label in points)
