"""Normalizing flows: a continuous normalizing flow carries a Gaussian to two moons (or rings, eight
Gaussians, a checkerboard, a pinwheel), with its density, samples and field over time; the planar flow
beside it; exact trace against Hutchinson's estimator; regularisation; and live training."""

import streamlit as st

from cached.flows import GRID, checkpoint_dir, cnf, estimator_study, planar, planar_density, timelapse_view
from components.flow_density_figures import (
    PRESENTED_HEIGHT,
    density_figure,
    presented_lapse,
    presented_pair,
    trace_spread_figure,
)
from kit import quiet_controls
from kit.chrome import presenter_mode
from kit.failure import failed, show_failure
from kit.figures import FigureSpec, figure_spec, show_figure
from kit.flows_training import live_training
from kit.page import PageScaffold
from kit.page_views import FlowsView
from models.flows.catalog import PLANAR_LAYERS
from models.flows.targets import TARGET_LABELS, TARGETS

page = PageScaffold(
    "flows",
    FlowsView,
    "Normalizing flows",
    "A continuous normalizing flow moves a standard Gaussian along an ODE dz/dt = f(z, t) until it becomes "
    "the data; the density follows by integrating d log p/dt = −tr(∂f/∂z) along the way (Chen et al. 2018, "
    "section 4). Beside it, the discrete planar flow that the paper compares it with.",
)
links = page.links
directory = checkpoint_dir()
presenting = presenter_mode()

with st.sidebar:
    st.header("Flow")
    target = links.selectbox("Target", "target", list(TARGETS), labels=dict(TARGET_LABELS))
    direction = links.selectbox(
        "Direction", "direction", ["forward", "reverse"],
        labels={"forward": "noise → data", "reverse": "data → noise"},
    )  # fmt: skip
    frame = int(
        links.slider(
            "Opening frame", "frame", 0, GRID.frames - 1,
            help="The frame the time-lapse opens on (0: the start); Play runs it from there.",
        )
    )  # fmt: skip

shipped = cnf(target)
if failed(shipped):
    st.warning(
        f"The shipped flow is not available: {shipped}. Rebuild it with `python -m scripts.train_flows` "
        "(about four minutes), or train one live below.",
        icon=":material/warning:",
    )

#: The tabs of two figures side by side (CNF vs planar, Regularisation) draw this many samples in each, the
#: same on both sides, so that the pair sends about what one time-lapse does (issue 16's 300 kB a view:
#: 600 samples a side sent 400 kB on Regularisation; 200 still came to 295 kB).
PAIR_PARTICLES = 150

tab_lapse, tab_planar, tab_trace, tab_reg, tab_live = links.tabs(
    ["Time-lapse", "CNF vs planar", "Exact vs Hutchinson", "Regularisation", "Train live"]
)


def _side_by_side(left: str, right: str) -> list:
    """Two columns under a row of their titles. With each title in its own figure's column, one that wrapped
    (the Regularisation tab's right one, in presenter mode at 1024 px) pushed its figure 46 px below the other."""
    for column, title in zip(st.columns(2), (left, right), strict=True):
        column.subheader(title)
    return st.columns(2)


def _show_lapse(spec: FigureSpec, key: str, name: str, title: str | None = None) -> None:
    """Draw a time-lapse, or a density laid out as one. In presenter mode laid out to end above a projector's
    fold: with its controls beside the plot, or as a figure of a pair titled in its own top row (`title`)."""
    if not presenting:
        show_figure(spec, key=key, name=name)
        return
    shown = presented_lapse(spec.spec) if title is None else presented_pair(spec.spec, title)
    show_figure(FigureSpec(shown), key=key, name=name, presenter_min_height=PRESENTED_HEIGHT)


def _scores(meta: dict, columns: list) -> None:
    # Short labels: three metrics share half the page on the CNF vs planar tab, where longer ones were cut.
    columns[0].metric(
        "Log-likelihood",
        f"{meta['held_out_loglik']:.3f}",
        help="Mean nats per held-out point: draws of the target the flow was not trained on.",
    )
    columns[1].metric("Parameters", f"{meta['params']}")
    if "nfe_forward" in meta:
        columns[2].metric(
            "NFE fwd / bwd",
            f"{meta['nfe_forward']} / {meta['nfe_backward']}",
            help="Evaluations of f in one forward pass and in one backward pass.",
        )


with tab_lapse:
    if tab_lapse.open:
        fig = figure_spec(timelapse_view, directory, target, False, direction, frame)
        if failed(fig):
            show_failure(fig, "Time-lapse unavailable")
        else:
            _show_lapse(fig, key="flows_timelapse", name=f"flow-{target}-{direction}")
            way = (
                "Samples of the Gaussian (yellow) ride the field (white arrows) to the target"
                if direction == "forward"
                else "Held-out data points ride the field backwards to the Gaussian"
            )
            st.markdown(
                f"{way}; the heat map is the density at that time, p(z, t), from one solve of a grid of "
                f"{GRID.n} × {GRID.n} base points with its log-density carried along (exact trace). "
                "Play runs the frames in the browser; the slider scrubs through time."
            )
        if not failed(shipped):
            _scores(shipped.meta, st.columns(3))

with tab_planar:
    if tab_planar.open:
        # In presenter mode K comes from the link alone (the title names it): the box pushed the pair's plots
        # about 110 px further under a projector's fold (tour step 22).
        k = int(quiet_controls.choice(links, "Planar layers K", "k", [str(n) for n in PLANAR_LAYERS]))
        titles = ("Continuous flow", f"Planar flow, K = {k}")
        # In presenter mode each figure carries its title: the row of titles above them took 73 px of the 720.
        left, right = st.columns(2) if presenting else _side_by_side(*titles)
        with left:
            lapse = figure_spec(
                timelapse_view, directory, "moons", False, "forward", GRID.frames - 1, PAIR_PARTICLES
            )
            moons = cnf("moons")
            if failed(lapse) or failed(moons):
                show_failure(lapse if failed(lapse) else moons, "CNF unavailable")
            else:
                _show_lapse(lapse, key="flows_cnf_final", name="cnf-moons", title=titles[0])
                _scores(moons.meta, st.columns(3))
        with right:
            shown, flow = planar_density(directory, k), planar(k)
            if failed(shown) or failed(flow):
                show_failure(shown if failed(shown) else flow, "Planar flow unavailable")
            else:
                axis, density, samples = shown
                _show_lapse(
                    figure_spec(density_figure, axis, density, samples[:PAIR_PARTICLES], beside_lapse=True),
                    key="flows_planar",
                    name=f"planar-k{k}",
                    title=titles[1],
                )
                _scores(flow.meta, st.columns(3))
        st.markdown(
            "Both flows trained by maximum likelihood on the same two-moons draws and scored on held-out "
            "ones. A planar layer bends space along one direction only; the CNF's field moves every point "
            "smoothly at once, and fits the moons with fewer parameters (the paper's Fig. 6)."
        )

with tab_trace:
    if tab_trace.open:
        noise = quiet_controls.choice(links, "Hutchinson's noise", "noise", ["gaussian", "rademacher"])
        study = estimator_study(directory, target, noise)
        if failed(study):
            show_failure(study, "Estimator study unavailable")
        else:
            show_figure(
                figure_spec(trace_spread_figure, study.exact, study.spread),
                key="flows_trace",
                name="hutchinson",
            )
            n = study.nfe
            a, b, c = st.columns(3)
            a.metric("NFE, exact trace", n.exact)
            b.metric("NFE, noise drawn once", n.once)
            c.metric(
                "NFE, noise redrawn each evaluation", f"> {n.cap}" if n.resampled_capped else n.resampled
            )
            st.markdown(
                "Hutchinson's estimate e⊤(∂f/∂z)e is unbiased for the trace but noisy (bars: one draw's "
                f"standard deviation over {study.draws} draws; Rademacher's is smaller). It must be drawn "
                "**once per solve**: drawn afresh at every evaluation, the ODE the solver integrates changes "
                "from one stage to the next, its error estimates never settle and the NFE explodes."
            )

with tab_reg:
    if tab_reg.open:
        plain, reg = cnf("moons"), cnf("moons", regularised=True)
        titles = ("Unregularised", "Kinetic energy + Jacobian norm")
        left, right = _side_by_side(*titles)
        for column, loaded, title, regularised in (
            (left, plain, titles[0], False),
            (right, reg, titles[1], True),
        ):
            with column:
                lapse = figure_spec(
                    timelapse_view, directory, "moons", regularised, "forward", frame, PAIR_PARTICLES
                )
                if failed(loaded) or failed(lapse):
                    show_failure(loaded if failed(loaded) else lapse, f"{title} flow unavailable")
                else:
                    show_figure(
                        lapse, key=f"flows_reg_{regularised}", name=f"moons-regularised-{regularised}"
                    )
                    _scores(loaded.meta, st.columns(3))
        st.markdown(
            "Penalising ∫|f|² dt and ∫‖∂f/∂z‖²_F dt (Finlay et al. 2020) makes the paths straighter and the "
            "field smoother, so the adaptive solver takes fewer steps for about the same likelihood."
        )


with tab_live:
    if tab_live.open:
        live_training(links, target, shipped)

page.finish()
