"""Fixed points by batched Newton with autograd Jacobians: positions, eigenvalues and types on linear
systems of every type, the pendulum, Lorenz and typed equations."""

from __future__ import annotations

import math

import pytest
import torch

from models.phase.fixed_points import NewtonConfig, classify, find_fixed_points, jacobians, separatrix_seeds
from models.systems.library import SYSTEMS
from models.systems.linear import LINEAR_TYPES, linear_params
from models.systems.spec import SystemSpec, custom_system

EXPECTED_KIND = {
    "saddle": "saddle",
    "stable_node": "stable node",
    "unstable_node": "unstable node",
    "stable_spiral": "stable spiral",
    "unstable_spiral": "unstable spiral",
    "centre": "centre",
    "degenerate_node": "stable node",
    "star": "stable node",
}
WINDOW = ((-3.0, 3.0), (-3.0, 3.0))


@pytest.mark.parametrize("key", list(EXPECTED_KIND))
def test_every_linear_type_has_one_fixed_point_of_its_type(key):
    spec = SystemSpec("linear", linear_params(key), linear_type=key)
    (point,) = find_fixed_points(spec.field(), WINDOW)
    assert point.point == (0.0, 0.0)
    assert point.kind == EXPECTED_KIND[key]
    matrix = torch.tensor(LINEAR_TYPES[key].matrix, dtype=torch.float64)
    expected = sorted(torch.linalg.eigvals(matrix).tolist(), key=lambda z: (z.real, z.imag))
    assert [pytest.approx(z) for z in expected] == list(point.eigenvalues)
    assert point.trace == pytest.approx(float(matrix.trace()))
    assert point.determinant == pytest.approx(float(torch.linalg.det(matrix)))


def test_a_line_of_fixed_points_is_non_hyperbolic_everywhere():
    spec = SystemSpec("linear", linear_params("line"), linear_type="line")
    points = find_fixed_points(spec.field(), WINDOW)
    assert len(points) > 3  # not isolated: every seed's x is a fixed point
    assert all(p.point[1] == 0.0 and p.kind == "non-hyperbolic" for p in points)


def test_the_matrix_entries_override_the_type():
    params = (("a", 0.0), ("b", 2.0), ("c", -0.5), ("d", 0.0))  # eigenvalues ±i: a centre
    (point,) = find_fixed_points(SystemSpec("linear", params, linear_type="saddle").field(), WINDOW)
    assert point.kind == "centre"
    assert [z.imag for z in point.eigenvalues] == pytest.approx([-1.0, 1.0])


def test_pendulum_fixed_points_alternate_centres_and_saddles():
    points = find_fixed_points(SystemSpec("pendulum").field(), SYSTEMS["pendulum"].window)
    assert [round(p.point[0] / math.pi) for p in points] == [-3, -2, -1, 0, 1, 2, 3]
    for p in points:
        k = round(p.point[0] / math.pi)
        assert p.point[0] == pytest.approx(k * math.pi, abs=1e-10) and p.point[1] == 0.0
        assert p.kind == ("centre" if k % 2 == 0 else "saddle")
    saddle = points[4]
    assert [z.real for z in saddle.eigenvalues] == pytest.approx([-1.0, 1.0])
    directions = dict(saddle.real_directions())
    for value, vector in directions.items():
        # eigenvectors of [[0, 1], [1, 0]]: (1, 1) for +1 and (1, -1) for -1
        assert abs(vector[0]) == pytest.approx(abs(vector[1]))
        assert vector[0] * vector[1] * value > 0


def test_damping_turns_centres_into_stable_spirals_and_then_nodes():
    window = ((-1.0, 1.0), (-1.0, 1.0))
    (light,) = find_fixed_points(SystemSpec("damped_pendulum", (("damping", 0.25),)).field(), window)
    (heavy,) = find_fixed_points(SystemSpec("damped_pendulum", (("damping", 2.5),)).field(), window)
    assert light.kind == "stable spiral" and heavy.kind == "stable node"


def test_lorenz_has_its_three_fixed_points():
    rho, beta = 28.0, 8.0 / 3.0
    points = find_fixed_points(
        SystemSpec("lorenz").field(), SYSTEMS["lorenz"].window, NewtonConfig(seeds_per_axis=6)
    )
    c = math.sqrt(beta * (rho - 1))
    assert [p.point for p in points] == [
        pytest.approx((-c, -c, rho - 1)),
        pytest.approx((0.0, 0.0, 0.0)),
        pytest.approx((c, c, rho - 1)),
    ]
    assert [p.kind for p in points] == ["saddle-focus", "saddle", "saddle-focus"]


def test_typed_equations_have_classified_fixed_points():
    points = find_fixed_points(custom_system(("x - x**3", "-y")).field(), WINDOW)
    assert [(round(p.point[0], 9), p.kind) for p in points] == [
        (-1.0, "stable node"),
        (0.0, "saddle"),
        (1.0, "stable node"),
    ]
    # log is undefined for x <= 0: those seeds are dropped, not an error
    (point,) = find_fixed_points(custom_system(("log(x)", "-y")).field(), WINDOW)
    assert point.point == pytest.approx((1.0, 0.0)) and point.kind == "saddle"


def test_no_fixed_point_gives_an_empty_list():
    assert find_fixed_points(custom_system(("1", "x")).field(), WINDOW) == []


def test_jacobians_match_the_analytic_ones():
    mu = 1.7
    f = SystemSpec("van_der_pol", (("mu", mu),)).field()
    y = torch.tensor([[0.3, -1.2], [2.0, 0.5]], dtype=torch.float64)
    jac = jacobians(f, y)
    for (x, v), j in zip(y.tolist(), jac, strict=True):
        expected = torch.tensor([[0.0, 1.0], [-2 * mu * x * v - 1, mu * (1 - x * x)]], dtype=torch.float64)
        assert torch.allclose(j, expected)


@pytest.mark.parametrize(
    ("eigenvalues", "kind"),
    [
        ((-1.0, 2.0), "saddle"),
        ((-1.0, -3.0), "stable node"),
        ((0.5, 3.0), "unstable node"),
        ((-1 + 2j, -1 - 2j), "stable spiral"),
        ((0.1 + 1j, 0.1 - 1j), "unstable spiral"),
        ((1j, -1j), "centre"),
        ((0.0, -1.0), "non-hyperbolic"),
        ((-2.0, 0.1 + 3j, 0.1 - 3j), "saddle-focus"),
        ((-2.0, 3j, -3j), "non-hyperbolic"),
    ],
)
def test_classify(eigenvalues, kind):
    assert classify(eigenvalues) == kind


def test_separatrices_start_next_to_each_saddle():
    window = SYSTEMS["pendulum"].window
    points = find_fixed_points(SystemSpec("pendulum").field(), window)
    seeds, backward = separatrix_seeds(points, window)
    assert seeds.shape == (16, 2) and int(backward.sum()) == 8  # 4 saddles, 2 stable + 2 unstable starts each
    saddles = torch.tensor([p.point for p in points if p.kind == "saddle"], dtype=torch.float64)
    nearest = torch.cdist(seeds, saddles).min(dim=1).values
    assert (nearest > 0).all() and (nearest < 0.05).all()
