"""Shared look of every figure and table: a projector-friendly layout, one colour per method and model, and
one way to write numbers (plain from 0.001 to 9,999, else scientific as 1e-4; decades only on log axes)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

# The light template as plotly's default: a figure then starts with it already validated. Passing
# template="plotly_white" to update_layout instead re-validated and deep-copied the whole template for
# every figure, ~20 ms each, the largest part of a warm page run (py-spy on the Solver lab).
pio.templates.default = "plotly_white"

#: Okabe–Ito colours: distinguishable for colour-blind viewers and on a washed-out projector.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")

METHOD_COLORS = {
    "euler": "#D55E00",
    "midpoint": "#E69F00",
    "rk4": "#0072B2",
    "heun3": "#56B4E9",
    "rk4_38": "#009E73",
    "adaptive_heun": "#F0E442",
    "fehlberg2": "#999999",
    "bosh3": "#CC79A7",
    "dopri5": "#009E73",
    "dopri8": "#000000",
    "lsoda": "#882255",
    "bdf": "#44AA99",
}
REFERENCE_COLOR = "#7f7f7f"


def color_for(key: str, index: int = 0) -> str:
    return METHOD_COLORS.get(key, PALETTE[index % len(PALETTE)])


@dataclass(frozen=True)
class Curve:
    """One trajectory to draw: `y: (T, dim)` at times `t: (T,)`."""

    key: str  # method or model key, which picks the colour
    label: str
    t: np.ndarray
    y: np.ndarray
    dash: str | None = None  # plotly dash style, e.g. "dash" for references
    markers: bool = False
    width: float | None = None  # None: 3, or 2 for a dashed reference
    layer: int = 0  # plotly's zorder: a higher layer is drawn in front, whatever the legend order


#: Magnitudes written plainly; outside them a number is scientific ("1e-4", "2.5e6"), never "0.00000001",
#: "1e+01" or an SI prefix ("100μ", "1n").
PLAIN_NUMBERS = (1e-3, 1e4)
#: The cell of a table where there is no value (not "None" or "nan").
NO_VALUE = "—"
#: At most this many labelled decades on a log axis; a wider range labels every second or third.
MAX_DECADES = 8
#: format_number's rule as a Vega expression, for altair axes (d3's "~e" writes 1e-4 as "1e-4").
CHART_LABEL = (
    f"datum.value >= {PLAIN_NUMBERS[0]} && datum.value < {PLAIN_NUMBERS[1]:g}"
    " ? format(datum.value, '~g') : format(datum.value, '~e')"
)


def format_number(value: float | None, digits: int = 3) -> str:
    """A number as axes and tables write it: `digits` significant digits, plain from 0.001 to 9,999,
    scientific beyond (1e-4, 2.5e-7); NO_VALUE for None or a non-finite value."""
    if value is None or not math.isfinite(value):
        return NO_VALUE
    if value == 0:
        return "0"
    if PLAIN_NUMBERS[0] <= abs(value) < PLAIN_NUMBERS[1]:
        text = f"{value:.{digits}g}"
        return text if "e" not in text else f"{value:.0f}"  # 1,234 at 3 digits: "1234", not "1.23e+03"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    return f"{mantissa}e{int(exponent)}"


def log_ticks(values: Iterable[float | None]) -> list[float]:
    """Where a log axis over `values` is labelled: decades (every second or third over a wide range), or
    1-2-5 steps where fewer than three decades lie in their range, or every digit where 1-2-5 gives fewer
    than three labels."""
    data = np.array([np.nan if v is None else v for v in values], dtype=float)
    data = data[np.isfinite(data) & (data > 0)]
    if len(data) == 0:
        return []
    low, high = float(data.min()), float(data.max())
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    inside = [k for k in range(first, last + 1) if low <= 10.0**k <= high]
    if len(inside) >= 3:
        every = math.ceil(len(inside) / MAX_DECADES)
        return [10.0**k for k in range(first, last + 1) if k % every == 0]
    for digits in ((1, 2, 5), range(1, 10)):
        ticks = [float(f"{d}e{k}") for k in range(first, last + 1) for d in digits]
        if sum(low <= t <= high for t in ticks) >= 3:
            break
    return ticks


def label_log_axes(fig: go.Figure) -> go.Figure:
    """Give each log axis of `fig` without ticks of its own labels at `log_ticks` of its traces' data,
    written by `format_number` (plotly's own labels every minor tick bare: "4 5 6 7 8 9 0.1 2 3")."""
    for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
        if axis.type != "log" or axis.tickvals is not None:
            continue
        letter = axis.plotly_name[0]
        ref = letter + axis.plotly_name[5:]
        values: list = []
        for trace in fig.data:
            if (
                letter + "axis" in trace
                and (trace[letter + "axis"] or letter) == ref
                and trace[letter] is not None
            ):
                values.extend(np.asarray(trace[letter], dtype=object).ravel().tolist())
        ticks = log_ticks(values)
        if ticks:
            axis.update(tickvals=ticks, ticktext=[format_number(t) for t in ticks])
    return fig


def chart_log_axis(values: Iterable[float | None], **settings: object) -> alt.Axis:
    """An altair log axis labelled like `label_log_axes`: at `log_ticks(values)`, by format_number's rule."""
    return alt.Axis(values=log_ticks(values) or alt.Undefined, labelExpr=CHART_LABEL, **settings)


def readable_table(table: Mapping[str, Sequence] | Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """A table for st.dataframe: a column of numbers only stays numeric; any other is text, its fractions
    written by `format_number`, whole numbers as whole numbers, and NO_VALUE where a cell has none (None,
    NaN). `table`: columns, or rows."""
    frame = pd.DataFrame(table)
    for column in frame.columns:
        values = frame[column].tolist()
        missing = any(v is None or (isinstance(v, float) and not math.isfinite(v)) for v in values)
        small = any(
            isinstance(v, float) and v != 0 and not PLAIN_NUMBERS[0] <= abs(v) < PLAIN_NUMBERS[1]
            for v in values
        )
        if missing or small or any(isinstance(v, str) for v in values):
            frame[column] = [_cell(v) for v in values]
    return frame


def _cell(value: object) -> str:
    if isinstance(value, float | np.floating):
        number = float(value)
        return f"{number:.0f}" if number.is_integer() and abs(number) < 1e15 else format_number(number, 4)
    return NO_VALUE if value is None else str(value)


def styled(fig: go.Figure, *, height: int = 420, title: str | None = None) -> go.Figure:
    """Apply the common layout: readable fonts, legend on top (the light template is the default), log
    axes labelled by `label_log_axes`."""
    label_log_axes(fig)
    fig.update_layout(
        height=height,
        margin={"l": 60, "r": 20, "t": 60 if title else 30, "b": 50},
        font={"size": 14},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        title={"text": title} if title else None,
    )
    return fig


#: A legend beside the plot: one column at its top right, outside it (plotly widens the right margin for it).
LEGEND_BESIDE = {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1.0, "yanchor": "top"}
#: Room under a 2-D plot for its tick labels and x-axis title, which a legend under the plot must clear.
AXIS_PX = 70
ROW_PX = 24


def legend_below(fig: go.Figure, *, rows: int = 2, axis_px: int = AXIS_PX) -> go.Figure:
    """A horizontal legend under the plot, `axis_px` below its bottom edge (about 10 for a 3-D scene, which
    has no axis there), with a bottom margin for `rows` rows of entries. On top, a legend that wraps to the
    figure's right edge runs under plotly's toolbar and a title. The margin is fixed so that the plot's
    height, and with it the legend's distance in pixels, does not depend on how plotly wraps the entries.

    Call after `styled`, which sets the figure's height and top margin."""
    height = fig.layout.height or 450
    top = fig.layout.margin.t if fig.layout.margin.t is not None else 80
    bottom = axis_px + ROW_PX * rows + 10
    plot = max(height - top - bottom, 100)
    fig.update_layout(
        margin={"b": bottom},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -axis_px / plot, "yanchor": "top"},
    )
    return fig


def scale_legend_below(layout: dict, scale: float) -> None:
    """In a figure's JSON `layout`, for text `scale` times larger (presenter mode): a legend that
    `legend_below` put under the plot moves `scale` times as far below it, clear of the larger tick labels
    and axis title, and the bottom margin grows `scale` times, the figure with it, so the plot keeps its
    height. Other legends are left as they are, and so are figures with a 3-D scene: no axis text sits
    under a scene, and a taller box only adds a gap under it."""
    if any(name.startswith("scene") for name in layout):
        return
    legend, margin, height = layout.get("legend", {}), layout.get("margin", {}), layout.get("height")
    y, bottom = legend.get("y"), margin.get("b")
    numbers = all(isinstance(v, int | float) for v in (y, bottom, height))
    if legend.get("yanchor") != "top" or not numbers or y >= 0:
        return
    # The plot keeps its height in pixels, so the legend's paper y scales as its distance does.
    margin["b"] = bottom * scale
    layout["height"] = height + margin["b"] - bottom
    legend["y"] = y * scale


def line_trace(
    x: object,
    y: object,
    name: str,
    color: str,
    width: float,
    *,
    z: object | None = None,
    dash: str | None = None,
    **properties: object,
) -> go.Scatter | go.Scatter3d:
    """A plain line through (x, y), or (x, y, z) in 3-D: the trace most builders draw. `properties` are
    plotly's own trace properties (legendgroup, showlegend, opacity, hoverinfo, hovertemplate...)."""
    line = {"color": color, "width": width} | ({"dash": dash} if dash else {})
    if z is None:
        return go.Scatter(x=x, y=y, mode="lines", name=name, line=line, **properties)
    return go.Scatter3d(x=x, y=y, z=z, mode="lines", name=name, line=line, **properties)


def line_style(curve: Curve, index: int) -> dict:
    color = REFERENCE_COLOR if curve.dash else color_for(curve.key, index)
    width = curve.width if curve.width is not None else 2 if curve.dash else 3
    return {"color": color, "width": width, "dash": curve.dash}


def colorbar_trace(low: float, high: float, colorscale: str | list, colorbar: dict) -> go.Scatter:
    """An invisible marker that only carries a colour bar from `low` to `high` (a legend for colours
    drawn by traces that cannot show one themselves)."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        showlegend=False,
        hoverinfo="skip",
        marker={
            "color": [low],
            "cmin": low,
            "cmax": high,
            "colorscale": colorscale,
            "showscale": True,
            "colorbar": colorbar,
        },
    )


def scene(names: Sequence[str], **settings: object) -> dict:
    """A 3-D scene's layout: its x, y and z axes named `names`, then `settings` (aspect, camera...)."""
    return {"xaxis_title": names[0], "yaxis_title": names[1], "zaxis_title": names[2], **settings}


#: A play slider names at most this many of its frames under its rail. plotly.js labels every k-th step itself,
#: k just large enough that two labels do not touch: a row of 0.00 0.05 0.10 … 0.97 across a wide figure, too
#: dense to read from the back of a room. Every frame stays a step (the rail reaches it, the current value
#: names it); plotly's own labels are drawn transparent and these few are annotations at their steps.
PLAY_LABELS = 6
#: The name that marks those annotations.
PLAY_LABEL_NAME = "play slider label"
#: plotly.js's slider geometry (sliders/constants.js): the first and last steps lie this many px inside the
#: rail's ends; under the current value (this far above the rail area) the ticks start this far down.
SLIDER_STEP_INSET_PX = 10
SLIDER_VALUE_OFFSET_PX = 10
SLIDER_TICK_OFFSET_PX = 25
#: Every tick the same length: plotly draws its longer ticks at its own k-th steps, not at the named frames.
SLIDER_TICK_PX = 4
#: The current value's colour: the slider's own font, which it would inherit, is transparent.
SLIDER_VALUE_COLOR = "#2a3f5f"
TRANSPARENT = "rgba(0, 0, 0, 0)"


def labelled_frames(count: int, most: int = PLAY_LABELS) -> list[int]:
    """The frames (of `count`) a play slider names: every one if at most `most`, else the first, the last
    and evenly spaced ones between: quarters, fifths, thirds or halves where one of them falls on frames,
    else the frames nearest the quarters."""
    if count <= most:
        return list(range(count))
    last = count - 1
    for parts in (4, 5, 3, 2):
        if parts < most and last % parts == 0:
            return list(range(0, count, last // parts))
    return sorted({round(k * last / 4) for k in range(5)})


def _rail_labels(names: list[str], x: float, length: float, y: float, anchor: str) -> list[dict]:
    """Annotations naming the `labelled_frames` of `names` where plotly would write their labels, under a
    slider at (`x`, `y`), `length` wide, anchored at its `anchor` ("top" or "bottom").

    A label's x is its step's: at fraction f along the rail, SLIDER_STEP_INSET_PX * (1 - 2f) px inside it.
    Under a slider standing on its foot the labels stand on it too. Under one hung from its top, they hang
    below the current value's line, the ticks' offset and their length: the current value's line is a first
    line of the label, in the same font, so that presenter mode's larger type moves both alike (a blank
    line, a no-break space: plotly drops an empty first line)."""
    last = max(len(names) - 1, 1)
    hung = anchor == "top"
    drop = SLIDER_VALUE_OFFSET_PX + SLIDER_TICK_OFFSET_PX + SLIDER_TICK_PX
    labels = []
    for i in labelled_frames(len(names)):
        f = i / last
        labels.append(
            {
                "name": PLAY_LABEL_NAME,
                "text": f"\u00a0<br>{names[i]}" if hung else names[i],
                "xref": "paper",
                "yref": "paper",
                "x": x + length * f,
                "xshift": SLIDER_STEP_INSET_PX * (1 - 2 * f),
                "y": y,
                "yshift": -drop if hung else 0,
                "xanchor": "center",
                "yanchor": anchor,
                "showarrow": False,
            }
        )
    return labels


def add_play_controls(
    fig: go.Figure,
    frame_names: list[str],
    *,
    prefix: str,
    frame_ms: int,
    redraw: bool = False,
    y: float = -0.12,
    slider_x: float = 0.15,
    slider_y: float | None = None,
    active: int = 0,
    anchor: str = "top",
    value_anchor: str = "right",
) -> go.Figure:
    """Play / Pause buttons and a frame slider under an animated figure, `y` in paper coordinates, the
    slider on frame `active` (the frame the figure's own data show). The slider's top is at `slider_y`
    (default `y` + 0.02), its current value at its right end (`value_anchor`: "left" for its left end),
    clear of the buttons at its left. With `anchor="bottom"` the buttons' and the slider's feet are at `y`
    and `slider_y` instead. Only `labelled_frames` are named under the rail; the current value names each
    frame, and a click on a label still goes to its frame (the rail's touch area lies over the labels).

    `redraw` must be True when frames hold 3-D traces (plotly only re-renders those on redraw).
    """
    still = {"frame": {"duration": 0, "redraw": redraw}, "mode": "immediate", "transition": {"duration": 0}}
    play = {**still, "frame": {"duration": frame_ms, "redraw": redraw}, "fromcurrent": True}
    at = y + 0.02 if slider_y is None else slider_y
    fig.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": y,
                "xanchor": "left",
                "yanchor": anchor,
                "showactive": False,
                "buttons": [
                    {"label": "Play", "method": "animate", "args": [None, play]},
                    {"label": "Pause", "method": "animate", "args": [[None], still]},
                ],
            }
        ],
        sliders=[
            {
                "active": active,
                "x": slider_x,
                "len": 1.0 - slider_x,
                "y": at,
                "yanchor": anchor,
                "pad": {"t": 0},
                "font": {"color": TRANSPARENT},
                "ticklen": SLIDER_TICK_PX,
                "minorticklen": SLIDER_TICK_PX,
                "currentvalue": {
                    "prefix": prefix,
                    "xanchor": value_anchor,
                    "font": {"color": SLIDER_VALUE_COLOR},
                },
                "steps": [{"label": n, "method": "animate", "args": [[n], still]} for n in frame_names],
            }
        ],
    )
    for label in _rail_labels(frame_names, slider_x, 1.0 - slider_x, at, anchor):
        fig.add_annotation(label)
    return fig
