"""How Neural ODEs learn: the adjoint's O(1) memory measured, the paper's NFE study live, from ResNets to
ODE-Nets on the textbook regression, and learning a vector field from noisy trajectories."""

import time

import numpy as np
import streamlit as st

from cached.learning import (
    DYNAMICS_DIR,
    depth_sweep,
    field_view,
    memory_point,
    nfe_sweep,
    observations,
    regression_arrays,
    shipped_field_view,
    shipped_fit,
    shipped_nfe_history,
    shipped_regression,
)
from components.learning_figures import (
    ODENET_COLOR,
    RESNET_COLOR,
    backward_vs_forward_figure,
    curve_chart,
    curve_records,
    depth_paths_figure,
    gradient_gap_figure,
    memory_figure,
    nfe_tolerance_figure,
    regression_figure,
    time_figure,
    time_vs_nfe_figure,
    vector_field_figure,
)
from kit.chrome import presenter_mode
from kit.figures import show_figure
from kit.links import BadValue, PageLinks
from kit.training_slots import training_slot
from models.learning.adjoint_memory import MemoryStudyConfig
from models.learning.checkpoints import load_regression
from models.learning.dynamics_fit import DynamicsDataConfig, FitConfig, build_field, fit_dynamics
from models.learning.nfe_study import (
    TrainingNFEConfig,
    backward_forward_ratio,
    seconds_per_evaluation,
    train_recording_nfe,
)
from models.learning.resnet_vs_odenet import RegressionConfig, build_odenet, build_resnet, train_regressor
from models.nn.training import TrainConfig

TITLE = "How Neural ODEs learn"
STEP_COUNTS = (4, 8, 16, 32, 64, 128, 256)
TOLERANCES = (1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8)
DEPTHS = (1, 2, 3, 5, 10, 20)
#: Uncached memory measurements stop starting new settings after this long, so the page stays responsive.
MEASURE_BUDGET_S = 8.0
SYSTEM_LABELS = {"spiral": "Linear spiral", "nonlinear": "Non-linear field (§5)"}
FIELD_LABELS = {"linear": "Linear field (2×2)", "mlp": "MLP field (16 hidden, ELU)"}


def parse_depth(raw: str) -> int:
    if raw not in {str(d) for d in DEPTHS}:
        raise BadValue(f"not one of {', '.join(str(d) for d in DEPTHS)}")
    return int(raw)


def mb(n: float) -> str:
    return f"{n / 2**20:.2f} MiB" if n >= 2**20 else f"{n / 1024:.1f} KiB"


links = PageLinks("learn")
st.title(TITLE)
st.caption(
    "Training a Neural ODE means differentiating through an ODE solver. Backpropagating through its steps "
    "stores every step; the adjoint method solves a second ODE backwards instead. Here both are measured, "
    "the Neural ODE paper's NFE figure is rerun live, a ResNet becomes an ODE-Net, and a vector field is "
    "learned from noisy samples."
)
link_notes = st.container()

tab_mem, tab_nfe, tab_res, tab_dyn = links.tabs(
    ["Adjoint memory", "NFE study", "ResNet to ODE-Net", "Learning dynamics"]
)

# --- adjoint memory -------------------------------------------------------------------------------------
with tab_mem:
    if tab_mem.open:
        c1, c2, c3, c4 = st.columns(4)
        with c1:
            sweep_kind = links.selectbox(
                "Sweep", "sweep", ["steps", "tolerance"], "steps",
                labels={"steps": "rk4: number of steps", "tolerance": "dopri5: tolerance"},
            )  # fmt: skip
        with c2:
            hidden = int(links.selectbox("Hidden width", "hidden", ["16", "32", "64"], "32"))
        with c3:
            batch = int(links.selectbox("Batch", "batch", ["16", "64", "128"], "64"))
        with c4:
            if sweep_kind == "steps":
                most = int(links.selectbox("Most steps", "most", [str(s) for s in STEP_COUNTS[2:]], "64"))
                settings = tuple(float(s) for s in STEP_COUNTS if s <= most)
            else:
                tightest = links.selectbox(
                    "Tightest tolerance", "tightest", [f"{t:.0e}" for t in TOLERANCES[1:]], "1e-06"
                )
                settings = tuple(t for t in TOLERANCES if t >= float(tightest))
        cfg = MemoryStudyConfig(hidden=hidden, batch=batch)
        solver = "rk4" if sweep_kind == "steps" else "dopri5"
        progress = st.empty()
        points = []
        began = time.perf_counter()
        for i, setting in enumerate(settings):
            if points and time.perf_counter() - began > MEASURE_BUDGET_S:
                break  # finished points are cached: the next visit or rerun picks up where this one stopped
            progress.progress(i / len(settings), text=f"Measuring {i + 1} of {len(settings)}…")
            points.append(memory_point(cfg, solver, setting))
        progress.empty()
        if len(points) < len(settings):
            st.info(
                f"Measured {len(points)} of {len(settings)} settings within {MEASURE_BUDGET_S:g} s to keep the page "
                "responsive; rerun (press R) to measure more, as finished points are kept.",
                icon=":material/timer:",
            )
        x = np.array([p.steps if solver == "rk4" else p.nfe["direct"][0] for p in points], dtype=float)
        x_title = (
            "rk4 steps over [0, 5]" if solver == "rk4" else "forward NFE (dopri5; tighter tolerance → more)"
        )
        last = points[-1]
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(
            "Backprop holds", mb(last.direct_saved), help="Bytes of tensors autograd saves for backward."
        )
        m2.metric(
            "Adjoint holds",
            mb(last.adjoint_saved),
            help="Only z(t₁) and t: its forward runs without a graph.",
        )
        m3.metric(
            "Gradient difference",
            f"{last.rel_diff:.1e}",
            help="max |g_backprop − g_adjoint| / max |g_backprop|",
        )
        m4.metric(
            "Adjoint backward / backprop backward",
            f"{last.seconds['adjoint'][1] / max(last.seconds['direct'][1], 1e-9):.1f}× time",
        )
        show_figure(
            memory_figure(
                x, np.array([p.direct_saved for p in points]), np.array([p.adjoint_saved for p in points]),
                np.array([p.adjoint_peak for p in points]), x_title,
            ),
            key="memory", name="adjoint-memory",
        )  # fmt: skip
        st.markdown(
            f"At {int(x[-1])} {'steps' if solver == 'rk4' else 'evaluations'} backpropagation through the solver "
            f"keeps **{mb(last.direct_saved)}** of activations for the backward pass, growing in step with the "
            f"number of solver steps (O(L)); the adjoint keeps **{mb(last.adjoint_saved)}** whatever the number of "
            f"steps (O(1)), and during its backward solve never holds more than {mb(last.adjoint_peak)} at once "
            "(one evaluation's graph). Parameters are not counted; they cost "
            f"{mb(last.param_bytes)} either way. Bytes are counted with saved-tensor hooks, by unique storage."
        )
        left, right = st.columns(2)
        with left:
            show_figure(
                gradient_gap_figure(x, np.array([p.rel_diff for p in points]), x_title),
                key="gap",
                name="gradient-gap",
            )
            st.caption(
                "The two gradients differ because backprop differentiates the solver's arithmetic while the "
                "adjoint discretises the continuous gradient; the gap shrinks as the solve gets finer "
                "(for rk4 roughly as h⁴)."
            )
        with right:
            times = {
                m: (np.array([p.seconds[m][0] for p in points]), np.array([p.seconds[m][1] for p in points]))
                for m in ("direct", "adjoint")
            }
            show_figure(time_figure(x, times, x_title), key="times", name="adjoint-times")
            st.caption(
                "The adjoint trades compute for memory: its backward pass solves the ODE again, backwards."
            )
        table = {
            "steps": [p.steps for p in points],
            "tolerance": [p.tol for p in points],
            "backprop saved": [mb(p.direct_saved) for p in points],
            "adjoint saved": [mb(p.adjoint_saved) for p in points],
            "NFE fwd / bwd (backprop)": [f"{p.nfe['direct'][0]} / {p.nfe['direct'][1]}" for p in points],
            "NFE fwd / bwd (adjoint)": [f"{p.nfe['adjoint'][0]} / {p.nfe['adjoint'][1]}" for p in points],
            "max |Δg|": [f"{p.max_abs_diff:.2e}" for p in points],
        }
        st.dataframe(table, hide_index=True)
        if last.peak_rss is not None:
            st.caption(
                f"Process peak resident memory so far: {mb(last.peak_rss)}. It only ever grows and covers the whole "
                "server, so the per-pass byte counts above are the honest measure."
            )

# --- NFE study ------------------------------------------------------------------------------------------
with tab_nfe:
    if tab_nfe.open:
        seminorm = links.toggle(
            "Adjoint error on the state only (seminorm)", "seminorm", False,
            help="Kidger et al. 2021: leave the parameter-gradient integral out of the backward solve's error.",
        )  # fmt: skip
        sweep, error = nfe_sweep(seminorm)
        if error or sweep is None:
            st.error(f"NFE study unavailable: {error}", icon=":material/block:")
        else:
            fwd, bwd = sweep.column("nfe_forward"), sweep.column("nfe_backward")
            a, b, c = st.columns(3)
            with a:
                show_figure(
                    nfe_tolerance_figure(sweep.column("tol"), fwd, bwd),
                    key="nfe_tol",
                    name="nfe-vs-tolerance",
                )
            with b:
                slope = seconds_per_evaluation(sweep)
                show_figure(
                    time_vs_nfe_figure(fwd, sweep.column("forward_s"), slope),
                    key="nfe_time",
                    name="time-vs-nfe",
                )
            with c:
                show_figure(
                    backward_vs_forward_figure(fwd, bwd), key="nfe_bwd", name="backward-vs-forward-nfe"
                )
            ratio = backward_forward_ratio(sweep)
            st.markdown(
                "The tutorial's half-moons NODE (2-64-2 tanh, the shipped checkpoint), solved with dopri5 and "
                f"differentiated with the adjoint at {len(sweep.points)} tolerances. (a) Looser tolerance, fewer "
                f"evaluations; (b) forward time grows in proportion to NFE, about {slope * 1e3:.2f} ms each; "
                f"(c) here the backward pass needs **{ratio:.2f}×** the forward evaluations (median), where the "
                "paper reports about one half."
            )
        st.subheader("(d) NFE over the course of training")
        history = shipped_nfe_history()
        live = st.session_state.get("learn.__nfe_live")
        records = []
        if history is not None:
            steps, nfe, loss = history
            records = curve_records(steps, nfe, "step", "forward NFE", run="shipped training")
        if live:
            records += curve_records(live[0], live[1], "step", "forward NFE", run="your training")
        if records:
            st.altair_chart(curve_chart(records, "step", "forward NFE", color="run"), width="stretch")
        if history is not None:
            st.caption(
                f"As the model learns a more complicated flow, the solver needs more steps: forward NFE went from "
                f"{int(nfe[0])} to {int(nfe[-1])} over {len(nfe)} full-batch steps of the shipped training."
            )
        if live:
            st.caption(
                f"Trained live: {len(live[0])} steps, loss {live[2][0]:.3f} → {live[2][-1]:.3f}, "
                f"forward NFE {int(live[1][0])} → {int(live[1][-1])}."
            )

        @st.fragment
        def retrain_nfe() -> None:
            n_steps = st.slider("Steps", 10, 150, 60, step=10, key="learn.nfe_steps")
            if st.button("Train and record NFE", icon=":material/play_arrow:", key="learn.nfe_train"):
                bar = st.progress(0.0, text="Training…")
                seen: list[tuple[int, float, float]] = []

                def on_step(step: int, metrics: dict[str, float]) -> None:
                    seen.append((step, metrics["nfe_forward"], metrics["loss"]))
                    bar.progress(
                        step / n_steps,
                        text=f"step {step}: loss {metrics['loss']:.3f}, NFE {metrics['nfe_forward']:.0f}",
                    )

                with training_slot(st.empty()) as ok:
                    if ok:
                        cfg = TrainingNFEConfig(
                            train=TrainConfig(
                                steps=n_steps, lr=0.01, batch_size=100_000, eval_every=0, max_wall_s=60
                            )
                        )
                        train_recording_nfe(cfg, on_step)
                        st.session_state["learn.__nfe_live"] = tuple(list(c) for c in zip(*seen, strict=True))
                        st.rerun()

        if not presenter_mode():
            retrain_nfe()

# --- ResNet to ODE-Net ----------------------------------------------------------------------------------
with tab_res:
    if tab_res.open:
        key = links.initial("depth", 3, parse_depth)
        depth = int(st.select_slider("ResNet depth", options=list(DEPTHS), key=key))
        view, error = shipped_regression(depth)
        live_reg = st.session_state.get("learn.__reg_live")
        if live_reg is not None and live_reg[0] == depth:
            view_arrays, live_losses = live_reg[1], live_reg[2]
        else:
            view_arrays, live_losses = None, None
        if error or view is None:
            st.error(f"Shipped regression models unavailable: {error}", icon=":material/block:")
        else:
            arrays = view_arrays or view.__dict__
            resnet_label = f"ResNet, depth {depth}" + (" (your training)" if view_arrays else "")
            left, right = st.columns(2)
            with left:
                show_figure(
                    regression_figure(
                        arrays["x_data"], arrays["y_data"], arrays["x_grid"], arrays["y_true"],
                        [(resnet_label, arrays["resnet_pred"], RESNET_COLOR), ("ODE-Net", arrays["odenet_pred"], ODENET_COLOR)],
                        (-2.0, 2.0),
                    ),
                    key="regression", name="resnet-odenet-regression",
                )  # fmt: skip
            with right:
                show_figure(
                    depth_paths_figure(arrays["resnet_t"], arrays["resnet_states"], arrays["ode_t"], arrays["ode_states"]),
                    key="paths", name="resnet-odenet-paths",
                )  # fmt: skip
            st.markdown(
                "A ResNet layer y ← y + h·f(y) is one Euler step of dy/dt = f(y); the classic ResNet takes h = 1. "
                "Right: the hidden state of nine inputs through the layers (markers, straight jumps) and through "
                "the ODE-Net's continuous time. Both fit the ten points in [−2, 2] (shaded); outside it they "
                "extrapolate, and neither knows the cubic keeps growing."
            )
            if live_losses:
                st.caption(
                    f"Trained live: ResNet depth {depth}, training loss {live_losses[0]:.3g} → {live_losses[-1]:.3g} "
                    f"over {len(live_losses)} iterations."
                )
            sweep_rows = depth_sweep()
            if sweep_rows is not None:
                depths, losses, rmse, ode_loss, ode_rmse = sweep_rows
                records = curve_records(depths, rmse, "depth", "value", model="ResNet: RMSE on [−3, 3]")
                records += curve_records(depths, losses, "depth", "value", model="ResNet: training loss")
                records += curve_records(
                    depths, np.full(len(depths), ode_rmse), "depth", "value", model="ODE-Net: RMSE on [−3, 3]"
                )
                records += curve_records(
                    depths, np.full(len(depths), ode_loss), "depth", "value", model="ODE-Net: training loss"
                )
                st.altair_chart(
                    curve_chart(
                        records, "depth", "value", color="model", log_y=True, x_title="ResNet depth (h = 1)"
                    ),
                    width="stretch",
                )
                st.caption(
                    "Depth sweep of the shipped models (SGD, lr 0.01, 1000 iterations, as in the textbook)."
                )

        @st.fragment
        def retrain_resnet() -> None:
            a, b, c = st.columns(3)
            optimizer = a.selectbox(
                "Optimizer",
                ["sgd", "adam"],
                key="learn.reg_opt",
                help="Adam fits the ten points far more tightly in 1000 steps.",
            )
            scaled = b.toggle(
                "Step h = 1/depth",
                key="learn.reg_scaled",
                help="The ResNet then spans [0, 1] like the ODE-Net: more layers, smaller steps.",
            )
            iterations = c.slider("Iterations", 100, 1000, 500, step=100, key="learn.reg_iters")
            if st.button("Train this ResNet", icon=":material/play_arrow:", key="learn.reg_train"):
                cfg = RegressionConfig(
                    depth=depth,
                    optimizer=optimizer,
                    scaled_step=scaled,
                    iterations=iterations,
                    max_wall_s=30.0,
                )
                bar = st.progress(0.0, text="Training…")
                with training_slot(st.empty()) as ok:
                    if ok:
                        model = build_resnet(cfg)

                        def on_step(step: int, metrics: dict[str, float]) -> None:
                            if step % 20 == 0:
                                bar.progress(
                                    step / iterations, text=f"step {step}: loss {metrics['loss']:.4f}"
                                )

                        fit = train_regressor(model, cfg, on_step)
                        odenet = build_odenet(cfg)
                        odenet.load_state_dict(load_regression(DYNAMICS_DIR / "regression.pt").odenet)
                        arrays = regression_arrays(model, odenet, cfg)
                        st.session_state["learn.__reg_live"] = (depth, arrays, fit.losses)
                        st.rerun()

        if not presenter_mode() and view is not None:
            retrain_resnet()

# --- learning dynamics ----------------------------------------------------------------------------------
with tab_dyn:
    if tab_dyn.open:
        a, b = st.columns(2)
        with a:
            system = links.selectbox(
                "Observed system", "system", list(SYSTEM_LABELS), "spiral", labels=SYSTEM_LABELS
            )
        with b:
            kind = links.selectbox("Model field", "field", list(FIELD_LABELS), "linear", labels=FIELD_LABELS)
        snap_steps, losses, error = shipped_fit(system, kind)
        if error:
            st.error(f"Shipped fit unavailable: {error}", icon=":material/block:")
        else:
            index = int(
                links.slider(
                    "Training snapshot",
                    "snap",
                    0,
                    len(snap_steps) - 1,
                    len(snap_steps) - 1,
                    scope=f"{system}.{kind}",
                )
            )
            live_dyn = st.session_state.get("learn.__dyn_live")
            dyn_losses = None
            if live_dyn is not None and live_dyn[0] == (system, kind):
                fv, title, dyn_losses = live_dyn[1], "your training", live_dyn[2]
            else:
                fv, title = (
                    shipped_field_view(system, kind, index),
                    f"shipped fit after {snap_steps[index]} steps",
                )
            if fv is not None:
                show_figure(
                    vector_field_figure(fv.xs, fv.ys, fv.true_values, fv.learned_values, fv.observed, fv.true_path, fv.learned_path, title=title),
                    key="field", name="learned-field",
                )  # fmt: skip
            records = curve_records(
                np.arange(1, len(losses) + 1), losses, "step", "window MSE", run="shipped fit"
            )
            if dyn_losses:
                records += curve_records(
                    np.arange(1, len(dyn_losses) + 1), dyn_losses, "step", "window MSE", run="your training"
                )
            st.altair_chart(
                curve_chart(records, "step", "window MSE", color="run", log_y=True), width="stretch"
            )
            if dyn_losses:
                st.caption(
                    f"Trained live: window MSE {dyn_losses[0]:.2e} → {dyn_losses[-1]:.2e} over {len(dyn_losses)} steps."
                )
            st.markdown(
                "200 noisy samples (std 0.01) of one trajectory from (0.6, 0.3). Each training step solves the "
                "model from the first observation of 8 random windows (1 to 2 time units, at most 32 points) and "
                "lowers the mean squared error to the observations. A linear field recovers the spiral's matrix; "
                "on the non-linear field it can only find the best linear compromise, which the MLP improves on."
            )

        @st.fragment
        def retrain_field() -> None:
            c1, c2, c3 = st.columns(3)
            n_steps = c1.slider("Steps", 50, 1000, 300, step=50, key="learn.dyn_steps")
            lr = c2.select_slider(
                "Learning rate",
                [0.003, 0.01, 0.03, 0.05, 0.1],
                value=0.05 if kind == "linear" else 0.01,
                key=f"learn.dyn_lr.{kind}",
            )
            longest = c3.slider(
                "Longest window",
                1.0,
                5.0,
                2.0,
                step=0.5,
                key="learn.dyn_window",
                help="The blog used up to 5.",
            )
            if st.button("Train live", icon=":material/play_arrow:", key="learn.dyn_train"):
                data = DynamicsDataConfig(system=system)
                obs = observations(data)
                field = build_field(kind, seed=0)
                cfg = FitConfig(steps=n_steps, lr=lr, max_window=longest, max_wall_s=60.0)
                bar = st.progress(0.0, text="Training…")
                picture = st.empty()

                def on_step(step: int, metrics: dict[str, float]) -> None:
                    if step % 25 == 0 or step == n_steps:
                        bar.progress(step / n_steps, text=f"step {step}: window MSE {metrics['loss']:.2e}")
                        fv = field_view(data, kind, {k: v.detach() for k, v in field.state_dict().items()})
                        picture.plotly_chart(
                            vector_field_figure(fv.xs, fv.ys, fv.true_values, fv.learned_values, fv.observed, fv.true_path, fv.learned_path, title=f"step {step}"),
                            key=f"live_field_{step}",
                        )  # fmt: skip

                with training_slot(st.empty()) as ok:
                    if ok:
                        fit = fit_dynamics(field, obs, cfg, on_step)
                        state = {k: v.detach().clone() for k, v in field.state_dict().items()}
                        st.session_state["learn.__dyn_live"] = (
                            (system, kind),
                            field_view(data, kind, state),
                            fit.losses,
                        )
                        st.rerun()

        if not presenter_mode() and not error:
            retrain_field()

if not presenter_mode():
    st.caption("Every control is part of the link: copy the URL to share this exact view.")
links.finish(link_notes)
