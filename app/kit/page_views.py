"""Each page's view: one frozen dataclass of its link parameters with their defaults (see `kit.contract`).

They live here rather than in the page scripts, which run a page when imported: the tour, the home
pictures and the tests take them from here. `page` is the page's registry url. Nothing here imports torch
(the tour bar runs on the landing page), so a default that lives in `models` is restated, and the page's
`PageLinks` refuses a widget default that differs from its field's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kit.contract import encoded, others
from kit.link_values import slug
from kit.phase_links import encode_starts
from kit.point_links import encode_points


@dataclass(frozen=True)
class SolverLabView:
    """`h` and `t1` None: the system's own; `system_values`: its parameters and initial values (`mu`,
    `y00`...) that differ from the system's defaults."""

    page: ClassVar[str] = "solver_lab"
    system: str = "lotka_volterra"
    t1: float | None = None
    methods: tuple[str, ...] = ("euler", "rk4")
    h: float | None = None
    adaptive: str = "dopri5"
    tol: str = "1e-6"
    implicit: str = "lsoda"  # the Stiffness tab's implicit method
    view: str = encoded("Trajectories", slug)
    system_values: tuple[tuple[str, float], ...] = others()


@dataclass(frozen=True)
class PhasePortraitsView:
    """`seeds`, `n`, `h` and `t1` None: the system's own; `system_values`: its parameters (`p_c` for a
    typed one) and window edges (`w0lo`...) that differ from the system's defaults. `dx`, `dy`, `dz`
    are the equations of "Your own equations" (`system="custom"`); `t` is the time a field that changes
    with t is drawn at."""

    page: ClassVar[str] = "phase_portraits"
    system: str = "pendulum"
    type: str = "saddle"
    dx: str = "y"  # models.systems.spec.CUSTOM_DEFAULT
    dy: str = "-sin(x) - c*y"
    dz: str = ""
    seeds: str | None = None
    n: int | None = None
    method: str = "rk4"
    h: float | None = None
    t1: float | None = None
    back: bool = False
    wrap: bool = False
    field: str = "streamlines"
    nullclines: bool = True
    fixed: bool = True
    proj: str = "xz"
    starts: tuple[tuple[float, float], ...] = encoded((), encode_starts)
    view: str = encoded("Phase plane", slug)
    cylinder: bool = False
    t: float = 0.0
    system_values: tuple[tuple[str, float], ...] = others()


@dataclass(frozen=True)
class LatentSpiralsView:
    """`spiral` is a held-out spiral's index, `seed` a random one's; `b` None: the first
    counter-clockwise held-out spiral."""

    page: ClassVar[str] = "latent_spirals"
    source: str = "held_out"
    spiral: int = 0
    seed: int = 0
    k: int = 30
    view: str = encoded("Extrapolation", slug)
    a: str = "0"
    b: str | None = None
    alpha: float = 0.5
    n: int = 6
    prior_seed: int = 0


@dataclass(frozen=True)
class NodeAnodeLabView:
    """`n`, `noise` and `models` None: the data set's own (`models`: every model offered for it); `pts`: the
    points of `data="own"`, (x, y, class 0 or 1) each."""

    page: ClassVar[str] = "node_anode_lab"
    data: str = "moons"
    n: int | None = None
    noise: float | None = None
    seed: int = 0
    models: tuple[str, ...] | None = None
    p: int = 1
    timedep: bool = False
    solver: str = "dopri5"
    tol: str = "1e-3"
    h: float = 0.25
    adjoint: bool = False
    steps: int = 80
    lr: str = "0.02"
    x: str = "step"
    view: str = encoded("What it learned", slug)
    ft: float = 0.0
    pts: tuple[tuple[float, float, int], ...] = encoded((), encode_points)
    reg: bool = False
    regw: str = "0.01"


@dataclass(frozen=True)
class HowTheyLearnView:
    """One view per tab: the memory sweep (`sweep`...`tightest`), the NFE study (`seminorm`), the ResNet's
    `depth`, and the learning dynamics (`system`, `field`, `snap` None: the last snapshot)."""

    page: ClassVar[str] = "how_they_learn"
    view: str = encoded("Adjoint memory", slug)
    sweep: str = "steps"
    hidden: str = "32"
    batch: str = "64"
    most: str = "64"
    tightest: str = "1e-06"
    seminorm: bool = False
    depth: int = 3
    system: str = "spiral"
    field: str = "linear"
    snap: int | None = None


@dataclass(frozen=True)
class OdeNetsView:
    """`image`: a test digit's index; `model`: whose mistakes; `train`, `start`, `steps`: the live training."""

    page: ClassVar[str] = "ode_nets"
    view: str = encoded("Table 1", slug)
    image: int = 0
    model: str = "odenet"
    train: str = "odenet"
    start: str = "scratch"
    steps: int = 80


@dataclass(frozen=True)
class FlowsView:
    """`frame` is the time-lapse's opening frame (of 21, mid-flow by default); `k` the planar flow's layers;
    `start` whether live training continues the shipped flow or starts from scratch."""

    page: ClassVar[str] = "flows"
    view: str = encoded("Time-lapse", slug)
    target: str = "moons"
    direction: str = "forward"
    frame: int = 10
    k: str = "32"
    noise: str = "gaussian"
    start: str = "shipped"
    steps: int = 60
