"""Link values of the Phase portraits page that are more than a widget's: typed equations, the
trajectories started by a click as `x,y;x,y;...`, and the time a field that changes with t is drawn at."""

import math

import streamlit as st

from kit.link_values import BadValue, parse_float
from kit.links import PageLinks

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


def field_time_slider(links: PageLinks, t1: float) -> float:
    """The "Field drawn at t" slider over [0, t1], bound to `t`: a link's value outside [0, t1] falls back
    to 0 with a note; a value kept from a longer time span is pulled back to the new t1."""
    key = links.initial("t", 0.0, parse_float(0.0, t1))
    st.session_state[key] = min(float(st.session_state[key]), t1)
    step = 10.0 ** math.floor(math.log10(t1 / 50))  # about 50 to 500 stops, at round values
    return float(
        st.slider(
            "Field drawn at t",
            0.0,
            float(t1),
            key=key,
            step=step,
            format="%g",
            help="f changes with t: the vector field and nullclines are drawn as they are at this time.",
        )
    )
