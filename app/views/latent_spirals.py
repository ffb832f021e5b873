"""Latent spirals: a latent ODE (ODE-VAE) trained on noisy spirals extrapolates from the first k points against
an RNN, shows its latent path, morphs one spiral into another through latent space, and samples new ones."""

import streamlit as st

from cached.latent import (
    INTERP_OBSERVED,
    checkpoint_dir,
    extrapolation,
    family,
    held_out,
    interpolated,
    latent_pca,
    models,
    prior,
    rmse_table,
)
from components.latent_figures import LATENT_COLOR, RNN_COLOR, extrapolation_figure, latent_path_figure
from components.latent_rmse import SCORE, rmse_by_k, rmse_chart, rmse_rows
from components.latent_space_figures import (
    family_figure,
    interpolation_figure,
    morph_animation_figure,
    prior_samples_figure,
)
from kit.chrome import presenter_mode
from kit.failure import failed
from kit.figures import figure_spec, show_chart, show_figure
from kit.page import PageScaffold
from kit.page_views import LatentSpiralsView
from kit.quiet_controls import choice, number, slider
from models.latent.analysis import PAPER_TABLE2

FAMILY_EVERY = 10  # 11 curves: the blog's ten steps from one spiral to the other
ANIMATION_EVERY = 5  # 21 frames
MAX_SEED = 1_000_000

page = PageScaffold(
    "latent",
    LatentSpiralsView,
    "Latent spirals",
    "A latent ODE (ODE-VAE) reads a spiral's first points backwards in time with a GRU, infers the initial "
    "state z₀ of a hidden Neural ODE, and decodes that ODE's path back to the plane, at any time it is "
    "asked for. Beside it, an RNN that predicts each next point from the previous ones.",
)
links = page.links

loaded = models()
if failed(loaded):
    st.warning(
        f"The trained models are not available: {loaded}. Rebuild them with "
        "`python -m scripts.train_latent` (about five minutes).",
        icon=":material/warning:",
    )
    page.finish(share=None)
    st.stop()

directory = checkpoint_dir()
data = loaded.data
spirals = held_out(data)
n_held = len(spirals["clockwise"])


def _spiral_label(i: str) -> str:
    return f"#{i} ({'clockwise' if spirals['clockwise'][int(i)] else 'counter-clockwise'})"


def _label_map(options: list[str]) -> dict[str, str]:
    return {i: _spiral_label(i) for i in options}


def _next_seed() -> None:
    key = links.key("seed")
    st.session_state[key] = float((int(st.session_state.get(key, 0)) + 1) % MAX_SEED)


tab_extra, tab_latent, tab_interp, tab_prior, tab_table = links.tabs(
    ["Extrapolation", "Latent path", "Interpolation", "Prior samples", "Table 2"]
)

# --- the sidebar's spiral: only the first two tabs use it -----------------------------------------------
#: Elsewhere its controls step aside (their values stay in the link) and a line says where they apply.
spiral_unused = not (tab_extra.open or tab_latent.open)
with st.sidebar:
    st.header("Spiral")
    if spiral_unused:
        st.caption("The spiral and its observed points are chosen on the Extrapolation and Latent path tabs.")
    source = choice(
        links,
        "Which spiral",
        "source",
        ["held_out", "random"],
        labels={"held_out": "a held-out spiral", "random": "a new random spiral"},
        hidden=spiral_unused,
    )
    index, seed = 0, 0
    if source == "held_out":
        index = int(
            slider(
                links,
                "Held-out spiral",
                "spiral",
                0,
                n_held - 1,
                help="Spirals neither model saw in training.",
                hidden=spiral_unused,
            )
        )
    else:
        seed = int(
            number(
                links,
                "Random spiral's seed",
                "seed",
                0,
                MAX_SEED - 1,
                step=1.0,
                format="%.0f",
                hidden=spiral_unused,
            )
        )
        if not spiral_unused:
            st.button(
                "New random spiral", icon=":material/casino:", on_click=_next_seed, key="latent.new_seed"
            )
    k = int(
        slider(
            links,
            "Observed points k",
            "k",
            5,
            150,
            help="Both models see only the first k noisy points and predict the rest of the spiral.",
            hidden=spiral_unused,
        )
    )

with tab_extra:
    if tab_extra.open:
        ex = extrapolation(directory, source, index, seed, k)
        direction = "clockwise" if ex.clockwise else "counter-clockwise"
        # On a projector the figures come first and the numbers under them, so the figures' axes end above
        # the fold (under the tour's banner the metrics pushed them down by ~100 px, tour step 17).
        figures_first = presenter_mode()
        shown = (
            (
                "Latent ODE extrapolation RMSE",
                ex.latent_rmse,
                f"Against the noise-free curve at the {len(ex.t) - k} times after t = {ex.t[k - 1]:.1f}.",
                figure_spec(
                    extrapolation_figure, ex.t, ex.obs, ex.true, k, ex.latent[k:], "latent ODE", LATENT_COLOR,
                    ex.latent[:k],
                ),
                "latent_extrapolation",
            ),
            (
                "RNN extrapolation RMSE",
                ex.rnn_rmse,
                "The RNN reads the same k points, then feeds its own predictions back in.",
                figure_spec(extrapolation_figure, ex.t, ex.obs, ex.true, k, ex.rnn, "RNN", RNN_COLOR),
                "rnn_extrapolation",
            ),
        )  # fmt: skip
        for column, (label, value, help_text, spec, key) in zip(st.columns(2), shown, strict=True):
            with column:
                first, second = st.container(), st.container()
                with second if figures_first else first:
                    st.metric(label, f"{value:.3f}", help=help_text)
                with first if figures_first else second:
                    show_figure(spec, key=key)
        st.markdown(
            f"A {direction} spiral, seen for its first **{k}** of {len(ex.t)} points (up to t = "
            f"{ex.t[k - 1]:.1f} of {ex.t[-1]:.1f}). The latent ODE encodes those points once into z₀ and "
            "then follows its learned ODE: it keeps turning and decaying however far it is asked to go. "
            "The RNN must feed its own predictions back in, so its errors compound step by step."
        )

with tab_latent:
    if tab_latent.open:
        ex = extrapolation(directory, source, index, seed, k)
        _, _, others = latent_pca(directory)
        show_figure(
            figure_spec(latent_path_figure, ex.t, ex.path, k, others=list(others[:16])), key="latent_path"
        )
        st.markdown(
            f"The hidden state z(t) of the latent ODE ({loaded.latent.cfg.latent_dim} dimensions) seen through "
            "a fixed projection: the top three principal directions of the latent paths of the held-out "
            f"spirals (each encoded from its first {INTERP_OBSERVED} points). Colour is time. Only z₀ comes "
            "from the data; the rest of the path is the ODE's solution, decoded point by point into the "
            "spiral. Grey: other held-out spirals."
        )

with tab_interp:
    if tab_interp.open:
        options = [str(i) for i in range(n_held)]
        first_ccw = next((i for i in options if not spirals["clockwise"][int(i)]), options[-1])
        c_a, c_b, c_alpha = st.columns([1, 1, 2])
        with c_a:
            a = int(choice(links, "From (α = 0)", "a", options, labels=_label_map(options)))
        with c_b:
            b = int(choice(links, "To (α = 1)", "b", options, first_ccw, labels=_label_map(options)))
        with c_alpha:
            alpha = float(
                slider(links, "α", "alpha", 0.0, 1.0, step=0.01, help="z₀ = (1 − α) z₀(from) + α z₀(to)")
            )
        current = interpolated(directory, a, b, alpha)
        all_alphas, all_curves = family(directory, a, b)
        alphas, curves = all_alphas[::FAMILY_EVERY], all_curves[::FAMILY_EVERY]
        left, right = st.columns(2)
        with left:
            show_figure(
                figure_spec(
                    interpolation_figure,
                    current,
                    curves[0],
                    curves[-1],
                    alpha,
                    (_spiral_label(str(a)), _spiral_label(str(b))),
                    legend=not presenter_mode(),
                ),
                key="interpolation",
            )
        with right:
            show_figure(figure_spec(family_figure, curves, alphas, current, alpha), key="family")
        st.markdown(
            f"Both spirals are encoded from their first {INTERP_OBSERVED} points; the slider moves z₀ along the "
            "straight line between the two encodings and the decoder draws the ODE's path from there. Because "
            "z₀ lives in a smooth latent space, the spiral changes continuously: it slows, straightens and "
            "turns the other way. Right: the whole family of decoded curves stacked over α."
        )
        st.subheader("The morph, animated")
        show_figure(
            figure_spec(morph_animation_figure, all_curves[::ANIMATION_EVERY], all_alphas[::ANIMATION_EVERY]),
            key="morph",
        )

with tab_prior:
    if tab_prior.open:
        c_n, c_seed = st.columns(2)
        with c_n:
            n_samples = int(slider(links, "Samples", "n", 1, 12))
        with c_seed:
            prior_seed = int(
                number(
                    links, "Seed of the prior draws", "prior_seed", 0, MAX_SEED - 1, step=1.0, format="%.0f"
                )
            )
        t, samples = prior(directory, n_samples, prior_seed)
        show_figure(figure_spec(prior_samples_figure, t, samples), key="prior")
        st.markdown(
            "New spirals made from nothing: z₀ is drawn from the prior N(0, I) and the latent ODE and decoder do "
            "the rest. The KL term of the loss pulls the encodings towards this prior; with the small fixed "
            f"noise σ = {loaded.latent.cfg.obs_sigma:g} of the likelihood it pulls only gently, so some draws "
            "land where no training spiral was encoded and decode to shapes the data never had."
        )

with tab_table:
    if tab_table.open:
        scores = rmse_table(directory)
        ours = [(s.k, s.rnn_rmse, s.latent_rmse) for s in scores]
        rows = rmse_by_k(rmse_rows(ours, PAPER_TABLE2, {s.k: s.origin_rmse for s in scores}))
        st.dataframe(
            rows,
            hide_index=True,
            key="rmse_table",
            column_config={
                name: st.column_config.NumberColumn(format="%.4f") for name in rows[0] if name != SCORE
            },
        )
        # The bars before the text: in presenter mode they start on the first screen (the text pushed them to
        # 725 px of 768 at 1024x768).
        show_chart(rmse_chart(ours, PAPER_TABLE2), key="rmse_chart")
        if data.dynamics == "shared":
            ours_text = (
                "ours follow one linear ODE dz/dt = Wz and its mirror image (the blog's W at the mean of its "
                "distribution: the paper's two sets of dynamics), start from z₀ ~ 2 N(0, I) and are observed "
                f"at {data.n_points} regular times with noise {data.noise_std:g}, decaying towards the origin"
            )
        else:
            ours_text = (
                "ours are the blog's spirals, each with its own linear ODE dz/dt = Wz, observed at "
                f"{data.n_points} regular times with noise {data.noise_std:g}, decaying towards the origin"
            )
        best = min(s.rnn_rmse / s.origin_rmse for s in scores)
        rnn_text = f"gets at most {1 - best:.0%} below it" if best < 1 else "does no better than that"
        st.markdown(
            f"Extrapolation RMSE on all {n_held} held-out spirals: each model sees the first k noisy points and is "
            "scored against the noise-free curve at every later time. The paper's Table 2 (Chen et al., 2018) "
            "scores the same two kinds of model, but its numbers are not directly comparable: its spirals are two "
            "fixed Archimedean spirals observed from random starting points with noise 0.3 at irregular times; "
            f"{ours_text}. Predicting (0, 0) sets the floor any model must beat; our RNN, trained for as many steps "
            f"as the latent ODE, {rnn_text}, so the ratio of errors here is much larger than the paper's."
        )

page.finish()
