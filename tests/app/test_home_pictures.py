"""The home page's pictures: read from app/assets/thumbnails.json, kept equal to the pages' opening views,
and the landing page needs no torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from cached.thumbnails import THUMBNAILS, compact_figure
from kit import home_pictures
from kit.registry import PAGES
from tests.app.apptest_helpers import assert_clean, open_page

ROOT = Path(__file__).resolve().parents[2]


def _numbers(value) -> list[float]:
    """Every number in a plotly JSON value, in order (None, from NaN, as NaN)."""
    if isinstance(value, dict):
        return [x for k in sorted(value) for x in _numbers(value[k])]
    if isinstance(value, list):
        return [x for v in value for x in _numbers(v)]
    if value is None:
        return [float("nan")]
    if isinstance(value, bool | str):
        return []
    return [float(value)]


@pytest.fixture
def stored() -> dict:
    return json.loads(home_pictures.THUMBNAIL_FILE.read_text())["figures"]


def test_every_page_with_a_builder_has_a_stored_picture(stored):
    assert set(stored) == set(THUMBNAILS)
    assert set(THUMBNAILS) == {p.url for p in PAGES if p.charts and p.url}


@pytest.mark.parametrize("url", sorted(THUMBNAILS))
def test_stored_picture_is_valid_plotly_and_loads_with_its_template(stored, url):
    """The home page loads the file without plotly's validation (cold start); validate it here instead."""
    go.Figure(stored[url])  # raises on anything plotly would reject
    home_pictures.thumbnails.clear()
    loaded = home_pictures.thumbnails()[url]
    assert loaded.layout.template.layout.plot_bgcolor == "white"
    assert [t.type for t in loaded.data] == [t["type"] for t in stored[url]["data"]]


@pytest.mark.parametrize("url", sorted(THUMBNAILS))
def test_stored_picture_matches_the_page_opening_view(stored, url):
    """Fails when a page's opening view or a checkpoint changed: rerun scripts/make_thumbnails.py."""
    fresh = compact_figure(THUMBNAILS[url]())
    assert [t.get("type") for t in fresh["data"]] == [t.get("type") for t in stored[url]["data"]]
    for new, old in zip(fresh["data"], stored[url]["data"], strict=True):
        a, b = np.array(_numbers(new)), np.array(_numbers(old))
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=2e-3, atol=1e-4, equal_nan=True)


def test_home_page_shows_a_picture_per_page():
    at = open_page("")
    assert_clean(at)
    assert len(at.get("plotly_chart")) == len(THUMBNAILS)


@pytest.mark.parametrize("content", [None, "{not json", '{"format": 99, "figures": {}}', '{"format": 1, "figures": {"solver_lab": {"data": [{"type": "nope"}]}}}', '{"format": 1, "figures": {"solver_lab": {"data": "x", "layout": []}}}'])  # fmt: skip
def test_missing_or_broken_picture_file_leaves_the_home_page_working(tmp_path, monkeypatch, content):
    path = tmp_path / "thumbnails.json"
    if content is not None:
        path.write_text(content)
    monkeypatch.setattr(home_pictures, "THUMBNAIL_FILE", path)
    home_pictures.thumbnails.clear()
    home_pictures.thumbnail_specs.clear()
    try:
        at = open_page("")
        assert_clean(at)
        assert len(at.get("plotly_chart")) == 0
        assert "Solver lab" in [s.value for s in at.subheader]
    finally:
        home_pictures.thumbnails.clear()
        home_pictures.thumbnail_specs.clear()


def test_the_landing_page_runs_without_importing_torch():
    """The point of the stored pictures: the first page a visitor sees does not wait for torch (~3 s)."""
    code = (
        "import sys; from tests.app.apptest_helpers import open_page; "
        "at = open_page(''); assert not at.exception; "
        "print(len(at.get('plotly_chart')), 'torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "EXPLORER_WARMUP": "off"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-2:] == [str(len(THUMBNAILS)), "False"]
