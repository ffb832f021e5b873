"""The library of named dynamical systems: batched torch vector fields with parameters, defaults,
plotting windows and, where one is known, the exact solution."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import torch

Params = Mapping[str, float]
#: f(t, y, params) with t a 0-d tensor and y: (batch, dim) -> dy/dt: (batch, dim)
RHS = Callable[[torch.Tensor, torch.Tensor, Params], torch.Tensor]
#: exact(t, y0, params) with t: (T,), y0: (batch, dim) -> y: (T, batch, dim)
Exact = Callable[[torch.Tensor, torch.Tensor, Params], torch.Tensor]


@dataclass(frozen=True)
class Param:
    """A named scalar parameter of a system, with the slider range a page offers for it."""

    name: str
    default: float
    low: float
    high: float
    label: str = ""


@dataclass(frozen=True)
class System:
    """A named ODE system dy/dt = f(t, y; params).

    `window` is the plotting box per state dimension; `exact` is None when no closed form is known.
    `stiff`: time scales far apart, so explicit methods crawl and the reference is an implicit solve;
    `log_time`: what happens is spread over decades of t, best read on a log time axis.
    """

    key: str
    name: str
    equations: str  # LaTeX, one equation per line joined by \\
    state_names: tuple[str, ...]
    rhs: RHS
    y0: tuple[float, ...]
    t1: float
    window: tuple[tuple[float, float], ...]
    params: tuple[Param, ...] = ()
    exact: Exact | None = None
    note: str = ""
    step: float = 0.1  # a step size that shows the solvers' differences without blowing up
    stiff: bool = False
    log_time: bool = False
    defaults: dict[str, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "defaults", {p.name: p.default for p in self.params})

    @property
    def dim(self) -> int:
        return len(self.state_names)

    def resolve(self, params: Params | None = None) -> dict[str, float]:
        """Defaults overridden by `params`; unknown names are ignored."""
        merged = dict(self.defaults)
        if params:
            merged.update({k: float(v) for k, v in params.items() if k in merged})
        return merged

    def field(self, params: Params | None = None) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
        """The vector field f(t, y) with parameters bound, as solvers expect it."""
        bound = self.resolve(params)
        rhs = self.rhs

        def f(t: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
            return rhs(t, y, bound)

        return f


#: A right-hand side written per state component: f(t, x, y, ..., params) -> (dx/dt, dy/dt, ...), each
#: component of shape (batch,).
Components = Callable[..., tuple[torch.Tensor, ...]]


def by_components(components: Components) -> RHS:
    """The RHS f(t, y, params) of a system written per component: y's columns in, dy/dt's columns out."""

    def rhs(t: torch.Tensor, y: torch.Tensor, p: Params) -> torch.Tensor:
        return torch.stack(components(t, *y.unbind(-1), p), dim=-1)

    return rhs


# --- exact solutions -------------------------------------------------------------------------------


def linear_flow(matrix: Callable[[Params], torch.Tensor | list[list[float]]]) -> Exact:
    """Exact flow of dy/dt = A y with A = matrix(params): y(t) = expm(A t) y0."""

    def exact(t: torch.Tensor, y0: torch.Tensor, p: Params) -> torch.Tensor:
        a = torch.as_tensor(matrix(p), dtype=y0.dtype)
        flows = torch.linalg.matrix_exp(t.to(y0.dtype)[:, None, None] * a)  # (T, d, d)
        return torch.einsum("tij,bj->tbi", flows, y0)

    return exact


def _decay_exact(t: torch.Tensor, y0: torch.Tensor, p: Params) -> torch.Tensor:
    return y0[None] * torch.exp(-p["k"] * t.to(y0.dtype))[:, None, None]


def _blowup_exact(t: torch.Tensor, y0: torch.Tensor, p: Params) -> torch.Tensor:
    # y = y0 / (1 - y0 t): infinite at t = 1 / y0.
    return y0[None] / (1.0 - y0[None] * t.to(y0.dtype)[:, None, None])


# --- vector fields ---------------------------------------------------------------------------------


def _decay(t: torch.Tensor, y: torch.Tensor, p: Params) -> torch.Tensor:
    return -p["k"] * y


def _blowup(t: torch.Tensor, y: torch.Tensor, p: Params) -> torch.Tensor:
    return y * y


@by_components
def _harmonic(t: torch.Tensor, x: torch.Tensor, v: torch.Tensor, p: Params) -> tuple[torch.Tensor, ...]:
    return v, -(p["omega"] ** 2) * x


@by_components
def _linear_spiral(t: torch.Tensor, x: torch.Tensor, v: torch.Tensor, p: Params) -> tuple[torch.Tensor, ...]:
    return -p["a"] * x - p["b"] * v, p["b"] * x - p["a"] * v


@by_components
def _lotka_volterra(t: torch.Tensor, x: torch.Tensor, v: torch.Tensor, p: Params) -> tuple[torch.Tensor, ...]:
    return p["alpha"] * x - p["beta"] * x * v, p["delta"] * x * v - p["gamma"] * v


@by_components
def _pendulum(t: torch.Tensor, theta: torch.Tensor, mom: torch.Tensor, p: Params) -> tuple[torch.Tensor, ...]:
    # SCIENCE.md notes a source error: the restoring term is -sin(theta), not +sin(theta).
    return mom, -p["g_over_l"] * torch.sin(theta)


@by_components
def _damped_pendulum(
    t: torch.Tensor, theta: torch.Tensor, mom: torch.Tensor, p: Params
) -> tuple[torch.Tensor, ...]:
    return mom, -p["g_over_l"] * torch.sin(theta) - p["damping"] * mom


@by_components
def _van_der_pol(t: torch.Tensor, x: torch.Tensor, v: torch.Tensor, p: Params) -> tuple[torch.Tensor, ...]:
    return v, p["mu"] * (1 - x * x) * v - x


@by_components
def _duffing(t: torch.Tensor, x: torch.Tensor, v: torch.Tensor, p: Params) -> tuple[torch.Tensor, ...]:
    forcing = p["gamma"] * torch.cos(p["omega"] * t)
    return v, -p["delta"] * v - p["alpha"] * x - p["beta"] * x**3 + forcing


@by_components
def _lorenz(
    t: torch.Tensor, x: torch.Tensor, v: torch.Tensor, z: torch.Tensor, p: Params
) -> tuple[torch.Tensor, ...]:
    return p["sigma"] * (v - x), x * (p["rho"] - z) - v, x * v - p["beta"] * z


def _robertson(t: torch.Tensor, y: torch.Tensor, p: Params) -> torch.Tensor:
    slow, fast, fastest = 0.04 * y[..., 0], 1e4 * y[..., 1] * y[..., 2], 3e7 * y[..., 1] ** 2
    return torch.stack((-slow + fast, slow - fast - fastest, fastest), dim=-1)


def _stiff_matrix(p: Params) -> list[list[float]]:
    # Eigenvalues -1 (eigenvector (1, 1)) and -lam (eigenvector (1, -1)).
    mean, half = (1.0 + p["lam"]) / 2, (p["lam"] - 1.0) / 2
    return [[-mean, half], [half, -mean]]


def _stiff_linear(t: torch.Tensor, y: torch.Tensor, p: Params) -> torch.Tensor:
    return y @ torch.as_tensor(_stiff_matrix(p), dtype=y.dtype).T


#: Shared by the two pendulums.
_G_OVER_L = Param("g_over_l", 1.0, 0.1, 5.0, "g/l")
_PENDULUM_WINDOW = ((-10.0, 10.0), (-4.0, 4.0))

SYSTEMS: dict[str, System] = {
    s.key: s
    for s in (
        System(
            key="lotka_volterra",
            name="Lotka–Volterra (predator–prey)",
            equations=r"\dot x = \alpha x - \beta x y \\ \dot y = \delta x y - \gamma y",
            state_names=("x", "y"),
            rhs=_lotka_volterra,
            y0=(1.0, 2.0),
            t1=12.0,
            step=0.2,
            window=((0.0, 4.0), (0.0, 4.0)),
            params=(
                Param("alpha", 1.0, 0.1, 3.0, "α (prey growth)"),
                Param("beta", 1.0, 0.1, 3.0, "β (predation)"),
                Param("delta", 1.0, 0.1, 3.0, "δ (predator growth)"),
                Param("gamma", 1.0, 0.1, 3.0, "γ (predator death)"),
            ),
            note="Closed orbits around (γ/δ, α/β): a good solver stays on its orbit.",
        ),
        System(
            key="harmonic",
            name="Harmonic oscillator",
            equations=r"\dot x = v \\ \dot v = -\omega^2 x",
            state_names=("x", "v"),
            rhs=_harmonic,
            y0=(1.0, 0.0),
            t1=10.0,
            step=0.25,
            window=((-2.0, 2.0), (-2.0, 2.0)),
            params=(Param("omega", 1.0, 0.1, 5.0, "ω (angular frequency)"),),
            exact=linear_flow(lambda p: [[0.0, 1.0], [-(p["omega"] ** 2), 0.0]]),
            note="Exact solution: a rotation in phase space. Energy is conserved; Euler gains it.",
        ),
        System(
            key="linear_spiral",
            name="Linear spiral (Neural ODE blog)",
            equations=r"\dot x = -a x - b y \\ \dot y = b x - a y",
            state_names=("x", "y"),
            rhs=_linear_spiral,
            y0=(2.0, 0.0),
            t1=15.0,
            step=0.25,
            window=((-2.5, 2.5), (-2.5, 2.5)),
            params=(Param("a", 0.1, -0.5, 1.0, "a (decay)"), Param("b", 1.0, 0.0, 3.0, "b (rotation)")),
            exact=linear_flow(lambda p: [[-p["a"], -p["b"]], [p["b"], -p["a"]]]),
            note="dz/dt = [[-0.1, -1], [1, -0.1]] z by default: a stable spiral with an exact solution.",
        ),
        System(
            key="decay",
            name="Exponential decay",
            equations=r"\dot y = -k y",
            state_names=("y",),
            rhs=_decay,
            y0=(1.0,),
            t1=5.0,
            step=0.25,
            window=((-0.2, 1.2),),
            params=(Param("k", 1.0, 0.0, 50.0, "k (rate)"),),
            exact=_decay_exact,
            note="y = y0·exp(−k t). Euler is unstable once h > 2/k: try k = 30 with h = 0.1.",
        ),
        System(
            key="pendulum",
            name="Pendulum",
            equations=r"\dot\theta = p \\ \dot p = -\tfrac{g}{l}\sin\theta",
            state_names=("θ", "p"),
            rhs=_pendulum,
            y0=(2.0, 0.0),
            t1=15.0,
            step=0.2,
            window=_PENDULUM_WINDOW,
            params=(_G_OVER_L,),
            note="θ lives on a circle: phase space is S¹ × ℝ.",
        ),
        System(
            key="damped_pendulum",
            name="Damped pendulum",
            equations=r"\dot\theta = p \\ \dot p = -\tfrac{g}{l}\sin\theta - c\,p",
            state_names=("θ", "p"),
            rhs=_damped_pendulum,
            y0=(2.5, 0.0),
            t1=20.0,
            step=0.2,
            window=_PENDULUM_WINDOW,
            params=(_G_OVER_L, Param("damping", 0.25, 0.0, 2.0, "c (damping)")),
        ),
        System(
            key="van_der_pol",
            name="Van der Pol oscillator",
            equations=r"\dot x = v \\ \dot v = \mu (1 - x^2) v - x",
            state_names=("x", "v"),
            rhs=_van_der_pol,
            y0=(0.5, 0.0),
            t1=20.0,
            step=0.1,
            window=((-3.0, 3.0), (-4.0, 4.0)),
            params=(Param("mu", 1.0, 0.0, 10.0, "μ (non-linearity)"),),
            note="A limit cycle; stiff for large μ, where adaptive solvers shrink their steps.",
        ),
        System(
            key="van_der_pol_stiff",
            name="Van der Pol, stiff (μ = 1000)",
            equations=r"\dot x = v \\ \dot v = \mu (1 - x^2) v - x",
            state_names=("x", "v"),
            rhs=_van_der_pol,
            y0=(2.0, 0.0),
            t1=2000.0,
            step=1.0,
            window=((-3.0, 3.0), (-1500.0, 1500.0)),
            params=(Param("mu", 1000.0, 1.0, 1000.0, "μ (non-linearity)"),),
            stiff=True,
            note="Slow drifts of about 0.8 μ in t, then jumps lasting about 1/μ: explicit steps stay ~1/μ.",
        ),
        System(
            key="robertson",
            name="Robertson's chemical kinetics (stiff)",
            equations=r"\dot y_1 = -0.04 y_1 + 10^4 y_2 y_3 \\ "
            r"\dot y_2 = 0.04 y_1 - 10^4 y_2 y_3 - 3\cdot10^7 y_2^2 \\ \dot y_3 = 3\cdot10^7 y_2^2",
            state_names=("y₁", "y₂", "y₃"),
            rhs=_robertson,
            y0=(1.0, 0.0, 0.0),
            t1=1e5,
            step=10.0,
            window=((0.0, 1.0), (0.0, 4e-5), (0.0, 1.0)),
            stiff=True,
            log_time=True,
            note="Rates from 0.04 to 3·10⁷: y₂ settles within 10⁻³ s, y₁ decays over 10⁵ s; y₁ + y₂ + y₃ = 1.",
        ),
        System(
            key="stiff_linear",
            name="Linear, stiff (eigenvalues −1 and −1000)",
            equations=r"\dot y = A y,\quad A = \tfrac12\begin{pmatrix}-(1+\lambda) & \lambda-1 \\ "
            r"\lambda-1 & -(1+\lambda)\end{pmatrix}",
            state_names=("x", "y"),
            rhs=_stiff_linear,
            y0=(2.0, 0.0),
            t1=10.0,
            window=((-0.2, 2.2), (-1.2, 1.2)),
            params=(Param("lam", 1000.0, 1.0, 1000.0, "λ (fast rate)"),),
            exact=linear_flow(_stiff_matrix),
            stiff=True,
            note="y = e^(−t)·(1, 1) + e^(−λt)·(1, −1): the fast part is gone by t = 0.01, yet caps explicit steps.",
        ),
        System(
            key="duffing",
            name="Duffing oscillator",
            equations=r"\dot x = v \\ \dot v = -\delta v - \alpha x - \beta x^3 + \gamma\cos\omega t",
            state_names=("x", "v"),
            rhs=_duffing,
            # (1, 0) is the bottom of the right well, an equilibrium: every curve flat. From (1.8, 0) it
            # swings over the hump at x = 0 into the left well and back before damping traps it.
            y0=(1.8, 0.0),
            t1=20.0,
            step=0.1,
            window=((-2.0, 2.0), (-2.0, 2.0)),
            params=(
                Param("alpha", -1.0, -2.0, 2.0, "α (linear stiffness)"),
                Param("beta", 1.0, 0.0, 2.0, "β (cubic stiffness)"),
                Param("delta", 0.2, 0.0, 1.0, "δ (damping)"),
                Param("gamma", 0.0, 0.0, 1.0, "γ (forcing)"),
                Param("omega", 1.2, 0.1, 3.0, "ω (forcing frequency)"),
            ),
            note="A double well for α < 0, β > 0; with forcing it can become chaotic.",
        ),
        System(
            key="lorenz",
            name="Lorenz system (3-D)",
            equations=r"\dot x = \sigma (y - x) \\ \dot y = x (\rho - z) - y \\ \dot z = x y - \beta z",
            state_names=("x", "y", "z"),
            rhs=_lorenz,
            y0=(1.0, 1.0, 1.0),
            t1=10.0,
            step=0.01,
            window=((-25.0, 25.0), (-30.0, 30.0), (0.0, 55.0)),
            params=(
                Param("sigma", 10.0, 0.1, 20.0, "σ"),
                Param("rho", 28.0, 0.1, 50.0, "ρ"),
                Param("beta", 8.0 / 3.0, 0.1, 5.0, "β"),
            ),
            note="Chaotic: nearby solutions separate exponentially, so every solver drifts eventually.",
        ),
        System(
            key="blowup",
            name="Finite-time blow-up",
            equations=r"\dot y = y^2",
            state_names=("y",),
            rhs=_blowup,
            y0=(1.0,),
            t1=0.9,
            step=0.05,
            window=((0.0, 12.0),),
            exact=_blowup_exact,
            note="y = y0 / (1 − y0 t) is infinite at t = 1/y0: past it no solver can go on.",
        ),
    )
}


def get_system(key: str) -> System:
    """The system named `key`; raises KeyError with the valid names."""
    try:
        return SYSTEMS[key]
    except KeyError:
        raise KeyError(f"unknown system {key!r}; choose one of {', '.join(SYSTEMS)}") from None
