"""Nullclines by marching squares: zeros are traced, poles (a sign change through a non-finite or huge
value) are not."""

import numpy as np
import pytest

from models.phase.nullclines import nullcline_lines
from models.systems.spec import custom_system

WINDOW = ((-3.0, 3.0), (-3.0, 3.0))


def _points(lines: np.ndarray) -> np.ndarray:
    return lines[np.isfinite(lines).all(axis=1)]


@pytest.mark.parametrize("dy", ["1/x", "1/(x - 0.013)", "-2/(x + 1)", "1/x**3"])
@pytest.mark.parametrize("n", [61, 121, 100])
def test_a_pole_is_not_a_nullcline(dy, n):
    _, lines = nullcline_lines(custom_system(("y", dy)).field({}), WINDOW, n)
    assert len(_points(lines)) == 0


def test_zeros_beside_poles_are_traced():
    # tan(x): a zero at x = 0, poles at ±π/2.
    _, lines = nullcline_lines(custom_system(("y", "tan(x)")).field({}), WINDOW, 121)
    points = _points(lines)
    assert len(points) and np.abs(points[:, 0]).max() < 1e-9
    assert points[:, 1].min() == pytest.approx(-3) and points[:, 1].max() == pytest.approx(3)


def test_a_circle_and_a_hyperbola_lie_on_their_curves():
    u, v = nullcline_lines(custom_system(("x**2 + y**2 - 4", "x*y - 1")).field({}), WINDOW, 121)
    circle, hyperbola = _points(u), _points(v)
    assert np.allclose(np.hypot(circle[:, 0], circle[:, 1]), 2, atol=2e-3)
    assert np.allclose(hyperbola[:, 0] * hyperbola[:, 1], 1, atol=2e-2)
    assert (hyperbola[:, 0] > 0).any() and (hyperbola[:, 0] < 0).any()  # both branches
