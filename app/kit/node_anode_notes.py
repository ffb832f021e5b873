"""The notes of the NODE vs ANODE lab: why a flow keeps topology, why NODE must cheat on circles and the 1-D
flip, what the extra dimension buys, what NFE costs, and what the penalties saved."""

HOMEOMORPHISM = (
    "**A flow keeps topology.** The map from z(0) to z(t₁) of an ODE is a homeomorphism: continuous and "
    "invertible. Two paths can never cross, since where they met they would share their whole future and "
    "past. So a Neural ODE may bend and stretch the plane but never tear it or pass points through each other."
)
CIRCLES = (
    "**Why NODE must cheat on circles.** The inner disc is enclosed by the ring; no homeomorphism of the "
    "plane takes it outside, so no NODE whose logits are its state can separate the two whole regions. With "
    "finitely many training points it squeezes the inner class through gaps between the points of the ring "
    "instead, stretching space hard: a fast, twisted flow, thin wrong regions, and more evaluations of f."
)
FLIP = (
    "**g(x) = −x needs paths to cross.** On a line an ODE flow keeps the order of points, so no NODE maps 1 "
    "to −1 and −1 to 1: it settles for the best order-keeping map. The ResNet's three Euler steps of size 1 "
    "jump over each other; the ANODE goes around in the (z, a) plane."
)
#: What the extra dimension lets each data set do, as the shipped ANODEs' 3-D views show it.
_LIFTS = {
    "circles": "lets the inner disc be pulled out of the plane along a (and the ring the other way), after "
    "which a plane separates the classes",
    "moons": "lets the two interleaved moons move apart along a, one up and one down, after which a plane "
    "separates them",
    "flip1d": "lets the points go around each other in the (z, a) plane instead of through each other",
    "own": "lets a class move up or down along a, out of the way of the other, so that a plane may "
    "separate what no untorn bending of the plane could",
}
OWN_POINTS = (
    "**Your own points.** Click the plane to add a point of the class chosen beside it; place at least "
    "two of each class, then press Train (or Step, one optimiser step at a time). With so few points there "
    "is nothing held out: the accuracy is on your points. Try a ring of A around a few B (the circles' "
    "trap), or points that only an extra dimension can untangle."
)


def extra_note(dataset: str) -> str:
    """What the extra dimension buys, in the words of the data set shown."""
    return (
        "**What the extra dimension buys.** ANODE starts on the plane a = 0 of (z, a) and may leave it: one "
        f"more dimension {_LIFTS[dataset]}. The flow stays simple, so it is cheaper to solve."
    )


def nfe_note(nfes: dict[str, str], solver_words: str) -> str:
    """What NFE costs, with the forward NFE measured for each model (label -> count)."""
    parts = ", ".join(f"{label} **{nfe}**" for label, nfe in nfes.items())
    return (
        "**What NFE costs.** Every evaluation of f is one pass through the MLP; an adaptive solver spends more "
        "where the flow is fast or twisted. Forward NFE is the price of a prediction, backward NFE the price of "
        "the adjoint solve during training (0 when backpropagating through the solver, which stores its steps "
        f"instead). Measured now for the test set with {solver_words}: {parts}."
    )


def nfe_change(plain: float, tamed: float) -> str:
    """Plain against regularised forward NFE in words: "38 → 26 evaluations of f (1.5× fewer)"."""
    ratio = plain / max(tamed, 1.0)
    change = (
        f"{ratio:.2g}× fewer"
        if ratio >= 1.05
        else f"{1 / ratio:.2g}× more"
        if ratio <= 1 / 1.05
        else "about as many"
    )
    return f"{plain:.0f} → {tamed:.0f} evaluations of f ({change})"
