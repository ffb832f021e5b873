"""The one way numbers are written on axes and in tables: format_number, log_ticks and their users."""

import math

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from components.style import NO_VALUE, chart_log_axis, format_number, log_ticks, readable_table, styled


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1e-8, "1e-8"),
        (1e-4, "1e-4"),  # not "100μ" nor "0.0001"
        (1e-9, "1e-9"),  # not "1n"
        (2.5e-7, "2.5e-7"),
        (0.001, "0.001"),
        (0.5, "0.5"),
        (20.0, "20"),  # not "2e+1"
        (1234.0, "1234"),
        (1e4, "1e4"),  # as a decade among 1e5, 1e6, not "10000"
        (12345.0, "1.23e4"),
        (-1e-6, "-1e-6"),
        (0.0, "0"),
        (None, NO_VALUE),
        (math.nan, NO_VALUE),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text


def test_log_ticks_are_decades_over_a_wide_range_and_1_2_5_over_a_narrow_one():
    assert log_ticks([1e-7, 0.5]) == [10.0**k for k in range(-7, 1)]
    assert log_ticks([1e-18, 1.0]) == [10.0**k for k in range(-18, 1, 3)]  # at most 8 labelled decades
    assert log_ticks([10, 80]) == [10.0, 20.0, 50.0, 100.0, 200.0, 500.0]
    assert log_ticks([0.5, 0.7])[:7] == [
        0.1,
        0.2,
        0.3,
        0.4,
        0.5,
        0.6,
        0.7,
    ]  # every digit when 1-2-5 gives one
    assert log_ticks([None, math.nan, -1.0]) == []


def test_styled_labels_each_log_axis_of_a_subplot_from_its_own_traces():
    fig = make_subplots(rows=2, cols=1)
    fig.add_trace(go.Scatter(x=[1, 2], y=[0.5, 0.7]), row=1, col=1)
    fig.add_trace(go.Scatter(x=[1, 2], y=[1e-5, None, 1e-1]), row=2, col=1)
    fig.update_yaxes(type="log", row=2, col=1)
    styled(fig)
    assert fig.layout.yaxis.tickvals is None  # linear: plotly's own
    assert list(fig.layout.yaxis2.ticktext) == ["1e-5", "1e-4", "0.001", "0.01", "0.1"]


def test_chart_log_axis_labels_by_the_same_rule():
    axis = chart_log_axis(np.array([1e-6, 1e-2])).to_dict()
    assert axis["values"] == [1e-6, 1e-5, 1e-4, 1e-3, 1e-2]
    assert "'~e'" in axis["labelExpr"] and "0.001" in axis["labelExpr"]


def test_readable_table_has_no_none_and_no_long_decimals():
    frame = readable_table(
        {"steps": [16, None], "tolerance": [None, 1e-8], "error": [0.123456, math.nan], "x": [1.5, 2.5]}
    )
    assert frame["steps"].tolist() == ["16", NO_VALUE]
    assert frame["tolerance"].tolist() == [NO_VALUE, "1e-8"]
    assert frame["error"].tolist() == ["0.1235", NO_VALUE]
    assert frame["x"].tolist() == [1.5, 2.5]  # a plain numeric column stays numeric
    assert readable_table([{"a": "text", "b": 3}])["a"].tolist() == ["text"]
