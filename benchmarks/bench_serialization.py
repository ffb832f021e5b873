"""What orjson changes in serializing the heaviest default view, the Phase portraits page's opening figure
(the sources' pendulum portrait): plotly's own to_json with engine="json" (the reference) and "orjson", and
the call Streamlit makes when it marshals a plotly chart, measured in the same run.

Run from the repository root: python -m benchmarks.bench_serialization [--repeats 7]
"""

from __future__ import annotations

import argparse
import json
from importlib.util import find_spec
from unittest import mock

import plotly.graph_objects as go
import plotly.io
import plotly.tools

from benchmarks.common import median_of, setup, time_open

ENGINES = ("json", "orjson")  # the reference first


def opening_figure() -> tuple[go.Figure, float]:
    """The figure the page hands to st.plotly_chart for its opening view, and the page's first run (s).

    Caught on its way in (Streamlit passes it to plotly.tools.return_figure_from_figure_or_data first), so
    what is measured is what a visitor is sent, built by the page's own code rather than a copy of it."""
    caught: list[go.Figure] = []
    original = plotly.tools.return_figure_from_figure_or_data

    def catch(figure_or_data, validate_figure):
        caught.append(figure_or_data)
        return original(figure_or_data, validate_figure)

    with mock.patch.object(plotly.tools, "return_figure_from_figure_or_data", catch):
        _, seconds = time_open("phase_portraits")
    names = {trace.name for trace in caught[0].data}
    assert "trajectories" in names, names  # the phase plane: the first chart, the only one of its tab
    return caught[0], seconds


def streamlit_marshal(fig: go.Figure) -> str:
    """What st.plotly_chart does with a figure (streamlit/elements/plotly_chart.py, Streamlit 1.67): to a
    validated dict, then plotly.io.to_json with plotly's default engine ("auto": orjson when importable)."""
    figure = plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True)
    return plotly.io.to_json(figure, validate=False)


TO_JSON, STREAMLIT = "plotly.io.to_json(fig, engine=...)", "st.plotly_chart's marshalling"


def measure(fig: go.Figure, repeats: int) -> dict[str, dict[str, tuple[float, str]]]:
    """{row: {engine: (median seconds per call, payload)}} for both ways of serializing."""
    rows: dict[str, dict[str, tuple[float, str]]] = {TO_JSON: {}, STREAMLIT: {}}
    default = plotly.io.json.config.default_engine
    for engine in ENGINES:
        rows[TO_JSON][engine] = median_of(lambda e=engine: plotly.io.to_json(fig, engine=e), repeats)
        # Streamlit passes no engine, so it gets plotly's default: set that to each engine in turn.
        plotly.io.json.config.default_engine = engine
        try:
            rows[STREAMLIT][engine] = median_of(lambda: streamlit_marshal(fig), repeats)
        finally:
            plotly.io.json.config.default_engine = default
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="calls per measurement (the median is shown)")
    repeats = parser.parse_args().repeats
    setup()
    fig, page_s = opening_figure()
    print(
        f"Phase portraits, opening view (sources' pendulum): {len(fig.data)} traces, caught from the page "
        f"(AppTest first run {page_s:.2f} s); plotly's default engine, which Streamlit gets: "
        f"{plotly.io.json.config.default_engine!r} (orjson importable: {find_spec('orjson') is not None}); "
        f"median of {repeats} calls"
    )
    rows = measure(fig, repeats)
    print(f"  {'':38} {'json (reference)':>22} {'orjson':>22} {'json / orjson':>16}")
    print(f"  {'':38} {'ms':>9} {'bytes':>12} {'ms':>9} {'bytes':>12} {'time':>7} {'size':>8}")
    same = []
    for label, by_engine in rows.items():
        (ref_s, ref), (fast_s, fast) = by_engine["json"], by_engine["orjson"]
        ref_b, fast_b = len(ref.encode()), len(fast.encode())
        print(
            f"  {label:38} {ref_s * 1e3:9.1f} {ref_b:12,d} {fast_s * 1e3:9.1f} {fast_b:12,d} "
            f"{ref_s / fast_s:6.1f}x {ref_b / fast_b:7.3f}x"
        )
        same.append(json.loads(ref) == json.loads(fast))
    print(f"  the json and orjson payloads parse to the same figure: {all(same)}")


if __name__ == "__main__":
    main()
