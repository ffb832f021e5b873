"""Which weights each model of the NODE vs ANODE lab shows (one trained live in this session, the shipped
checkpoint, or fresh weights) with the training curves that go with them, and the summary of each model."""

from dataclasses import dataclass

import streamlit as st

from cached.node_anode import (
    MODEL_LABELS,
    PRESETS,
    SHIPPED_DATA,
    ModelRef,
    checkpoint_path,
    find_run,
    same_data,
    shipped,
)
from components.training_charts import Run
from kit.failure import failed, show_failure
from kit.node_training import AUTO_KEY, stop_words
from models.failure import Failure
from models.node_anode.classifiers import ModelConfig, build_model, count_parameters
from models.node_anode.data import ToyDataConfig


@dataclass(frozen=True)
class ShownModels:
    """The weights each model shows (`refs`), where they came from in words, and their training curves."""

    refs: dict[str, ModelRef]
    origin: dict[str, str]
    trained_runs: list[Run]  # trained in this session: curves above the tabs
    recorded_runs: list[Run]  # the shipped models' recorded training: curves in the replay tab
    needs_live: bool  # a shipped model could not be loaded: train it live


def choose_models(
    configs: dict[str, ModelConfig], data_cfg: ToyDataConfig, seed: int, in_dim: int, n_out: int
) -> ShownModels:
    """For each model kind and its page config: the weights to show; warns where a shipped one is missing."""
    dataset = data_cfg.name
    refs: dict[str, ModelRef] = {}
    origin: dict[str, str] = {}
    trained_runs: list[Run] = []
    recorded_runs: list[Run] = []
    needs_live = False
    tried_before = st.session_state.get(AUTO_KEY, set())
    for kind, cfg in configs.items():
        run = find_run(kind, cfg, data_cfg, seed)
        is_preset = (
            same_data(data_cfg, SHIPPED_DATA[dataset])
            and seed == 0
            and cfg.arch == PRESETS[(kind, dataset)].model.arch
        )
        loaded = shipped(kind, dataset) if is_preset else None
        if failed(loaded):
            needs_live = needs_live or run is None
            then = (
                "showing the one trained live in this session."
                if run is not None
                else ("press Train to train it live." if tried_before else "training it live instead.")
            )
            st.warning(
                f"Shipped {MODEL_LABELS[kind]} unavailable ({loaded}); {then}", icon=":material/warning:"
            )
        if run is not None:
            refs[kind] = ModelRef(kind, cfg, in_dim, n_out, "session", run_id=run.run_id)
            origin[kind] = (
                f"trained here: {len(run.history)} steps, {run.seconds:.1f} s ({stop_words(run.stop_reason)})"
            )
            trained_runs.append(Run(kind, MODEL_LABELS[kind], run.history))
        elif loaded is None or failed(loaded):
            refs[kind] = ModelRef(kind, cfg, in_dim, n_out, "init", seed=seed)
            origin[kind] = (
                "untrained: press Train" if loaded is None else "untrained (shipped model unavailable)"
            )
        else:
            path = str(checkpoint_path(kind, dataset))
            refs[kind] = ModelRef(kind, cfg, in_dim, n_out, "shipped", path=path)
            origin[kind] = "shipped checkpoint"
            recorded = loaded.meta.get("history", {})
            losses, nfes = recorded.get("loss", []), recorded.get("nfe_forward", [])
            history = [
                {"loss": float(v), "nfe_forward": float(n)} for v, n in zip(losses, nfes, strict=False)
            ]
            recorded_runs.append(Run(kind, MODEL_LABELS[kind], history))
    return ShownModels(refs, origin, trained_runs, recorded_runs, needs_live)


def show_summary(
    shown: ShownModels,
    measured: dict[str, dict | Failure],
    in_dim: int,
    n_out: int,
    classification: bool,
    solver_words: str,
) -> None:
    """A column per model: its test accuracy (or MSE), where its weights came from, its size and forward NFE."""
    chosen = list(shown.refs)
    for col, kind in zip(st.columns(len(chosen)), chosen, strict=True):
        result = measured[kind]
        params = count_parameters(build_model(shown.refs[kind].cfg, in_dim, n_out, seed=0))
        if failed(result):
            col.metric(MODEL_LABELS[kind], "—")
            show_failure(result, MODEL_LABELS[kind], where=col)
            continue
        if classification:
            col.metric(f"{MODEL_LABELS[kind]}: test accuracy", f"{result['accuracy']:.3f}")
        else:
            col.metric(f"{MODEL_LABELS[kind]}: test MSE", f"{result['loss']:.3g}")
        nfe_words = (
            f"{result['nfe_forward']:.0f} layer evaluations"
            if kind == "resnet"
            else f"forward NFE {result['nfe_forward']:.0f} on the test set ({solver_words})"
        )
        col.caption(f"{shown.origin[kind]} · {params:,} parameters · {nfe_words}")
