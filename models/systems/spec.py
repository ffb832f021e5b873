"""The systems a page can show: library presets, linear systems by type or matrix, and
equations typed by a visitor, behind one hashable `SystemSpec` (compiled, never evaluated), and the
initial value problem `Problem` built on it (the Solver lab's)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import torch

from models.systems.expressions import ExpressionError, compile_vector_field, find_parameters
from models.systems.library import SYSTEMS, Param, System
from models.systems.linear import linear_system

Field = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]

#: Library systems with a phase plane (two or three states), in menu order.
PRESETS: tuple[str, ...] = (
    "pendulum",
    "damped_pendulum",
    "lotka_volterra",
    "harmonic",
    "linear_spiral",
    "van_der_pol",
    "duffing",
    "lorenz",
)
LINEAR = "linear"
CUSTOM = "custom"
#: Systems whose first state is an angle, so the plane is really a cylinder S¹ × ℝ.
ANGULAR: frozenset[str] = frozenset({"pendulum", "damped_pendulum"})
CUSTOM_VARIABLES = ("x", "y", "z")
CUSTOM_DEFAULT = ("y", "-sin(x) - c*y", "")
CUSTOM_PARAM_RANGE = (-1000.0, 1000.0)  # typed into a number input
CUSTOM_PARAM_DEFAULT = 0.5


@dataclass(frozen=True)
class PortraitDefaults:
    """How a system's portrait opens: where trajectories start, how many, the RK4 step and the end time.

    `seeds` is "source" (the sources' initial values), "grid" (count per side) or "random" (count).
    """

    seeds: str = "grid"
    count: int = 12
    step_size: float = 0.05
    t1: float = 10.0


_DEFAULTS = {
    # The sources' two portraits: RK4, h = 0.1 for 70 steps, and h = 0.01 for 1000 steps.
    "pendulum": PortraitDefaults("source", 99, 0.1, 7.0),
    "lotka_volterra": PortraitDefaults("source", 20, 0.01, 10.0),
    "harmonic": PortraitDefaults("grid", 10, 0.05, 6.5),
    "linear_spiral": PortraitDefaults("grid", 10, 0.05, 15.0),
    "lorenz": PortraitDefaults("random", 3, 0.025, 25.0),
    LINEAR: PortraitDefaults("grid", 12, 0.05, 6.0),
}


def portrait_defaults(key: str) -> PortraitDefaults:
    return _DEFAULTS.get(key, PortraitDefaults())


@dataclass(frozen=True)
class SystemSpec:
    """Which system to draw, hashable so that cached functions can take it.

    `key` is one of PRESETS, LINEAR or CUSTOM; `params` overrides defaults by name; `equations` are the
    typed right-hand sides of a custom system (two or three, the third empty for a planar one);
    `linear_type` picks the example matrix whose entries are the linear system's defaults.
    """

    key: str = "pendulum"
    params: tuple[tuple[str, float], ...] = ()
    equations: tuple[str, ...] = ()
    linear_type: str = "saddle"

    def system(self) -> System:
        """The System; raises ExpressionError for custom equations that do not compile."""
        if self.key == LINEAR:
            return linear_system(self.linear_type)
        if self.key == CUSTOM:
            return custom_system(self.equations)
        return SYSTEMS[self.key]

    def field(self) -> Field:
        """f(t, y) with parameters bound; y: (batch, dim) -> (batch, dim)."""
        return self.system().field(dict(self.params))


def custom_equations(texts: Sequence[str]) -> tuple[str, ...]:
    """The right-hand sides that define the system: dx, dy, and dz only when it is not blank."""
    texts = tuple(t.strip() for t in texts)
    return texts[:2] if len(texts) < 3 or not texts[2] else texts[:3]


@lru_cache(maxsize=64)
def custom_system(equations: tuple[str, ...]) -> System:
    """A System from typed right-hand sides for (x, y) or (x, y, z).

    Names that are not variables, `t`, functions or constants become parameters, each with a slider
    range CUSTOM_PARAM_RANGE. Raises ExpressionError with a one-line message naming the equation.
    """
    equations = custom_equations(equations)
    if len(equations) not in (2, 3):
        raise ExpressionError("type a right-hand side for dx/dt and for dy/dt")
    variables = CUSTOM_VARIABLES[: len(equations)]
    names = find_parameters(equations, variables)
    rhs = compile_vector_field(equations, variables, names)
    low, high = CUSTOM_PARAM_RANGE
    return System(
        key=CUSTOM,
        name="Custom system",
        equations=" \\\\ ".join(f"d{v}/dt = {text}" for v, text in zip(variables, equations, strict=True)),
        state_names=variables,
        rhs=rhs,
        y0=(1.0,) * len(variables),
        t1=10.0,
        window=((-3.0, 3.0),) * len(variables),
        params=tuple(Param(name, CUSTOM_PARAM_DEFAULT, low, high, name) for name in names),
    )


@dataclass(frozen=True)
class Problem:
    """An initial value problem: a system (the same SystemSpec a phase portrait draws), y0 and the span.

    Hashable, so cached functions can take it. `None` means the system's own default.
    """

    system: SystemSpec = SystemSpec("lotka_volterra")
    y0: tuple[float, ...] | None = None
    t0: float = 0.0
    t1: float | None = None

    def definition(self) -> System:
        return self.system.system()

    @property
    def span(self) -> tuple[float, float]:
        return (self.t0, self.definition().t1 if self.t1 is None else self.t1)

    def field(self) -> Field:
        return self.system.field()

    def initial(self, dtype: torch.dtype = torch.float64) -> torch.Tensor:
        """y0 as (dim,)."""
        return torch.tensor(self.definition().y0 if self.y0 is None else self.y0, dtype=dtype)

    def exact(self, t: torch.Tensor) -> torch.Tensor | None:
        """The exact solution at `t: (T,)` as (T, dim), or None if the system has none."""
        system = self.definition()
        if system.exact is None:
            return None
        return system.exact(t, self.initial(t.dtype)[None], system.resolve(dict(self.system.params)))[:, 0]
