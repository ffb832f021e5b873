"""The guided story: an ordered sequence of prepared views for a 20-minute talk, each itself a link.

A step is a complete view of a page (a value of its view dataclass, `kit.page_views`): entering it sets
every control, whatever the visitor did before. `?tour=k` on any page shows the tour bar with the step's
caption and Previous / Next, which ← / → also press. Presenter mode, while on, stays on from step to step.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import streamlit as st

from kit.chrome import presenter_params
from kit.contract import to_params
from kit.page_views import (
    FlowsView,
    HowTheyLearnView,
    LatentSpiralsView,
    NodeAnodeLabView,
    OdeNetsView,
    PhasePortraitsView,
    SolverLabView,
)
from kit.registry import PAGES


@dataclass(frozen=True)
class StoryStep:
    title: str
    caption: str  # what the speaker says, in two or three sentences
    view: Any  # a page's view dataclass value: the whole view, defaults for what it does not name

    @property
    def page(self) -> str:
        """Registry url of the page."""
        return self.view.page

    @property
    def params(self) -> dict[str, str]:
        return to_params(self.view)


#: The "your own data" step's points: a ring of eight of class A around four of class B.
OWN_RING: tuple[tuple[float, float, int], ...] = (
    (1.3, 0.0, 0), (0.92, 0.92, 0), (0.0, 1.3, 0), (-0.92, 0.92, 0),
    (-1.3, 0.0, 0), (-0.92, -0.92, 0), (0.0, -1.3, 0), (0.92, -0.92, 0),
    (0.28, 0.12, 1), (-0.12, 0.28, 1), (-0.28, -0.12, 1), (0.12, -0.28, 1),
)  # fmt: skip

ALL_STEPS: tuple[StoryStep, ...] = (
    StoryStep(
        "Euler spirals away, RK4 stays on the orbit",
        "Lotka–Volterra from (1, 2), h = 0.2 for 60 steps. Euler follows the slope at the start of each step "
        "and gains energy every turn; RK4 averages four slopes and stays on the closed orbit.",
        SolverLabView(),
    ),
    StoryStep(
        "A solution is a curve through (x, y, t)",
        "Lift the same solutions into 3-D with time as the third axis: the phase portrait is their shadow on "
        "the floor. Euler's curve climbs away from the helix that RK4 and the reference trace together.",
        SolverLabView(view="3-D"),
    ),
    StoryStep(
        "Measured orders of convergence",
        "Halve h and Euler's error halves, RK4's drops sixteen-fold: the slopes on log-log axes are the "
        "orders, 1 and 4, measured here, not quoted.",
        SolverLabView(view="Error vs step size"),
    ),
    StoryStep(
        "Accuracy per evaluation",
        "What a Neural ODE pays for is evaluations of f. Higher-order and adaptive methods buy each digit of "
        "accuracy with fewer of them.",
        SolverLabView(view="Work–precision"),
    ),
    StoryStep(
        "Where an adaptive solver steps",
        "Van der Pol with μ = 5: dopri5 takes long steps on the slow parts of the cycle and short ones where "
        "it snaps across.",
        SolverLabView(
            system="van_der_pol",
            methods=("rk4",),
            h=0.05,
            view="Adaptive steps",
            system_values=(("mu", 5.0),),
        ),
    ),
    StoryStep(
        "A phase portrait: the pendulum",
        "The sources' 99 initial values, all solved in one batched call. Centres at the rest positions, "
        "saddles at the top, separatrices between swinging and spinning. Click anywhere to add a trajectory.",
        PhasePortraitsView(),
    ),
    StoryStep(
        "An equation is a link",
        "Type a right-hand side, share the URL: this damped pendulum arrives as ?dx=y&dy=-sin(x)-0.3*y. Its "
        "fixed point is found by Newton's method and classified from the Jacobian's eigenvalues.",
        PhasePortraitsView(system="custom", dx="y", dy="-sin(x)-0.3*y", view="Fixed points"),
    ),
    StoryStep(
        "Three dimensions: the Lorenz attractor",
        "Nearby solutions separate exponentially yet stay on a bounded, butterfly-shaped set. Drag to rotate.",
        PhasePortraitsView(system="lorenz", view="3-D"),
    ),
    StoryStep(
        "A Neural ODE classifies half moons",
        "Depth becomes time: the points flow for one unit of time under a learned vector field until a straight "
        "line separates the classes. Trained models open instantly; Train retrains them live.",
        NodeAnodeLabView(),
    ),
    StoryStep(
        "Circles: the Neural ODE has to cheat",
        "A flow is a homeomorphism, so it cannot lift the inner disc out of the ring. The NODE squeezes the "
        "points through gaps between training points, at a higher cost in function evaluations.",
        NodeAnodeLabView(data="circles", view="Animation"),
    ),
    StoryStep(
        "One extra dimension: the ANODE lifts the disc",
        "Augmented with one zero dimension, the flow pulls the inner disc out along the new axis in 3-D (the ring "
        "goes the other way), and a plane separates the classes — with fewer evaluations than the NODE.",
        NodeAnodeLabView(data="circles", view="3-D"),
    ),
    StoryStep(
        "Flows cannot cross; ResNets can",
        "The 1-D task g(x) = −x: NODE trajectories cannot cross and fail, a ResNet's discrete steps jump over "
        "each other, and an ANODE goes around through the extra dimension.",
        NodeAnodeLabView(data="flip1d"),
    ),
    StoryStep(
        "Memory: backprop through the solver vs the adjoint",
        "Bytes autograd keeps for the backward pass, measured: backpropagating through the solver stores every "
        "step (O(L)); the adjoint solves a second ODE backwards and holds a constant amount, for the same "
        "gradient.",
        HowTheyLearnView(view="Adjoint memory"),
    ),
    StoryStep(
        "What training costs: function evaluations",
        "The Neural ODE paper's Figure 3, rerun live: looser tolerance, fewer evaluations; time proportional to "
        "NFE; and NFE growing as training goes on.",
        HowTheyLearnView(view="NFE study"),
    ),
    StoryStep(
        "A ResNet is Euler with h = 1",
        "The same regression with a ResNet of a few layers and with an ODE-Net: the ResNet's hidden states are "
        "discrete Euler steps, the ODE-Net's a continuous trajectory.",
        HowTheyLearnView(view="ResNet to ODE-Net"),
    ),
    StoryStep(
        "Learning a vector field from noisy samples",
        "Fitted to noisy samples on short random windows: after 50 of 1,000 steps the learned spiral (green) runs "
        "wide; the later snapshots settle onto the true one.",
        HowTheyLearnView(view="Learning dynamics", field="mlp", snap=1),
    ),
    StoryStep(
        "A latent ODE extrapolates a spiral",
        "A GRU reads the first 30 points backwards, infers the initial state of a hidden Neural ODE, and the "
        "decoded path carries on far past the data; an RNN given the same points loses the spiral.",
        LatentSpiralsView(),
    ),
    StoryStep(
        "Sliding through latent space",
        "Move z₀ from a clockwise spiral's encoding to a counter-clockwise one: every intermediate point decodes "
        "to a trajectory, and the whole family is one surface over α.",
        LatentSpiralsView(view="Interpolation", alpha=0.3),
    ),
    StoryStep(
        "The paper's Table 1, measured on digits",
        "An MLP, a ResNet of six blocks, an RK-Net and an ODE-Net on the same 8×8 digits: the ODE-Net comes "
        "within a fraction of a point of the ResNet with under a third of its parameters and flat memory.",
        OdeNetsView(),
    ),
    StoryStep(
        "An ODE block in place of residual blocks",
        "The paper's first experiment on handwritten digits: one ODE block with a third of a ResNet's "
        "parameters classifies as well, and its decision forms continuously along t: on this hard eight its "
        "belief rises smoothly from 0.08 to 0.97, where the ResNet's jumps block by block.",
        # Most digits are certain from t = 0 (digit 3: 0.99 throughout); digit 311 shows the forming.
        OdeNetsView(view="Flow", image=311),
    ),
    StoryStep(
        "A Gaussian flows into two moons",
        "A continuous normalizing flow: the ODE's field carries every sample of a Gaussian to the data, and the "
        "density follows from the trace of the field's Jacobian. Press Play to watch the whole flow.",
        FlowsView(),
    ),
    StoryStep(
        "A continuous flow against a planar one",
        "Both trained by maximum likelihood on the same moons: the planar flow's 32 layers each bend space "
        "along one line; the CNF's smooth field fits better, with fewer parameters (the paper's Fig. 6).",
        FlowsView(view="CNF vs planar"),
    ),
    StoryStep(
        "Stiff: explicit solvers stall, an implicit one strides",
        "Robertson's kinetics, rates from 0.04 to 3·10⁷ over t up to 10⁵: dopri5's steps stay near 10⁻³ until the "
        "budget stops it, while LSODA's grow to thousands. The stiffness ratio comes from the Jacobian.",
        SolverLabView(system="robertson", methods=("rk4",), adaptive="lsoda", view="Stiffness"),
    ),
    StoryStep(
        "Five seeds, not one",
        "NODE and ANODE trained from scratch on half moons for five seeds each: lines are medians, shading the "
        "range. The ANODE's test NFE spans 20 to 38 across seeds (median 32) against the NODE's 38 on all "
        "five: one seed alone could show the ANODE almost twice as cheap, or no cheaper.",
        NodeAnodeLabView(view="Seeds"),
    ),
    StoryStep(
        "Taming NFE: penalise kinetic energy and the Jacobian",
        "The same five seeds with w·∫|f|² dt + w·∫‖∂f/∂z‖² dt added to the loss (dashed, w = 0.01): median "
        "test NFE falls from 38 to 26 for the NODE and from 32 to 20 for the ANODE; the NODE pays 0.04 in "
        "median accuracy, the ANODE nothing. Train and Step use the same switch.",
        NodeAnodeLabView(view="Seeds", reg=True),
    ),
    StoryStep(
        "Your own data",
        "Click the plane to place points of class A or B; they ride in the link, here a ring of eight A around "
        "four B, the circles' trap. Train fits NODE and ANODE to them on the spot, or Step, one optimiser step "
        "at a time.",
        NodeAnodeLabView(data="own", pts=OWN_RING),
    ),
    StoryStep(
        "The backward pass is not half price",
        "Backprop through dopri5 replays its graph, no new evaluations; the adjoint's backward solve needs "
        "about 1.5× the forward NFE (c), not the paper's half, which came from scipy's LSODA. The seminorm "
        "changes nothing on this model, and the page says why.",
        HowTheyLearnView(view="NFE study", seminorm=True),
    ),
)


TOUR_BAR_KEY = "tour_bar"
#: Streamlit has no key bindings: one document-wide listener (installed once, whatever the reruns) clicks
#: the bar's Previous / Next link, unless the key is meant for a control that uses the arrows itself.
ARROW_KEYS_JS = f"""<script>
if (!window.tourArrowKeys) {{
  window.tourArrowKeys = true;
  document.addEventListener("keydown", (event) => {{
    const label = {{ArrowLeft: "Previous", ArrowRight: "Next"}}[event.key];
    if (!label || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable], [role=slider], [role=tablist]")) return;
    const links = document.querySelectorAll(".st-key-{TOUR_BAR_KEY} a[data-testid=stPageLink-NavLink]");
    const link = [...links].find((a) => a.textContent.trim().endsWith(label));
    if (link) {{ event.preventDefault(); link.click(); }}
  }});
}}
</script>"""

#: The bar's one line stays one line: a long title wraps between Previous and Next instead of pushing Next
#: onto a line of its own (at 1024 px, say). The key script takes no room (it runs all the same).
TOUR_BAR_CSS = f"""<style>
.st-key-{TOUR_BAR_KEY} [data-testid="stHorizontalBlock"] {{ flex-wrap: nowrap; }}
.st-key-{TOUR_BAR_KEY} [data-testid="stHorizontalBlock"] > [data-testid="stElementContainer"] {{ flex: 0 0 auto; }}
.st-key-{TOUR_BAR_KEY} [data-testid="stHorizontalBlock"] > [data-testid="stElementContainer"]:has([data-testid="stMarkdown"]) {{
  flex: 1 1 0; min-width: 0; }}
.st-key-{TOUR_BAR_KEY} [data-testid="stElementContainer"]:has(> [data-testid="stHtml"] script) {{ display: none; }}
</style>"""


def steps() -> list[StoryStep]:
    """The steps whose pages exist in this build, in order."""
    pages = {p.url for p in PAGES}
    return [s for s in ALL_STEPS if s.page in pages]


def page_path(url: str) -> str:
    return next(p.path for p in PAGES if p.url == url)


@functools.cache
def nav_page(path: str) -> st.Page:
    """The page at `path` (as `PAGES` names it) for `st.page_link`, made once per process.

    Given a path, `st.page_link` resolves it on the disk and searches the pages on every call (a third of
    the tour page's run with its link per step); given the page, it only checks it is the one registered.
    """
    info = next(p for p in PAGES if p.path == path)
    return st.Page(
        info.path, title=info.title, icon=info.icon, url_path=info.url or None, default=not info.url
    )


def step_link(index: int) -> tuple[str, dict[str, str]]:
    """Page path and query parameters of step `index` (1-based), tour marker and presenter mode included."""
    step = steps()[index - 1]
    return page_path(step.page), {**step.params, "tour": str(index), **presenter_params()}


def current_step() -> int | None:
    raw = st.query_params.get("tour")
    if raw is None or not raw.isdigit() or not 1 <= int(raw) <= len(steps()):
        return None
    return int(raw)


def tour_bar() -> None:
    """When the link carries `?tour=k`, show the step's title and caption with Previous / Next."""
    k = current_step()
    if k is None:
        return
    all_steps = steps()
    step = all_steps[k - 1]
    # A page link to the page already open runs it with the new parameters but leaves the address bar
    # as it was; writing the parameters back puts the step's own link there.
    st.query_params.from_dict(st.query_params.to_dict())
    # One line (Previous, the step's title, Next) with the caption under it, small: in presenter mode at
    # 1280x720 the page's figure has to start above the fold beneath it.
    with st.container(border=True, key=TOUR_BAR_KEY):
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            if k > 1:
                path, params = step_link(k - 1)
                st.page_link(
                    nav_page(path), label="Previous", icon=":material/arrow_back:", query_params=params
                )
            st.markdown(f"**Tour · step {k} of {len(all_steps)}: {step.title}**", width="stretch")
            if k < len(all_steps):
                path, params = step_link(k + 1)
                st.page_link(
                    nav_page(path), label="Next", icon=":material/arrow_forward:", query_params=params
                )
            else:
                st.page_link(nav_page("views/tour.py"), label="The end", icon=":material/flag:")
        st.caption(step.caption)
        st.html(ARROW_KEYS_JS, unsafe_allow_javascript=True)
    st.html(TOUR_BAR_CSS)
