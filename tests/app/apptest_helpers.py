"""Shared helpers for AppTest page tests: run a page through the real router with query parameters."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")


def open_page(url: str, timeout: float = 60, **params: str) -> AppTest:
    """Run app/main.py as the router would for `/<url>?<params>` and return the finished AppTest."""
    at = AppTest.from_file(MAIN, default_timeout=timeout)
    at.switch_page(f"views/{url}.py" if url else "views/home.py")
    # Set after switch_page: switching pages clears the query parameters, as in a browser.
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def assert_clean(at: AppTest) -> None:
    """No exception element anywhere on the page."""
    assert not at.exception, [e.value for e in at.exception]


def texts(at: AppTest) -> str:
    """All markdown, captions, alerts and metric labels of the page, joined (for `in` assertions)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [w.value for w in at.warning] + [i.value for i in at.info]
    parts += [m.label for m in at.metric] + [m.value for m in at.metric]
    return "\n".join(str(p) for p in parts)
