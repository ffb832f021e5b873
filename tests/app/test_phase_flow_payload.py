"""The Phase portraits Flow tab stays light to send: its animated figure within the page's payload target,
still carrying every point of the cloud in every frame."""

from __future__ import annotations

import json

import pytest

from cached.phase import FLOW_FRAMES
from tests.app.apptest_helpers import assert_clean, open_page, plotly_figure

#: A page's payload target is 300 kB; the Flow tab's page sends about 11 kB beside its figure (356 kB with a
#: 345 kB figure of 60 frames), and the figure's JSON as sent escapes each "/" of its base64 arrays as six
#: characters. This leaves that page 19 kB below its target.
FIGURE_BUDGET_BYTES = 270_000


@pytest.mark.parametrize(
    "system, points", [("pendulum", 400), ("lotka_volterra", 400), ("lorenz", 300)], ids=lambda v: str(v)
)
def test_the_flow_figure_fits_the_payload_and_draws_every_point(system, points):
    at = open_page("phase_portraits", system=system, view="flow")
    assert_clean(at)
    (chart,) = at.get("plotly_chart")
    assert len(chart.proto.spec.encode()) <= FIGURE_BUDGET_BYTES
    fig = plotly_figure(at)
    assert len(fig["frames"]) == FLOW_FRAMES
    assert all(len(frame["data"][0]["x"]) == points for frame in fig["frames"])
    (cloud,) = [t for t in fig["data"] if t.get("name") == "points"]
    assert len(cloud["x"]) == points and len(cloud["marker"]["color"]) == points
    json.loads(chart.proto.spec)  # what goes to the browser is one JSON document
