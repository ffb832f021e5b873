"""Phase portraits as batched solves: initial values, one guarded solve for hundreds of trajectories
(a row that blows up is stopped, not the batch), and samples of the vector field for arrows,
streamlines and nullclines."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import torch

from models.ode.fixed_step import FIXED_METHODS, rk4_step
from models.ode.methods import METHODS, method_keys
from models.ode.solve import Budget, FixedStep, SolveError, SolverConfig, check_request, fixed_grid, solve
from models.phase.work import PORTRAIT_BUDGET, STATE_EVALUATIONS, ViewWork, operations

Field = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
#: Plotting box per state dimension: ((low, high), ...).
Window = tuple[tuple[float, float], ...]
#: The hand-written fixed-step methods, highest order first: every row then advances on the same grid, the
#: cost is known in advance, and the escape guard can tell each step's first stage.
PORTRAIT_METHODS: tuple[str, ...] = tuple(
    sorted(method_keys(lambda m: m.source == "hand"), key=lambda k: -METHODS[k].order)
)


# --- initial values -----------------------------------------------------------------------------------


def grid_seeds(window: Window, n: int) -> torch.Tensor:
    """An n × n grid over the first two dimensions of `window`, inset by half a cell: (n*n, 2)."""
    axes = []
    for low, high in window[:2]:
        cell = (high - low) / n
        axes.append(torch.linspace(low + cell / 2, high - cell / 2, n, dtype=torch.float64))
    xs, ys = torch.meshgrid(axes[0], axes[1], indexing="xy")
    return torch.stack((xs.reshape(-1), ys.reshape(-1)), dim=-1)


def random_seeds(window: Window, n: int, seed: int) -> torch.Tensor:
    """n points drawn uniformly in `window`: (n, dim)."""
    gen = torch.Generator().manual_seed(seed)
    low = torch.tensor([w[0] for w in window], dtype=torch.float64)
    high = torch.tensor([w[1] for w in window], dtype=torch.float64)
    return low + (high - low) * torch.rand(n, len(window), generator=gen, dtype=torch.float64)


def source_seeds(key: str) -> torch.Tensor | None:
    """The sources' initial values, or None for a system they did not draw.

    Pendulum: (5i, -i) for i in linspace(-2, 2, 99); Lotka–Volterra: (i, i) for i in linspace(0, 1, 20).
    """
    if key == "pendulum":
        i = torch.linspace(-2.0, 2.0, 99, dtype=torch.float64)
        return torch.stack((5 * i, -i), dim=-1)
    if key == "lotka_volterra":
        i = torch.linspace(0.0, 1.0, 20, dtype=torch.float64)
        return torch.stack((i, i), dim=-1)
    return None


# --- the batched solve --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortraitConfig:
    """How every trajectory of a view is integrated, and the budget that bounds the whole batch.

    Rows further than `escape` window widths from the window, or where f is not finite, are stopped
    one by one. Work stops the batch and keeps what was computed: the budget's NFE cap, and
    `state_evaluations`, a cap on evaluations times rows, both weighed by the tensor operations of f
    (see models/phase/work.py); the budget's deadline is only a guard.
    """

    method: str = "rk4"
    step_size: float = 0.1
    t1: float = 7.0
    budget: Budget = PORTRAIT_BUDGET
    escape: float = 20.0
    state_evaluations: int = STATE_EVALUATIONS

    def solver(self) -> SolverConfig:
        return SolverConfig(method=self.method, step=FixedStep(self.step_size), budget=self.budget)


@dataclass(frozen=True)
class Portrait:
    """Trajectories of one view.

    `t: (T,)` is the time travelled (>= 0); row b's actual time is `direction[b] * t` (times its speed,
    if `solve_portrait` was given one).
    `y: (T, batch, dim)` is NaN after a row stopped; `stopped: (batch,)` marks those rows.
    `message` is a one-line reason when the budget ended the batch early (then T is shorter).
    """

    t: torch.Tensor
    y: torch.Tensor
    direction: torch.Tensor
    stopped: torch.Tensor
    nfe: int
    wall_s: float
    message: str | None = None


class _EscapeGuard:
    """Wraps f so that a row leaving the box, or meeting a non-finite f, stops alone and the step where it
    happened is recorded; `sign` runs rows backward in time (for an autonomous f).

    Rows are checked at each step's first stage, where the state is the trajectory's own; a later stage
    that meets an undefined f contributes no slope. Slopes are clamped so that one step can never carry a
    row past the solver's blow-up threshold, so the batch as a whole never diverges.
    """

    def __init__(
        self, f: Field, y0: torch.Tensor, box: torch.Tensor, cfg: PortraitConfig, sign: torch.Tensor
    ):
        self.f = f
        self.centre = box.mean(dim=1)
        self.half = (box[:, 1] - box[:, 0]) / 2
        self.stages = FIXED_METHODS[cfg.method].stages
        limit = cfg.budget.max_abs_state
        self.cap = math.inf if limit is None else 1e-2 * limit / cfg.step_size
        # sign where running, 0 once stopped: one multiplication freezes stopped rows
        self.scale = sign[:, None].to(y0.dtype).clone()
        self.stop_step = torch.full((y0.shape[0],), -1, dtype=torch.long)
        self.calls = 0

    def __call__(self, t: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        dy = self.f(t, y)
        if self.calls % self.stages == 0:
            inside = ((y - self.centre).abs() <= self.half).all(dim=-1)  # NaN compares False
            newly = (self.stop_step < 0) & ~(inside & torch.isfinite(dy).all(dim=-1))
            if bool(newly.any()):
                self.stop_step[newly] = self.calls // self.stages
                self.scale[newly] = 0.0
        self.calls += 1
        return dy.clamp(-self.cap, self.cap).nan_to_num_(0.0) * self.scale


def escape_box(window: Window, factor: float) -> torch.Tensor:
    """The window grown by `factor` widths on every side: (dim, 2)."""
    box = torch.tensor(window, dtype=torch.float64)
    width = (box[:, 1] - box[:, 0])[:, None]
    return box + factor * width * torch.tensor([-1.0, 1.0], dtype=torch.float64)


def is_autonomous(f: Field, window: Window, n: int = 8) -> bool:
    """Whether f(t, y) looks independent of t, judged on an n-per-axis grid at a few times."""
    dim = len(window)
    points = random_seeds(window, n**2, seed=0) if dim > 2 else grid_seeds(window, n)
    with torch.no_grad():
        base = f(torch.tensor(0.0, dtype=torch.float64), points)
        for t in (0.37, 2.9, -1.3):
            other = f(torch.tensor(t, dtype=torch.float64), points)
            if not torch.allclose(base, other, rtol=1e-12, atol=1e-12, equal_nan=True):
                return False
    return True


def solve_portrait(
    f: Field,
    y0: torch.Tensor,
    window: Window,
    cfg: PortraitConfig,
    backward: torch.Tensor | None = None,
    autonomous: bool | None = None,
    speed: torch.Tensor | None = None,
) -> Portrait:
    """Integrate every row of `y0: (batch, dim)` over [0, cfg.t1] in one batched fixed-step solve.

    Rows with `backward: (batch,) bool` run backward in time. For an autonomous f that is still one
    solve (the slope's sign flips per row); a time-dependent f takes a second solve for those rows.
    For an autonomous f, `speed: (batch,)` runs rows faster: a row with speed k covers k·t1 in steps of
    k·h (used for separatrices, which need long times); it is ignored for a time-dependent f. Two solves
    share the view's budget: together they do no more work than one.

    Raises:
        InvalidSolve: the step size, span or method is not acceptable (a one-line message).
    """
    solver = cfg.solver()
    check_request((0.0, cfg.t1), solver)
    batch = y0.shape[0]
    backward = torch.zeros(batch, dtype=torch.bool) if backward is None else backward
    direction = torch.where(backward, -1.0, 1.0).to(torch.float64)
    if autonomous is None:
        autonomous = is_autonomous(f, window)
    box = escape_box(window, cfg.escape)
    work = ViewWork(batch, operations(f, y0))
    if autonomous or not bool(backward.any()) or bool(backward.all()):
        flip = bool(backward.all()) and not autonomous

        def g(t: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
            return f(-t, y) if flip else f(t, y)

        rate = direction if speed is None or not autonomous else direction * speed.to(torch.float64)
        t, y, stop, nfe, wall, message = _guarded_solve(
            g, y0, box, cfg, rate, _share(solver, cfg, work, 1), work
        )
        return Portrait(t, y, direction, stop >= 0, nfe, wall, message)
    half = _share(solver, cfg, work, 2)
    parts = []
    for rows, sign in ((~backward, 1.0), (backward, -1.0)):

        def g(t: torch.Tensor, y: torch.Tensor, sign: float = sign) -> torch.Tensor:
            return f(sign * t, y)

        parts.append((rows, _guarded_solve(g, y0[rows], box, cfg, direction[rows], half, work)))
    grid = fixed_grid(0.0, cfg.t1, cfg.step_size)
    length = max(part[1][1].shape[0] for part in parts)
    y = torch.full((length, batch, y0.shape[1]), float("nan"), dtype=y0.dtype)
    stop = torch.full((batch,), -1, dtype=torch.long)
    for rows, (_, ys, stops, _, _, _) in parts:
        y[: ys.shape[0], rows] = ys
        stop[rows] = stops
    messages = [part[1][5] for part in parts if part[1][5]]
    return Portrait(
        grid[:length],
        y,
        direction,
        stop >= 0,
        sum(part[1][3] for part in parts),
        sum(part[1][4] for part in parts),
        messages[0] if messages else None,
    )


def _share(solver: SolverConfig, cfg: PortraitConfig, work: ViewWork, solves: int) -> SolverConfig:
    """`solver` with the budget of one of `solves` solves that share the view's `work`."""
    return replace(solver, budget=work.budget(cfg.budget, cfg.state_evaluations, solves))


def _guarded_solve(
    f: Field,
    y0: torch.Tensor,
    box: torch.Tensor,
    cfg: PortraitConfig,
    sign: torch.Tensor,
    solver: SolverConfig,
    work: ViewWork,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, int, float, str | None]:
    """(t, y with stopped rows NaN after their stop, stop step per row (-1: ran on), nfe, wall, message);
    `work` is the view's whole batch, which `solver`'s budget was shared out for."""
    guard = _EscapeGuard(f, y0, box, cfg, sign)
    try:
        result = solve(guard, y0, (0.0, cfg.t1), solver)
        message = None
    except SolveError as err:
        if err.partial is None:
            raise
        result = err.partial
        total = len(fixed_grid(0.0, cfg.t1, cfg.step_size)) - 1
        message = work.stop_message(err, solver.budget, result.y.shape[0] - 1, total)
    y = result.y.clone()
    steps = torch.arange(y.shape[0])[:, None]
    stopped = guard.stop_step >= 0
    y[(steps > guard.stop_step[None]) & stopped[None]] = float("nan")
    return result.t, y, guard.stop_step, result.nfe, result.wall_s, message


def thin(count: int, max_points: int) -> np.ndarray:
    """Indices of about `max_points` evenly strided samples out of `count`, always with the first and last."""
    stride = max(1, -(-count // max(1, max_points)))
    index = np.arange(0, count, stride)
    return index if count == 0 or index[-1] == count - 1 else np.append(index, count - 1)


# --- the vector field -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSample:
    """f on a grid over a planar window: `u`, `v`: (ny, nx) at `xs: (nx,)`, `ys: (ny,)`; NaN where undefined."""

    xs: np.ndarray
    ys: np.ndarray
    u: np.ndarray
    v: np.ndarray

    @property
    def speed(self) -> np.ndarray:
        return np.hypot(self.u, self.v)

    @property
    def defined(self) -> bool:
        """Whether f is finite at one grid point at least (a field like 1/0 is finite nowhere)."""
        return bool((np.isfinite(self.u) & np.isfinite(self.v)).any())


def sample_field(f: Field, window: Window, n: int, t: float = 0.0) -> FieldSample:
    """f(t, ·) on an n × n grid spanning the window's first two dimensions (corners included)."""
    xs = torch.linspace(*window[0], n, dtype=torch.float64)
    ys = torch.linspace(*window[1], n, dtype=torch.float64)
    gx, gy = torch.meshgrid(xs, ys, indexing="xy")
    with torch.no_grad():
        values = f(
            torch.tensor(t, dtype=torch.float64), torch.stack((gx.reshape(-1), gy.reshape(-1)), dim=-1)
        )
    values = values.numpy().copy()
    values[~np.isfinite(values)] = np.nan
    return FieldSample(xs.numpy(), ys.numpy(), values[:, 0].reshape(n, n), values[:, 1].reshape(n, n))


def streamlets(
    f: Field, window: Window, n: int = 16, steps: int = 6, t: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Short streamlines through an n × n grid of seeds, each about one cell long.

    They follow the direction of f measured in window units (so a wide window does not stretch them),
    forward and backward from the seed. Returns (lines: (n*n, 2*steps + 1, 2), speed |f| at each seed
    (n*n,)); a line stops where f vanishes or is undefined, and its later points repeat the last one.
    """
    spans = torch.tensor([w[1] - w[0] for w in window[:2]], dtype=torch.float64)
    seeds = grid_seeds(window, n)
    time = torch.tensor(t, dtype=torch.float64)
    ds = 0.45 / (n * steps)

    def direction(_: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
        scaled = f(time, p * spans) / spans
        norm = scaled.norm(dim=-1, keepdim=True)
        unit = scaled / norm
        return torch.where(torch.isfinite(unit) & (norm > 1e-12), unit, 0.0)

    with torch.no_grad():
        speed = f(time, seeds).norm(dim=-1)
        halves = []
        for sign in (1.0, -1.0):
            p, points = seeds / spans, []
            for _ in range(steps):
                p = rk4_step(direction, time, p, torch.tensor(sign * ds, dtype=torch.float64))
                points.append(p * spans)
            halves.append(points)
    lines = torch.stack([*reversed(halves[1]), seeds, *halves[0]], dim=1)
    speed = speed.numpy().copy()
    speed[~np.isfinite(speed)] = np.nan
    return lines.numpy(), speed


@dataclass(frozen=True)
class SeedConfig:
    """Where a portrait's trajectories start: "source" (the sources' values), "grid" (count per side, in
    the first two dimensions) or "random" (count points, uniform in the window, from `seed`)."""

    kind: str = "grid"
    count: int = 12
    seed: int = 0


SEED_KINDS: tuple[str, ...] = ("source", "grid", "random")


def make_seeds(cfg: SeedConfig, key: str, window: Window) -> torch.Tensor:
    """Initial values (batch, dim) for system `key`; a grid in 3-D lies in the window's middle z-plane."""
    if cfg.kind == "source":
        seeds = source_seeds(key)
        if seeds is not None:
            return seeds
    if cfg.kind == "random":
        return random_seeds(window, cfg.count, cfg.seed)
    plane = grid_seeds(window, cfg.count)
    if len(window) == 2:
        return plane
    rest = torch.tensor([sum(w) / 2 for w in window[2:]], dtype=torch.float64).expand(len(plane), -1)
    return torch.cat((plane, rest), dim=-1)


def wrap_angles(y: np.ndarray, column: int = 0) -> np.ndarray:
    """Curves `y: (T, batch, dim)` with `column` wrapped to (-π, π], as (2T - 1, batch, dim): a NaN is put
    between two samples where the angle jumps across the cut, so that lines break instead of crossing."""
    wrapped = y.copy()
    theta = y[..., column]
    wrapped[..., column] = theta - 2 * np.pi * np.ceil((theta - np.pi) / (2 * np.pi))
    if len(y) < 2:
        return wrapped
    out = np.empty((2 * len(y) - 1, *y.shape[1:]), dtype=y.dtype)
    out[0::2] = wrapped
    jump = np.abs(np.diff(wrapped[..., column], axis=0)) > np.pi
    out[1::2] = np.where(jump[..., None], np.nan, wrapped[1:])
    return out
