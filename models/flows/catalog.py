"""The shipped flows: what scripts/train_flows.py trains into checkpoints/flows/ and the page loads, each a
model config, its data and its training config, under one file stem.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from models.flows.cnf import CNFConfig
from models.flows.planar import PlanarConfig
from models.flows.targets import TARGETS, Target
from models.flows.training import FlowData
from models.nn.training import TrainConfig

#: The shipped CNF: 146 parameters, fewer than the planar flow with K = 32 (160).
CNF_SHIPPED = CNFConfig(hidden=24, layers=1, rtol=1e-3, atol=1e-4)
#: The regularised two-moons flow (Finlay et al. 2020's kinetic energy and Jacobian norm).
CNF_REGULARISED = dataclasses.replace(CNF_SHIPPED, kinetic=0.01, jacobian=0.01)
CNF_TRAIN = TrainConfig(steps=300, lr=2e-2, batch_size=128, seed=0, eval_every=0)
#: The other targets' flows only illustrate: fewer steps keep the script within a few minutes.
CNF_TRAIN_SHORT = dataclasses.replace(CNF_TRAIN, steps=200)
PLANAR_TRAIN = TrainConfig(steps=600, lr=1e-2, batch_size=256, seed=0, eval_every=0)
#: The planar flows shipped for two moons (the paper's Fig. 6 uses K = 2, 8, 32).
PLANAR_LAYERS: tuple[int, ...] = (2, 8, 32)


@dataclass(frozen=True)
class ShippedFlow:
    """One shipped flow: checkpoints/flows/<stem>.pt."""

    stem: str
    model: CNFConfig | PlanarConfig
    data: FlowData
    train: TrainConfig


def cnf_stem(target: Target, regularised: bool = False) -> str:
    return f"cnf_{target}_regularised" if regularised else f"cnf_{target}"


def planar_stem(layers: int) -> str:
    return f"planar_moons_k{layers}"


SHIPPED: tuple[ShippedFlow, ...] = (
    *(
        ShippedFlow(cnf_stem(t), CNF_SHIPPED, FlowData(t), CNF_TRAIN if t == "moons" else CNF_TRAIN_SHORT)
        for t in TARGETS
    ),
    ShippedFlow(cnf_stem("moons", regularised=True), CNF_REGULARISED, FlowData("moons"), CNF_TRAIN),
    *(
        ShippedFlow(
            planar_stem(k), PlanarConfig(k), FlowData("moons"), PLANAR_TRAIN if k == 32 else CNF_TRAIN_SHORT
        )
        for k in PLANAR_LAYERS
    ),
)
