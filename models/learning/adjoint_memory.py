"""Memory and time of training a Neural ODE: backprop through the solver (O(L)) against the adjoint (O(1)).

Memory is the bytes of tensors autograd keeps for the backward pass, counted with saved-tensor hooks.
"""

from __future__ import annotations

import math
import resource
import statistics
import sys
import time
from dataclasses import dataclass, replace
from typing import Literal

import torch
from torch import Tensor, nn

from models.nn.odefunc import ODEFunc
from models.ode.solve import UNTIMED, FixedStep, SolveResult, Tolerances, solve

Method = Literal["direct", "adjoint"]
METHODS: tuple[Method, ...] = ("direct", "adjoint")


@dataclass(frozen=True)
class MemoryStudyConfig:
    """What to measure.

    Attributes:
        dim, hidden, layers: the MLP field f(t, z): dim -> hidden (tanh) x layers -> dim.
        batch: rows of the state z: (batch, dim).
        t1: integration over [0, t1].
        steps: fixed-grid (rk4) step counts of the step sweep.
        tolerances: rtol = atol values of the adaptive (dopri5) sweep.
        dtype: "float64" keeps the gradient comparison free of round-off; "float32" halves the bytes.
        seed: seed of the field's weights and of the initial states.
        max_steps: cap on any step count (larger requests are rejected).
        max_nfe: cap on evaluations of f per solve (forward plus adjoint backward).
        time_budget_s: a sweep stops starting new points after this many seconds.
        timing_repeats: timed passes of each method per point (one alone is at the mercy of the machine's
            other work; the page shows their median and range).
        timing_budget_s: the timed passes of one method at one point stop repeating once they have taken
            this long, after at least min(3, timing_repeats) of them.
    """

    dim: int = 2
    hidden: int = 32
    layers: int = 1
    batch: int = 64
    t1: float = 5.0
    steps: tuple[int, ...] = (4, 8, 16, 32, 64, 128, 256)
    tolerances: tuple[float, ...] = (1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9)
    dtype: Literal["float32", "float64"] = "float64"
    seed: int = 0
    max_steps: int = 1024
    max_nfe: int = 20_000
    time_budget_s: float = 20.0
    timing_repeats: int = 5
    timing_budget_s: float = 2.0

    def __post_init__(self) -> None:
        if min(self.dim, self.hidden, self.layers, self.batch) < 1:
            raise ValueError("dim, hidden, layers and batch must be >= 1")
        if not (math.isfinite(self.t1) and self.t1 > 0):
            raise ValueError(f"t1 must be positive, got {self.t1}")
        if any(not 1 <= s <= self.max_steps for s in self.steps):
            raise ValueError(f"step counts must lie in [1, {self.max_steps}], got {self.steps}")
        if any(not 0 < tol < 1 for tol in self.tolerances):
            raise ValueError(f"tolerances must lie in (0, 1), got {self.tolerances}")
        if self.timing_repeats < 1:
            raise ValueError(f"timing_repeats must be >= 1, got {self.timing_repeats}")
        if self.dtype not in ("float32", "float64"):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype!r}")

    @property
    def torch_dtype(self) -> torch.dtype:
        return torch.float64 if self.dtype == "float64" else torch.float32


@dataclass(frozen=True)
class Measurement:
    """One forward + backward pass of one method.

    Attributes:
        method: "direct" (backprop through the solver) or "adjoint" (`odeint_adjoint`).
        solver: "rk4" or "dopri5".
        steps: fixed-grid step count (rk4), or accepted forward steps (dopri5).
        tol: rtol = atol (dopri5), else None.
        saved_bytes: bytes of unique storages autograd holds for backward when the forward ends,
            parameters excluded (both methods hold those anyway).
        peak_saved_bytes: most such bytes alive at once during forward and backward together
            (for the adjoint: the graph of one augmented-dynamics evaluation during its backward solve).
        param_bytes: bytes of the field's parameters, for scale.
        peak_rss_bytes: the process's peak resident memory after this pass (only ever grows; None
            where the platform does not report it).
        nfe_forward, nfe_backward: evaluations of f in each pass.
        forward_times, backward_times: wall time of each pass (s), in each of the repeated runs without
            hooks (see `MemoryStudyConfig.timing_repeats`); `forward_s` and `backward_s` are their medians.
        grads: flat gradient of the loss with respect to the parameters: (n_params,).
    """

    method: Method
    solver: str
    steps: int
    tol: float | None
    saved_bytes: int
    peak_saved_bytes: int
    param_bytes: int
    peak_rss_bytes: int | None
    nfe_forward: int
    nfe_backward: int
    forward_times: tuple[float, ...]
    backward_times: tuple[float, ...]
    grads: Tensor

    @property
    def forward_s(self) -> float:
        return statistics.median(self.forward_times)

    @property
    def backward_s(self) -> float:
        return statistics.median(self.backward_times)


@dataclass(frozen=True)
class Comparison:
    """Both methods at one setting, and how far apart their gradients are."""

    direct: Measurement
    adjoint: Measurement
    max_abs_diff: float
    rel_diff: float  # max |g_direct - g_adjoint| / max |g_direct|


@dataclass(frozen=True)
class MemoryStudy:
    """A sweep's comparisons, in order; `skipped` lists settings left out by the time budget."""

    comparisons: tuple[Comparison, ...]
    skipped: tuple[float, ...]
    wall_s: float


class SavedTensorMeter:
    """Counts the bytes of tensors autograd saves, by unique storage, while they are alive.

    Use as `with torch.autograd.graph.saved_tensors_hooks(meter.pack, meter.unpack):`. Each saved
    tensor is wrapped in a handle whose release (when autograd frees the graph) lowers the live count,
    so `live_bytes` is what is held right now and `peak_bytes` the most held at once. Storages in
    `exclude` (the parameters) are not counted. The adjoint's forward runs under no_grad and saves only
    its inputs and output through `save_for_backward`, which these hooks see too, so its count is honest.
    """

    def __init__(self, exclude: tuple[Tensor, ...] = ()) -> None:
        self._exclude = {t.untyped_storage().data_ptr() for t in exclude}
        self._live: dict[int, list[int]] = {}  # storage pointer -> [nbytes, saved references]
        self.live_bytes = 0
        self.peak_bytes = 0

    def pack(self, tensor: Tensor) -> _Saved:
        storage = tensor.untyped_storage()
        ptr = storage.data_ptr()
        if ptr in self._exclude or storage.nbytes() == 0:
            return _Saved(tensor.detach(), None, None)
        entry = self._live.get(ptr)
        if entry is None:
            self._live[ptr] = [storage.nbytes(), 1]
            self.live_bytes += storage.nbytes()
            self.peak_bytes = max(self.peak_bytes, self.live_bytes)
        else:
            entry[1] += 1
        # Detached: a saved output holding its own grad_fn would form a cycle only the garbage collector
        # frees, and the graph would outlive its backward. Autograd restores the metadata on unpack.
        return _Saved(tensor.detach(), self, ptr)

    @staticmethod
    def unpack(saved: _Saved) -> Tensor:
        return saved.tensor

    def release(self, ptr: int) -> None:
        entry = self._live[ptr]
        entry[1] -= 1
        if entry[1] == 0:
            self.live_bytes -= entry[0]
            del self._live[ptr]


class _Saved:
    """A saved tensor; when autograd drops it, the meter is told."""

    __slots__ = ("tensor", "_meter", "_ptr")

    def __init__(self, tensor: Tensor, meter: SavedTensorMeter | None, ptr: int | None) -> None:
        self.tensor = tensor
        self._meter = meter
        self._ptr = ptr

    def __del__(self) -> None:
        if self._meter is not None and self._ptr is not None:
            self._meter.release(self._ptr)


def peak_rss_bytes() -> int | None:
    """The process's peak resident set size in bytes (it only grows), or None where unavailable."""
    try:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except (AttributeError, OSError):
        return None
    return int(peak) if sys.platform == "darwin" else int(peak) * 1024  # macOS reports bytes, Linux KiB


def make_problem(cfg: MemoryStudyConfig) -> tuple[ODEFunc, Tensor]:
    """The seeded field and initial states `z0: (batch, dim)` every measurement of `cfg` shares."""
    gen = torch.Generator().manual_seed(cfg.seed)
    func = ODEFunc(cfg.dim, cfg.hidden, gen, layers=cfg.layers).to(cfg.torch_dtype)
    z0 = torch.randn(cfg.batch, cfg.dim, generator=gen, dtype=cfg.torch_dtype)
    return func, z0


def _flat_grads(func: nn.Module) -> Tensor:
    return torch.cat([p.grad.detach().reshape(-1).clone() for p in func.parameters()])


def _solve(
    func: ODEFunc, z0: Tensor, cfg: MemoryStudyConfig, method: Method, solver: str, setting: float
) -> SolveResult:
    t = torch.tensor([0.0, cfg.t1], dtype=z0.dtype)
    grad = "adjoint" if method == "adjoint" else "backprop"
    base = replace(UNTIMED, grad=grad, budget=replace(UNTIMED.budget, max_nfe=cfg.max_nfe))
    if solver == "rk4":  # torchdiffeq's rk4, the 3/8 rule
        return solve(func, z0, t, replace(base, method="rk4_38", step=FixedStep(cfg.t1 / int(setting))))
    return solve(func, z0, t, replace(base, method="dopri5", step=Tolerances(setting, setting)))


def _loss(z1: Tensor) -> Tensor:
    return 0.5 * (z1**2).sum() / z1.shape[0]


def measure(cfg: MemoryStudyConfig, method: Method, solver: str, setting: float) -> Measurement:
    """One forward and backward pass of L = mean 0.5|z(t1)|^2 with one method.

    Args:
        cfg: model, batch and budget.
        method: "direct" or "adjoint".
        solver: "rk4" (setting = number of steps) or "dopri5" (setting = rtol = atol).
        setting: see `solver`.

    Raises:
        ValueError: for an unknown method/solver or a step count above `cfg.max_steps`.
        BudgetExceeded: if a pass needs more than `cfg.max_nfe` evaluations of f.
    """
    if method not in METHODS or solver not in ("rk4", "dopri5"):
        raise ValueError(f"unknown method {method!r} or solver {solver!r}")
    if solver == "rk4" and not 1 <= int(setting) <= cfg.max_steps:
        raise ValueError(f"steps must lie in [1, {cfg.max_steps}], got {setting}")
    func, z0 = make_problem(cfg)
    params = tuple(func.parameters())

    meter = SavedTensorMeter(exclude=params)
    with torch.autograd.graph.saved_tensors_hooks(meter.pack, meter.unpack):
        result = _solve(func, z0, cfg, method, solver, setting)
        loss = _loss(result.y[-1])
        saved = meter.live_bytes
        loss.backward()
    nfe_forward, nfe_backward = result.nfe, result.nfe_backward
    grads = _flat_grads(func)
    forward_accepted = len(result.step_times)
    del result, loss

    # Timings come from passes without hooks, whose Python calls would otherwise be timed too; repeated,
    # since one pass on a shared machine can take several times its usual time.
    forward_times, backward_times = [], []
    least = min(3, cfg.timing_repeats)
    while len(forward_times) < cfg.timing_repeats:
        if len(forward_times) >= least and sum(forward_times) + sum(backward_times) > cfg.timing_budget_s:
            break
        func.zero_grad(set_to_none=True)
        start = time.perf_counter()
        loss = _loss(_solve(func, z0, cfg, method, solver, setting).y[-1])
        forward_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        loss.backward()
        backward_times.append(time.perf_counter() - start)

    steps = int(setting) if solver == "rk4" else forward_accepted
    return Measurement(
        method=method,
        solver=solver,
        steps=steps,
        tol=None if solver == "rk4" else float(setting),
        saved_bytes=int(saved),
        peak_saved_bytes=int(meter.peak_bytes),
        param_bytes=sum(p.untyped_storage().nbytes() for p in params),
        peak_rss_bytes=peak_rss_bytes(),
        nfe_forward=int(nfe_forward),
        nfe_backward=int(nfe_backward),
        forward_times=tuple(forward_times),
        backward_times=tuple(backward_times),
        grads=grads,
    )


def compare(cfg: MemoryStudyConfig, solver: str, setting: float) -> Comparison:
    """Both methods at one setting, with the difference of their gradients."""
    direct = measure(cfg, "direct", solver, setting)
    adjoint = measure(cfg, "adjoint", solver, setting)
    diff = (direct.grads - adjoint.grads).abs().max().item()
    scale = direct.grads.abs().max().item()
    return Comparison(direct, adjoint, diff, diff / scale if scale > 0 else math.inf)


def step_sweep(cfg: MemoryStudyConfig) -> MemoryStudy:
    """rk4 with each of `cfg.steps` fixed steps: memory should grow as O(L) direct and stay O(1) adjoint."""
    return _sweep(cfg, "rk4", tuple(float(s) for s in cfg.steps))


def tolerance_sweep(cfg: MemoryStudyConfig) -> MemoryStudy:
    """dopri5 at each of `cfg.tolerances`: tighter tolerance, more steps, more memory for direct backprop."""
    return _sweep(cfg, "dopri5", tuple(cfg.tolerances))


def _sweep(cfg: MemoryStudyConfig, solver: str, settings: tuple[float, ...]) -> MemoryStudy:
    start = time.perf_counter()
    done: list[Comparison] = []
    skipped: list[float] = []
    for setting in settings:
        if done and time.perf_counter() - start > cfg.time_budget_s:  # the first point always runs
            skipped.append(setting)
            continue
        done.append(compare(cfg, solver, setting))
    return MemoryStudy(tuple(done), tuple(skipped), time.perf_counter() - start)
