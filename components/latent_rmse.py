"""The extrapolation RMSE of the Latent spirals page beside the paper's Table 2: table rows and grouped
bars by observed points, model and source."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt

from components.latent_figures import LATENT_COLOR, RNN_COLOR

MODEL_COLORS = {"latent ODE": LATENT_COLOR, "RNN": RNN_COLOR}


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


#: First column of `rmse_by_k`'s rows: what each row scores.
SCORE = "score"


def rmse_by_k(rows: Sequence[Mapping[str, float | int | None]]) -> list[dict[str, str | float | None]]:
    """`rmse_rows`' table turned sideways: one row per score (first column SCORE), one column per number of
    observed points ("k = 30"...). Eight columns of scores ran past a projector's width; four fit it."""
    scores = [name for name in rows[0] if name != "observed points"]
    return [{SCORE: name, **{f"k = {row['observed points']}": row[name] for row in rows}} for name in scores]


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
