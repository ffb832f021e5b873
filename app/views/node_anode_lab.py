"""NODE vs ANODE lab: Neural ODEs and Augmented Neural ODEs on half moons, concentric circles and the 1-D
flip, trained live side by side, with their flows in 2-D and 3-D and the race in function evaluations."""

from dataclasses import replace

import streamlit as st

from cached.node_anode import (
    ARCHITECTURES,
    MODEL_LABELS,
    PAGE_MAX_NFE,
    SHIPPED_DATA,
    DataArrays,
    ModelRef,
    ViewError,
    architecture,
    checkpoint_path,
    data_arrays,
    find_run,
    same_data,
    shipped,
    view,
)
from components.flow_figures import (
    Coloring,
    Panel,
    cloud_figure,
    decision_regions_figure,
    depth_figure,
    flip1d_figure,
    flow_3d_figure,
    vector_field_figure,
)
from components.training_charts import Run, training_chart
from kit.chrome import presenter_mode
from kit.figures import show_figure
from kit.links import PageLinks, parse_int, parse_subset
from kit.node_training import (
    AUTO_KEY,
    MAX_WALL_S,
    Plan,
    finalize_interrupted,
    stop_button,
    stop_words,
    training_panel,
)
from models.nn.training import TrainConfig
from models.node_anode.analysis import order_flips, padded_window
from models.node_anode.classifiers import ADAPTIVE_SOLVERS, ModelConfig, build_model, count_parameters
from models.node_anode.data import DATASETS, ToyDataConfig, default_noise
from models.ode.methods import BY_TORCHDIFFEQ_NAME

TITLE = "NODE vs ANODE lab"
DATASET_LABELS = {"moons": "Half moons", "circles": "Concentric circles", "flip1d": "1-D flip g(x) = −x"}
MODEL_OPTIONS = {
    "moons": ["node", "anode"],
    "circles": ["node", "anode"],
    "flip1d": ["node", "anode", "resnet"],
}
#: The registry's methods by torchdiffeq's names (the models' and the links' names), in menu order.
SOLVERS = [
    s for s in ("dopri5", "bosh3", "adaptive_heun", "rk4", "midpoint", "euler") if s in BY_TORCHDIFFEQ_NAME
]
SOLVER_LABELS = {s: BY_TORCHDIFFEQ_NAME[s].label for s in SOLVERS}
TOLERANCES = ["1e-1", "1e-2", "1e-3", "1e-4", "1e-5"]
LEARNING_RATES = ["0.005", "0.01", "0.02", "0.05"]
X_AXES = {"step": "step", "wall_s": "wall time", "nfe_spent": "evaluations of f spent"}
REPLAY_KEY = "node_anode.replay"  # session only: snapshots cannot travel in a link
TABS = ["What it learned", "Depth", "3-D", "Animation", "Vector field", "Training replay"]


def dim_names(kind: str, in_dim: int, cfg: ModelConfig) -> tuple[str, ...]:
    augment = cfg.augment_dim if kind == "anode" else 0
    return tuple(f"z{i}" for i in range(in_dim)) + tuple(f"a{i + 1}" for i in range(augment))


# --- page ------------------------------------------------------------------------------------------------

links = PageLinks("node_anode")
st.title(TITLE)
st.caption(
    "A Neural ODE moves every input point along the flow of a learned vector field and reads the class off "
    "where it lands. An Augmented Neural ODE does the same in a space with extra dimensions. Both open "
    "trained; press Train to watch them learn, side by side, on the same data and seed."
)
link_notes = st.container()
finalize_interrupted()

with st.sidebar:
    st.header("Data")
    dataset = links.selectbox("Data set", "data", list(DATASETS), "moons", labels=DATASET_LABELS)
    shipped_data = SHIPPED_DATA[dataset]
    n = int(links.slider("Number of points", "n", 100, 2000, shipped_data.n, step=50, scope=dataset))
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
    chosen = st.multiselect(
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
    time_dependent = links.toggle("f depends on t", "timedep", False, help="Feed t to the MLP as an input.")

    st.header("Solver")
    solver = links.selectbox("Method", "solver", SOLVERS, "dopri5", labels=SOLVER_LABELS)
    tol_text, step_size = "1e-3", None
    if solver in ADAPTIVE_SOLVERS:
        tol_text = links.selectbox("Tolerance (rtol = atol)", "tol", TOLERANCES, "1e-3")
    else:
        step_size = float(links.slider("Step size over [0, 1]", "h", 0.05, 1.0, 0.25, step=0.05))
    adjoint = links.toggle(
        "Adjoint backpropagation",
        "adjoint",
        False,
        help="Solve an ODE backwards for the gradients (O(1) memory, extra backward NFE) instead of "
        "backpropagating through the solver's steps.",
    )

    st.header("Training")
    steps = int(links.slider("Steps per model", "steps", 1, 400, 80))
    lr = float(links.selectbox("Learning rate (Adam, full batch)", "lr", LEARNING_RATES, "0.02"))
    x_axis = links.selectbox("Curves against", "x", list(X_AXES), "step", labels=X_AXES)

data_cfg = ToyDataConfig(name=dataset, n=n, noise=noise, seed=seed)
arrays: DataArrays = data_arrays(data_cfg)
in_dim = arrays.x.shape[1]
tol = float(tol_text)


def page_config(kind: str) -> ModelConfig:
    base = ARCHITECTURES[(kind, dataset)]
    return replace(
        base,
        augment_dim=p if kind == "anode" else base.augment_dim,
        time_dependent=time_dependent,
        solver=solver,
        rtol=tol,
        atol=tol,
        step_size=step_size,
        adjoint=adjoint,
        max_nfe=PAGE_MAX_NFE,
    )


# --- which weights each model shows ------------------------------------------------------------------------
refs: dict[str, ModelRef] = {}
origin: dict[str, str] = {}
trained_runs: list[Run] = []  # trained in this session: curves above the tabs
recorded_runs: list[Run] = []  # the shipped models' recorded training: curves in the replay tab
needs_live = False
tried_before = st.session_state.get(AUTO_KEY, set())
for kind in chosen:
    cfg = page_config(kind)
    run = find_run(kind, cfg, data_cfg, seed)
    is_preset = (
        same_data(data_cfg, SHIPPED_DATA[dataset])
        and seed == 0
        and architecture(cfg) == architecture(ARCHITECTURES[(kind, dataset)])
    )
    loaded = shipped(kind, dataset) if is_preset else None
    if isinstance(loaded, str):
        needs_live = needs_live or run is None
        then = (
            "showing the one trained live in this session."
            if run is not None
            else ("press Train to train it live." if tried_before else "training it live instead.")
        )
        st.warning(f"Shipped {MODEL_LABELS[kind]} unavailable ({loaded}); {then}", icon=":material/warning:")
    if run is not None:
        refs[kind] = ModelRef(kind, cfg, in_dim, arrays.n_out, "session", run_id=run.run_id)
        origin[kind] = (
            f"trained here: {len(run.history)} steps, {run.seconds:.1f} s ({stop_words(run.stop_reason)})"
        )
        trained_runs.append(Run(kind, MODEL_LABELS[kind], run.history))
    elif loaded is None or isinstance(loaded, str):
        refs[kind] = ModelRef(kind, cfg, in_dim, arrays.n_out, "init", seed=seed)
        origin[kind] = "untrained: press Train" if loaded is None else "untrained (shipped model unavailable)"
    else:
        path = str(checkpoint_path(kind, dataset))
        refs[kind] = ModelRef(kind, cfg, in_dim, arrays.n_out, "shipped", path=path)
        origin[kind] = "shipped checkpoint"
        recorded = loaded.meta.get("history", {})
        losses, nfes = recorded.get("loss", []), recorded.get("nfe_forward", [])
        history = [{"loss": float(v), "nfe_forward": float(n)} for v, n in zip(losses, nfes, strict=False)]
        recorded_runs.append(Run(kind, MODEL_LABELS[kind], history))

classification = arrays.task == "classification"
solver_words = (
    f"{solver} at tolerance {tol_text}" if step_size is None else f"{solver} with h = {step_size:g}"
)
measured: dict[str, dict | ViewError] = {k: view("metrics", ref, data_cfg) for k, ref in refs.items()}

# --- summary ---------------------------------------------------------------------------------------------
if not chosen:
    st.info("Choose at least one model in the sidebar.", icon=":material/arrow_back:")
else:
    for col, kind in zip(st.columns(len(chosen)), chosen, strict=True):
        result = measured[kind]
        params = count_parameters(build_model(refs[kind].cfg, in_dim, arrays.n_out, seed=0))
        if isinstance(result, ViewError):
            col.metric(MODEL_LABELS[kind], "—")
            col.error(f"{MODEL_LABELS[kind]}: {result.message}", icon=":material/block:")
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
        col.caption(f"{origin[kind]} · {params:,} parameters · {nfe_words}")

train_area = st.container()


def nfe_of(kind: str) -> str:
    result = measured.get(kind)
    return "—" if result is None or isinstance(result, ViewError) else f"{result['nfe_forward']:.0f}"


def show_errors(results: dict[str, object]) -> None:
    for kind, result in results.items():
        if isinstance(result, ViewError):
            st.error(f"{MODEL_LABELS[kind]}: {result.message}", icon=":material/block:")


def panels_for(kinds: list[str], models: dict[str, ModelRef] | None = None) -> dict[str, Panel]:
    """Paths of the shown points for each model that could be solved (the others get an error line)."""
    models = models or refs
    results = {k: view("paths", models[k], arrays.shown_x, 26) for k in kinds}
    show_errors(results)
    return {
        k: Panel(MODEL_LABELS[k], r.t, r.states, dim_names(k, in_dim, models[k].cfg), r.discrete)
        for k, r in results.items()
        if not isinstance(r, ViewError)
    }


def flip_figure(models: dict[str, ModelRef], key: str, name: str) -> dict[str, Panel]:
    """The 1-D task's paths and outputs for `models`; returns the panels drawn."""
    panels = panels_for(list(models), models)
    outputs = {k: view("outputs", models[k], arrays.shown_x) for k in panels}
    show_errors(outputs)
    kept = {k: pn for k, pn in panels.items() if not isinstance(outputs[k], ViewError)}
    if kept:
        figure = flip1d_figure(list(kept.values()), arrays.shown_x[:, 0], [outputs[k][:, 0] for k in kept])
        show_figure(figure, key=key, name=name)
    return kept


def regions_figure(models: dict[str, ModelRef], key: str, name: str, resolution: int = 60) -> None:
    grids = {k: view("regions", models[k], window, resolution) for k in models}
    show_errors(grids)
    good = [(MODEL_LABELS[k], g) for k, g in grids.items() if not isinstance(g, ViewError)]
    if good:
        show_figure(
            decision_regions_figure(good, arrays.x, Coloring(arrays.y.astype(int))), key=key, name=name
        )


coloring = (
    Coloring(arrays.shown_y.astype(int))
    if classification
    else Coloring(arrays.shown_x[:, 0], categorical=False, title="input x")
)
window = padded_window(arrays.x, 0.15) if in_dim == 2 else None

HOMEOMORPHISM = (
    "**A flow keeps topology.** The map from z(0) to z(t₁) of an ODE is a homeomorphism: continuous and "
    "invertible. Two paths can never cross, since where they met they would share their whole future and "
    "past. So a Neural ODE may bend and stretch the plane but never tear it or pass points through each other."
)
CIRCLES = (
    "**Why NODE must cheat on circles.** The inner disc is enclosed by the ring; no homeomorphism of the "
    "plane takes it outside, so no NODE whose logits are its state can separate the two whole regions. With "
    "finitely many training points it squeezes the inner class through gaps between the points of the ring "
    "instead, stretching space hard: a fast, twisted flow, thin wrong regions, and more evaluations of f."
)
FLIP = (
    "**g(x) = −x needs paths to cross.** On a line an ODE flow keeps the order of points, so no NODE maps 1 "
    "to −1 and −1 to 1: it settles for the best order-keeping map. The ResNet's three Euler steps of size 1 "
    "jump over each other; the ANODE goes around in the (z, a) plane."
)
EXTRA = (
    "**What the extra dimension buys.** ANODE starts on the plane a = 0 of (z, a) and may leave it: one more "
    "dimension lets the inner class be lifted over the ring, after which a plane separates the classes. The flow "
    "stays simple, so it is cheaper to solve."
)


def nfe_note() -> str:
    parts = ", ".join(f"{MODEL_LABELS[k]} **{nfe_of(k)}**" for k in chosen)
    return (
        "**What NFE costs.** Every evaluation of f is one pass through the MLP; an adaptive solver spends more "
        "where the flow is fast or twisted. Forward NFE is the price of a prediction, backward NFE the price of "
        "the adjoint solve during training (0 when backpropagating through the solver, which stores its steps "
        f"instead). Measured now for the test set with {solver_words}: {parts}."
    )


if chosen:
    tab_learned, tab_depth, tab_3d, tab_anim, tab_field, tab_replay = links.tabs(TABS)

    with tab_learned:
        if tab_learned.open:
            main, side = st.columns([3.2, 1])
            with main:
                if classification:
                    regions_figure(refs, "node_anode.regions", "node-anode-decision-regions")
                else:
                    flip_panels = flip_figure(refs, "node_anode.flip", "node-anode-flip1d")
            with side:
                if classification:
                    st.markdown(
                        "Shaded: the probability of class 1 each model gives every point of the input plane; "
                        "the line is its decision boundary, the dots the training data."
                    )
                    st.markdown(CIRCLES if dataset == "circles" else HOMEOMORPHISM)
                    st.markdown(nfe_note())
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
                    st.markdown(nfe_note())

    with tab_depth:
        if tab_depth.open:
            main, side = st.columns([3.2, 1])
            with main:
                panels = panels_for(chosen)
                if panels:
                    figure = depth_figure(list(panels.values()), coloring)
                    show_figure(figure, key="node_anode.depth", name="node-anode-depth")
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
            main, side = st.columns([3.2, 1])
            with main:
                if not plane_kinds:
                    st.info("The 3-D view needs a state of two dimensions or more (ANODE on the 1-D task).")
                elif panels := panels_for(plane_kinds):
                    figure = flow_3d_figure(list(panels.values()), coloring)
                    show_figure(figure, key="node_anode.3d", name="node-anode-3d")
                    st.caption(
                        "Drag to rotate. A 2-D state is drawn as (z0, z1, t), an augmented one as (z0, z1, a1)."
                    )
            with side:
                st.markdown(HOMEOMORPHISM)
                st.markdown(EXTRA)

    with tab_anim:
        if tab_anim.open:
            main, side = st.columns([3.2, 1])
            with main:
                panels = panels_for(chosen)
                if panels:
                    figure = cloud_figure(list(panels.values()), coloring)
                    show_figure(figure, key="node_anode.cloud", name="node-anode-flow")
            with side:
                st.markdown(
                    "**The point cloud flowing** from t = 0 to t₁: press Play, or drag the slider. Augmented "
                    "states are drawn in 3-D (drag to rotate); a 1-D state moves left and right, drawn at the "
                    "height of its input so you can see whether points overtake each other."
                )
                st.markdown(EXTRA if "anode" in chosen else HOMEOMORPHISM)

    with tab_field:
        if tab_field.open:
            main, side = st.columns([3.2, 1])
            field_t = 0.0
            if time_dependent and plane_kinds:
                field_t = float(links.slider("Time t at which f is drawn", "ft", 0.0, 1.0, 0.0, step=0.05))
            with main:
                if not plane_kinds:
                    st.info("The vector field view needs a state of two dimensions or more.")
                panels = panels_for(plane_kinds) if plane_kinds else {}
                fields = {}
                for k, pn in panels.items():
                    plane = padded_window(pn.states[:, :, :2].reshape(-1, 2), 0.08)
                    fields[k] = view("field", refs[k], plane, field_t)
                show_errors(fields)
                drawn = [k for k in fields if not isinstance(fields[k], ViewError)]
                if drawn:
                    figure = vector_field_figure(
                        [(MODEL_LABELS[k], fields[k], panels[k].dim_names[:2]) for k in drawn],
                        [panels[k] for k in drawn],
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
            trained = {k: r for k in chosen if (r := find_run(k, refs[k].cfg, data_cfg, seed)) is not None}
            trained = {k: r for k, r in trained.items() if len(r.snapshots) >= 2}
            if not trained:
                st.info(
                    "Training replay shows how the flow was learned, from weight snapshots taken while training "
                    "in this session (about 20 per model). Press Train above to record one.",
                    icon=":material/history:",
                )
                if recorded_runs:
                    st.markdown("**How the shipped models were trained** (scripts/make_node_checkpoints.py):")
                    st.altair_chart(
                        training_chart(recorded_runs, "nfe_spent" if x_axis == "nfe_spent" else "step")
                    )
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
                    regions_figure(snapshots, "node_anode.replay_regions", "node-anode-replay-regions", 50)
                    panels = panels_for(list(snapshots), snapshots)
                    if panels:
                        figure = cloud_figure(list(panels.values()), coloring, animate=False, height=440)
                        show_figure(
                            figure, key="node_anode.replay_cloud", name="node-anode-replay-end-states"
                        )
                    st.caption(
                        "Top: decision regions at that step. Bottom: where the flow takes the points at t₁."
                    )
                else:
                    flip_figure(snapshots, "node_anode.replay_flip", "node-anode-replay-flip1d")

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
        tuple((k, refs[k].cfg) for k in chosen),
        train_cfg,
        auto=needs_live,
        x_axis=x_axis,
        task=arrays.task,
    )
    with train_area:
        panel, side = st.columns([9, 1])
        with side:
            stop_button()
        with panel:
            training_panel(plan, trained_runs)

if not presenter_mode():
    st.caption("Every control is part of the link: copy the URL to share this exact view.")
links.finish(link_notes)
