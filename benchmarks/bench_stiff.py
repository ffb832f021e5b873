"""Stiff presets on this machine: the implicit methods' time and NFE on each (target: at most 2 s), the
explicit ones stopped by the page's budget with a one-line message, and, as a reference measured in the
same run, dopri5 and LSODA on the non-stiff Van der Pol (mu = 1).

Run from the repository root: python -m benchmarks.bench_stiff
"""

from __future__ import annotations

from benchmarks.common import best_of, setup, verdict
from models.ode.solve import Budget, SolveError, SolverConfig, Tolerances, solve
from models.systems.spec import Problem, SystemSpec

TARGET_S = 2.0
#: The Solver lab's PAGE_BUDGET (app.cached.solver), restated: benchmarks import no streamlit.
PAGE = Budget(max_nfe=100_000, deadline_s=1.5)
TOL = Tolerances(1e-6, 1e-6)


def run(problem: Problem, method: str) -> tuple[str, float | None]:
    """One line of figures for `method` on `problem`, and its best time (None when the budget stopped it)."""
    cfg = SolverConfig(method=method, step=TOL, budget=PAGE)
    try:
        seconds, result = best_of(
            lambda: solve(problem.field(), problem.initial()[None], problem.span, cfg), 3
        )
    except SolveError as err:
        assert "\n" not in err.message
        return f"{method:>7}: {type(err).__name__}: {err.message}", None
    line = f"{method:>7}: {seconds:6.3f} s, {result.nfe:6,} NFE, {len(result.step_times):5,} accepted steps"
    return line, seconds


def main() -> None:
    setup()
    reference = Problem(SystemSpec("van_der_pol"))  # mu = 1, t in [0, 20]
    print("reference, Van der Pol mu = 1 (not stiff):")
    for m in ("dopri5", "lsoda"):
        print("  " + run(reference, m)[0])
    worst = 0.0
    for key in ("van_der_pol_stiff", "robertson", "stiff_linear"):
        problem = Problem(SystemSpec(key))
        print(f"{key}, t1 = {problem.span[1]:g}:")
        for m in ("lsoda", "bdf", "bosh3", "dopri5"):
            line, seconds = run(problem, m)
            print("  " + line)
            if m == "lsoda":
                worst = max(worst, float("inf") if seconds is None else seconds)
    print(
        f"LSODA's slowest stiff preset: {worst:.3f} s (target <= {TARGET_S:g} s): {verdict(worst <= TARGET_S)}"
    )


if __name__ == "__main__":
    main()
