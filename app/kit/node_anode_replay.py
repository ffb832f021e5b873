"""The NODE vs ANODE lab's training replay: a slider over the weight snapshots of this session's training,
the decision regions and end states at that step; before any, how the shipped models were trained."""

from dataclasses import replace

import streamlit as st

from cached.node_anode import MODEL_LABELS, ModelRef, SessionRun
from components.flow_cloud_figures import cloud_figure
from components.flow_panels import LOW_HEIGHT, Coloring
from components.training_charts import Run, training_chart
from kit.chrome import presenter_mode
from kit.figures import PRESENTER_SCENE_HEIGHT, show_chart
from kit.node_anode_figures import ModelFigures

REPLAY_KEY = "node_anode.replay"  # session only: snapshots cannot travel in a link
#: The end states' height: built as tall as it is drawn (in presenter mode kit.figures' height for 3-D
#: figures), so that its 3-D camera fits its box: built 440 px tall, for a low figure's nearer camera, and drawn
#: 640 px tall on a projector, the ANODE's cloud ran off its scene's right side.
CLOUD_HEIGHT = LOW_HEIGHT
#: In presenter mode the decision regions are this tall: under the step slider and the loss caption they start
#: 318 px down a 1280x720 projector (340 of 768 at 1024x768), where at their usual 456 px their x axis ended at
#: 774, below the fold.
PRESENTER_REGIONS_HEIGHT = 396


def replay_tab(
    trained: dict[str, SessionRun],
    refs: dict[str, ModelRef],
    recorded_runs: list[Run],
    x_axis: str,
    classification: bool,
    figures: ModelFigures,
    coloring: Coloring,
) -> None:
    """The tab's body. `trained`: this session's runs of the models shown, with two snapshots or more;
    `recorded_runs`: the shipped models' recorded training, drawn when nothing was trained here."""
    if not trained:
        st.info(
            "Training replay shows how the flow was learned, from weight snapshots taken while training "
            "in this session (about 20 per model). Press Train above to record one.",
            icon=":material/history:",
        )
        if recorded_runs:
            st.markdown("**How the shipped models were trained** (scripts/make_node_checkpoints.py):")
            show_chart(training_chart(recorded_runs, "nfe_spent" if x_axis == "nfe_spent" else "step"))
            st.caption(
                "Loss and forward NFE of every full-batch step, as the script recorded them. A live "
                "training adds validation accuracy, backward NFE and wall time."
            )
    else:
        all_steps = sorted({s for r in trained.values() for s, _ in r.snapshots})
        if st.session_state.get(REPLAY_KEY) not in all_steps:
            st.session_state[REPLAY_KEY] = all_steps[-1]  # a new training: start at its end
        at = st.select_slider(
            "Training step",
            all_steps,
            key=REPLAY_KEY,
            help="Snapshots of this session's training; scrub to watch the flow being learned.",
        )
        snapshots = {
            k: replace(refs[k], snapshot=max(i for i, (s, _) in enumerate(r.snapshots) if s <= at))
            for k, r in trained.items()
        }
        if at >= 1:
            losses = ", ".join(
                f"{MODEL_LABELS[k]} {r.history[min(at, len(r.history)) - 1]['loss']:.3g}"
                for k, r in trained.items()
            )
            st.caption(f"Training loss at step {at}: {losses}.")
        if classification:
            cloud_height = PRESENTER_SCENE_HEIGHT if presenter_mode() else CLOUD_HEIGHT
            figures.regions_figure(
                snapshots,
                "node_anode.replay_regions",
                "node-anode-replay-regions",
                50,
                presenter_height=PRESENTER_REGIONS_HEIGHT,
            )
            figures.show_panels(
                lambda ps: cloud_figure(ps, coloring, animate=False, height=cloud_height),
                list(snapshots),
                "node_anode.replay_cloud",
                "node-anode-replay-end-states",
                snapshots,
            )
            st.caption("Top: decision regions at that step. Bottom: where the flow takes the points at t₁.")
        else:
            figures.flip_figure(snapshots, "node_anode.replay_flip", "node-anode-replay-flip1d")
