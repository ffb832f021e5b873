"""AppTest of the NODE vs ANODE lab's Seeds tab: the shipped 5-seed bands at once, the regularisation toggle
and its weight as link parameters, and a weight with no precomputed runs."""

from __future__ import annotations

import json

import pyarrow as pa

from tests.app.apptest_helpers import assert_clean, open_page, texts

URL = "node_anode_lab"


def band_chart(at):
    (chart,) = [c for c in at.get("vega_lite_chart") if "hconcat" in json.loads(c.proto.spec)]
    return chart


def band_spec(at) -> dict:
    return json.loads(band_chart(at).proto.spec)


def series(at) -> set[str]:
    """The legend's series, from the rows of the chart's data (Streamlit sends each panel's as Arrow)."""
    tables = [pa.ipc.open_stream(d.data.data).read_all() for d in band_chart(at).proto.datasets]
    return {name for table in tables for name in table.column("series").to_pylist()}


def test_the_tab_opens_on_the_precomputed_bands():
    at = open_page(URL, view="seeds")
    assert_clean(at)
    spec = band_spec(at)
    assert [p["title"] for p in spec["hconcat"]] == [
        "training loss (cross-entropy)",
        "training accuracy",
        "forward NFE per step",
    ]
    assert all([layer["mark"]["type"] for layer in p["layer"]] == ["area", "line"] for p in spec["hconcat"])
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
