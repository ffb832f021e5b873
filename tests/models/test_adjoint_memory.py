"""The truths the adjoint-memory tab claims: equal gradients, O(L) memory for backprop, O(1) for the adjoint."""

from __future__ import annotations

import pytest
import torch

from models.learning.adjoint_memory import MemoryStudyConfig, SavedTensorMeter, compare, measure, step_sweep

SMALL = MemoryStudyConfig(hidden=16, batch=8, t1=1.0, steps=(4, 16, 64))


def test_adjoint_and_direct_gradients_agree():
    c = compare(SMALL, "rk4", 16)
    assert c.direct.grads.shape == c.adjoint.grads.shape
    assert c.direct.grads.abs().max() > 1e-3  # a real gradient, not zeros
    assert c.rel_diff < 1e-6


def test_gradient_difference_shrinks_as_the_grid_refines():
    # The adjoint differentiates the ODE, backprop the discretisation: they meet as h -> 0, at rk4's order.
    coarse, fine = compare(SMALL, "rk4", 2), compare(SMALL, "rk4", 8)
    assert fine.max_abs_diff < coarse.max_abs_diff / 50


def test_saved_bytes_grow_with_steps_for_direct_and_stay_flat_for_the_adjoint():
    study = step_sweep(SMALL)
    direct = [c.direct.saved_bytes for c in study.comparisons]
    adjoint = [c.adjoint.saved_bytes for c in study.comparisons]
    peaks = [c.adjoint.peak_saved_bytes for c in study.comparisons]
    assert direct[1] > 3.5 * direct[0] and direct[2] > 3.5 * direct[1]  # 4x the steps, ~4x the bytes
    assert len(set(adjoint)) == 1 and adjoint[0] < direct[0] / 10
    assert len(set(peaks)) == 1  # the backward solve frees each step's graph
    assert adjoint[0] > 0  # the adjoint's save_for_backward is seen by the hooks


def test_nfe_of_each_pass():
    direct = measure(SMALL, "direct", "rk4", 8)
    adjoint = measure(SMALL, "adjoint", "rk4", 8)
    assert direct.nfe_forward == 32 and direct.nfe_backward == 0  # rk4: 4 evaluations per step
    assert adjoint.nfe_forward == 32 and adjoint.nfe_backward == 32
    assert direct.forward_s > 0 and adjoint.backward_s > 0


def test_tighter_tolerance_takes_more_steps_and_more_memory():
    cfg = MemoryStudyConfig(hidden=16, batch=8)
    loose, tight = compare(cfg, "dopri5", 1e-3), compare(cfg, "dopri5", 1e-8)
    assert tight.direct.steps > loose.direct.steps
    assert tight.direct.saved_bytes > loose.direct.saved_bytes
    assert tight.adjoint.saved_bytes == loose.adjoint.saved_bytes


def test_meter_counts_a_shared_storage_once_and_releases_it():
    meter = SavedTensorMeter()
    x = torch.randn(100, dtype=torch.float64, requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(meter.pack, meter.unpack):
        y = (x * x).sum()  # x saved twice, one storage
        assert meter.live_bytes == 800
        y.backward()
    del y
    assert meter.live_bytes == 0 and meter.peak_bytes == 800


def test_bounds_are_enforced():
    with pytest.raises(ValueError):
        MemoryStudyConfig(steps=(4, 5000))
    with pytest.raises(ValueError):
        measure(SMALL, "direct", "rk4", 5000)
    with pytest.raises(ValueError):
        MemoryStudyConfig(tolerances=(0.0,))


def test_time_budget_skips_the_rest():
    study = step_sweep(MemoryStudyConfig(hidden=8, batch=4, steps=(4, 8, 16), time_budget_s=0.0))
    assert len(study.comparisons) == 1 and study.skipped == (8.0, 16.0)


def test_timings_are_repeated_and_summarised_by_their_median():
    m = measure(MemoryStudyConfig(hidden=16, batch=8, t1=1.0, timing_repeats=5), "adjoint", "rk4", 4)
    assert len(m.forward_times) == len(m.backward_times) == 5
    assert min(m.backward_times) <= m.backward_s <= max(m.backward_times)
    assert m.backward_s == sorted(m.backward_times)[2]
    quick = measure(
        MemoryStudyConfig(hidden=16, batch=8, t1=1.0, timing_repeats=5, timing_budget_s=0.0),
        "direct",
        "rk4",
        4,
    )
    assert len(quick.forward_times) == 3  # the budget cuts the repeats, never below three
