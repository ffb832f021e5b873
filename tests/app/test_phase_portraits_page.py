"""AppTest of the Phase portraits page: default view, each main control, tabs, custom-system links,
hostile input, blow-ups and clicked starts carried by the link."""

from __future__ import annotations

import math

import pytest

from tests.app.apptest_helpers import assert_clean, open_page, plotly_figure, texts, trace_names

URL = "phase_portraits"
figure = plotly_figure


def test_default_view_is_the_sources_pendulum():
    at = open_page(URL)
    assert_clean(at)
    assert at.title[0].value == "Phase portraits"
    text = texts(at)
    assert "99 initial values (5i, −i)" in text
    assert (
        "99 trajectories, 16 separatrices in one batched solve: 70 steps of RK4 (classic) with h = 0.1"
        in text
    )
    names = trace_names(at)
    for name in ("trajectories", "saddle", "centre", "θ-nullcline (dθ/dt = 0)", "unstable separatrices"):
        assert name in names
    assert dict(at.query_params) == {}


def test_lotka_volterra_is_the_sources_second_portrait():
    at = open_page(
        URL, system="lotka_volterra", t1="2"
    )  # a shorter span keeps the test fast on a busy machine
    assert_clean(at)
    assert at.number_input(key="phase.lotka_volterra.h").value == 0.01
    assert "20 initial values (i, i)" not in texts(at)  # the sources' note only describes their settings
    assert (
        "20 trajectories, 4 separatrices in one batched solve: 200 steps of RK4 (classic) with h = 0.01"
        in texts(at)
    )
    assert "followed no further" not in texts(at)  # separatrices leaving along the axes are not counted


def test_changing_system_and_parameters_updates_the_link():
    at = open_page(URL)
    at.selectbox(key="phase.system").set_value("van_der_pol").run()
    at.slider(key="phase.van_der_pol.mu").set_value(3.0).run()
    assert_clean(at)
    assert at.query_params["system"] == "van_der_pol" and at.query_params["mu"] == "3"
    assert "144 trajectories" in texts(at)  # a 12 × 12 grid by default
    assert "unstable node" in trace_names(at)  # eigenvalues (3 ± √5)/2 at the origin


def test_linear_system_by_type_and_by_matrix_entries():
    at = open_page(URL, system="linear", type="stable_spiral", view="fixed-points")
    assert_clean(at)
    table = at.dataframe[0].value
    assert list(table["type"]) == ["stable spiral"]
    at.slider(key="phase.linear.stable_spiral.a").set_value(1.0).run()  # A = [[1, -1], [1, -0.2]]
    assert list(at.dataframe[0].value["type"]) == ["unstable spiral"]
    at.selectbox(key="phase.type").set_value("unstable_node").run()
    assert list(at.dataframe[0].value["type"]) == ["unstable node"]
    assert at.query_params["type"] == "unstable_node" and "a" not in at.query_params


def test_trajectory_controls():
    at = open_page(URL, system="harmonic")
    at.selectbox(key="phase.harmonic.seeds").set_value("random").run()
    at.slider(key="phase.harmonic.random.n").set_value(37).run()
    at.selectbox(key="phase.method").set_value("euler").run()
    at.number_input(key="phase.harmonic.h").set_value(0.1).run()
    at.number_input(key="phase.harmonic.t1").set_value(3.0).run()
    at.toggle(key="phase.back").set_value(True).run()
    assert_clean(at)
    assert "74 trajectories in one batched solve: 30 steps of Euler with h = 0.1" in texts(at)
    assert at.query_params["seeds"] == "random" and at.query_params["back"] == "1"


def test_picture_controls():
    at = open_page(URL)
    at.selectbox(key="phase.field").set_value("none").run()
    at.toggle(key="phase.nullclines").set_value(False).run()
    at.toggle(key="phase.fixed").set_value(False).run()
    assert_clean(at)
    names = trace_names(at)
    assert "saddle" not in names and "θ-nullcline (dθ/dt = 0)" not in names
    assert not any(t.get("marker", {}).get("showscale") for t in figure(at)["data"])  # no field colour bar
    at.selectbox(key="phase.field").set_value("arrows").run()
    assert any(t.get("marker", {}).get("showscale") for t in figure(at)["data"])


def test_wrapping_the_pendulum_and_the_window():
    at = open_page(URL, wrap="1")
    assert_clean(at)
    plane = figure(at)
    assert plane["layout"]["xaxis"]["range"] == pytest.approx([-3.14159265, 3.14159265])
    saddles = next(t for t in plane["data"] if t.get("name") == "saddle")
    assert len(saddles["x"]) == 1  # −π and π are one point on the circle
    at = open_page(URL, w1lo="-2", w1hi="2")
    assert figure(at)["layout"]["yaxis"]["range"] == [-2, 2]


@pytest.mark.parametrize(
    ("query", "expect"),
    [
        ({"view": "fixed-points"}, "7 fixed points"),
        ({"view": "flow"}, "400 points carried by the flow"),
        ({"view": "3-d"}, "curve through (x, y, t)"),
        ({"view": "3-d", "cylinder": "1"}, "phase space of the pendulum is a cylinder"),
        ({"view": "the-maths"}, "nullclines"),
        ({"system": "lorenz", "view": "3-d"}, "Colour is time"),
    ],
)
def test_each_tab(query, expect):
    at = open_page(URL, **query)
    assert_clean(at)
    assert expect in texts(at)


def test_lorenz_shows_a_projection_and_its_fixed_points():
    at = open_page(URL, system="lorenz", view="fixed-points")
    assert_clean(at)
    assert list(at.dataframe[0].value["type"]) == ["saddle-focus", "saddle", "saddle-focus"]


def test_a_custom_system_link_selects_the_custom_system():
    at = open_page(URL, dx="y", dy="-sin(x) - c*y", p_c="0.3", view="fixed-points")
    assert_clean(at)
    assert at.selectbox(key="phase.system").value == "custom"
    assert at.text_input(key="phase.dx").value == "y"
    assert at.number_input(key="phase.custom.p_c").value == 0.3
    assert list(at.dataframe[0].value["type"]) == ["stable spiral"]
    at.text_input(key="phase.dy").set_value("-x").run()
    assert_clean(at)
    assert list(at.dataframe[0].value["type"]) == ["centre"]
    assert at.query_params["dy"] == "-x"


@pytest.mark.parametrize(
    ("dx", "message"),
    [
        ("__import__('os').system('id')", "dx/dt"),
        ("().__class__.__bases__", "dx/dt"),
        ("[q for q in x]", "dx/dt"),
        ("lambda: 1", "dx/dt"),
        ("x**y", "dx/dt"),
        ("9**9**9", "dx/dt"),
        ("ｘ", "dx/dt"),
    ],
)
def test_hostile_equations_give_one_line_on_the_page(dx, message):
    at = open_page(URL, dx=dx, dy="-x")
    assert_clean(at)
    (error,) = at.error
    assert message in error.value and "\n" not in error.value
    # The page stays: the default equations are drawn, and the caption says so.
    assert "trajectories" in [t.get("name") for t in figure(at)["data"]]
    assert "last equations that worked: dx/dt = y; dy/dt = -sin(x) - c*y" in texts(at)


def test_an_enormous_equation_in_a_link_falls_back_with_a_note():
    at = open_page(URL, dx="x+" * 200 + "x", dy="-x")
    assert_clean(at)
    assert "was ignored" in texts(at) and at.text_input(key="phase.dx").value == "y"


def test_bad_link_values_fall_back_with_notes():
    at = open_page(URL, h="-5", seeds="zzz", starts="1,2,3")
    assert_clean(at)
    text = texts(at)
    assert (
        "`h=-5` was ignored" in text
        and "`seeds=zzz` was ignored" in text
        and "`starts=1,2,3` was ignored" in text
    )


def test_a_blow_up_stops_those_rows_with_a_message():
    at = open_page(URL, dx="x**2", dy="-y")
    assert_clean(at)
    assert "left the window far behind" in texts(at) and "followed no further" in texts(at)
    assert at.get("plotly_chart")


@pytest.mark.parametrize("dx", ["1/0", "log(0)*0", "sqrt(-1-x**2)"])
def test_a_field_finite_nowhere_says_so_in_one_line(dx):
    at = open_page(URL, dx=dx, dy="y")
    assert_clean(at)
    (error,) = at.error
    assert "not finite anywhere in this window" in error.value and "\n" not in error.value
    # The page keeps working: its controls still rerun it, and a sound field clears the message.
    at.text_input(key="phase.dx").set_value("y").run()
    assert_clean(at)
    assert not at.error and at.get("plotly_chart")


def test_a_field_finite_somewhere_draws_without_that_message():
    at = open_page(URL, dx="1/x", dy="y")
    assert_clean(at)
    assert "not finite anywhere" not in texts(at)
    assert at.get("plotly_chart")


def test_too_many_steps_is_refused_with_one_line():
    at = open_page(URL, h="0.001", t1="100")
    assert_clean(at)
    assert "exceed the cap" in at.error[0].value


def test_clicked_starts_ride_in_the_link_and_can_be_cleared():
    at = open_page(URL, system="harmonic", starts="1,0;0,1.5")
    assert_clean(at)
    assert "2 of yours (both ways)" in texts(at)
    assert "your starts" in trace_names(at) and "yours, backward" in trace_names(at)
    at.button(key="phase.clear").click().run()
    assert_clean(at)
    assert "of yours" not in texts(at) and "starts" not in at.query_params


def test_a_typed_three_dimensional_system_with_its_parameters():
    at = open_page(
        URL,
        dx="s*(y - x)",
        dy="x*(r - z) - y",
        dz="x*y - b*z",
        p_s="10",
        p_r="28",
        p_b="2.6",
        view="fixed-points",
    )
    assert_clean(at)
    assert [s.label for s in at.number_input][:3] == ["s", "r", "b"]  # typed parameters take typed values
    assert list(at.dataframe[0].value["type"]) == ["saddle"]  # only the origin lies in the default window
    assert at.selectbox(key="phase.proj").value == "xz"


def test_a_time_dependent_field_has_no_fixed_points_to_classify():
    at = open_page(URL, dx="y", dy="-x + cos(t)", view="fixed-points")
    assert_clean(at)
    assert "changes with t" in texts(at)


def test_a_typo_keeps_the_last_good_picture_and_every_control():
    at = open_page(URL, system="custom", dx="y", dy="-x")
    assert_clean(at)
    before = figure(at)["data"]
    at.text_input(key="phase.dy").set_value("-x +").run()
    assert_clean(at)
    (error,) = at.error
    assert "dy/dt" in error.value and "\n" not in error.value
    assert "last equations that worked: dx/dt = y; dy/dt = -x." in texts(at)
    assert [t.get("name") for t in figure(at)["data"]] == [t.get("name") for t in before]
    headers = [h.value for h in at.sidebar.header]
    assert "Trajectories" in headers and "Picture" in headers
    assert len(at.tabs) == 5 and at.text_input(key="phase.dy").value == "-x +"
    at.text_input(key="phase.dy").set_value("-2*x").run()
    assert_clean(at) and not at.error
    assert "last equations that worked" not in texts(at)


def test_a_pole_draws_no_nullcline():
    at = open_page(URL, system="custom", dx="y", dy="1/x")
    assert_clean(at)
    traces = {t.get("name"): t for t in figure(at)["data"]}
    assert "y-nullcline (dy/dt = 0)" not in traces  # 1/x changes sign at x = 0 but never vanishes
    xs = [v for v in traces["x-nullcline (dx/dt = 0)"]["y"] if v is not None]
    assert xs and max(abs(v) for v in xs) < 1e-9  # dx/dt = y vanishes along y = 0


FORCED = {"system": "custom", "dx": "y", "dy": "-x + 0.5*cos(t)"}


def _field_at(at) -> tuple[list, list]:
    """The streamlines' x (the unnamed line traces) and the y-nullcline's x of the page's phase plane."""
    traces = figure(at)["data"]
    drawn = [t for t in traces if not t.get("name") and t.get("mode") == "lines"]
    null = next(t for t in traces if t.get("name") == "y-nullcline (dy/dt = 0)")
    return [_points(t["x"]) for t in drawn], _points(null["x"])


def _points(values: list) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]


def test_a_forced_field_says_which_t_its_field_is_drawn_at():
    at = open_page(URL, **FORCED)
    assert_clean(at)
    assert "f changes with t: the field and nullclines are drawn as at t = 0 " in texts(at)
    assert at.slider(key="phase.t").value == 0.0 and "t" not in at.query_params
    at = open_page(URL, system="custom", dx="y", dy="-x")
    assert "f changes with t" not in texts(at)
    assert not [s for s in at.slider if s.key == "phase.t"]


def test_the_field_of_a_forced_system_is_redrawn_at_the_chosen_t():
    at = open_page(URL, **FORCED)
    at0 = _field_at(at)
    at.slider(key="phase.t").set_value(3.0).run()
    assert_clean(at)
    assert at.query_params["t"] == "3"
    assert "drawn as at t = 3 " in texts(at)
    lines, null = _field_at(at)
    assert lines != at0[0]
    # dy/dt = 0 on x = 0.5 cos(t): at t = 0 the nullcline is the line x = 0.5, at t = 3 x = 0.5 cos 3.
    assert max(abs(v - 0.5) for v in at0[1]) < 1e-6
    assert max(abs(v - 0.5 * math.cos(3.0)) for v in null) < 1e-6
    again = open_page(URL, **FORCED, t="3")  # the link reproduces it
    assert again.slider(key="phase.t").value == 3.0 and _field_at(again)[1] == null


@pytest.mark.parametrize("raw", ["abc", "-1", "1e9"])
def test_a_bad_field_time_in_a_link_falls_back_to_0_with_a_note(raw):
    at = open_page(URL, **FORCED, t=raw)
    assert_clean(at)
    assert f"`t={raw}` was ignored" in texts(at) and at.slider(key="phase.t").value == 0.0
    assert "drawn as at t = 0 " in texts(at)


def test_a_field_time_beyond_a_shorter_time_span_is_pulled_back():
    at = open_page(URL, **FORCED, t="8")
    at.number_input(key="phase.custom.t1").set_value(5.0).run()
    assert_clean(at)
    assert at.slider(key="phase.t").value == 5.0 and "drawn as at t = 5 " in texts(at)


def test_a_typed_parameter_takes_a_typed_value():
    at = open_page(URL, system="custom", dx="y", dy="-k*x")
    assert_clean(at)
    box = at.number_input(key="phase.custom.p_k")
    box.set_value(7.25).run()
    assert_clean(at)
    assert at.query_params["p_k"] == "7.25"
    at = open_page(URL, system="custom", dx="y", dy="-k*x", p_k="123.5")  # beyond the old ±30
    assert at.number_input(key="phase.custom.p_k").value == 123.5 and "was ignored" not in texts(at)


def test_tour_step_7_fixed_points_table_is_narrow_enough_for_presenter_mode():
    """Tour step 7 at 1024x768 in presenter mode: the table has 3/5 of the width, so the trace and
    determinant are named short and a conjugate pair of eigenvalues is written once."""
    at = open_page(URL, system="custom", dy="-sin(x)-0.3*y", view="fixed-points", tour="7", present="1")
    assert_clean(at)
    table = at.dataframe[0].value
    assert list(table.columns) == ["point", "type", "eigenvalues", "trace τ", "det Δ"]
    assert list(table["eigenvalues"]) == ["-0.15 ± 0.9887i"]


def test_tour_step_6_s_plane_ends_above_a_projector_s_fold_with_its_legend_beside_it():
    """From 282 px down a 1280x720 projector the 620 px plane ran to 902 px, its x axis and legend unseen."""
    at = open_page(URL, tour="6", present="1")
    assert_clean(at)
    (chart,) = [c for c in at.get("plotly_chart") if c.key.startswith("phase.plane")]
    layout = plotly_figure(at, key=chart.key)["layout"]
    assert 282 + layout["height"] <= 720
    assert layout["legend"]["orientation"] == "v" and layout["legend"]["x"] > 1
    normal = open_page(URL, tour="6")
    (chart,) = [c for c in normal.get("plotly_chart") if c.key.startswith("phase.plane")]
    assert plotly_figure(normal, key=chart.key)["layout"]["height"] == 620  # a laptop's plane, as it was


def test_on_a_projector_clear_shows_only_once_there_are_trajectories_to_clear():
    keys = lambda at: [b.key for b in at.button]  # noqa: E731
    assert "phase.clear" not in keys(open_page(URL, tour="6", present="1"))
    assert "phase.clear" in keys(open_page(URL, tour="6", present="1", starts="1,0.5"))
    assert "phase.clear" in keys(open_page(URL, tour="6"))  # a laptop keeps it, greyed, where it will be


def test_tour_step_8_s_lorenz_scene_ends_above_a_projector_s_fold():
    """Tour step 8 in presenter mode, its chart 261 px down the page: the 640 px figure's floor tick labels at
    the front corner, and its legend, fell under a 720 px fold. The page sends one that ends above it, the
    floor seen from the y side (its front edge level, not a corner at the box's foot)."""
    at = open_page(URL, system="lorenz", view="3-d", tour="8", present="1")
    assert_clean(at)
    layout = plotly_figure(at, key="phase.3d")["layout"]
    assert 261 + layout["height"] <= 720
    margin = layout["margin"]
    assert layout["height"] - margin["t"] - margin["b"] >= 0.8 * layout["height"]
    eye = layout["scene"]["camera"]["eye"]
    assert abs(eye["y"]) > 2 * abs(eye["x"])
    names = [t.get("name") for t in plotly_figure(at, key="phase.3d")["data"]]
    assert "trajectories" in names and "saddle" in names
