"""Exports of a figure: standalone interactive HTML, and the numbers behind it as CSV."""

from __future__ import annotations

import csv
import io

import numpy as np
import plotly.graph_objects as go


def figure_html(fig: go.Figure) -> str:
    """A self-contained page (plotly.js inlined) that stays interactive offline."""
    return fig.to_html(include_plotlyjs=True, full_html=True)


def figure_csv(fig: go.Figure) -> str:
    """Every trace's points as rows: trace, point index, x, y and z where the trace has them."""
    out = io.StringIO()
    writer = csv.writer(out)
    has_z = any(getattr(tr, "z", None) is not None for tr in fig.data)
    writer.writerow(["trace", "point", "x", "y", *(["z"] if has_z else [])])
    for i, trace in enumerate(fig.data):
        x, y = getattr(trace, "x", None), getattr(trace, "y", None)
        if x is None or y is None:
            continue
        z = getattr(trace, "z", None) if has_z else None
        name = trace.name or f"trace {i}"
        zs = np.asarray(z).ravel() if z is not None else None
        for k, (xv, yv) in enumerate(zip(np.asarray(x).ravel(), np.asarray(y).ravel(), strict=False)):
            row = [name, k, xv, yv]
            if has_z:
                row.append(zs[k] if zs is not None and k < len(zs) else "")
            writer.writerow(row)
    return out.getvalue()
