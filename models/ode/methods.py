"""The one registry of solver methods: what each is, its one label, and who runs it. Every menu filters it.

Keys are ours; `torchdiffeq` is torchdiffeq's name for the same method where torchdiffeq runs it (its
"rk4" is the 3/8 rule, our "rk4_38"; our "rk4" is the classic rule written out in ode.fixed_step), and
`scipy` scipy's for the implicit methods ode.implicit steps through (no gradients, no torchdiffeq name).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MethodInfo:
    """What a method is, for menus and charts. `stages` is evaluations per step (None if adaptive).

    `source` is the implementation a span solve without gradients uses: "hand" (ode.fixed_step), "scipy"
    (ode.implicit) or "torchdiffeq". `torchdiffeq` is torchdiffeq's name for it, None where torchdiffeq
    lacks it; solves with gradients need one. `implicit` methods solve an equation per step (stable on stiff systems); a
    menu of methods that must carry gradients or run on torch alone leaves them out.
    """

    key: str
    label: str
    adaptive: bool
    order: int
    stages: int | None
    source: str
    torchdiffeq: str | None
    implicit: bool = False
    scipy: str | None = None


METHODS: dict[str, MethodInfo] = {
    m.key: m
    for m in (
        MethodInfo("euler", "Euler", False, 1, 1, "hand", "euler"),
        MethodInfo("midpoint", "Midpoint", False, 2, 2, "hand", "midpoint"),
        MethodInfo("rk4", "RK4 (classic)", False, 4, 4, "hand", None),
        MethodInfo("heun3", "Heun 3", False, 3, 3, "torchdiffeq", "heun3"),
        MethodInfo("rk4_38", "RK4 (3/8 rule, torchdiffeq)", False, 4, 4, "torchdiffeq", "rk4"),
        MethodInfo("adaptive_heun", "Adaptive Heun 2(1)", True, 2, None, "torchdiffeq", "adaptive_heun"),
        MethodInfo("fehlberg2", "Fehlberg 2(1)", True, 2, None, "torchdiffeq", "fehlberg2"),
        MethodInfo("bosh3", "Bogacki–Shampine 3(2)", True, 3, None, "torchdiffeq", "bosh3"),
        MethodInfo("dopri5", "Dormand–Prince 5(4)", True, 5, None, "torchdiffeq", "dopri5"),
        MethodInfo("dopri8", "Dormand–Prince 8(7)", True, 8, None, "torchdiffeq", "dopri8"),
        # Orders are the highest each reaches (both vary theirs); their Jacobians are finite differences
        # of f, so those evaluations count towards NFE and the budget like any other.
        MethodInfo("lsoda", "LSODA (Adams/BDF switching)", True, 5, None, "scipy", None, True, "LSODA"),
        MethodInfo("bdf", "BDF (implicit, scipy)", True, 5, None, "scipy", None, True, "BDF"),
    )
}

#: torchdiffeq's name -> the method, for configs that name methods as torchdiffeq does (model configs,
#: whose checkpoints and links say "rk4" for torchdiffeq's 3/8 rule).
BY_TORCHDIFFEQ_NAME: dict[str, MethodInfo] = {m.torchdiffeq: m for m in METHODS.values() if m.torchdiffeq}


def method_keys(keep: Callable[[MethodInfo], bool]) -> tuple[str, ...]:
    """Keys of the registered methods `keep` accepts, in registry order: how a menu filters the registry."""
    return tuple(k for k, m in METHODS.items() if keep(m))
