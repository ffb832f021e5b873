"""ODE-Nets on images: the paper's Table 1 (MLP, ResNet, RK-Net, ODE-Net) measured on scikit-learn's 8x8
digits, one digit flowing through the ODE block beside the ResNet's blocks, accuracy and NFE against the
solver tolerance, the mistakes, and the ODE-Net or ResNet trained live."""

import numpy as np
import streamlit as st

from cached.images import (
    FlowView,
    checkpoint_dir,
    flow_view,
    mistakes_view,
    models,
    sweep,
    table,
    test_images,
)
from components.image_figures import (
    PRESENTED_HEIGHT,
    confusion_figure,
    digits_figure,
    error_bars_figure,
    feature_maps_figure,
    probabilities_figure,
    tolerance_figure,
)
from components.style import format_number
from kit import quiet_controls as quiet
from kit.chrome import presenter_mode
from kit.failure import failed, show_failure
from kit.figures import figure_spec, show_figure
from kit.ode_nets_training import presented_result, training_section
from kit.page import PageScaffold
from kit.page_views import OdeNetsView
from models.images.classifiers import LABELS
from models.images.measure import MEMORY_BATCH, PAPER_TABLE1, TableRow
from models.images.training import SHIPPED, TRAIN

MAX_MISTAKES = 12

page = PageScaffold(
    "ode_nets",
    OdeNetsView,
    "ODE-Nets on images",
    "The Neural ODE paper's first experiment at small scale: a classifier whose residual blocks are replaced "
    "by one ODE block, on the 1,797 8×8 handwritten digits that ship inside scikit-learn (nothing is "
    "downloaded). Four models share the split: an MLP, a ResNet of 6 blocks, an RK-Net and an ODE-Net.",
)
links = page.links
loaded = models()
directory = checkpoint_dir()
images, labels = test_images()


# Table 1 is two tables, ours and the paper's, with the test errors of both charted between them: one table of
# 11 columns was cut at the right at 1024 px in presenter mode and at 1440 px beside the sidebar, and two
# tables before the chart pushed it below a 720 px projector's fold. Short headers carry their detail as help.


def show_ours(rows: list[TableRow]) -> None:
    """Our Table 1, measured on the digits."""
    number = st.column_config.NumberColumn
    st.dataframe(
        [
            {
                "model": LABELS[r.kind],
                "test error %": round(100 * r.test_error, 2),
                "parameters": r.params,
                "memory MB": round(r.saved_bytes / 2**20, 2),
                "train s": round(r.train_s, 1),
                "NFE fwd": r.nfe_forward,
                "NFE bwd": r.nfe_backward,
            }
            for r in rows
        ],
        hide_index=True,
        key="table1",
        column_config={
            "memory MB": number(
                help=f"Backward memory: the MB autograd keeps for one minibatch of {MEMORY_BATCH}, measured."
            ),
            "train s": number(help="Training time in seconds, on one core of this shared machine."),
            "NFE fwd": number(
                help="Evaluations of the block's f in one training step's forward pass (0: no f)."
            ),
            "NFE bwd": number(help="Evaluations of f in its backward pass (the adjoint solves backwards)."),
        },
    )
    st.caption("Ours: 8×8 digits, measured here.")


def show_papers(rows: list[TableRow]) -> None:
    """The paper's Table 1, for the same models as `rows`."""
    st.dataframe(
        [
            {
                "model": LABELS[r.kind],
                "test error %": PAPER_TABLE1[r.kind][0],
                "parameters (M)": PAPER_TABLE1[r.kind][1],
                "memory": PAPER_TABLE1[r.kind][2],
                "time": PAPER_TABLE1[r.kind][3],
            }
            for r in rows
        ],
        hide_index=True,
        key="table1_paper",
        column_config={
            "test error %": st.column_config.NumberColumn(format="%.2f"),
            "memory": st.column_config.TextColumn(
                help="Backward memory, as an order in the ResNet's depth L or the solver's steps L̃."
            ),
            "time": st.column_config.TextColumn(
                help="Training time, as an order in L or the solver's steps L̃."
            ),
        },
    )
    st.caption(
        "The paper's Table 1, on MNIST: memory and time as orders in the ResNet's depth L and the solver's steps L̃."
    )


def show_errors(rows: list[TableRow]) -> None:
    """Our test errors beside the paper's, as bars."""
    show_figure(
        figure_spec(
            error_bars_figure,
            tuple(LABELS[r.kind] for r in rows),
            tuple(100 * r.test_error for r in rows),
            tuple(PAPER_TABLE1[r.kind][0] for r in rows),
        ),
        key="errors",
        name="test-errors",
        presenter_min_height=PRESENTED_HEIGHT,
    )


def show_flow_maps(index: int, ode: FlowView, res: FlowView) -> None:
    """The digit, then the ODE-Net's and the ResNet's feature maps through depth, animated."""
    left, right = st.columns([1, 3])
    left.image(np.kron(images[index], np.ones((12, 12))), caption=f"digit {labels[index]}", clamp=True)
    with right:
        a, b = st.columns(2)
        with a:
            show_figure(
                figure_spec(feature_maps_figure, *ode.maps), key="ode_maps", name="odenet-feature-maps"
            )
        with b:
            show_figure(
                figure_spec(feature_maps_figure, *res.maps), key="res_maps", name="resnet-feature-maps"
            )


def show_flow_probabilities(ode: FlowView, res: FlowView, presenting: bool) -> None:
    """The shared head's class probabilities along each model's depth, side by side; in presenter mode
    without their legends, low enough to end above the fold."""
    a, b = st.columns(2)
    for column, view, key, name in ((a, ode, "ode_probs", "odenet"), (b, res, "res_probs", "resnet")):
        with column:
            show_figure(
                figure_spec(probabilities_figure, *view.probs, legend=not presenting),
                key=key,
                name=f"{name}-probabilities",
                presenter_min_height=PRESENTED_HEIGHT,
            )


if failed(loaded):
    st.warning(
        f"The shipped models are not available: {loaded}. Train one live below, or rebuild them with "
        "`python -m scripts.train_image_models` (a few minutes).",
        icon=":material/warning:",
    )
    training_section(links, None)
    page.finish()
    st.stop()

tab_table, tab_flow, tab_tol, tab_mistakes, tab_train = links.tabs(
    ["Table 1", "Flow", "Tolerance", "Mistakes", "Train live"]
)


# In presenter mode each tab's point comes first: Table 1's bars before the tables, and the Flow's probabilities
# (the ODE-Net's belief rising smoothly along t, the ResNet's jumping block by block) before the feature maps,
# which filled a 720 px projector and pushed the probabilities below its fold.
with tab_table:
    if tab_table.open:
        rows = table(directory)
        if failed(rows):
            show_failure(rows, "Table 1")
        else:
            if presenter_mode():
                show_errors(rows)
            show_ours(rows)
            if not presenter_mode():
                show_errors(rows)
            show_papers(rows)
            st.markdown(
                f"Ours: {len(labels)} held-out 8×8 digits, 32 channels, each model trained for {TRAIN.steps} steps "
                "on one CPU core. The paper's: MNIST's 10,000 28×28 test images, 64 channels, hours of training. "
                "Our errors are larger (about 25× fewer training images, and a tiny 8×8 picture), but the shape "
                "of the table holds: the ODE-Net comes within a fraction of a point of the ResNet with under a "
                "third of its parameters, and holds a fixed amount for the backward pass (the adjoint recomputes "
                "the path backwards), while the RK-Net stores every one of its RK4 stages. Memory is the bytes "
                "autograd keeps for one minibatch, measured; training times are this shared machine's."
            )

with tab_flow:
    if tab_flow.open:
        index = int(quiet.slider(links, "Test image (its index)", "image", 0, len(labels) - 1))
        ode, res = flow_view(directory, "odenet", index), flow_view(directory, "resnet", index)
        presenting = presenter_mode()
        if failed(ode) or failed(res):
            st.image(np.kron(images[index], np.ones((12, 12))), caption=f"digit {labels[index]}", clamp=True)
            show_failure(ode if failed(ode) else res, "The flow")
        else:
            if presenting:
                show_flow_probabilities(ode, res, presenting)
            show_flow_maps(index, ode, res)
            if not presenting:
                show_flow_probabilities(ode, res, presenting)
            st.markdown(
                "The first 8 of 32 feature maps, after the stem, through the ODE block's time t ∈ [0, 1] (the "
                "solver's dense output) and after each of the ResNet's 6 blocks; press Play or drag the slider. "
                f"{'Above' if presenting else 'Below'}, the shared head read off each depth: the ODE-Net's "
                "decision forms continuously along t, the ResNet's jumps from block to block (its head was "
                "trained on the last block only)."
            )

with tab_tol:
    if tab_tol.open:
        points = sweep(directory)
        if failed(points):
            show_failure(points, "The tolerance sweep")
        else:
            trained_at = SHIPPED["odenet"].tol
            show_figure(
                figure_spec(
                    tolerance_figure,
                    tuple(p.tol for p in points),
                    tuple(p.accuracy for p in points),
                    tuple(p.nfe for p in points),
                    trained_at,
                ),
                key="tolerance",
                name="odenet-tolerance",
            )
            st.markdown(
                f"The shipped ODE-Net, trained with dopri5 at rtol = atol = {trained_at:g}, run on the whole test "
                f"split at other tolerances: from {points[0].nfe} evaluations at {format_number(points[0].tol)} "
                f"down to {points[-1].nfe} at {format_number(points[-1].tol)}. The paper's adaptive computation: a "
                "looser tolerance buys a cheaper forward pass at test time; on these small images the learned field "
                "is so smooth that the accuracy hardly moves, and dopri5 never takes fewer than two steps over [0, 1]."
            )

with tab_mistakes:
    if tab_mistakes.open:
        kind = quiet.choice(links, "Model", "model", list(LABELS), labels=LABELS)
        found = mistakes_view(directory, kind, MAX_MISTAKES)
        if failed(found):
            show_failure(found, "Predictions")
        else:
            st.metric(f"{LABELS[kind]} mistakes", f"{found.n_wrong} of {len(labels)}")
            left, right = st.columns(2)
            with left:
                strip = figure_spec(digits_figure, found.images, found.titles)
                show_figure(strip, key="mistakes", name="mistakes")
            with right:
                show_figure(figure_spec(confusion_figure, found.confusion), key="confusion", name="confusion")
            st.caption(
                "Each mistake: true class → predicted (its probability). Right: true against predicted."
            )

with tab_train:
    if tab_train.open:
        if presenter_mode():
            presented_result()
        else:
            training_section(links, loaded)

page.finish()
