"""The Solver lab's figure builders return the traces, axes and annotations the page relies on."""

from __future__ import annotations

import numpy as np

from components.solver_figures import (
    components_figure,
    error_order_figure,
    phase_figure,
    step_size_figure,
    trajectory_3d_figure,
    work_precision_figure,
)
from components.style import METHOD_COLORS, Curve

T = np.linspace(0, 1, 11)
CIRCLE = np.stack([np.cos(T), np.sin(T)], axis=1)
CURVES = [
    Curve("reference", "reference", T, CIRCLE, dash="dash"),
    Curve("euler", "Euler", T, CIRCLE * 1.1, markers=True),
    Curve("rk4", "RK4", T, CIRCLE),
]


def test_components_figure_has_one_row_per_state_and_one_legend_entry_per_curve():
    fig = components_figure(CURVES, ("x", "y"))
    assert len(fig.data) == 6
    assert sum(bool(tr.showlegend) for tr in fig.data) == 3
    assert fig.layout.yaxis.title.text == "x" and fig.layout.yaxis2.title.text == "y"
    assert fig.data[2].mode == "lines+markers"  # Euler's steps are visible
    assert fig.data[2].line.color == METHOD_COLORS["euler"]


def test_phase_figure_marks_start_and_accepted_steps():
    steps = Curve("dopri5", "accepted steps", T[:3], CIRCLE[:3])
    fig = phase_figure(CURVES, ("x", "y"), window=((-2, 2), (-2, 2)), steps=steps)
    names = [tr.name for tr in fig.data]
    assert names == ["reference", "Euler", "RK4", "accepted steps", "y₀"]
    assert list(fig.layout.xaxis.range) == [-2, 2]
    np.testing.assert_allclose(fig.data[-1].x, [1.0])


def test_3d_figure_uses_time_as_third_axis_for_planar_systems_and_z_for_lorenz():
    fig = trajectory_3d_figure(CURVES, ("x", "y"))
    assert fig.layout.scene.zaxis.title.text == "t"
    np.testing.assert_allclose(fig.data[1].z, T)
    lorenz = Curve("rk4", "RK4", T, np.ones((11, 3)) * np.arange(3))
    fig3 = trajectory_3d_figure([lorenz], ("x", "y", "z"))
    assert fig3.layout.scene.zaxis.title.text == "z"
    np.testing.assert_allclose(fig3.data[0].z, 2.0)


def test_error_order_figure_writes_each_measured_order_on_the_chart():
    h = np.array([0.1, 0.05, 0.025])
    fig = error_order_figure([("euler", "Euler", h, h, 1.0), ("rk4", "RK4", h, h**4, 4.0)])
    assert [tr.name for tr in fig.data] == ["Euler: measured order 1.00", "RK4: measured order 4.00"]
    assert [a.text for a in fig.layout.annotations] == ["slope 1.00", "slope 4.00"]
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"


def test_error_order_figure_drops_non_finite_points_and_survives_no_order():
    h = np.array([0.1, 0.05, 0.025])
    fig = error_order_figure([("euler", "Euler", h, np.array([np.nan, 0.1, 0.05]), None)])
    assert len(fig.data[0].x) == 2
    assert "not measurable" in fig.data[0].name
    assert not fig.layout.annotations


def test_work_precision_and_step_size_figures():
    fig = work_precision_figure(
        [("dopri5", "Dormand–Prince", np.array([10, 20]), np.array([1e-3, 1e-6]), ["a", "b"])]
    )
    assert fig.layout.xaxis.type == "log" and list(fig.data[0].text) == ["a", "b"]
    steps = step_size_figure("dopri5", "Dormand–Prince", np.array([0.0, 0.1]), np.array([0.1, 0.2]))
    assert steps.data[0].line.shape == "hv" and steps.layout.yaxis.type == "log"
