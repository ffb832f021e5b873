"""The "Seeds" tab of the NODE vs ANODE lab: NODE and ANODE trained from scratch on half moons for five seeds,
median and min-max bands of loss, accuracy and NFE over training, optionally with the kinetic/Jacobian
penalties that tame NFE. Opens on the shipped runs; the button reruns them live under the training limit."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from cached.node_seeds import shipped_seeds
from components.seed_band_charts import BandSeries, seed_band_charts
from kit.chrome import presenter_mode
from kit.failure import failed, show_failure
from kit.figures import show_chart
from kit.links import PageLinks
from kit.live_training import LiveProgress, TrainButton, training_fragment
from kit.node_anode_notes import nfe_change
from kit.quiet_controls import choice
from models.failure import Failure
from models.node_anode.regularisation import Regularisation
from models.node_anode.seeds import (
    DEFAULT_WEIGHT,
    SeedCurves,
    SeedsConfig,
    bands,
    describe,
    find_result,
    run_seeds,
)

WEIGHTS = ["0.001", "0.003", "0.01", "0.03", "0.1"]
LABELS = {"node": "NODE", "anode": "ANODE"}
#: Height (px) of each panel, its title and axes included; on a projector taller, its foot still above the
#: fold (tour step 25's panels start 328 px down a 1280x720 projector, 383 px down a 1024x768 one).
HEIGHT = 280
PRESENTER_HEIGHT = 360
#: A live repetition stops here (each configuration), keeping the seeds it finished.
LIVE_LIMIT_S = 60.0
LIVE_KEY = "node_seeds.__live"  # session: describe(cfg) as JSON text -> the runs trained here
BUTTON = TrainButton(
    "node_seeds",
    label="Rerun 5 seeds",
    key="node_seeds.train",
    help=f"Train NODE and ANODE from scratch for each of the 5 seeds, as shown (at most {LIVE_LIMIT_S:.0f} s "
    "for each of plain and regularised); Stop keeps the runs finished so far.",
)


def penalty_controls(links: PageLinks) -> tuple[bool, float]:
    """The lab's one pair of penalty controls (in its sidebar), for Train, Step and this tab: whether
    NODE and ANODE train with the penalties, and their weight w."""
    regularise = links.toggle(
        "Regularise (kinetic energy + Jacobian norm)",
        "reg",
        help="Finlay et al. 2020: NODE and ANODE train with w·∫|f|² dt + w·∫‖∂f/∂z‖²_F dt (Hutchinson's "
        "estimate) added to the loss, integrated along the same solve, to keep the flow straight and the NFE "
        "down. Train with it off and on to compare on the same seed; the Seeds tab shows five seeds.",
    )
    return regularise, float(choice(links, "Penalty weight w", "regw", WEIGHTS, hidden=not regularise))


def _key(cfg: SeedsConfig) -> str:
    return repr(sorted(describe(cfg).items()))


def _live() -> dict[str, list[SeedCurves]]:
    return st.session_state.setdefault(LIVE_KEY, {})


def configs(regularise: bool, weight: float) -> list[SeedsConfig]:
    """What the tab shows: the plain repetition, and the regularised one when switched on."""
    plain = SeedsConfig()
    return [plain, replace(plain, reg=Regularisation.both(weight))] if regularise else [plain]


def runs_of(cfg: SeedsConfig) -> tuple[list[SeedCurves], str] | None:
    """The runs to draw for `cfg`, and where they come from: this session's, else the shipped ones."""
    live = _live().get(_key(cfg))
    if live:
        return live, "trained here"
    shipped = shipped_seeds()
    found = None if failed(shipped) else find_result(shipped, cfg)
    return (found.runs, "precomputed") if found is not None and found.runs else None


def train(cfgs: list[SeedsConfig], live: LiveProgress) -> list[Failure]:
    """Every configuration's repetition in turn, each finished run stored at once (so Stop keeps them)."""
    total = sum(len(c.seeds) * len(c.kinds) for c in cfgs)
    finished: list[SeedCurves] = []
    for cfg in cfgs:
        store: list[SeedCurves] = []
        _live()[_key(cfg)] = store
        tamed = " with penalties" if cfg.reg.active else ""

        def on_step(kind: str, seed: int, step: int, metrics: dict[str, float], cfg=cfg, tamed=tamed) -> None:
            live.progress(
                (len(finished) + step / cfg.train.steps) / total,
                f"{LABELS[kind]}{tamed}, seed {seed}: step {step} / {cfg.train.steps} · loss "
                f"{metrics['loss']:.3g} · NFE {metrics['nfe_forward']:.0f} · {metrics['wall_s']:.1f} s",
            )

        def keep(run: SeedCurves, store=store) -> None:
            store.append(run)
            finished.append(run)

        run_seeds(replace(cfg, max_total_s=LIVE_LIMIT_S), on_step, keep)
    live.progress(1.0, "Done.", force=True)
    return []


def _medians(runs: list[SeedCurves]) -> tuple[float, float]:
    """Median test NFE and test accuracy over the runs (the middle run's, of an odd number)."""
    mid = len(runs) // 2
    return sorted(r.test_nfe for r in runs)[mid], sorted(r.test_accuracy for r in runs)[mid]


def _taming(label: str, plain: list[SeedCurves], tamed: list[SeedCurves], weight: float) -> str:
    """What the penalties saved and cost one model, median against median."""
    (nfe, accuracy), (nfe_reg, accuracy_reg) = _medians(plain), _medians(tamed)
    return (
        f"**{label}** with the penalties at w = {weight:g}: median test NFE {nfe_change(nfe, nfe_reg)}, "
        f"median test accuracy {accuracy:.3f} → {accuracy_reg:.3f}"
    )


def _summary(label: str, runs: list[SeedCurves]) -> str:
    nfe = sorted(r.test_nfe for r in runs)
    accuracy = sorted(r.test_accuracy for r in runs)
    mid = len(runs) // 2
    return (
        f"**{label}**: trained, forward NFE on the test set median {nfe[mid]:.0f} (range {nfe[0]:.0f}–"
        f"{nfe[-1]:.0f}), test accuracy median {accuracy[mid]:.3f} (range {accuracy[0]:.3f}–{accuracy[-1]:.3f}), "
        f"{len(runs)} runs"
    )


def render(regularise: bool, weight: float) -> None:
    """The bands chart of what is available for the page's penalty setting (the sidebar's Regularise and
    weight, which Train uses too), its summary, and the live rerun."""
    cfgs = configs(regularise, weight)
    series, words, missing = [], [], []
    by_kind: dict[tuple[str, bool], list[SeedCurves]] = {}
    for cfg in cfgs:
        found = runs_of(cfg)
        if found is None:
            missing.append(cfg)
            continue
        runs, source = found
        tamed = cfg.reg.active
        curves = {name: {b.kind: b for b in bands(runs, name)} for name in ("loss", "accuracy", "nfe")}
        for kind in cfg.kinds:
            if kind not in curves["nfe"]:
                continue
            per_metric = {name: by_kind[kind] for name, by_kind in curves.items() if kind in by_kind}
            drawn = BandSeries(LABELS[kind], kind, "regularised" if tamed else "plain", per_metric)
            series.append(drawn)
            own = by_kind[(kind, tamed)] = [r for r in runs if r.kind == kind]
            words.append(_summary(drawn.label, own) + f" ({source})")
    words += [
        _taming(LABELS[kind], by_kind[(kind, False)], by_kind[(kind, True)], weight)
        for kind in SeedsConfig().kinds
        if (kind, False) in by_kind and (kind, True) in by_kind
    ]
    if series:
        charts = seed_band_charts(series, PRESENTER_HEIGHT if presenter_mode() else HEIGHT)
        show_chart(charts.legend, key="node_seeds.legend", width="stretch")
        for column, (name, chart) in zip(st.columns(len(charts.panels)), charts.panels.items(), strict=True):
            show_chart(chart, key=f"node_seeds.{name}", width="stretch", area=column)
        plain = cfgs[0]
        st.caption(
            f"Half moons ({plain.data.n} points), each seed drawing its own data, initial weights and batches; "
            f"{plain.train.steps} full-batch Adam steps at lr {plain.train.lr:g}, dopri5 at 1e-3. Lines: the "
            "median over seeds; shaded: the band from the lowest to the highest seed. A regularised step's NFE "
            "counts the solve that also integrates the penalties; the summary's test NFE is the plain forward."
            + (
                ""
                if regularise
                else " Switch on Regularise in the sidebar to add the runs trained with them."
            )
        )
        st.markdown("  \n".join(words))
    shipped = shipped_seeds()
    if failed(shipped):
        show_failure(shipped)
    if missing:
        st.info(
            f"No runs yet at weight {weight:g} (precomputed only at {DEFAULT_WEIGHT:g}): press "
            f"{BUTTON.label} to train them here.",
            icon=":material/model_training:",
        )
    if not presenter_mode():
        # The lab's Stop, above the tabs, interrupts this fragment too; the runs finished so far stay.
        training_fragment(BUTTON, lambda _, live: train(cfgs, live))
