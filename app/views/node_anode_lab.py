"""NODE vs ANODE lab: Neural ODEs and Augmented Neural ODEs on half moons, concentric circles, the 1-D flip
or points of the visitor's own, trained live side by side (or a step at a time), with their flows in 2-D
and 3-D and the race in function evaluations."""

from collections.abc import Callable, Hashable
from dataclasses import replace

import plotly.graph_objects as go
import streamlit as st

from cached.node_anode import (
    MODEL_LABELS,
    PAGE_MAX_NFE,
    PRESETS,
    SHIPPED_DATA,
    DataArrays,
    data_arrays,
    field_view,
    find_run,
    metrics_view,
    model_reg,
)
from components.flow_cloud_figures import cloud_figure
from components.flow_panels import Coloring
from components.flow_path_figures import depth_figure, flow_3d_figure
from components.flow_plane_figures import vector_field_figure
from kit.chrome import presenter_mode
from kit.failure import failed
from kit.figures import (
    FigureSpec,
    figure_spec,
    show_figure,
)
from kit.links import parse_int, parse_subset
from kit.node_anode_figures import (
    PRESENTER_FOLD_HEIGHT,
    ModelFigures,
    dim_names,
    figure_and_text,
    show_errors,
)
from kit.node_anode_models import choose_models, show_summary, taming_words, warn_untrained
from kit.node_anode_notes import CIRCLES, FLIP, HOMEOMORPHISM, OWN_POINTS, extra_note, nfe_note
from kit.node_anode_points import enough, missing_words, points_editor
from kit.node_anode_replay import replay_tab
from kit.node_training import (
    MAX_WALL_S,
    Plan,
    finalize_interrupted,
    training_row,
)
from kit.page import PageScaffold
from kit.page_views import NodeAnodeLabView
from kit.point_links import MAX_LENGTH, WINDOW, encode_points, parse_points
from models.failure import Failure
from models.nn.training import TrainConfig
from models.node_anode.analysis import order_flips, padded_window
from models.node_anode.classifiers import ADAPTIVE_SOLVERS, ModelConfig, ModelSolver
from models.node_anode.data import DATASETS, OWN, ToyDataConfig, default_noise
from models.node_anode.regularisation import Regularisation
from models.ode.methods import BY_TORCHDIFFEQ_NAME
from models.ode.solve import FixedStep, Tolerances
from tabs import node_seeds

TITLE = "NODE vs ANODE lab"
DATASET_LABELS = {
    "moons": "Half moons",
    "circles": "Concentric circles",
    "flip1d": "1-D flip g(x) = −x",
    OWN: "Your own points",
}
MODEL_OPTIONS = {
    "moons": ["node", "anode"],
    "circles": ["node", "anode"],
    "flip1d": ["node", "anode", "resnet"],
    OWN: ["node", "anode"],
}
#: The registry's methods by torchdiffeq's names (the models' and the links' names), in menu order.
SOLVERS = [
    s for s in ("dopri5", "bosh3", "adaptive_heun", "rk4", "midpoint", "euler") if s in BY_TORCHDIFFEQ_NAME
]
SOLVER_LABELS = {s: BY_TORCHDIFFEQ_NAME[s].label for s in SOLVERS}
TOLERANCES = ["1e-1", "1e-2", "1e-3", "1e-4", "1e-5"]
LEARNING_RATES = ["0.005", "0.01", "0.02", "0.05"]
X_AXES = {"step": "step", "wall_s": "wall time", "nfe_spent": "evaluations of f spent"}
TABS = ["What it learned", "Depth", "3-D", "Animation", "Vector field", "Training replay", "Seeds"]


# --- page ------------------------------------------------------------------------------------------------

page = PageScaffold(
    "node_anode",
    NodeAnodeLabView,
    TITLE,
    "A Neural ODE moves every input point along the flow of a learned vector field and reads the class off "
    "where it lands. An Augmented Neural ODE does the same in a space with extra dimensions. Both open "
    "trained; press Train to watch them learn, side by side, on the same data and seed.",
)
links = page.links
finalize_interrupted()

with st.sidebar:
    st.header("Data")
    dataset = links.selectbox("Data set", "data", [*DATASETS, OWN], labels=DATASET_LABELS)
    own = dataset == OWN
    # Your own points are classified by the moons' models: two classes in the plane.
    preset_data = "moons" if own else dataset
    if own:
        points_key = links.initial("pts", (), parse_points, encode=encode_points, max_length=MAX_LENGTH)
        st.caption("Click the plane on the page to place your points.")
    else:
        n = int(
            links.slider("Number of points", "n", 100, 2000, SHIPPED_DATA[dataset].n, step=50, scope=dataset)
        )
        noise = float(
            links.slider(
                "Noise",
                "noise",
                0.0,
                0.3,
                default_noise(dataset),
                step=0.01,
                scope=dataset,
                help="Moons: half-width of uniform noise; circles and flip: Gaussian standard deviation.",
            )
        )
    seed_key = links.initial("seed", 0, parse_int(0, 9999))
    seed = int(st.number_input("Seed (data, initial weights, batches)", 0, 9999, step=1, key=seed_key))

    st.header("Models")
    options = MODEL_OPTIONS[dataset]
    chosen_key = links.initial("models", list(options), parse_subset(options), scope=dataset)
    picked = st.multiselect(
        "Compare",
        options,
        key=chosen_key,
        format_func=MODEL_LABELS.get,
        help="Trained on the same data and seed.",
    )
    p = int(
        links.slider(
            "ANODE extra dimensions p", "p", 1, 5, 1, help="Zeros appended to the input: the state is (z, a)."
        )
    )
    time_dependent = links.toggle("f depends on t", "timedep", help="Feed t to the MLP as an input.")

    st.header("Solver")
    solver = links.selectbox("Method", "solver", SOLVERS, labels=SOLVER_LABELS)
    tol_text, step_size = "1e-3", None
    if solver in ADAPTIVE_SOLVERS:
        tol_text = links.selectbox("Tolerance (rtol = atol)", "tol", TOLERANCES)
    else:
        step_size = float(links.slider("Step size over [0, 1]", "h", 0.05, 1.0, step=0.05))
    adjoint = links.toggle(
        "Adjoint backpropagation",
        "adjoint",
        help="Solve an ODE backwards for the gradients (O(1) memory, extra backward NFE) instead of "
        "backpropagating through the solver's steps.",
    )

    st.header("Training")
    steps = int(links.slider("Steps per model", "steps", 1, 400))
    lr = float(links.selectbox("Learning rate (Adam, full batch)", "lr", LEARNING_RATES))
    x_axis = links.selectbox("Curves against", "x", list(X_AXES), labels=X_AXES)
    regularise, weight = node_seeds.penalty_controls(links)
reg = Regularisation.both(weight, seed=seed) if regularise else Regularisation()

if own:
    # The how-to above the plane on a laptop; on a projector under it, so the plane starts higher (tour step 26).
    if not presenter_mode():
        st.markdown(OWN_POINTS)
    points = points_editor(points_key)
    if presenter_mode():
        st.markdown(OWN_POINTS)
    if not enough(points):
        st.info(missing_words(points), icon=":material/ads_click:")
        page.finish()
        st.stop()
    data_cfg = ToyDataConfig(name=OWN, seed=seed, points=points)
else:
    data_cfg = ToyDataConfig(name=dataset, n=n, noise=noise, seed=seed)
arrays: DataArrays = data_arrays(data_cfg)
in_dim = arrays.x.shape[1]
tol = float(tol_text)


page_solver = ModelSolver(
    solver, Tolerances(tol, tol) if step_size is None else FixedStep(step_size), adjoint, PAGE_MAX_NFE
)


def page_config(kind: str) -> ModelConfig:
    arch = PRESETS[(kind, preset_data)].model.arch
    augment = p if kind == "anode" else arch.augment_dim
    return ModelConfig(replace(arch, augment_dim=augment, time_dependent=time_dependent), page_solver)


# --- which weights each model shows ------------------------------------------------------------------------
shown = choose_models({k: page_config(k) for k in picked}, data_cfg, seed, in_dim, arrays.n_out, reg)
refs, trained_runs, recorded_runs = shown.refs, shown.trained_runs, shown.recorded_runs
chosen = list(refs)  # the models drawn: for your own points only those trained on them here

classification = arrays.task == "classification"
solver_words = (
    f"{solver} at tolerance {tol_text}" if step_size is None else f"{solver} with h = {step_size:g}"
)
measured: dict[str, dict | Failure] = {k: metrics_view(ref, data_cfg) for k, ref in refs.items()}

# --- summary ---------------------------------------------------------------------------------------------
if not picked:
    st.info("Choose at least one model in the sidebar.", icon=":material/arrow_back:")
elif not chosen:
    st.info(
        f"Press Train (or Step) to train {' and '.join(MODEL_LABELS[k] for k in picked)} on your "
        f"{len(arrays.x)} points: the shipped models learned other data.",
        icon=":material/model_training:",
    )

# The numbers and Train above the tabs; in presenter mode below them, so the figure starts above the fold.
train_area = st.container()


def nfe_of(kind: str) -> str:
    result = measured.get(kind)
    return "—" if result is None or failed(result) else f"{result['nfe_forward']:.0f}"


coloring = (
    Coloring(arrays.shown_y.astype(int))
    if classification
    else Coloring(arrays.shown_x[:, 0], categorical=False, title="input x")
)
window = WINDOW if own else padded_window(arrays.x, 0.15) if in_dim == 2 else None

figures = ModelFigures(arrays, refs, window)
# With only shipped or untrained models on the page a finished figure is shared across sessions
# (kit.figures.figure_spec); one drawn from a visitor's own model is never put in a shared cache.
shareable = all(ref.source != "session" for ref in refs.values())


def built(build: Callable[..., go.Figure], *args: Hashable) -> go.Figure | FigureSpec:
    """`build(*args)`, from the shared cache of finished figures when the page's models allow it."""
    return figure_spec(build, *args) if shareable else build(*args)


def of_panels(build: Callable[..., go.Figure]) -> Callable[[list], go.Figure | FigureSpec]:
    """`build(panels, coloring)` for `ModelFigures.show_panels`."""
    return lambda ps: built(build, tuple(ps), coloring)


def show_fitted(build: Callable[..., go.Figure], kinds: list[str], key: str, name: str) -> bool:
    """`build(panels, coloring, height)` of the models of `kinds` that could be solved; whether it was drawn.
    In presenter mode built PRESENTER_FOLD_HEIGHT tall, the height it is drawn at there, so that the builder
    picks the camera and margins for the box it will have."""
    panels = list(figures.panels_for(kinds).values())
    if not panels:
        return False
    if not presenter_mode():
        show_figure(built(build, tuple(panels), coloring), key=key, name=name)
        return True
    figure = built(build, tuple(panels), coloring, PRESENTER_FOLD_HEIGHT)
    show_figure(figure, key=key, name=name, presenter_min_height=PRESENTER_FOLD_HEIGHT)
    return True


nfe_costs = nfe_note({MODEL_LABELS[k]: nfe_of(k) for k in chosen}, solver_words)


if chosen:
    tab_learned, tab_depth, tab_3d, tab_anim, tab_field, tab_replay, tab_seeds = links.tabs(TABS)

    with tab_learned:
        if tab_learned.open:
            main, side = figure_and_text()
            with main:
                if classification:
                    figures.regions_figure(
                        refs, "node_anode.regions", "node-anode-decision-regions", shared=shareable
                    )
                else:
                    flip_panels = figures.flip_figure(refs, "node_anode.flip", "node-anode-flip1d")
            with side:
                if classification:
                    st.markdown(
                        "Shaded: the probability of class 1 each model gives every point of the input plane; "
                        "the line is its decision boundary, the dots the training data."
                    )
                    st.markdown(CIRCLES if dataset == "circles" else HOMEOMORPHISM)
                    st.markdown(nfe_costs)
                else:
                    m = len(arrays.shown_x)
                    flips = ", ".join(
                        f"{pn.label} **{order_flips(pn.states[0, :, 0], pn.states[-1, :, 0]):,}**"
                        for pn in flip_panels.values()
                    )
                    st.markdown(
                        FLIP
                        + f" Pairs of the {m} points that swap order ({m * (m - 1) // 2:,} would): {flips}."
                    )
                    st.markdown(nfe_costs)

    with tab_depth:
        if tab_depth.open:
            main, side = figure_and_text()
            with main:
                figures.show_panels(of_panels(depth_figure), chosen, "node_anode.depth", "node-anode-depth")
            with side:
                st.markdown(
                    "**Depth is time.** A ResNet applies a few discrete layers; a Neural ODE follows the "
                    "continuous flow from t = 0 to t₁, and every time in between is a layer you can look at. "
                    "Each row is one state dimension; each line one of the shown points."
                )
                if "anode" in chosen:
                    st.markdown("ANODE's rows a1… start at 0: the augmented coordinates are zero at t = 0.")

    # Views of a state plane: NODE and ANODE with a state of two dimensions or more.
    plane_kinds = [k for k in chosen if k != "resnet" and len(dim_names(k, in_dim, refs[k].cfg)) >= 2]

    with tab_3d:
        if tab_3d.open:
            main, side = figure_and_text(wide=True)
            with main:
                if not plane_kinds:
                    st.info("The 3-D view needs a state of two dimensions or more (ANODE on the 1-D task).")
                elif show_fitted(flow_3d_figure, plane_kinds, "node_anode.3d", "node-anode-3d"):
                    st.caption(
                        "Drag to rotate. A 2-D state is drawn as (z0, z1, t), an augmented one as (z0, z1, a1)."
                    )
            with side:
                st.markdown(HOMEOMORPHISM)
                st.markdown(extra_note(dataset))

    with tab_anim:
        if tab_anim.open:
            # A 3-D cloud keeps the width: beside the text its scene was 287 px wide and 358 high at 1440x900,
            # and plotly, fitting the cube to the height, cut off its a1 title and a tick.
            solid = any(len(dim_names(k, in_dim, refs[k].cfg)) >= 3 for k in chosen)
            main, side = figure_and_text(wide=solid)
            with main:
                show_fitted(cloud_figure, chosen, "node_anode.cloud", "node-anode-flow")
            with side:
                st.markdown(
                    "**The point cloud flowing** from t = 0 to t₁. It opens half-way: press Play to run it on, "
                    "or drag the slider (0 is the input). Augmented "
                    "states are drawn in 3-D (drag to rotate); a 1-D state moves left and right, drawn at the "
                    "height of its input so you can see whether points overtake each other."
                )
                st.markdown(extra_note(dataset) if "anode" in chosen else HOMEOMORPHISM)

    with tab_field:
        if tab_field.open:
            main, side = figure_and_text()
            field_t = 0.0
            if time_dependent and plane_kinds:
                field_t = float(links.slider("Time t at which f is drawn", "ft", 0.0, 1.0, step=0.05))
            with main:
                if not plane_kinds:
                    st.info("The vector field view needs a state of two dimensions or more.")
                panels = figures.panels_for(plane_kinds) if plane_kinds else {}
                fields = {}
                for k, pn in panels.items():
                    plane = padded_window(pn.states[:, :, :2].reshape(-1, 2), 0.08)
                    fields[k] = field_view(refs[k], plane, field_t)
                show_errors(fields)
                drawn = [k for k in fields if not failed(fields[k])]
                if drawn:
                    figure = built(
                        vector_field_figure,
                        tuple((MODEL_LABELS[k], fields[k], panels[k].dim_names[:2]) for k in drawn),
                        tuple(panels[k] for k in drawn),
                        coloring,
                    )
                    show_figure(figure, key="node_anode.field", name="node-anode-vector-field")
            with side:
                st.markdown(
                    "**The learned vector field** f: grey streamlines show its direction, the shade its speed "
                    "|f| (one scale for all panels); the coloured lines are the data's paths through the state "
                    "space, dots where they end at t₁. Paths follow the streamlines when f does not depend on t."
                )
                if "anode" in plane_kinds and in_dim == 2:
                    st.markdown(
                        "For ANODE the field is drawn on the plane a = 0 where every path starts; its shade "
                        "counts the push along a too, and the paths are drawn projected onto (z0, z1)."
                    )

    with tab_replay:
        if tab_replay.open:
            trained = {
                k: r
                for k in chosen
                if (r := find_run(k, refs[k].cfg, data_cfg, seed, model_reg(k, reg))) is not None
            }
            trained = {k: r for k, r in trained.items() if len(r.snapshots) >= 2}
            replay_tab(trained, refs, recorded_runs, x_axis, classification, figures, coloring)

    with tab_seeds:
        if tab_seeds.open:
            node_seeds.render(regularise, weight)

if picked:
    train_cfg = TrainConfig(
        steps=steps,
        lr=lr,
        batch_size=100_000,
        seed=seed,
        eval_every=max(1, steps // 20),
        max_wall_s=MAX_WALL_S,
    )
    plan = Plan(
        data_cfg,
        seed,
        tuple((k, page_config(k)) for k in picked),
        train_cfg,
        auto=shown.needs_live,
        x_axis=x_axis,
        task=arrays.task,
        reg=reg,
    )
    presenting = presenter_mode()
    scored_on = "your points" if own else "the test set"
    with train_area:  # the untrained warning above the tabs in either layout: it must be seen
        if not presenting and chosen:
            show_summary(shown, measured, in_dim, arrays.n_out, classification, solver_words, scored_on)
        warn_untrained(shown, steps, "under the figure" if presenting else "just below")
    with train_area if not presenting else st.container():
        if presenting and chosen:
            show_summary(shown, measured, in_dim, arrays.n_out, classification, solver_words, scored_on)
        training_row(plan, trained_runs, taming_words(shown, data_cfg, solver_words))

page.finish()
