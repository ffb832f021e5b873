"""The NODE vs ANODE lab's own points as link values (rounded, clamped, bounded) and a click on a plotly plane
turned into a point (the selection event of `st.plotly_chart(on_select=...)`, as kit.plane_clicks reads it)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from kit.link_values import BadValue
from kit.plane_clicks import clicked_point
from kit.point_links import MAX_POINTS, encode_points, parse_points


def test_points_round_trip_rounded_and_clamped_to_the_plane():
    points = parse_points("0.123,-1.987,a;5,-9,b;-0.5,0.25,A")
    assert points == ((0.12, -1.99, 0), (2.0, -2.0, 1), (-0.5, 0.25, 0))
    assert parse_points(encode_points(points)) == points
    assert encode_points(()) == "" and parse_points("") == ()


@pytest.mark.parametrize(
    "raw",
    [
        "1,2",
        "1,2,c",
        "x,1,a",
        "nan,0,a",
        "inf,0,b",
        "1,2,a,3",
        ";".join(["0,0,a"] * (MAX_POINTS + 1)),
        "9" * 5000,
    ],
)
def test_malformed_or_oversized_points_are_refused(raw):
    with pytest.raises(BadValue):
        parse_points(raw)


def test_a_selection_event_becomes_the_clicked_coordinates():
    event = {"selection": {"points": [{"x": 0.5, "y": -1, "curve_number": 2, "point_index": 7}]}}
    assert clicked_point(event) == (0.5, -1.0)
    assert clicked_point(None) is None and clicked_point({"selection": {"points": []}}) is None
    assert clicked_point({"selection": {"points": [{"x": "a", "y": 1}]}}) is None


def _clicks_script() -> None:
    import streamlit as st

    from kit.plane_clicks import PlaneClicks

    clicks = PlaneClicks("demo")
    st.session_state.setdefault("taken", [])
    if "click" in st.session_state:  # the selection a click on the chart would leave under its key
        st.session_state[clicks.key] = st.session_state.pop("click")
        clicks.callback(lambda x, y: st.session_state["taken"].append((x, y)))()
    st.write(clicks.key)


def test_each_click_is_taken_once_and_renews_the_chart_key():
    at = AppTest.from_function(_clicks_script).run()
    assert at.markdown[0].value == "demo.0"
    at.session_state["click"] = {"selection": {"points": [{"x": 1.25, "y": 0.5}]}}
    at.run()
    assert at.session_state["taken"] == [(1.25, 0.5)] and at.markdown[0].value == "demo.1"
    at.run()  # no new click: nothing more is taken
    assert at.session_state["taken"] == [(1.25, 0.5)]
