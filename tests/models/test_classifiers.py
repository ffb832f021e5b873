"""NODE / ANODE / ResNet: tutorial parameter counts, shapes, augmentation, seeding, NFE, adjoint gradients."""

import pytest
import torch

from models.nn.odefunc import ODEFunc, count_nfe, reset_nfe
from models.node_anode.classifiers import (
    Architecture,
    AugmentedNeuralODE,
    ModelConfig,
    ModelSolver,
    NeuralODE,
    ResNet,
    build_model,
    count_parameters,
)
from models.ode.solve import BudgetExceeded, FixedStep, Tolerances


def _x(n=6, d=2, seed=0):
    return torch.randn(n, d, generator=torch.Generator().manual_seed(seed))


def test_tutorial_parameter_counts():
    node = build_model(ModelConfig(Architecture(kind="node")), in_dim=2, n_out=2, seed=0)
    anode = build_model(ModelConfig(Architecture(kind="anode", augment_dim=1)), in_dim=2, n_out=2, seed=0)
    circles_node = build_model(ModelConfig(Architecture(kind="node", layers=2)), in_dim=2, n_out=2, seed=0)
    assert isinstance(node, NeuralODE) and isinstance(anode, AugmentedNeuralODE)
    assert count_parameters(node) == 322  # Linear(2,64)-Tanh-Linear(64,2), logits = state
    assert count_parameters(anode) == 459  # Linear(3,64)-Tanh-Linear(64,3) + head Linear(3,2)
    assert count_parameters(circles_node) == 4482  # 2-64-64-2, "4.5K"
    timed = build_model(ModelConfig(Architecture(kind="node", time_dependent=True)), 2, 2, 0)
    assert count_parameters(timed) == 322 + 64


@pytest.mark.parametrize("kind", ["node", "anode", "resnet"])
def test_output_and_trajectory_shapes(kind):
    model = build_model(ModelConfig(Architecture(kind=kind, augment_dim=3)), in_dim=2, n_out=2, seed=0)
    x = _x(5)
    state_dim = 5 if kind == "anode" else 2
    assert model(x).shape == (5, 2)
    t = torch.linspace(0.0, model.end_time, 7)
    path = model.trajectory(x, t)
    assert path.shape == (7, 5, state_dim)
    assert torch.allclose(path[0, :, :2], x)
    assert torch.allclose(model.readout(path[-1]), model(x), atol=1e-5)


def test_augmented_dimensions_start_at_zero():
    model = build_model(ModelConfig(Architecture(kind="anode", augment_dim=2)), 2, 2, seed=1)
    path = model.trajectory(_x(8), torch.linspace(0, 1, 5))
    assert torch.equal(path[0, :, 2:], torch.zeros(8, 2))
    assert path[-1, :, 2:].abs().max() > 0, "the flow should move the augmented coordinates"


def test_seeded_initialisation_reproduces_differs_and_spares_global_rng():
    before = torch.random.get_rng_state()
    a = build_model(ModelConfig(Architecture(kind="anode")), 2, 2, seed=3)
    b = build_model(ModelConfig(Architecture(kind="anode")), 2, 2, seed=3)
    c = build_model(ModelConfig(Architecture(kind="anode")), 2, 2, seed=4)
    assert torch.equal(before, torch.random.get_rng_state())
    for (name, pa), pb, pc in zip(
        a.state_dict().items(), b.state_dict().values(), c.state_dict().values(), strict=True
    ):
        assert torch.equal(pa, pb), name
        assert not torch.equal(pa, pc), name


def test_default_initialisation_scale_matches_pytorch():
    func = ODEFunc(2, 64, torch.Generator().manual_seed(0))
    first, last = func.net[0], func.net[2]
    assert first.weight.abs().max() <= 2**-0.5 and last.weight.abs().max() <= 64**-0.5
    assert first.weight.std() > 0.3  # U(-1/sqrt(2), 1/sqrt(2)) has std 0.41


@pytest.mark.parametrize(("solver", "per_step"), [("rk4", 4), ("euler", 1), ("midpoint", 2)])
def test_fixed_grid_nfe_is_stages_times_steps(solver, per_step):
    model = build_model(
        ModelConfig(Architecture(kind="node"), ModelSolver(solver, FixedStep(0.125))), 2, 2, seed=0
    )
    model(_x())
    assert count_nfe(model) == 8 * per_step
    reset_nfe(model)
    assert count_nfe(model) == 0


def test_resnet_evaluates_each_block_once():
    model = build_model(ModelConfig(Architecture(kind="resnet", resnet_depth=5)), 2, 2, seed=0)
    model(_x())
    assert count_nfe(model) == 5 and model.end_time == 5.0


def test_resnet_trajectory_hits_layer_states_and_interpolates_linearly():
    model = build_model(
        ModelConfig(Architecture(kind="resnet", resnet_depth=4, resnet_step=0.5)), 1, 1, seed=0
    )
    x = _x(3, 1)
    layers = model.layer_states(x)
    path = model.trajectory(x, torch.tensor([0.0, 0.5, 0.75, 2.0]))
    assert torch.allclose(path[[0, 1, 3]], layers[[0, 1, 4]])
    assert torch.allclose(path[2], 0.5 * (layers[1] + layers[2]))
    with pytest.raises(ValueError):
        model.trajectory(x, torch.tensor([0.0, 2.5]))


def test_ode_flow_keeps_order_but_a_resnet_step_can_reverse_it():
    x = torch.linspace(-1, 1, 11)[:, None]
    node = build_model(ModelConfig(Architecture(kind="node", hidden=16)), 1, 1, seed=5)
    with torch.no_grad():
        node.func.net[2].weight.mul_(20.0)  # a strong field still gives a homeomorphism
        y = node(x)[:, 0]
    assert (y.diff() > 0).all()
    resnet = build_model(ModelConfig(Architecture(kind="resnet", resnet_depth=1, hidden=16)), 1, 1, seed=5)
    block = resnet.blocks[0].net
    with torch.no_grad():
        # f(y) = sum_i w2_i tanh(0.01 y) ~ -2 y: one step y + f(y) ~ -y jumps points over each other.
        block[0].weight.fill_(0.01)
        block[0].bias.zero_()
        block[2].weight.fill_(-2.0 / (16 * 0.01))
        block[2].bias.zero_()
        y = resnet(x)[:, 0]
    assert (y.diff() < 0).all()
    assert torch.allclose(y, -x[:, 0], atol=1e-3)


def test_adjoint_gradients_equal_backprop_gradients():
    grads = []
    for adjoint in (False, True):
        cfg = ModelConfig(
            Architecture(kind="anode", hidden=8), ModelSolver(step=Tolerances(1e-10, 1e-10), adjoint=adjoint)
        )
        model = build_model(cfg, 2, 2, seed=2).double()
        x = _x(4).double()
        loss = torch.nn.functional.cross_entropy(model(x), torch.tensor([0, 1, 1, 0]))
        loss.backward()
        grads.append(torch.cat([p.grad.flatten() for p in model.parameters()]))
        if adjoint:
            assert count_nfe(model) > 0
    assert torch.allclose(grads[0], grads[1], rtol=1e-4, atol=1e-8)


def test_nfe_budget_raises():
    cfg = ModelConfig(Architecture(kind="node"), ModelSolver("rk4", FixedStep(0.1), max_nfe=10))
    model = build_model(cfg, 2, 2, seed=0)
    with pytest.raises(BudgetExceeded):
        model(_x())


def test_identity_readout_keeps_first_coordinates():
    model = build_model(
        ModelConfig(Architecture(kind="anode", readout="identity", augment_dim=1)), 1, 1, seed=0
    )
    assert count_parameters(model) == count_parameters(model.func)
    x = _x(4, 1)
    assert torch.allclose(model(x), model.trajectory(x, torch.tensor([0.0, 1.0]))[-1, :, :1])


@pytest.mark.parametrize(
    "kwargs",
    [{"kind": "mlp"}, {"activation": "gelu"}, {"hidden": 0}, {"t1": 0.0}, {"readout": "softmax"}],
)
def test_invalid_architectures_are_rejected(kwargs):
    with pytest.raises(ValueError):
        Architecture(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "rk45"},
        {"step": Tolerances(0.0, 1e-3)},
        {"method": "rk4", "step": FixedStep(-0.1)},
        {"max_nfe": 0},
        # The step control the method does not take: a config never carries what its solve would ignore.
        {"method": "rk4", "step": Tolerances(1e-3, 1e-3)},
        {"method": "dopri5", "step": FixedStep(0.1)},
        {"method": "rk4"},
    ],
)
def test_invalid_model_solvers_are_rejected(kwargs):
    with pytest.raises(ValueError):
        ModelSolver(**kwargs)


def test_model_solver_builds_the_one_solves_config():
    fixed = ModelSolver("rk4", FixedStep(0.25), adjoint=True, max_nfe=77).solver_config()
    assert (fixed.method, fixed.step, fixed.grad, fixed.budget.max_nfe) == (
        "rk4_38",
        FixedStep(0.25),
        "adjoint",
        77,
    )
    adaptive = ModelSolver().solver_config()
    assert (adaptive.method, adaptive.step, adaptive.grad) == ("dopri5", Tolerances(1e-3, 1e-3), "backprop")
    assert adaptive.budget.deadline_s is None, "a model's outputs must not depend on the machine's speed"


@pytest.mark.parametrize(
    "cfg",
    [
        ModelConfig(),
        ModelConfig(Architecture(kind="resnet", resnet_depth=4), ModelSolver("euler", FixedStep(None))),
        ModelConfig(Architecture(kind="anode", augment_dim=2), ModelSolver(step=Tolerances(1e-5, 1e-6))),
    ],
)
def test_config_dict_round_trip(cfg):
    assert ModelConfig.from_dict(cfg.to_dict()) == cfg


def test_identity_readout_needs_enough_state():
    with pytest.raises(ValueError):
        build_model(ModelConfig(Architecture(kind="node")), in_dim=1, n_out=2, seed=0)


def test_resnet_class():
    assert isinstance(build_model(ModelConfig(Architecture(kind="resnet")), 2, 2, seed=0), ResNet)
