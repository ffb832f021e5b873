"""How the project starts Debian's Chromium for Playwright, shared by the browser tests and the load
benchmarks (never `playwright install`, which downloads a browser of its own)."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: Headless as root on a machine with no network beyond localhost: without the background-networking
#: flags Chromium keeps trying to reach its update and sync servers.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
