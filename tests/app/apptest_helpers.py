"""Shared helpers for AppTest page tests: run a page through the real router with query parameters."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
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


def plotly_figure(at: AppTest, index: int = 0, key: str | None = None) -> dict:
    """A plotly chart of the page as parsed JSON (`{"data": [...], "layout": {...}}`), by position or key.

    Tests assert on its parsed trace names and values, never on substrings of the serialized spec, which
    differ between serializers (orjson writes "α", the json module "\\u03b1")."""
    charts = at.get("plotly_chart")
    chart = charts[index] if key is None else next(c for c in charts if c.key == key)
    return _plain(json.loads(chart.proto.spec))


def _plain(node):
    """Arrays as lists: plotly sends numpy arrays as plotly.js typed arrays (`{"dtype", "bdata", "shape"}`,
    base64) and lists as lists, depending on the version and the data; tests see lists either way."""
    if isinstance(node, dict):
        if isinstance(node.get("bdata"), str) and isinstance(node.get("dtype"), str):
            values = np.frombuffer(base64.b64decode(node["bdata"]), dtype=np.dtype(node["dtype"]))
            if "shape" in node:
                values = values.reshape([int(n) for n in str(node["shape"]).split(",")])
            return values.tolist()
        return {key: _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(value) for value in node]
    return node


def trace_names(at: AppTest, index: int = 0) -> list[str | None]:
    return [trace.get("name") for trace in plotly_figure(at, index)["data"]]


def chart_rows(at: AppTest, index: int = 0) -> list[dict]:
    """The rows of an altair chart's data: Streamlit sends them as an Arrow stream beside the spec."""
    data = at.get("vega_lite_chart")[index].proto.data.data
    return pa.ipc.open_stream(data).read_all().to_pylist()
