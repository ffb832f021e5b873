"""Flow read-outs: paths through depth, decision regions, the vector field and its streamlines, order flips."""

import numpy as np
import pytest
import torch

from models.nn.odefunc import count_nfe
from models.node_anode.analysis import (
    decision_regions,
    flow_paths,
    order_flips,
    padded_window,
    rebuild,
    vector_field,
)
from models.node_anode.classifiers import Architecture, ModelConfig, ModelSolver, build_model
from models.ode.solve import FixedStep, Tolerances


def _x(n=12, d=2, seed=0):
    return torch.rand(n, d, generator=torch.Generator().manual_seed(seed)) * 2 - 1


def test_node_paths_start_at_the_input_and_end_at_the_logits():
    model = build_model(ModelConfig(Architecture(kind="node")), 2, 2, seed=1).eval()
    x = _x()
    paths = flow_paths(model, x, n_times=9)
    assert paths.states.shape == (9, 12, 2) and paths.t.shape == (9,)
    assert paths.t[0] == 0.0 and paths.t[-1] == pytest.approx(1.0)
    np.testing.assert_allclose(paths.states[0], x.numpy(), atol=1e-6)
    with torch.no_grad():
        logits = model(x).numpy()  # identity readout: the logits are the final state
    np.testing.assert_allclose(paths.states[-1], logits, atol=2e-3)
    assert paths.nfe > 0 and not paths.discrete


def test_anode_paths_start_with_zero_augmented_coordinates():
    model = build_model(ModelConfig(Architecture(kind="anode", augment_dim=2)), 2, 2, seed=0).eval()
    paths = flow_paths(model, _x())
    assert paths.states.shape[2] == 4
    assert np.all(paths.states[0, :, 2:] == 0.0)
    assert np.abs(paths.states[-1, :, 2:]).max() > 1e-4  # the flow leaves the plane a = 0


def test_resnet_paths_are_its_layer_states():
    model = build_model(ModelConfig(Architecture(kind="resnet", resnet_depth=3)), 1, 1, seed=0).eval()
    x = _x(d=1)
    paths = flow_paths(model, x)
    assert paths.discrete and paths.t.tolist() == [0.0, 1.0, 2.0, 3.0]
    with torch.no_grad():
        np.testing.assert_allclose(paths.states, model.layer_states(x).numpy())
    assert paths.nfe == 3  # one evaluation of each block


def test_a_1d_ode_flow_never_changes_the_order_of_points():
    model = build_model(ModelConfig(Architecture(kind="node")), 1, 1, seed=3).eval()
    x = torch.linspace(-1, 1, 40)[:, None]
    paths = flow_paths(model, x)
    assert order_flips(paths.states[0, :, 0], paths.states[-1, :, 0]) == 0


def test_order_flips_counts_swapped_pairs():
    x = np.linspace(-1, 1, 10)
    assert order_flips(x, -x) == 45
    assert order_flips(x, x**3) == 0
    assert order_flips(np.array([0.0, 1.0, 2.0]), np.array([0.0, 2.0, 1.0])) == 1


def test_padded_window_holds_the_points_with_a_margin():
    points = np.array([[0.0, -1.0], [2.0, 1.0], [np.nan, 5.0]])
    (x0, x1), (y0, y1) = padded_window(points, margin=0.25)
    assert (x0, x1) == pytest.approx((-0.5, 2.5)) and (y0, y1) == pytest.approx((-1.5, 1.5))


def test_decision_regions_are_the_class_1_probability_of_the_model():
    model = build_model(ModelConfig(Architecture(kind="anode")), 2, 2, seed=0).eval()
    window = ((-1.0, 1.0), (-2.0, 2.0))
    grid = decision_regions(model, window, resolution=11)
    assert grid.prob.shape == (11, 11) and grid.xs[0] == -1.0 and grid.ys[-1] == 2.0
    assert np.all((grid.prob >= 0) & (grid.prob <= 1))
    with torch.no_grad():
        p = torch.softmax(model(torch.tensor([[grid.xs[3], grid.ys[7]]], dtype=torch.float32)), 1)[0, 1]
    assert grid.prob[7, 3] == pytest.approx(float(p), abs=1e-3)
    assert grid.nfe > 0


def test_decision_regions_need_2d_inputs():
    model = build_model(ModelConfig(Architecture(kind="node")), 1, 1, seed=0).eval()
    with pytest.raises(ValueError):
        decision_regions(model, ((-1.0, 1.0), (-1.0, 1.0)))


def test_vector_field_samples_f_on_the_plane_a_equals_zero():
    model = build_model(ModelConfig(Architecture(kind="anode", augment_dim=1)), 2, 2, seed=0).eval()
    window = ((-1.0, 1.0), (-1.0, 1.0))
    field = vector_field(model.func, window, resolution=9, n_lines=4, line_steps=5)
    with torch.no_grad():
        f = model.func(
            torch.tensor(0.0), torch.tensor([[field.xs[2], field.ys[6], 0.0]], dtype=torch.float32)
        )[0]
    assert field.u[6, 2] == pytest.approx(float(f[0]), abs=1e-5)
    assert field.v[6, 2] == pytest.approx(float(f[1]), abs=1e-5)
    assert field.speed[6, 2] == pytest.approx(float(f.norm()), abs=1e-5)  # counts the push along a
    assert np.all(field.speed >= np.hypot(field.u, field.v) - 1e-6)
    assert field.lines.shape == (16, 6, 2)


def test_streamlines_follow_f_with_equal_steps():
    model = build_model(ModelConfig(Architecture(kind="node")), 2, 2, seed=2).eval()
    window = ((-2.0, 2.0), (-1.0, 1.0))
    field = vector_field(model.func, window, n_lines=5, line_steps=8)
    steps = np.diff(field.lines, axis=1) / np.array([4.0, 2.0])  # in window units
    lengths = np.linalg.norm(steps, axis=2)
    np.testing.assert_allclose(lengths, lengths[0, 0], rtol=0.05)
    with torch.no_grad():
        f = model.func(torch.tensor(0.0), torch.from_numpy(field.lines[:, 0]).float()).numpy()
    first = field.lines[:, 1] - field.lines[:, 0]
    cos = (first * f).sum(1) / np.linalg.norm(first, axis=1) / np.linalg.norm(f, axis=1)
    assert cos.min() > 0.95


def test_vector_field_needs_two_state_dimensions():
    model = build_model(ModelConfig(Architecture(kind="node")), 1, 1, seed=0)
    with pytest.raises(ValueError):
        vector_field(model.func, ((-1.0, 1.0), (-1.0, 1.0)))


def test_rebuild_copies_weights_into_a_model_with_its_own_counter_and_solver():
    original = build_model(ModelConfig(Architecture(kind="node")), 2, 2, seed=5).eval()
    x = _x()
    arch = Architecture(kind="node")
    loose = rebuild(ModelConfig(arch, ModelSolver("euler", FixedStep(0.5))), 2, 2, original.state_dict())
    tight = rebuild(ModelConfig(arch, ModelSolver(step=Tolerances(1e-6, 1e-6))), 2, 2, original.state_dict())
    with torch.no_grad():
        assert torch.allclose(tight(x), original(x), atol=1e-3)
        loose(x)
    assert count_nfe(original) > 0 and count_nfe(loose) == 2  # two Euler steps, counted on the copy
    assert not loose.training
