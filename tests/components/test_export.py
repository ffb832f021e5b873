"""Figure exports: the CSV holds every trace's points; the HTML is standalone."""

from __future__ import annotations

import csv
import io

import plotly.graph_objects as go

from components.export import figure_csv, figure_html


def test_csv_has_one_row_per_point_with_trace_names():
    fig = go.Figure(
        [go.Scatter(x=[0, 1, 2], y=[3, 4, 5], name="Euler"), go.Scatter(x=[0], y=[1], name="RK4")]
    )
    rows = list(csv.reader(io.StringIO(figure_csv(fig))))
    assert rows[0] == ["trace", "point", "x", "y"]
    assert rows[1:] == [
        ["Euler", "0", "0", "3"],
        ["Euler", "1", "1", "4"],
        ["Euler", "2", "2", "5"],
        ["RK4", "0", "0", "1"],
    ]


def test_csv_includes_z_for_3d_traces():
    fig = go.Figure([go.Scatter3d(x=[1, 2], y=[3, 4], z=[5, 6], name="curve")])
    rows = list(csv.reader(io.StringIO(figure_csv(fig))))
    assert rows[0][-1] == "z" and rows[2] == ["curve", "1", "2", "4", "6"]


def test_html_is_standalone_and_interactive():
    html = figure_html(go.Figure(go.Scatter(x=[0, 1], y=[0, 1])))
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert 'src="https://cdn.plot.ly' not in html  # plotly.js is inlined, so it works offline
    assert len(html) > 1_000_000 and "Plotly.newPlot" in html
