"""nginx in front of two replicas, from the repository's own deploy/nginx.conf.template, on loopback.

Different visitors land on different replicas; each visitor's page, websocket and reruns stay on its own.
Without nginx this skips locally; under CI (CI=true) a missing nginx is a failure (.ci/run installs it).
"""

from __future__ import annotations

import http.cookiejar
import os
import shutil
import time
import urllib.request
from collections import defaultdict

import pytest

from tests.e2e.conftest import assert_no_exception, expect_main, open_and_wait

pytestmark = pytest.mark.e2e

COOKIE = "explorer_replica"


@pytest.fixture(scope="module")
def lb():
    if shutil.which("nginx") is None and not os.path.exists("/usr/sbin/nginx"):
        if os.environ.get("CI"):
            pytest.fail("nginx not found; CI must install Debian's nginx")
        pytest.skip("nginx not installed")
    from serve_replicas import cluster

    with cluster(replicas=2) as c:
        yield c


def _upstreams_by_route(lb) -> dict[str, set[str]]:
    served: dict[str, set[str]] = defaultdict(set)
    for entry in lb.access_log():
        served[entry["route"]].add(entry["upstream"])
    return served


def test_visitors_spread_over_replicas_and_each_stays_on_its_own(lb):
    routes = []
    for _ in range(16):  # 16 visitors, each with its own cookie jar, as 16 browsers would be
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        for path in ("/", "/solver_lab", "/_stcore/health", "/tour"):
            assert opener.open(lb.url + path, timeout=10).status == 200
        (cookie,) = [c for c in jar if c.name == COOKIE]
        routes.append(cookie.value)
    served = _upstreams_by_route(lb)
    assert all(len(served[r]) == 1 for r in routes), {r: served[r] for r in routes}
    used = {next(iter(served[r])) for r in routes}
    # Routes are random: all 16 on one of two replicas happens with probability 2 * 2**-16.
    assert used == set(lb.replicas)


def test_a_real_session_reruns_through_the_load_balancer(lb, browser):
    routes = []
    for h in ("0.1", "0.05"):  # two visitors in two browser contexts
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        open_and_wait(page, f"{lb.url}/solver_lab")
        field = page.get_by_label("Step size h")
        field.fill(h)
        field.press("Enter")
        page.wait_for_url(f"**h={h}**", timeout=30_000)
        expect_main(page, f"Euler (h = {h})")  # the rerun came back over the websocket
        assert_no_exception(page)
        routes += [c["value"] for c in context.cookies() if c["name"] == COOKIE]
        context.close()  # nginx logs the websocket when it closes
    assert len(routes) == 2
    deadline = time.time() + 10  # nginx writes a websocket's line once it has closed
    while not all(_streamed(lb, r) for r in routes) and time.time() < deadline:
        time.sleep(0.2)
    served = _upstreams_by_route(lb)
    for route in routes:
        assert _streamed(lb, route), [e for e in lb.access_log() if e["route"] == route]
        assert len(served[route]) == 1, served[route]


def _streamed(lb, route: str) -> bool:
    return any(e["route"] == route and "/_stcore/stream" in e["request"] for e in lb.access_log())
