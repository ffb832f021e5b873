"""What goes to the browser (kit/figures.py): compact arrays within 1e-4 relative, a template trimmed to the
drawn trace types, and one shared, bounded spec per distinct view."""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go

from components.style import Curve
from kit import figures
from kit.figures import FIGURE_CACHE_ENTRIES, compact_spec, figure_spec, finished_spec
from models.failure import Failure
from tests.app.apptest_helpers import _plain, assert_clean, open_page


def _values(array: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))


def test_float_arrays_go_in_32_bits_within_1e_4_relative():
    rng = np.random.default_rng(0)
    x = rng.normal(size=500) * 10.0 ** rng.integers(-6, 6, size=500)
    x[7] = np.nan  # a gap between lines
    spec = compact_spec(go.Figure(go.Scatter(x=x, y=np.arange(500.0))).to_dict())
    trace = spec["data"][0]
    assert trace["x"]["dtype"] == "f4"
    back = _values(trace["x"]).astype(np.float64)
    assert np.isnan(back[7])
    assert np.allclose(back, x, rtol=1e-4, atol=0.0, equal_nan=True)
    assert _plain(trace)["y"] == list(range(500))  # exact integers stay exact


def test_values_float32_cannot_hold_keep_64_bits():
    spec = compact_spec(go.Figure(go.Scatter(x=np.array([1e300, 1.0]), y=np.array([1e-320, 2.0]))).to_dict())
    assert spec["data"][0]["x"]["dtype"] == "f8"
    assert _plain(spec["data"][0])["x"] == [1e300, 1.0]


def test_template_keeps_only_the_drawn_trace_types():
    fig = go.Figure([go.Scatter(x=[0, 1], y=[1, 0]), go.Heatmap(z=[[1, 2], [3, 4]])])
    fig.update_layout(template="plotly_white")
    spec = finished_spec(fig)
    assert set(spec["layout"]["template"]["data"]) == {"scatter", "heatmap"}
    assert spec["layout"]["template"]["layout"] == fig.to_dict()["layout"]["template"]["layout"]


def _wave(n: int, scale: float) -> go.Figure:
    return go.Figure(go.Scatter(x=np.linspace(0, 1, n), y=scale * np.sin(np.linspace(0, 6, n))))


def test_the_shared_spec_is_built_once_per_view_and_bounded(monkeypatch):
    figures._built_spec.clear()
    calls = []

    def build(n: int, scale: float) -> go.Figure:
        calls.append((n, scale))
        return _wave(n, scale)

    first, again = figure_spec(build, 50, 2.0), figure_spec(build, 50, 2.0)
    assert calls == [(50, 2.0)]
    assert first.spec == again.spec and first.spec is not again.spec  # equal, and each a copy of its own
    assert figure_spec(build, 50, 3.0).spec != first.spec
    for n in range(FIGURE_CACHE_ENTRIES + 5):
        figure_spec(build, n + 100, 1.0)
    figure_spec(build, 50, 2.0)  # long since evicted: built again
    assert calls.count((50, 2.0)) == 2
    assert figure_spec(build, 50, 2.0).figure().data[0].type == "scatter"  # the exports' figure
    figures._built_spec.clear()


def test_a_figure_is_shared_between_equal_curves_and_rebuilt_for_changed_ones():
    figures._built_spec.clear()
    calls = []

    def build(curves: list[Curve], title: str) -> go.Figure:
        calls.append(title)
        return go.Figure([go.Scatter(x=c.t, y=c.y[:, 0]) for c in curves])

    t = np.linspace(0.0, 1.0, 30)
    figure_spec(build, [Curve("a", "A", t, np.ones((30, 2)))], title="one")
    figure_spec(build, [Curve("a", "A", t.copy(), np.ones((30, 2)))], title="one")  # a new session's copy
    assert calls == ["one"]
    figure_spec(build, [Curve("a", "A", t, 2 * np.ones((30, 2)))], title="one")
    assert calls == ["one", "one"]
    figure_spec(build, [Curve("a", "A", t, np.ones((30, 2)))], title="two")
    assert calls == ["one", "one", "two"]
    figures._built_spec.clear()


def test_a_builder_that_gives_no_figure_returns_it_and_keeps_nothing():
    figures._built_spec.clear()
    calls = []

    def build(x: int) -> Failure:
        calls.append(x)
        return Failure(f"no figure for {x}")

    first, again = figure_spec(build, 1), figure_spec(build, 1)
    assert isinstance(first, Failure) and first.message == "no figure for 1"
    assert isinstance(again, Failure) and calls == [1, 1]  # built again: a failure is not kept


def test_a_second_session_on_a_view_reuses_its_shared_figures(monkeypatch):
    """A fresh visitor's run of the Solver lab's and the Phase portraits' default views builds no figure."""
    built = []
    real = figures.finished_spec
    monkeypatch.setattr(figures, "finished_spec", lambda fig: built.append(1) or real(fig))
    for url in ("solver_lab", "phase_portraits"):
        first = open_page(url)
        assert_clean(first)
        built.clear()
        again = open_page(url)  # another session, same view
        assert_clean(again)
        assert built == []
        assert again.get("plotly_chart")[0].proto.spec == first.get("plotly_chart")[0].proto.spec
