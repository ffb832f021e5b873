"""Figures of the Latent spirals page: extrapolation from the first k points, the latent path in 3-D, the
interpolation between two encodings (a curve, a surface over alpha, an animation), prior samples, and the
extrapolation RMSE beside the paper's Table 2."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import plotly.graph_objects as go

from components.style import REFERENCE_COLOR, styled

LATENT_COLOR = "#0072B2"
RNN_COLOR = "#D55E00"
TIME_SCALE = "Viridis"
ALPHA_SCALE = "Plasma"
MODEL_COLORS = {"latent ODE": LATENT_COLOR, "RNN": RNN_COLOR}


def _equal_axes(fig: go.Figure) -> go.Figure:
    fig.update_xaxes(title_text="x", zeroline=False)
    fig.update_yaxes(title_text="y", zeroline=False, scaleanchor="x", scaleratio=1)
    return fig


def _time_points(t: np.ndarray, xy: np.ndarray, t_max: float, name: str, colorbar: bool) -> go.Scatter:
    return go.Scatter(
        x=xy[:, 0],
        y=xy[:, 1],
        mode="markers",
        name=name,
        marker={
            "size": 7,
            "color": t,
            "colorscale": TIME_SCALE,
            "cmin": 0.0,
            "cmax": t_max,
            "showscale": colorbar,
            "colorbar": {"title": {"text": "t"}, "thickness": 12, "len": 0.7},
            "line": {"width": 0},
        },
        hovertemplate="t = %{marker.color:.2f}<br>(%{x:.2f}, %{y:.2f})<extra>observed</extra>",
    )


def extrapolation_figure(
    t: np.ndarray,
    obs: np.ndarray,
    true: np.ndarray,
    k: int,
    extrapolation: np.ndarray,
    label: str,
    color: str,
    reconstruction: np.ndarray | None = None,
    height: int = 460,
) -> go.Figure:
    """One model seeded with the first k noisy points of a spiral.

    Args:
        t: (T,) times; obs, true: (T, 2) noisy observations and the noise-free curve.
        k: observed points (only obs[:k] is drawn, coloured by time).
        extrapolation: (T - k, 2) the model's prediction at t[k:].
        label, color: the model's name and colour.
        reconstruction: (k, 2) the model's curve over the observed times, if it has one.
    """
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=true[:, 0],
            y=true[:, 1],
            mode="lines",
            name="true curve",
            line={"color": REFERENCE_COLOR, "width": 2, "dash": "dash"},
        )
    )
    if reconstruction is not None:
        fig.add_trace(
            go.Scatter(
                x=reconstruction[:, 0],
                y=reconstruction[:, 1],
                mode="lines",
                name=f"{label}: reconstruction",
                line={"color": color, "width": 2},
                opacity=0.6,
            )
        )
    joined = np.concatenate(
        [obs[k - 1 : k] if reconstruction is None else reconstruction[-1:], extrapolation]
    )
    fig.add_trace(
        go.Scatter(
            x=joined[:, 0],
            y=joined[:, 1],
            mode="lines",
            name=f"{label}: extrapolation",
            line={"color": color, "width": 3},
        )
    )
    fig.add_trace(_time_points(t[:k], obs[:k], float(t[-1]), f"first {k} observed points", colorbar=True))
    return _equal_axes(styled(fig, height=height))


def latent_path_figure(
    t: np.ndarray, path: np.ndarray, k: int, others: Sequence[np.ndarray] = (), axis_names: Sequence[str] = ()
) -> go.Figure:
    """A latent trajectory in 3-D, coloured by time, with the time of the last observed point marked.

    Args:
        t: (T,) times; path: (T, 3) the projected latent path.
        k: observed points (the marker sits at t[k - 1]).
        others: (T, 3) paths of other spirals, drawn faintly for context.
        axis_names: names of the three axes (default PC1, PC2, PC3).
    """
    names = list(axis_names) or ["PC1", "PC2", "PC3"]
    fig = go.Figure()
    for i, other in enumerate(others):
        fig.add_trace(
            go.Scatter3d(
                x=other[:, 0],
                y=other[:, 1],
                z=other[:, 2],
                mode="lines",
                line={"color": "#bbbbbb", "width": 2},
                name="other held-out spirals",
                legendgroup="others",
                showlegend=i == 0,
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        go.Scatter3d(
            x=path[:, 0],
            y=path[:, 1],
            z=path[:, 2],
            mode="lines",
            name="z(t) of this spiral",
            line={
                "color": t,
                "colorscale": TIME_SCALE,
                "cmin": float(t[0]),
                "cmax": float(t[-1]),
                "width": 7,
                "showscale": True,
                "colorbar": {"title": {"text": "t"}, "thickness": 12, "len": 0.7},
            },
        )
    )
    fig.add_trace(
        go.Scatter3d(
            x=path[[0, k - 1], 0],
            y=path[[0, k - 1], 1],
            z=path[[0, k - 1], 2],
            mode="markers",
            name=f"z(t₀) and z at the last observed point (t = {t[k - 1]:.1f})",
            marker={"size": 6, "color": "black", "symbol": "diamond"},
        )
    )
    fig.update_layout(
        scene={
            "xaxis_title": names[0],
            "yaxis_title": names[1],
            "zaxis_title": names[2],
            "aspectmode": "cube",
        }
    )
    return styled(fig, height=560)


def interpolation_figure(
    current: np.ndarray, start: np.ndarray, end: np.ndarray, alpha: float, labels: tuple[str, str]
) -> go.Figure:
    """The decoded trajectory at alpha between the decoded trajectories of the two encodings.

    Args:
        current, start, end: (T, 2) decoded at alpha, at alpha = 0 and at alpha = 1.
        labels: names of the two spirals.
    """
    fig = go.Figure()
    for curve, name, dash in ((start, f"α = 0: {labels[0]}", "dot"), (end, f"α = 1: {labels[1]}", "dash")):
        fig.add_trace(
            go.Scatter(
                x=curve[:, 0],
                y=curve[:, 1],
                mode="lines",
                name=name,
                line={"color": REFERENCE_COLOR, "width": 2, "dash": dash},
            )
        )
    fig.add_trace(
        go.Scatter(
            x=current[:, 0],
            y=current[:, 1],
            mode="lines",
            name=f"decoded at α = {alpha:.2f}",
            line={"color": LATENT_COLOR, "width": 4},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=current[:1, 0],
            y=current[:1, 1],
            mode="markers",
            name="start",
            marker={"size": 11, "color": "black"},
        )
    )
    return _equal_axes(styled(fig, height=480))


def family_figure(family: np.ndarray, alphas: np.ndarray, current: np.ndarray, alpha: float) -> go.Figure:
    """The whole family as a surface over (x, y, alpha), its curves, and the current one highlighted.

    Args:
        family: (A, T, 2) decoded trajectories at alphas: (A,), increasing.
        current: (T, 2) the trajectory at `alpha`.
    """
    grid_alpha = np.repeat(alphas[:, None], family.shape[1], axis=1)
    fig = go.Figure()
    fig.add_trace(
        go.Surface(
            x=family[..., 0],
            y=family[..., 1],
            z=grid_alpha,
            surfacecolor=grid_alpha,
            colorscale=ALPHA_SCALE,
            cmin=0.0,
            cmax=1.0,
            opacity=0.35,
            showscale=False,
            name="family",
            hoverinfo="skip",
        )
    )
    for i, a in enumerate(alphas):
        fig.add_trace(
            go.Scatter3d(
                x=family[i, :, 0],
                y=family[i, :, 1],
                z=np.full(family.shape[1], a),
                mode="lines",
                line={"color": float(a), "colorscale": ALPHA_SCALE, "cmin": 0.0, "cmax": 1.0, "width": 3},
                name="α curves",
                legendgroup="curves",
                showlegend=i == 0,
                hovertemplate=f"α = {a:.2f}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter3d(
            x=current[:, 0],
            y=current[:, 1],
            z=np.full(len(current), alpha),
            mode="lines",
            line={"color": LATENT_COLOR, "width": 9},
            name=f"α = {alpha:.2f}",
        )
    )
    fig.update_layout(
        scene={"xaxis_title": "x", "yaxis_title": "y", "zaxis_title": "α", "aspectmode": "cube"}
    )
    return styled(fig, height=560)


def _bounds(values: np.ndarray, pad: float = 0.08) -> list[float]:
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    span = max(high - low, 1e-6)
    return [low - pad * span, high + pad * span]


def morph_animation_figure(family: np.ndarray, alphas: np.ndarray) -> go.Figure:
    """The decoded trajectory morphing from alpha = 0 to 1 as a plotly animation with play and a slider.

    Args:
        family: (A, T, 2) decoded trajectories at alphas: (A,).
    """

    def frame_data(i: int) -> list[go.Scatter]:
        # One trace per frame keeps the figure quick to build and to send on every rerun of the page.
        curve = family[i]
        return [
            go.Scatter(x=curve[:, 0], y=curve[:, 1], mode="lines", line={"color": LATENT_COLOR, "width": 4})
        ]

    names = [f"{a:.2f}" for a in alphas]
    fig = go.Figure(
        data=frame_data(0), frames=[go.Frame(data=frame_data(i), name=n) for i, n in enumerate(names)]
    )
    play = {"frame": {"duration": 120, "redraw": False}, "fromcurrent": True, "transition": {"duration": 0}}
    pause = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}}
    fig.update_layout(
        showlegend=False,
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": -0.12,
                "xanchor": "left",
                "yanchor": "top",
                "buttons": [
                    {"label": "Play", "method": "animate", "args": [None, play]},
                    {"label": "Pause", "method": "animate", "args": [[None], pause]},
                ],
            }
        ],
        sliders=[
            {
                "active": 0,
                "x": 0.2,
                "len": 0.8,
                "y": -0.08,
                "currentvalue": {"prefix": "α = "},
                "steps": [
                    {"label": n, "method": "animate", "args": [[n], {**pause, "mode": "immediate"}]}
                    for n in names
                ],
            }
        ],
    )
    styled(fig, height=520)
    fig.update_layout(margin={"b": 120})
    fig.update_xaxes(range=_bounds(family[..., 0]), title_text="x", zeroline=False)
    fig.update_yaxes(range=_bounds(family[..., 1]), title_text="y", zeroline=False)
    return fig


def prior_samples_figure(t: np.ndarray, samples: np.ndarray) -> go.Figure:
    """Trajectories decoded from z0 drawn from the prior N(0, I): samples (n, T, 2) at t (T,)."""
    fig = go.Figure()
    for i, curve in enumerate(samples):
        fig.add_trace(
            go.Scatter(
                x=curve[:, 0],
                y=curve[:, 1],
                mode="lines",
                name=f"sample {i + 1}",
                line={"width": 2},
                hovertemplate=f"sample {i + 1}<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=curve[:1, 0],
                y=curve[:1, 1],
                mode="markers",
                marker={"size": 8, "color": "black"},
                showlegend=False,
                hoverinfo="skip",
            )
        )
    return _equal_axes(styled(fig, height=520))


def rmse_rows(
    ours: Sequence[tuple[int, float, float]],
    paper: Mapping[int, tuple[float, float]],
    origin: Mapping[int, float] | None = None,
) -> list[dict[str, float | int | None]]:
    """Table rows: for each k, our RNN and latent ODE RMSE and ratio beside the paper's (None where absent).

    Args:
        ours: (k, rnn_rmse, latent_rmse) per number of observed points.
        paper: k -> (rnn_rmse, latent_rmse).
        origin: k -> RMSE of predicting the origin on our data, shown as a column if given.
    """
    rows: list[dict[str, float | int | None]] = []
    for k, rnn, latent in ours:
        p_rnn, p_latent = paper.get(k, (None, None))
        floor = {} if origin is None else {"predict (0, 0) (ours)": origin.get(k)}
        rows.append(
            {
                "observed points": k,
                "RNN (ours)": rnn,
                "latent ODE (ours)": latent,
                "RNN / latent (ours)": rnn / latent,
                **floor,
                "RNN (paper)": p_rnn,
                "latent ODE (paper)": p_latent,
                "RNN / latent (paper)": None if p_rnn is None or p_latent is None else p_rnn / p_latent,
            }
        )
    return rows


def rmse_chart(
    ours: Sequence[tuple[int, float, float]], paper: Mapping[int, tuple[float, float]]
) -> alt.Chart:
    """Grouped bars of extrapolation RMSE by observed points, model and source (ours, the paper)."""
    records = []
    for k, rnn, latent in ours:
        records += [
            {"k": k, "model": "RNN", "source": "ours", "RMSE": rnn},
            {"k": k, "model": "latent ODE", "source": "ours", "RMSE": latent},
        ]
        if k in paper:
            records += [
                {"k": k, "model": "RNN", "source": "paper", "RMSE": paper[k][0]},
                {"k": k, "model": "latent ODE", "source": "paper", "RMSE": paper[k][1]},
            ]
    return (
        alt.Chart(alt.Data(values=records))
        .mark_bar()
        .encode(
            x=alt.X("k:O", title="observed points"),
            xOffset=alt.XOffset("model:N"),
            y=alt.Y("RMSE:Q", title="extrapolation RMSE"),
            color=alt.Color(
                "model:N",
                scale=alt.Scale(domain=list(MODEL_COLORS), range=list(MODEL_COLORS.values())),
            ),
            column=alt.Column("source:N", title=None),
            tooltip=["source:N", "model:N", "k:O", alt.Tooltip("RMSE:Q", format=".4f")],
        )
        .properties(width=220, height=260)
    )
