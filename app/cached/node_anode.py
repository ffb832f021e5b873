"""Models and views of the NODE vs ANODE lab: shipped checkpoints (shared, read-only), the visitor's own
trained models (session only), and the arrays each view draws, cached per model reference.

Shipped and untrained models are cached server-wide; anything computed from a visitor's model is kept
in that visitor's session, never in a shared cache.
"""

from __future__ import annotations

import os
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import streamlit as st
import torch
from torch import Tensor, nn

from kit.cache_keys import cache_key
from models.failure import Failure
from models.nn.checkpoints import CheckpointError, LoadedCheckpoint, load_checkpoint
from models.nn.supervised import evaluate, loss_for_task
from models.node_anode.analysis import decision_regions, flow_paths, rebuild, vector_field
from models.node_anode.classifiers import ModelConfig, build_model
from models.node_anode.data import ToyDataConfig, ToySplits, jittered, make_dataset
from models.node_anode.presets import PRESETS

# The pages and thumbnails read the shipped data sets here.
from models.node_anode.presets import SHIPPED_DATA as SHIPPED_DATA
from models.node_anode.regularisation import Regularisation
from models.ode.solve import BudgetExceeded

ROOT = Path(__file__).resolve().parents[2]
#: Where the shipped checkpoints live; a deployment (or a test) may point elsewhere.
CHECKPOINT_ENV = "EXPLORER_NODE_CHECKPOINTS"
#: Views are bounded: an adaptive solve that needs more evaluations than this ends with a message.
PAGE_MAX_NFE = 2000
#: Std of the Gaussian jitter of the stress test (models.node_anode.data.jittered): a fifth of the gap
#: between the circles' rings.
JITTER = 0.1
RUNS_KEY = "node_anode.__runs"
MEMO_KEY = "node_anode.__memo"
MAX_SESSION_RUNS = 9
MAX_SESSION_MEMO = 48

MODEL_LABELS = {"node": "NODE", "anode": "ANODE", "resnet": "ResNet"}
#: The models the kinetic/Jacobian penalties apply to: flows (a ResNet has no field to integrate).
FLOWS = ("node", "anode")
PLAIN = Regularisation()


def model_reg(kind: str, reg: Regularisation) -> Regularisation:
    """The penalties a model of `kind` trains with when the page asks for `reg`."""
    return reg if kind in FLOWS else PLAIN


def run_label(kind: str, reg: Regularisation) -> str:
    """A run's name in words: the model, and ", regularised" when it trained with the penalties."""
    return MODEL_LABELS[kind] + (", regularised" if reg.active else "")


def same_data(a: ToyDataConfig, b: ToyDataConfig) -> bool:
    return (a.name, a.n, a.resolved_noise, a.seed, a.points) == (
        b.name,
        b.n,
        b.resolved_noise,
        b.seed,
        b.points,
    )


# --- shipped checkpoints ----------------------------------------------------------------------------------


def checkpoint_dir() -> Path:
    return Path(os.environ.get(CHECKPOINT_ENV, ROOT / "checkpoints" / "node_anode"))


def checkpoint_path(kind: str, dataset: str) -> Path:
    return checkpoint_dir() / f"{kind}_{dataset}.pt"


@st.cache_resource(max_entries=16, ttl=6 * 3600, show_spinner=False)
def _load(path: str, stamp: tuple[int, int]) -> LoadedCheckpoint | CheckpointError:
    """The checkpoint at `path` (shared, eval mode, never called: views rebuild from its weights), or
    why it cannot be used. `stamp` (mtime, size) makes a replaced file load afresh."""
    try:
        return load_checkpoint(path)
    except CheckpointError as err:
        return err.detached()


def shipped(kind: str, dataset: str) -> LoadedCheckpoint | CheckpointError:
    """The shipped checkpoint of a preset, or why there is none."""
    path = checkpoint_path(kind, dataset)
    try:
        info = path.stat()
    except OSError:
        return CheckpointError(f"checkpoint {path.name} not found")
    return _load(str(path), (info.st_mtime_ns, info.st_size))


# --- the visitor's own models -----------------------------------------------------------------------------


@dataclass
class SessionRun:
    """A model trained in this session: weights, the metrics of every step, and weight snapshots; the live
    model and its optimiser too, so that Step continues them. `run_id` is renewed whenever the weights
    change after training (a Step), so that no view memoised for the old weights is shown."""

    kind: str
    cfg: ModelConfig  # as trained (solver included)
    data: ToyDataConfig
    seed: int
    in_dim: int
    n_out: int
    reg: Regularisation = PLAIN  # the penalties it trained with
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    state: dict[str, Tensor] | None = None
    history: list[dict[str, float]] = field(default_factory=list)
    snapshots: list[tuple[int, dict[str, Tensor]]] = field(default_factory=list)
    stop_reason: str = "running"
    seconds: float = 0.0
    model: nn.Module | None = None
    optimizer: torch.optim.Optimizer | None = None


def run_key(
    kind: str, cfg: ModelConfig, data: ToyDataConfig, seed: int, reg: Regularisation = PLAIN
) -> tuple:
    """What tells a session's runs apart: plain and regularised runs of the same settings are kept apart,
    so that their NFE over training can be compared on the same seed."""
    return (kind, cfg.arch, data.name, data.n, data.resolved_noise, data.seed, data.points, seed, reg)


def session_runs() -> OrderedDict:
    return st.session_state.setdefault(RUNS_KEY, OrderedDict())


def find_run(
    kind: str, cfg: ModelConfig, data: ToyDataConfig, seed: int, reg: Regularisation = PLAIN
) -> SessionRun | None:
    run = session_runs().get(run_key(kind, cfg, data, seed, reg))
    return run if run is not None and run.state is not None and run.history else None


def counterpart_run(
    kind: str, cfg: ModelConfig, data: ToyDataConfig, seed: int, reg: Regularisation
) -> SessionRun | None:
    """The run to compare with the one of `reg`, on the same settings and seed: the plain one for a
    regularised run, the latest regularised one (any weight) for a plain run; None if not trained here."""
    if reg.active:
        return find_run(kind, cfg, data, seed)
    same = run_key(kind, cfg, data, seed)[:-1]
    tamed = [
        r
        for key, r in session_runs().items()
        if key[:-1] == same and key[-1].active and r.state is not None and r.history
    ]
    return tamed[-1] if tamed else None


def _args(run: SessionRun) -> tuple:
    return run.kind, run.cfg, run.data, run.seed, run.reg


def store_run(run: SessionRun) -> None:
    """Keep `run` (replacing one of the same settings); the oldest runs go beyond MAX_SESSION_RUNS."""
    runs = session_runs()
    key = run_key(*_args(run))
    runs.pop(key, None)
    runs[key] = run
    while len(runs) > MAX_SESSION_RUNS:
        runs.popitem(last=False)


def forget_runs(keys: list[tuple]) -> int:
    """Drop these runs and every view computed from the session's models; returns how many went."""
    runs = session_runs()
    gone = sum(runs.pop(k, None) is not None for k in keys)
    st.session_state[MEMO_KEY] = OrderedDict()
    return gone


def run_by_id(run_id: str) -> SessionRun | None:
    return next((r for r in session_runs().values() if r.run_id == run_id), None)


# --- references to a model, and the views computed from one ------------------------------------------------

Source = Literal["shipped", "init", "session"]


@dataclass(frozen=True)
class ModelRef:
    """Which weights to show, run with which solver.

    Attributes:
        kind: "node", "anode" or "resnet".
        cfg: the page's model config: architecture plus the solver the views use.
        in_dim, n_out: data dimensions.
        source: "shipped" (a checkpoint), "init" (untrained, from `seed`) or "session" (trained here).
        path: the shipped checkpoint's path.
        seed: initialisation seed of an untrained model.
        run_id: the session run; `snapshot` >= 0 picks one of its snapshots instead of its final weights.
    """

    kind: str
    cfg: ModelConfig
    in_dim: int
    n_out: int
    source: Source
    path: str = ""
    seed: int = 0
    run_id: str = ""
    snapshot: int = -1


def preset_ref(kind: str, dataset: str, in_dim: int, n_out: int) -> ModelRef | None:
    """The shipped model of a preset as the page shows it by default, or None if it cannot be loaded."""
    if isinstance(shipped(kind, dataset), Failure):
        return None
    model = PRESETS[(kind, dataset)].model
    cfg = replace(model, solver=replace(model.solver, max_nfe=PAGE_MAX_NFE))
    return ModelRef(kind, cfg, in_dim, n_out, "shipped", path=str(checkpoint_path(kind, dataset)))


def materialise(ref: ModelRef) -> nn.Module:
    """A fresh model object for `ref` (its own NFE counter), in eval mode."""
    if ref.source == "init":
        return build_model(ref.cfg, ref.in_dim, ref.n_out, seed=ref.seed).eval()
    if ref.source == "shipped":
        path = Path(ref.path)
        loaded = _load(ref.path, (path.stat().st_mtime_ns, path.stat().st_size))
        if isinstance(loaded, Failure):
            raise loaded
        return rebuild(ref.cfg, ref.in_dim, ref.n_out, loaded.model.state_dict())
    run = run_by_id(ref.run_id)
    if run is None or run.state is None:
        raise CheckpointError("this session's trained model is gone; train again")
    state = run.state if ref.snapshot < 0 else run.snapshots[ref.snapshot][1]
    return rebuild(ref.cfg, ref.in_dim, ref.n_out, state)


def _paths(model: nn.Module, x: np.ndarray, n_times: int):
    return flow_paths(model, torch.from_numpy(x).float(), n_times)


def _regions(model: nn.Module, window, resolution: int):
    return decision_regions(model, window, resolution)


def _field(model: nn.Module, window, t: float):
    return vector_field(model.func, window, t=t)


def _outputs(model: nn.Module, x: np.ndarray) -> np.ndarray:
    return model(torch.from_numpy(x).float()).numpy()


def _metrics(model: nn.Module, data: ToyDataConfig) -> dict[str, float]:
    splits = make_dataset(data)
    loss_fn = loss_for_task(splits.task)
    result = evaluate(model, splits.test, loss_fn)
    if splits.task == "classification":
        result["jitter_accuracy"] = evaluate(model, jittered(splits.test, JITTER), loss_fn)["accuracy"]
    return result


#: The read-outs by name: the name, not the function, is the key of the shared cache.
_READOUTS: dict[str, Callable[..., Any]] = {
    f.__name__: f for f in (_paths, _regions, _field, _outputs, _metrics)
}


def _compute(view: str, ref: ModelRef, args: tuple) -> Any:
    try:
        with torch.inference_mode():
            return _READOUTS[view](materialise(ref), *args)
    except BudgetExceeded:
        return BudgetExceeded(
            f"the solver needed more than {ref.cfg.solver.max_nfe} evaluations of f; try a looser tolerance"
        )
    except (CheckpointError, OSError, ValueError, RuntimeError, AssertionError) as err:
        # A fresh failure either way: the cache keeps neither a traceback nor what it pins.
        return type(err)(err.message) if isinstance(err, Failure) else Failure.of(err)


@st.cache_data(max_entries=160, ttl=3600, show_spinner=False)
def _shared_view(view: str, _ref: ModelRef, _args: tuple, key: Any) -> Any:
    """Keyed on `key`, `cache_key` of (ref, args): Streamlit's own hashing of a model config and its points
    (kit/cache_keys.py) was a tenth of the lab's warm run."""
    return _compute(view, _ref, _args)


def _view(name: str, ref: ModelRef, *args: Any) -> Any:
    """The read-out `name` of the model `ref`, or a `Failure`. Read-outs of shipped and untrained models
    are shared across sessions; those of the visitor's own models are memoised in the session only."""
    if ref.source != "session":
        return _shared_view(name, ref, args, cache_key((ref, args)))
    memo = st.session_state.setdefault(MEMO_KEY, OrderedDict())
    key = (name, ref, _hashable(args))
    if key not in memo:
        memo[key] = _compute(name, ref, args)
        while len(memo) > MAX_SESSION_MEMO:
            memo.popitem(last=False)
    return memo[key]


def paths_view(ref: ModelRef, x: np.ndarray, n_times: int) -> Any:
    """Paths of the points `x` through depth (models.node_anode.analysis.flow_paths), or a Failure."""
    return _view("_paths", ref, x, n_times)


def regions_view(ref: ModelRef, window: tuple, resolution: int) -> Any:
    """Class probabilities over the input plane (analysis.decision_regions), or a Failure."""
    return _view("_regions", ref, window, resolution)


def field_view(ref: ModelRef, window: tuple, t: float) -> Any:
    """The learned vector field at time t (analysis.vector_field), or a Failure."""
    return _view("_field", ref, window, t)


def outputs_view(ref: ModelRef, x: np.ndarray) -> np.ndarray | Failure:
    """The model's outputs at `x`, or a Failure."""
    return _view("_outputs", ref, x)


def metrics_view(ref: ModelRef, data: ToyDataConfig) -> dict[str, float] | Failure:
    """Test-split metrics of the model on `data` (its forward NFE included) and, for a classification, the
    accuracy `jitter_accuracy` on the jittered test split; or a Failure."""
    return _view("_metrics", ref, data)


def _hashable(args: tuple) -> tuple:
    return tuple((a.shape, a.tobytes()) if isinstance(a, np.ndarray) else a for a in args)


# --- data --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataArrays:
    """A data set as numpy for drawing: the training inputs and labels, and a subsample to trace."""

    x: np.ndarray  # (n_train, d)
    y: np.ndarray  # (n_train,) labels, or (n_train,) targets for regression
    shown_x: np.ndarray  # (m, d) points whose paths are drawn
    shown_y: np.ndarray  # (m,)
    task: str
    n_out: int


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def data_arrays(cfg: ToyDataConfig, shown: int = 240) -> DataArrays:
    """The training split, and an evenly spread subsample of it (at most `shown`) for paths."""
    splits: ToySplits = make_dataset(cfg)
    x, y = splits.train.x.numpy(), splits.train.y.numpy().reshape(len(splits.train.x), -1)[:, 0]
    order = np.argsort(x[:, 0], kind="stable") if x.shape[1] == 1 else np.arange(len(x))
    pick = order[np.linspace(0, len(x) - 1, min(shown, len(x))).round().astype(int)]
    return DataArrays(x, y, x[pick], y[pick], splits.task, splits.n_out)
