"""AppTest of the Solver lab: default view, each main control, deep links, bad input."""

from __future__ import annotations

import pytest

from tests.app.apptest_helpers import assert_clean, open_page, plotly_figure, texts


def charts(at) -> int:
    return len(at.get("plotly_chart"))


def test_default_view_is_the_sources_figure():
    at = open_page("solver_lab")
    assert_clean(at)
    assert at.title[0].value == "Solver lab"
    labels = [m.label for m in at.metric]
    assert labels == ["Euler (h = 0.2)", "RK4 (classic) (h = 0.2)", "Dormand–Prince 5(4) (tol = 1e-6)"]
    euler, rk4 = (float(m.value) for m in at.metric[:2])
    assert euler > 0.5 and rk4 < 1e-3  # Euler leaves the orbit; RK4 stays on it
    assert "60 evaluations of f" in texts(at) and "240 evaluations of f" in texts(at)
    assert charts(at) == 2  # components and phase plane; the 3-D scene waits in its own tab
    assert dict(at.query_params) == {}  # the default view has a clean link


def test_measured_orders_are_shown_on_the_page():
    at = open_page("solver_lab", system="decay", view="error-vs-step-size")
    text = texts(at)
    assert "Midpoint 2.0" in text and "RK4 (classic) 4.0" in text


def test_changing_system_swaps_parameters_and_updates_the_link():
    at = open_page("solver_lab")
    at.selectbox(key="solver.system").set_value("pendulum").run()
    assert_clean(at)
    assert at.query_params["system"] == "pendulum"
    assert [s.label for s in at.slider] == ["g/l"]
    assert at.number_input(key="solver.pendulum.y00").value == 2.0


def test_changing_step_size_and_methods():
    at = open_page("solver_lab")
    at.number_input(key="solver.lotka_volterra.h").set_value(0.05).run()
    at.multiselect(key="solver.methods").set_value(["midpoint", "heun3"]).run()
    assert_clean(at)
    assert [m.label for m in at.metric][:2] == ["Midpoint (h = 0.05)", "Heun 3 (h = 0.05)"]
    assert at.query_params["h"] == "0.05"
    assert at.query_params["methods"] == "midpoint,heun3"


def test_changing_adaptive_method_and_tolerance():
    at = open_page("solver_lab", view="adaptive-steps")
    at.selectbox(key="solver.adaptive").set_value("bosh3").run()
    at.selectbox(key="solver.tol").set_value("1e-3").run()
    assert_clean(at)
    assert "Bogacki–Shampine 3(2)** took" in texts(at)
    assert "tolerance 1e-3" in texts(at)


def test_parameter_slider_changes_the_solution():
    at = open_page("solver_lab", system="harmonic")
    before = [m.value for m in at.metric]
    at.slider(key="solver.harmonic.omega").set_value(2.0).run()
    assert_clean(at)
    assert [m.value for m in at.metric] != before
    assert at.query_params["omega"] == "2"


def test_deep_link_reproduces_a_view():
    at = open_page("solver_lab", system="van_der_pol", mu="3", methods="rk4", h="0.05", adaptive="none")
    assert_clean(at)
    assert at.slider(key="solver.van_der_pol.mu").value == 3.0
    assert [m.label for m in at.metric] == ["RK4 (classic) (h = 0.05)"]


@pytest.mark.parametrize(
    ("params", "note"),
    [
        ({"system": "__import__('os').system('x')"}, "system="),
        ({"h": "-1"}, "h=-1"),
        ({"h": "nan"}, "h=nan"),
        ({"t1": "1e308"}, "t1=1e308"),
        ({"methods": "euler,rm -rf"}, "methods="),
        ({"tol": "0"}, "tol=0"),
        ({"view": "nowhere"}, "view=nowhere"),
        ({"h": "9" * 1000}, "too long"),
    ],
)
def test_bad_link_values_fall_back_with_a_note(params, note):
    at = open_page("solver_lab", **params)
    assert_clean(at)
    notes = " ".join(i.value for i in at.info)
    assert note in notes and "ignored" in notes
    assert at.metric[0].label == "Euler (h = 0.2)"  # the default view


def test_step_longer_than_span_is_refused_with_one_line():
    at = open_page("solver_lab", system="decay", t1="1", h="5")
    assert_clean(at)
    errors = [e.value for e in at.error]
    assert any("longer than the time span" in e for e in errors)
    assert all("\n" not in e for e in errors)


def test_too_many_steps_are_refused():
    at = open_page("solver_lab", t1="1000", h="0.001")
    assert_clean(at)
    assert any("exceed the cap" in e.value for e in at.error)


def test_blow_up_shows_a_message_and_keeps_the_page():
    at = open_page("solver_lab", system="blowup", t1="2")
    assert_clean(at)
    assert any("blew up" in e.value for e in at.error)
    assert charts(at) == 1  # what was computed before the blow-up is still drawn (1-D: components)


def test_home_page_lists_every_page_with_a_picture():
    at = open_page("")
    assert_clean(at)
    assert at.title[0].value == "Neural ODE Explorer"
    assert "Solver lab" in [s.value for s in at.subheader]
    assert len(at.get("plotly_chart")) >= 1


def _traces(at, key: str) -> dict[str, dict]:
    return {t["name"]: t for t in plotly_figure(at, key=key)["data"]}


def test_the_opening_view_draws_rk4_over_the_adaptive_method_and_the_reference_over_rk4():
    """Dormand–Prince coincides with RK4 and the reference: drawn last and thick, it hid both."""
    at = open_page("solver_lab")
    for key in ("components", "phase"):
        traces = _traces(at, key)
        rk4, dopri5 = traces["RK4 (classic)"], traces["Dormand–Prince 5(4)"]
        reference = next(t for name, t in traces.items() if name.startswith("reference"))
        assert "Euler" in traces
        assert dopri5.get("zorder", 0) < rk4.get("zorder", 0) < reference["zorder"]
        assert dopri5["line"]["width"] < rk4["line"]["width"]
        assert reference["line"]["dash"] == "dash"  # RK4 shows through its gaps
    assert "Beyond them" not in texts(at)  # nothing diverged: plotly's own ranges


@pytest.mark.parametrize("h", [None, "5"])
def test_a_blow_up_keeps_the_axes_on_the_reference_with_a_note(h):
    params = {"alpha": "1.05", "y00": "2.5", "t1": "30"} | ({"h": h} if h else {})
    at = open_page("solver_lab", **params)
    assert_clean(at)
    # The reference's orbit spans about 0.19–2.93 in x and 0.21–3.01 in y; Euler reaches 5e10.
    for key, axes in (("components", ("yaxis", "yaxis2")), ("phase", ("xaxis", "yaxis"))):
        layout = plotly_figure(at, key=key)["layout"]
        for axis in axes:
            lo, hi = layout[axis]["range"]
            assert 0.0 < lo < 0.2 and 2.9 < hi < 3.2
    note = next(c.value for c in at.caption if "Beyond them" in c.value)
    assert "Euler diverges from t ≈" in note and ("RK4 (classic) diverges" in note) == (h == "5")
    assert "Dormand–Prince" not in note


def test_duffings_default_start_is_not_an_equilibrium():
    at = open_page("solver_lab", system="duffing")
    assert_clean(at)
    errors = [float(m.value) for m in at.metric]
    assert all(e > 0 for e in errors) and errors[0] > 0.1  # Euler visibly off
    x = _traces(at, "components")["Euler"]["y"]
    assert max(x) - min(x) > 1.0  # it moves (from (1, 0), an equilibrium, it stayed at 1)


def test_rk4_formula_has_one_slope_per_line():
    """Two columns of slopes overflowed the maths tab's half-width column and were clipped on screen."""
    at = open_page("solver_lab", view="the-maths")
    (rk4,) = [x.value for x in at.latex if "k_4" in x.value]
    lines = [line for line in rk4.split(r"\\") if "&=" in line]
    assert [line.split("&=")[0].strip().split()[-1] for line in lines] == [
        "k_1",
        "k_2",
        "k_3",
        "k_4",
        "y_{n+1}",
    ]


def test_convergence_caption_names_exactly_the_step_sizes_left_out_and_the_line_breaks_there():
    at = open_page("solver_lab", view="error-vs-step-size")
    assert_clean(at)
    fig = plotly_figure(at)
    euler = next(tr for tr in fig["data"] if tr["name"].startswith("Euler"))
    gaps = sorted(round(h, 3) for h, e in zip(euler["x"], euler["y"], strict=True) if e is None)
    drawn = {round(h, 3) for h, e in zip(euler["x"], euler["y"], strict=True) if e is not None}
    assert gaps == [0.571, 1.5]
    assert {0.8, 1.091} <= drawn  # drawn, and the caption must not say otherwise
    assert "Euler at h = 0.571 and 1.5;" in texts(at)
    assert "h ≥" not in texts(at)


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({}, "Lotka–Volterra (predator–prey) from (1, 2) over [0, 12]; Euler and RK4 (classic) with h = 0.2"),
        ({"system": "duffing"}, "Duffing oscillator from (1.8, 0) over [0, 20]"),
        ({"system": "pendulum", "methods": "rk4", "adaptive": "none"}, "Pendulum from (2, 0)"),
    ],
)
def test_the_caption_describes_the_chosen_system(params, words):
    at = open_page("solver_lab", **params)
    assert_clean(at)
    assert words in texts(at)
    assert ("the sources' figure" in texts(at)) == (not params)
    if params:
        assert "Lotka" not in texts(at)


def _drawn(node) -> list[tuple[str, str]]:
    """(element type, its text where it has one) in the order the page draws them (a depth-first walk)."""
    children = getattr(node, "children", {})
    here = [(node.type, str(getattr(node, "value", "") or ""))]
    return here + [k for key in sorted(children) for k in _drawn(children[key])]


@pytest.mark.parametrize("view", [None, "3-d", "error-vs-step-size", "work-precision"])
def test_presenter_mode_puts_each_tabs_figure_before_the_caption_and_the_metrics(view):
    """The view's caption and the row of errors above the tabs pushed every tab's chart to 422 px of a
    720 px projector: there they follow the figure; on a laptop they still lead."""
    for params, figure_first in (({"present": "1"}, True), ({}, False)):
        at = open_page("solver_lab", **({"view": view} if view else {}), **params)
        assert_clean(at)
        kinds = _drawn(at.main)
        order = [k for k, _ in kinds]
        caption = next(i for i, (k, text) in enumerate(kinds) if text.startswith("This view:"))
        first_chart, first_metric = order.index("plotly_chart"), order.index("metric")
        assert (first_chart < first_metric) is figure_first
        assert (first_chart < caption) is figure_first
        assert len(at.metric) == 3  # the errors are all still on the page


def test_tour_step_2_s_3d_scene_ends_above_a_projector_s_fold():
    """Tour step 2 in presenter mode, its chart 260 px down the page at 1280x720: the scene was 640 px tall (to
    900 px), its floor's front tick labels and its legend under the fold, and t's "0" on y's "0" at the floor's
    corner. The page sends a figure that ends above 720 px, its legend in one row under the scene, and t's
    ticks start above the floor."""
    at = open_page("solver_lab", view="3-d", tour="2", present="1")
    assert_clean(at)
    layout = plotly_figure(at, key="traj3d")["layout"]
    assert 260 + layout["height"] <= 720
    margin = layout["margin"]
    scene_px = layout["height"] - margin["t"] - margin["b"]
    assert scene_px >= 0.8 * layout["height"]
    ticks = layout["scene"]["zaxis"]["tickvals"]
    assert layout["scene"]["zaxis"]["title"]["text"] == "t" and min(ticks) > 0
