"""The page contract: each page's view dataclass gives its opening view, and a view round-trips through
its link (view -> query parameters -> the page's controls -> view)."""

from __future__ import annotations

import pytest

from kit.contract import to_params
from kit.page_views import (
    HowTheyLearnView,
    LatentSpiralsView,
    NodeAnodeLabView,
    PhasePortraitsView,
    SolverLabView,
)
from tests.app.apptest_helpers import assert_clean, open_page

# page url, the PageLinks name, and views that move every kind of field away from its default
CASES = [
    (
        SolverLabView,
        "solver",
        [
            SolverLabView(system="van_der_pol", h=0.02, view="Adaptive steps", system_values=(("mu", 3.0),)),
            SolverLabView(
                system="harmonic",
                t1=3.0,
                methods=("euler", "midpoint"),
                adaptive="none",
                tol="1e-3",
                view="The maths",
                system_values=(("y00", 0.5),),
            ),
        ],
    ),
    (
        PhasePortraitsView,
        "phase",
        [
            PhasePortraitsView(system="custom", dx="y", dy="-sin(x)-0.3*y", view="Fixed points"),
            PhasePortraitsView(system="lorenz", view="3-D", proj="yz", back=True),
            PhasePortraitsView(
                starts=((1.0, 0.5), (-2.0, 1.0)),
                wrap=True,
                field="arrows",
                nullclines=False,
                h=0.05,
                view="Phase plane",
                system_values=(("w1lo", -3.0),),
            ),
            PhasePortraitsView(
                system="linear",
                type="stable_spiral",
                seeds="random",
                n=50,
                method="euler",
                t1=20.0,
                fixed=False,
                system_values=(("a", -0.5),),
            ),
            PhasePortraitsView(view="3-D", cylinder=True),
        ],
    ),
    (
        LatentSpiralsView,
        "latent",
        [
            LatentSpiralsView(view="Interpolation", alpha=0.3, a="1"),
            LatentSpiralsView(source="random", seed=7, k=50, view="Latent path"),
            LatentSpiralsView(spiral=2, view="Prior samples", n=3, prior_seed=5),
        ],
    ),
    (
        NodeAnodeLabView,
        "node_anode",
        [
            NodeAnodeLabView(data="circles", view="Animation"),
            NodeAnodeLabView(data="flip1d", models=("node", "resnet"), n=300, noise=0.05),
            NodeAnodeLabView(
                seed=3,
                p=2,
                solver="rk4",
                h=0.5,
                adjoint=True,
                steps=40,
                lr="0.05",
                x="nfe_spent",
                view="Depth",
            ),
            NodeAnodeLabView(solver="bosh3", tol="1e-2", timedep=True, view="Vector field", ft=0.5),
        ],
    ),
    (
        HowTheyLearnView,
        "learn",
        [
            HowTheyLearnView(hidden="16", batch="128", most="32"),
            HowTheyLearnView(sweep="tolerance", tightest="1e-04"),
            HowTheyLearnView(view="NFE study", seminorm=True),
            HowTheyLearnView(view="ResNet to ODE-Net", depth=5),
            HowTheyLearnView(view="Learning dynamics", field="mlp", snap=2),
        ],
    ),
]


def _shown(view_type: type, name: str, **params: str):
    at = open_page(view_type.page, **params)
    assert_clean(at)
    return at, at.session_state[f"{name}.__view"]


@pytest.mark.parametrize(("view_type", "name"), [(c[0], c[1]) for c in CASES])
def test_the_defaults_are_the_opening_view(view_type, name):
    at, shown = _shown(view_type, name)
    assert shown == view_type()
    assert to_params(view_type()) == {}
    assert not dict(at.query_params)  # the opening view's link names no parameter


@pytest.mark.parametrize(("view_type", "name", "view"), [(c[0], c[1], v) for c in CASES for v in c[2]])
def test_a_view_round_trips_through_its_link(view_type, name, view):
    at, shown = _shown(view_type, name, **to_params(view))
    assert shown == view
    assert dict(at.query_params) == to_params(view)  # and the page writes the same link back


def test_a_views_link_is_written_as_the_page_writes_it():
    view = SolverLabView(system="van_der_pol", methods=("rk4",), h=0.05, view="Adaptive steps")
    assert to_params(view) == {
        "system": "van_der_pol",
        "methods": "rk4",
        "h": "0.05",
        "view": "adaptive-steps",
    }


def test_restated_defaults_agree_with_the_models():
    from models.systems.spec import CUSTOM_DEFAULT

    view = PhasePortraitsView()
    assert (view.dx, view.dy, view.dz) == CUSTOM_DEFAULT
