"""Builders of the "How Neural ODEs learn" figures return the expected traces and axes."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from components.learning_figures import (
    BACKWARD_STYLES,
    FIELD_HEIGHT,
    PANEL_LEGEND_ROWS,
    PANEL_TITLE_PX,
    PATHS_HEADROOM,
    REFERENCE_LINES,
    TITLE_LINE,
    BackwardCurve,
    backward_vs_forward_figure,
    curve_chart,
    curve_records,
    depth_paths_figure,
    field_training_figure,
    gradient_gap_figure,
    legend_above,
    memory_figure,
    nfe_tolerance_figure,
    regression_figure,
    time_figure,
    time_vs_nfe_figure,
    training_frame_indices,
    vector_field_figure,
)
from components.style import AXIS_PX, ROW_PX, legend_below, styled


def test_memory_figure_is_log_log_with_both_methods():
    steps = np.array([4.0, 8.0, 16.0])
    fig = memory_figure(steps, steps * 1000, np.full(3, 2064.0), np.full(3, 20000.0), "steps")
    assert [t.name for t in fig.data][:2] == ["backprop: held for backward", "adjoint: held for backward"]
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    assert list(fig.data[1].y) == [2064.0] * 3
    # The legend in a column beside the plot, not in rows under it (which fell below the fold, step 13).
    legend = fig.layout.legend
    assert (legend.orientation, legend.x, legend.xanchor, legend.yanchor) == ("v", 1.02, "left", "top")
    assert fig.layout.margin.b == styled(go.Figure()).layout.margin.b


#: The most characters of a y-axis title that fit beside the side-by-side plots of the memory tab at the
#: presenter scale (a plot about 270 px high; "max |Δ gradient| / max |gradient|" was cut at both ends).
SIDE_Y_TITLE_CHARS = 20


def test_side_by_side_memory_figures_keep_their_y_titles_short():
    x = np.array([4.0, 8.0])
    gap = gradient_gap_figure(x, np.array([1e-7, 1e-8]), "steps")
    runs = {"direct": ([[1.0], [2.0]], [[1.0], [2.0]]), "adjoint": ([[1.0], [2.0]], [[3.0], [4.0]])}
    for fig in (gap, time_figure(x, runs, "steps")):
        assert len(fig.layout.yaxis.title.text) <= SIDE_Y_TITLE_CHARS


def test_gradient_gap_keeps_exact_zeros_drawable():
    fig = gradient_gap_figure(np.array([4.0, 8.0]), np.array([1e-7, 0.0]), "steps")
    assert min(fig.data[0].y) > 0


def test_nfe_figures():
    tol = np.array([1e-1, 1e-3, 1e-5])
    fwd, bwd = np.array([20.0, 38.0, 80.0]), np.array([20.0, 56.0, 104.0])
    a = nfe_tolerance_figure(tol, fwd, bwd)
    assert len(a.data) == 2 and a.layout.xaxis.autorange == "reversed"
    b = time_vs_nfe_figure(fwd, fwd * 1e-3, 1e-3)
    assert "1.000 ms per evaluation" in b.data[1].name
    curves = {
        "backprop": BackwardCurve(np.array([20.0, 36.0, 74.0]), np.full(3, 0.01)),
        "adjoint": BackwardCurve(bwd, np.full(3, 0.1)),
        "seminorm": BackwardCurve(bwd, np.full(3, 0.1)),
    }
    c = backward_vs_forward_figure(fwd, curves)
    assert list(c.data[0].x) == list(fwd) and len(c.data) == 5
    # The reference lines are labelled at their right ends, past every curve, and not in the legend.
    assert [t.showlegend for t in c.data] == [None, None, None, False, False]
    top = max(fwd.max(), bwd.max())
    labels = [(a.text, a.x, a.y, a.xanchor) for a in c.layout.annotations if a.text in ("×1", "×½")]
    assert labels == [("×1", top, top, "left"), ("×½", top, top / 2, "left")]
    assert [a.hovertext for a in c.layout.annotations[-2:]] == [name for _, _, name, _ in REFERENCE_LINES]
    assert [t.name for t in c.data[:3]] == [BACKWARD_STYLES[m][0] for m in curves]
    assert "0 new NFE" in c.data[0].name and c.data[1].text[0] == "backward 100 ms"
    assert "dopri5" in c.layout.xaxis.title.text


def test_regression_and_paths_figures():
    x = np.linspace(-3, 3, 7)
    fig = regression_figure(
        x[:3], x[:3] ** 3, x, x**3, [("ResNet", x, "#000"), ("ODE-Net", x, "#111")], (-2, 2)
    )
    assert [t.name for t in fig.data] == ["y = x³ + 0.1x", "ResNet", "ODE-Net", "training points"]
    paths = depth_paths_figure(np.arange(4.0), np.zeros((4, 3)), np.linspace(0, 1, 11), np.zeros((11, 3)))
    assert len(paths.data) == 6 and sum(bool(t.showlegend) for t in paths.data) == 2


def test_vector_field_figure_draws_arrows_from_each_grid_point():
    xs, ys = np.linspace(-1, 1, 3), np.linspace(-1, 1, 4)
    values = np.ones((4, 3, 2))
    path = np.zeros((5, 2))
    fig = vector_field_figure(xs, ys, values, -values, path, path, path)
    true_arrows = fig.data[0]
    assert true_arrows.name == "true field" and len(true_arrows.x) == 3 * 12  # start, end, gap per point
    assert fig.data[2].name == "learned field"
    assert fig.data[2].x[1] < fig.data[2].x[0]  # the learned field points the other way
    # Equal axes make the plot square in a wide figure: the legend beside it, no rows under it (step 16).
    assert fig.layout.legend.orientation == "v" and fig.layout.legend.x > 1
    assert fig.layout.height == FIELD_HEIGHT <= 720 - 271  # under the presenter tour bar at 1280x720


def test_curve_chart_records_skip_non_finite():
    records = curve_records([1, 2, 3], [0.5, float("nan"), 0.1], "step", "loss", run="a")
    assert records == [{"step": 1.0, "loss": 0.5, "run": "a"}, {"step": 3.0, "loss": 0.1, "run": "a"}]
    spec = curve_chart(records, "step", "loss", color="run", log_y=True).to_dict()
    assert spec["encoding"]["y"]["scale"]["type"] == "log"
    assert spec["encoding"]["color"]["field"] == "run"


def test_time_figure_draws_medians_with_min_max_bars():
    runs = {
        "direct": ([[1.0, 2.0, 9.0]], [[3.0, 4.0, 5.0]]),
        "adjoint": ([[1.0, 1.0, 1.0]], [[6.0, 8.0, 7.0]]),
    }
    fig = time_figure(np.array([4.0]), runs, "steps")
    traces = {t.name: t for t in fig.data}
    assert list(traces) == ["backprop forward", "backprop backward", "adjoint forward", "adjoint backward"]
    fwd = traces["backprop forward"]
    assert list(fwd.y) == [2.0] and list(fwd.error_y.array) == [7.0] and list(fwd.error_y.arrayminus) == [1.0]
    assert list(traces["adjoint backward"].y) == [7.0] and fwd.text == ("median of 3 runs",)


def test_legends_sit_under_the_plot_clear_of_the_axis_title():
    fig = legend_below(styled(go.Figure(go.Scatter(x=[0], y=[0], name="a")), height=400), rows=2)
    plot_px = 400 - fig.layout.margin.t - fig.layout.margin.b
    assert fig.layout.legend.yanchor == "top" and fig.layout.legend.orientation == "h"
    assert abs(fig.layout.legend.y * plot_px + AXIS_PX) < 1e-9  # AXIS_PX under the plot's bottom edge
    assert fig.layout.margin.b >= AXIS_PX + 2 * ROW_PX


#: The most characters of a title or legend entry that fit a third of 1024 px at the presenter scale, the
#: NFE study's panel width there (312 px, measured in Chromium).
THIRD_OF_1024_CHARS = 23


def test_nfe_panels_titles_and_legend_entries_fit_a_third_of_1024_px():
    tol = np.array([1e-1, 1e-3, 1e-5])
    fwd = np.array([20.0, 38.0, 80.0])
    curves = {m: BackwardCurve(fwd, np.full(3, 0.1)) for m in BACKWARD_STYLES}
    panels = [
        nfe_tolerance_figure(tol, fwd, fwd),
        nfe_tolerance_figure(tol, fwd, fwd, "backward (+ seminorm)"),  # the tab's label with the seminorm
        time_vs_nfe_figure(fwd, fwd * 1e-3, 1e-3),
        backward_vs_forward_figure(fwd, curves),
    ]
    for fig in panels:
        assert fig.layout.title.font.size == PANEL_TITLE_PX
        assert len(fig.layout.title.text) <= THIRD_OF_1024_CHARS
        assert all(len(t.name) <= THIRD_OF_1024_CHARS for t in fig.data if t.showlegend is not False)
    names = [t.name for t in panels[-1].data]
    assert names[-2:] == ["backward = forward", "half of forward (paper)"]
    shown = [t.name for t in panels[-1].data if t.showlegend is not False]
    assert len(shown) == PANEL_LEGEND_ROWS  # at worst one entry a row in a third of 1024 px


@pytest.mark.parametrize("scale", [1.0, 1.6])
def test_a_legend_above_the_plot_has_room_for_its_rows_under_the_title(scale):
    tol, fwd = np.array([1e-1, 1e-3, 1e-5]), np.array([20.0, 38.0, 80.0])
    fig = nfe_tolerance_figure(tol, fwd, fwd, legend_at="above", text_scale=scale)
    legend, margin, title = fig.layout.legend, fig.layout.margin, fig.layout.title
    assert (legend.orientation, legend.y, legend.yanchor) == ("h", 1.0, "bottom")  # on the plot's top edge
    title_px = PANEL_TITLE_PX * TITLE_LINE * scale
    assert margin.t >= title_px + PANEL_LEGEND_ROWS * ROW_PX * scale
    assert (title.y, title.yref, title.yanchor) == (1.0, "container", "top")  # above the rows, not among them
    below = nfe_tolerance_figure(tol, fwd, fwd)
    assert below.layout.legend.yanchor == "top" and below.layout.legend.y < 0
    # Above, the rows take the top margin and leave the bottom one to the axis alone.
    assert fig.layout.margin.b < below.layout.margin.b
    untitled = legend_above(styled(go.Figure(go.Scatter(x=[0], y=[0], name="a"))), 2)
    assert untitled.layout.margin.t >= 2 * ROW_PX and untitled.layout.title.y is None


def test_resnet_tab_legends_leave_the_figures_low_enough_for_1280x720():
    x = np.linspace(-3, 3, 7)
    fig = regression_figure(x[:3], x[:3] ** 3, x, x**3, [("ResNet, depth 3", x, "#000")], (-2, 2))
    legend = fig.layout.legend
    # Inside the plot's empty top-left corner: no rows under the plot.
    assert (legend.x, legend.xanchor, legend.y, legend.yanchor) == (0.01, "left", 0.99, "top")
    states = np.linspace(-2, 2, 12).reshape(4, 3)
    paths = depth_paths_figure(np.arange(4.0), states, np.linspace(0, 1, 11), np.zeros((11, 3)))
    # One row of two short entries inside the plot's top, over headroom above the paths.
    legend = paths.layout.legend
    assert (legend.orientation, legend.y, legend.yanchor) == ("h", 0.99, "top")
    assert paths.layout.yaxis.range[1] == pytest.approx(2 + PATHS_HEADROOM * 4)
    assert [t.name for t in paths.data[:2]] == ["ODE-Net y(t)", "ResNet y_l (steps)"]
    # No legend rows under either plot: the same bottom margin, so the plots line up side by side.
    assert paths.layout.margin.b == fig.layout.margin.b == styled(go.Figure()).layout.margin.b


def test_training_frames_keep_the_first_and_last_snapshot_and_thin_out_late():
    assert training_frame_indices(21) == [0, 1, 2, 4, 6, 9, 13, 20]  # steps 0, 50, 100, 200 ... 1000
    assert training_frame_indices(5) == [0, 1, 2, 3, 4]  # few snapshots: all of them


def test_a_training_frame_moves_only_the_learned_field_and_trajectory():
    xs = ys = np.linspace(-1.0, 1.0, 3)
    truth = np.ones((3, 3, 2))
    learned = [k * truth / 2 for k in range(3)]  # untrained (zero), half, the truth
    path = np.zeros((4, 2))
    paths = [path + k for k in range(3)]
    fig = field_training_figure(xs, ys, truth, learned, path, path, paths, [0, 50, 100], 1)
    names = [t.name for t in fig.data]
    assert [names[i] for i in fig.frames[0].traces] == ["learned field", None, "learned trajectory"]
    assert [f.name for f in fig.frames] == ["0", "50", "100"]
    assert fig.layout.sliders[0].active == 1
    # The figure shows frame "50": its learned trajectory is paths[1], its arrows those of the frame.
    assert list(fig.data[6].x) == pytest.approx(list(paths[1][:, 0]))
    assert list(fig.frames[1].data[0].x) == pytest.approx(list(fig.data[2].x), abs=1e-3)
    # Untrained: each arrow is a point (start = end); the last frame's arrows are the truth's.
    zero = list(fig.frames[0].data[0].x)
    assert zero[0::3] == zero[1::3]
    assert list(fig.frames[2].data[0].x) == pytest.approx(list(fig.data[0].x), abs=1e-3)
