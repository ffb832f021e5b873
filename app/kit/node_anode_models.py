"""Which weights each model of the NODE vs ANODE lab shows (one trained live in this session, the shipped
checkpoint, or fresh weights) with the training curves that go with them, and the summary of each model."""

import functools
from dataclasses import dataclass, replace

import streamlit as st

from cached.node_anode import (
    JITTER,
    MODEL_LABELS,
    PRESETS,
    SHIPPED_DATA,
    ModelRef,
    SessionRun,
    checkpoint_path,
    counterpart_run,
    find_run,
    metrics_view,
    model_reg,
    same_data,
    shipped,
)
from components.training_charts import Run
from kit.failure import failed, show_failure
from kit.node_anode_notes import nfe_change
from kit.node_training import AUTO_KEY, best_and_final_words, chart_run, stop_words
from models.failure import Failure
from models.node_anode.classifiers import Architecture, ModelConfig, build_model, count_parameters
from models.node_anode.data import OWN, ToyDataConfig, task_of
from models.node_anode.regularisation import Regularisation


@dataclass(frozen=True)
class ShownModels:
    """The weights each model shows (`refs`), where they came from in words, and their training curves."""

    refs: dict[str, ModelRef]
    origin: dict[str, str]
    trained_runs: list[Run]  # trained in this session: curves above the tabs
    recorded_runs: list[Run]  # the shipped models' recorded training: curves in the replay tab
    needs_live: bool  # a shipped model could not be loaded: train it live
    untrained: dict[str, str]  # kind -> why no trained weights fit (its settings in words)
    compared: dict[str, tuple[SessionRun, SessionRun]]  # kind -> (plain, regularised) runs, both trained here


def choose_models(
    configs: dict[str, ModelConfig],
    data_cfg: ToyDataConfig,
    seed: int,
    in_dim: int,
    n_out: int,
    reg: Regularisation,
) -> ShownModels:
    """For each model kind and its page config: the weights to show; warns where a shipped one is missing.

    A shipped model is shown whenever its architecture fits the page's, on whatever data: changed data
    only means evaluating it on the new data. Only a changed architecture leaves a model untrained. On the
    visitor's own points only the models trained on them here are shown: nothing else learned them.
    `reg`: the penalties asked for; a run trained here with the other setting is kept for comparison."""
    dataset = data_cfg.name
    own = dataset == OWN
    default_data = not own and same_data(data_cfg, SHIPPED_DATA[dataset]) and seed == 0
    untrained: dict[str, str] = {}
    refs: dict[str, ModelRef] = {}
    origin: dict[str, str] = {}
    trained_runs: list[Run] = []
    recorded_runs: list[Run] = []
    compared: dict[str, tuple[SessionRun, SessionRun]] = {}
    needs_live = False
    tried_before = st.session_state.get(AUTO_KEY, set())
    for kind, cfg in configs.items():
        tamed = model_reg(kind, reg)
        run = find_run(kind, cfg, data_cfg, seed, tamed)
        other = counterpart_run(kind, cfg, data_cfg, seed, tamed) if run is not None else None
        if other is not None:
            compared[kind] = (other, run) if tamed.active else (run, other)
        if own and run is None:
            continue
        fits = not own and cfg.arch == PRESETS[(kind, dataset)].model.arch
        loaded = shipped(kind, dataset) if fits else None
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
            ending = best_and_final_words(run.history, task_of(dataset))
            origin[kind] = (
                f"trained here: {len(run.history)} steps, {run.seconds:.1f} s ({stop_words(run.stop_reason)})"
                + (f", {ending}" if ending else "")
            )
            trained_runs.extend(chart_run(r) for r in compared.get(kind, (run,)))
        elif loaded is None or failed(loaded):
            refs[kind] = ModelRef(kind, cfg, in_dim, n_out, "init", seed=seed)
            origin[kind] = (
                "untrained: press Train" if loaded is None else "untrained (shipped model unavailable)"
            )
            if loaded is None:
                untrained[kind] = changed_architecture(PRESETS[(kind, dataset)].model.arch, cfg.arch)
        else:
            path = str(checkpoint_path(kind, dataset))
            refs[kind] = ModelRef(kind, cfg, in_dim, n_out, "shipped", path=path)
            origin[kind] = (
                "shipped checkpoint"
                if default_data
                else f"shipped checkpoint (trained on {data_words(SHIPPED_DATA[dataset])}), evaluated on these data"
            ) + (", trained without the penalties: press Train to train it with them" if tamed.active else "")
            recorded = loaded.meta.get("history", {})
            losses, nfes = recorded.get("loss", []), recorded.get("nfe_forward", [])
            history = [
                {"loss": float(v), "nfe_forward": float(n)} for v, n in zip(losses, nfes, strict=False)
            ]
            recorded_runs.append(Run(kind, MODEL_LABELS[kind], history))
    return ShownModels(refs, origin, trained_runs, recorded_runs, needs_live, untrained, compared)


def taming_words(shown: ShownModels, data_cfg: ToyDataConfig, solver_words: str) -> str:
    """Plain against regularised, for each model trained here both ways on the same data and seed: its
    forward NFE and accuracy (MSE on a regression) on the test set, each run without the penalty columns as
    the page runs it, so what the penalties saved and what they cost; "" when no model has both."""
    classification = task_of(data_cfg.name) == "classification"
    key, words, fmt = ("accuracy", "accuracy", "{:.3f}") if classification else ("loss", "MSE", "{:.3g}")
    parts = []
    for kind, runs in shown.compared.items():
        plain, tamed = (metrics_view(replace(shown.refs[kind], run_id=r.run_id), data_cfg) for r in runs)
        if failed(plain) or failed(tamed):
            continue
        weight = runs[1].reg.kinetic
        parts.append(
            f"**{MODEL_LABELS[kind]}** {nfe_change(plain['nfe_forward'], tamed['nfe_forward'])} with the "
            f"penalties at w = {weight:g}, {words} {fmt.format(plain[key])} → {fmt.format(tamed[key])}"
        )
    if not parts:
        return ""
    return (
        f"**Taming NFE**, plain → regularised on the same data and seed, on {'your points' if data_cfg.name == OWN else 'the test set'} "
        f"({solver_words}): " + "; ".join(parts) + "."
    )


def data_words(data: ToyDataConfig) -> str:
    return f"{data.n:,} points, noise {data.resolved_noise:g}, seed {data.seed}"


def changed_architecture(shipped_arch: Architecture, arch: Architecture) -> str:
    """What makes `arch` differ from the shipped one, in the page's words."""
    words = []
    if arch.augment_dim != shipped_arch.augment_dim:
        words.append(f"p = {arch.augment_dim}")
    if arch.time_dependent != shipped_arch.time_dependent:
        words.append("f depending on t" if arch.time_dependent else "f not depending on t")
    return " and ".join(words) or "these settings"


def warn_untrained(shown: ShownModels, steps: int, where: str) -> None:
    """One loud line when a model has no trained weights for the page's settings: what it shows instead,
    and that Train (`where`, e.g. "just below") trains it."""
    if not shown.untrained:
        return
    names = " and ".join(f"{MODEL_LABELS[k]} with {why}" for k, why in shown.untrained.items())
    st.warning(
        f"No trained {names}: the numbers and pictures show untrained weights. Press Train {where} to "
        f"train {'it' if len(shown.untrained) == 1 else 'them'} ({steps} steps).",
        icon=":material/warning:",
    )


@functools.lru_cache(maxsize=64)
def parameter_count(cfg: ModelConfig, in_dim: int, n_out: int) -> int:
    """Trainable parameters of the model `cfg` describes, counted once per config: building the model to
    count them was 8% of the lab's warm run (py-spy)."""
    return count_parameters(build_model(cfg, in_dim, n_out, seed=0))


def show_summary(
    shown: ShownModels,
    measured: dict[str, dict | Failure],
    in_dim: int,
    n_out: int,
    classification: bool,
    solver_words: str,
    scored_on: str = "the test set",
) -> None:
    """A column per model: its test accuracy (or MSE), where its weights came from, its size and forward NFE;
    `scored_on` names what the numbers are measured on ("the test set", "your points")."""
    chosen = list(shown.refs)
    for col, kind in zip(st.columns(len(chosen)), chosen, strict=True):
        result = measured[kind]
        params = parameter_count(shown.refs[kind].cfg, in_dim, n_out)
        label = MODEL_LABELS[kind] + (" (untrained)" if kind in shown.untrained else "")
        if failed(result):
            col.metric(label, "—")
            show_failure(result, MODEL_LABELS[kind], where=col)
            continue
        if classification:
            # The cost of cheating, legible from the back row: a clean accuracy can hide a high loss and NFE.
            col.metric(
                f"{label}: "
                + ("test accuracy" if scored_on == "the test set" else f"accuracy on {scored_on}"),
                f"{result['accuracy']:.3f}",
                f"loss {result['loss']:.2g} · {result['nfe_forward']:.0f} NFE",
                delta_color="off",
                delta_arrow="off",
            )
            scores = (
                f"{'test ' * (scored_on == 'the test set')}loss {result['loss']:.3g} · accuracy {result['jitter_accuracy']:.3f} on {scored_on} "
                f"jittered (σ = {JITTER:g})"
            )
        else:
            col.metric(f"{label}: test MSE", f"{result['loss']:.3g}")
            scores = ""
        nfe_words = (
            f"{result['nfe_forward']:.0f} layer evaluations"
            if kind == "resnet"
            else f"forward NFE {result['nfe_forward']:.0f} on {scored_on} ({solver_words})"
        )
        parts = [shown.origin[kind], f"{params:,} parameters", scores, nfe_words]
        col.caption(" · ".join(p for p in parts if p))
