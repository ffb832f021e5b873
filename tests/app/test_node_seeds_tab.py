"""AppTest of the NODE vs ANODE lab's Seeds tab: the shipped 5-seed bands at once, the regularisation toggle
and its weight as link parameters, and a weight with no precomputed runs."""

from __future__ import annotations

import json

import pyarrow as pa

from tabs.node_seeds import HEIGHT, PRESENTER_HEIGHT
from tests.app.apptest_helpers import assert_clean, open_page, texts

URL = "node_anode_lab"


TITLES = ["loss (cross-entropy)", "training accuracy", "forward NFE per step"]


def legend_chart(at):
    """The chart of the tab's legend: a view of no height over the panels."""
    (chart,) = [c for c in at.get("vega_lite_chart") if json.loads(c.proto.spec).get("height") == 0]
    return chart


def panel_specs(at) -> list[dict]:
    """The tab's three panels, in page order."""
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    return [s for s in specs if s.get("title") in TITLES]


def series(at) -> set[str]:
    """The legend's series, from the rows of its chart's data (Streamlit sends them as Arrow)."""
    tables = [pa.ipc.open_stream(d.data.data).read_all() for d in legend_chart(at).proto.datasets]
    return {name for table in tables for name in table.column("series").to_pylist()}


def test_the_tab_opens_on_the_precomputed_bands():
    at = open_page(URL, view="seeds")
    assert_clean(at)
    specs = panel_specs(at)
    assert [p["title"] for p in specs] == TITLES
    assert all([layer["mark"]["type"] for layer in p["layer"]] == ["area", "line"] for p in specs)
    assert series(at) == {"NODE", "ANODE"}
    assert texts(at).count("(precomputed)") == 2
    assert at.button(key="node_seeds.train").label == "Rerun 5 seeds"
    assert at.button(key="node_anode.stop").label == "Stop"  # the lab's Stop interrupts this training too


def test_the_toggle_adds_the_regularised_runs_and_goes_into_the_link():
    at = open_page(URL, view="seeds")
    toggle = next(t for t in at.toggle if t.label.startswith("Regularise"))
    assert toggle.value is False
    at = toggle.set_value(True).run()
    assert_clean(at)
    assert series(at) == {"NODE", "ANODE", "NODE, regularised", "ANODE, regularised"}
    assert at.query_params["reg"] == "1"
    assert "Penalty weight w" in [s.label for s in at.selectbox]


def test_a_weight_without_precomputed_runs_asks_for_a_rerun():
    at = open_page(URL, view="seeds", reg="1", regw="0.1")
    assert_clean(at)
    assert series(at) == {"NODE", "ANODE"}
    assert "No runs yet at weight 0.1" in texts(at)


def test_the_default_view_is_unchanged():
    at = open_page(URL)
    assert_clean(at)
    assert dict(at.query_params) == {}
    # One toggle in the sidebar serves Train, Step and the Seeds tab; it opens off.
    (toggle,) = [t for t in at.sidebar.toggle if t.label.startswith("Regularise")]
    assert toggle.value is False
    assert "Penalty weight w" not in [s.label for s in at.selectbox]


def test_rerun_trains_the_five_seeds_live_and_shows_them():
    at = open_page(URL, view="seeds", timeout=180)
    at = at.button(key="node_seeds.train").click().run()
    assert_clean(at)
    assert texts(at).count("5 runs (trained here)") == 2
    assert series(at) == {"NODE", "ANODE"}


def test_the_panels_share_one_row_of_columns_each_as_wide_as_its_column():
    at = open_page(URL, view="seeds")
    row = [c for c in at.columns if any(e.type == "vega_lite_chart" for e in c.children.values())]
    assert len(row) == 3
    for spec in panel_specs(at):
        assert spec["width"] == "container"


def test_on_a_projector_the_panels_are_taller_and_their_text_1_6_times_larger():
    laptop = panel_specs(open_page(URL, view="seeds"))
    projector = panel_specs(open_page(URL, view="seeds", present="1"))
    for small, big in zip(laptop, projector, strict=True):
        assert big["height"] == PRESENTER_HEIGHT > small["height"] == HEIGHT
        for block, name in [("axis", "labelFontSize"), ("axis", "titleFontSize"), ("title", "fontSize")]:
            assert big["config"][block][name] >= 1.6 * small["config"][block][name]
        assert big["width"] == "container"
