"""The NODE vs ANODE lab's own points: the plane where a click adds a point of the chosen class, Clear, and
whether there are enough points of each class to train on."""

from __future__ import annotations

import streamlit as st

from components.flow_plane_figures import own_points_figure
from kit.figures import figure_spec, show_figure
from kit.plane_clicks import PlaneClicks
from kit.point_links import CLASS_NAMES, MAX_POINTS, WINDOW, Point, place
from models.node_anode.data import MIN_PER_CLASS

CLASS_KEY = "node_anode.own_class"
CLICKS = PlaneClicks("node_anode.own_plane")


def counts(points: tuple[Point, ...]) -> list[int]:
    return [sum(p[2] == c for p in points) for c in range(len(CLASS_NAMES))]


def enough(points: tuple[Point, ...]) -> bool:
    """Whether there are at least MIN_PER_CLASS points of each class."""
    return min(counts(points)) >= MIN_PER_CLASS


def points_editor(points_key: str) -> tuple[Point, ...]:
    """The plane of the visitor's points, kept in `points_key` (the link's value): a click adds a point of
    the class chosen beside it, Clear removes them all. Returns the points."""
    points = tuple(st.session_state[points_key])

    def add(x: float, y: float) -> None:
        kept = tuple(st.session_state[points_key])
        if len(kept) < MAX_POINTS:
            st.session_state[points_key] = (*kept, place(x, y, st.session_state.get(CLASS_KEY, 0)))

    def clear() -> None:
        st.session_state[points_key] = ()

    plane, side = st.columns([3, 1])
    with side:
        st.radio(
            "A click adds",
            range(len(CLASS_NAMES)),
            format_func=lambda c: f"class {CLASS_NAMES[c]}",
            key=CLASS_KEY,
            horizontal=True,
        )
        st.button(
            "Clear", icon=":material/delete:", key="node_anode.own_clear", on_click=clear, disabled=not points
        )
        a, b = counts(points)
        full = " (full)" if len(points) >= MAX_POINTS else ""
        st.caption(
            f"Your points: {a} of class A, {b} of class B, {len(points)} of at most {MAX_POINTS}{full}."
        )
    with plane:
        show_figure(
            figure_spec(own_points_figure, points, WINDOW, CLASS_NAMES),
            key=CLICKS.key,
            name="node-anode-own-points",
            on_select=CLICKS.callback(add),
            selection_mode=("points",),
        )
    return points


def missing_words(points: tuple[Point, ...]) -> str:
    """What is missing before training, in words."""
    a, b = counts(points)
    return (
        f"Add at least {MIN_PER_CLASS} points of each class to train on: you have {a} of class A and {b} of "
        "class B. Click the plane above, choosing the class beside it."
    )
