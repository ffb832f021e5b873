"""The "ResNet to ODE-Net" tab of How Neural ODEs learn: a ResNet as Euler steps beside an ODE-Net on the
textbook cubic, the shipped depth sweep, and a ResNet trained live."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from cached.learning import DYNAMICS_DIR, RegressionArrays, depth_sweep, regression_arrays, shipped_regression
from components.learning_figures import (
    ODENET_COLOR,
    RESNET_COLOR,
    curve_chart,
    curve_records,
    depth_paths_figure,
    regression_figure,
)
from kit.chrome import presenter_mode
from kit.failure import failed, show_failure
from kit.figures import figure_spec, show_chart, show_figure
from kit.links import BadValue, PageLinks
from kit.live_training import LiveProgress, TrainButton, training_fragment
from models.failure import Failure
from models.learning.checkpoints import load_regression
from models.learning.resnet_vs_odenet import RegressionConfig, build_odenet, build_resnet, train_regressor

DEPTHS = (1, 2, 3, 5, 10, 20)
LIVE_KEY = "learn.__reg_live"


@dataclass(frozen=True)
class LiveRegression:
    """The visitor's own trained ResNet (kept in the session), drawn instead of the shipped one at its depth."""

    depth: int
    arrays: RegressionArrays
    losses: list[float]


BUTTON = TrainButton("learn.reg", label="Train this ResNet", key="learn.reg_train")


def parse_depth(raw: str) -> int:
    if raw not in {str(d) for d in DEPTHS}:
        raise BadValue(f"not one of {', '.join(str(d) for d in DEPTHS)}")
    return int(raw)


def resnet_controls(depth: int) -> RegressionConfig:
    """Optimizer, step and iterations of the ResNet to train at `depth`."""
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
    return RegressionConfig(
        depth=depth, optimizer=optimizer, scaled_step=scaled, iterations=iterations, max_wall_s=30.0
    )


def train(cfg: RegressionConfig, live: LiveProgress) -> list[Failure]:
    """Train the ResNet of `cfg`, keeping its pictures beside the shipped ODE-Net for the page."""
    model = build_resnet(cfg)

    def on_step(step: int, metrics: dict[str, float]) -> None:
        live.progress(step / cfg.iterations, f"step {step}: loss {metrics['loss']:.4f}")

    fit = train_regressor(model, cfg, on_step)
    odenet = build_odenet(cfg)
    odenet.load_state_dict(load_regression(DYNAMICS_DIR / "regression.pt").odenet)
    st.session_state[LIVE_KEY] = LiveRegression(cfg.depth, regression_arrays(model, odenet, cfg), fit.losses)
    return []


def render(links: PageLinks) -> None:
    """The tab's depth control, figures, depth sweep and the live training."""
    key = links.initial("depth", 3, parse_depth)
    depth = int(
        st.session_state[key] if presenter_mode() else st.select_slider("ResNet depth", list(DEPTHS), key=key)
    )
    view = shipped_regression(depth)
    live = st.session_state.get(LIVE_KEY)
    live = live if isinstance(live, LiveRegression) and live.depth == depth else None
    if failed(view):
        show_failure(view, "Shipped regression models unavailable")
    else:
        arrays = live.arrays if live else view.arrays
        resnet_label = f"ResNet, depth {depth}" + (" (your training)" if live else "")
        left, right = st.columns(2)
        with left:
            show_figure(
                figure_spec(
                    regression_figure,
                    arrays.x_data, arrays.y_data, arrays.x_grid, arrays.y_true,
                    [(resnet_label, arrays.resnet_pred, RESNET_COLOR), ("ODE-Net", arrays.odenet_pred, ODENET_COLOR)],
                    (-2.0, 2.0),
                ),
                key="regression", name="resnet-odenet-regression",
            )  # fmt: skip
        with right:
            show_figure(
                figure_spec(
                    depth_paths_figure, arrays.resnet_t, arrays.resnet_states, arrays.ode_t, arrays.ode_states
                ),
                key="paths",
                name="resnet-odenet-paths",
            )
        st.markdown(
            "A ResNet layer y ← y + h·f(y) is one Euler step of dy/dt = f(y); the classic ResNet takes h = 1. "
            "Right: the hidden state of nine inputs through the layers (markers, straight jumps) and through "
            "the ODE-Net's continuous time. Both fit the ten points in [−2, 2] (shaded); outside it they "
            "extrapolate, and neither knows the cubic keeps growing."
        )
        if live:
            st.caption(
                f"Trained live: ResNet depth {depth}, training loss {live.losses[0]:.3g} → {live.losses[-1]:.3g} "
                f"over {len(live.losses)} iterations."
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
            show_chart(
                curve_chart(
                    records, "depth", "value", color="model", log_y=True, x_title="ResNet depth (h = 1)"
                ),
                width="stretch",
            )
            st.caption(
                "Depth sweep of the shipped models (SGD, lr 0.01, 1000 iterations, as in the textbook)."
            )

    if not presenter_mode() and not failed(view):
        training_fragment(BUTTON, train, lambda: resnet_controls(depth))
