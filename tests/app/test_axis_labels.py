"""Axes and tables through the one formatting helper (components.style): decades on log axes, scientific
small numbers, no "None" cells; on pages owned elsewhere too (How Neural ODEs learn)."""

from __future__ import annotations

import re

from tests.app.apptest_helpers import assert_clean, open_page, plotly_figure, texts

BARE_MINOR = re.compile(r"^[346789]$")  # plotly's bare minor labels; 1-2-5 steps never use them


def _log_tick_texts(fig: dict) -> list[list[str]]:
    return [
        axis["ticktext"]
        for name, axis in fig["layout"].items()
        if "axis" in name and axis.get("type") == "log"
    ]


def test_the_dopri5_sweep_table_and_caption_say_nothing_of_rk4_or_none():
    at = open_page("how_they_learn", sweep="tolerance", tightest="1e-04", hidden="16", batch="16")
    assert_clean(at)
    assert "for rk4 roughly as h⁴" not in texts(at)
    table = at.dataframe[0].value
    cells = [str(v) for column in table.columns for v in table[column]]
    assert "None" not in cells and "nan" not in cells
    assert not any(re.fullmatch(r"0\.0000\d*", c) for c in cells)
    assert "1e-4" in table["tolerance"].tolist()
    for k in range(3):
        for ticks in _log_tick_texts(plotly_figure(at, k)):
            assert ticks and not any(BARE_MINOR.match(t) or "μ" in t or "e+" in t for t in ticks)


def test_the_rk4_sweep_keeps_its_h4_remark():
    at = open_page("how_they_learn", hidden="16", batch="16", most="16")
    assert_clean(at)
    assert "for rk4 roughly as h⁴" in texts(at)


def test_solver_lab_log_axes_label_decades_only():
    at = open_page("solver_lab", view="error-vs-step-size")
    assert_clean(at)
    (h_ticks, error_ticks) = _log_tick_texts(plotly_figure(at))
    assert "0.1" in h_ticks and "1" in h_ticks and not any(BARE_MINOR.match(t) for t in h_ticks)
    assert "1e-6" in error_ticks and not any(BARE_MINOR.match(t) for t in error_ticks)
