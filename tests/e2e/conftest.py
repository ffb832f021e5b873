"""Fixtures for end-to-end tests: the real `streamlit run app/main.py` server and headless Chromium.

Without Chromium these tests skip locally; under CI (CI=true) a missing browser is a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
#: The app has finished a script run when the app root says so.
DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """Start the app exactly as a user does, from the repository root, and yield its base URL."""
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app/main.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
    ]
    log = open(ROOT / "e2e-server.log", "w")  # noqa: SIM115 - closed in the teardown below
    env = {**os.environ, "EXPLORER_WARMUP": "views"}  # as served: tests/conftest.py turns it off for AppTests
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).read() == b"ok":
                break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            log.close()
            pytest.fail(f"server did not start; see {ROOT / 'e2e-server.log'}")
        time.sleep(0.3)
    yield base
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install Debian's chromium")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


def open_and_wait(page, url: str, timeout_ms: int = 120_000) -> None:
    """Go to `url` and wait until the script run has finished and the page has settled."""
    page.goto(url)
    # The app root reads "notRunning" also before the first run has begun: wait for a title first.
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=timeout_ms)
    page.wait_for_selector(DONE, timeout=timeout_ms)
    page.wait_for_timeout(800)
    page.wait_for_selector(DONE, timeout=timeout_ms)


def main(page):
    """The page's main area (everything but the sidebar)."""
    return page.locator("[data-testid='stMain']")


def main_text(page) -> str:
    return main(page).inner_text()


def expect_main(page, *texts: str) -> None:
    """The main area shows each of `texts` (waiting for it, as Playwright's expect does)."""
    for text in texts:
        expect(main(page)).to_contain_text(text)


def assert_no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
