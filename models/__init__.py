"""Pure torch + torchdiffeq + numpy: systems, solvers, datasets, models and training. No Streamlit.

Grouped by topic in subpackages (ode, systems, phase, nn, node_anode, learning, latent). The few names
most callers need are offered here, the way torchdiffeq offers `odeint`; they load on first use, so that
importing a light module such as `models.systems.parser` does not import torch.
"""

from __future__ import annotations

import importlib
from typing import Any

_PUBLIC = {
    "solve": "models.ode.solve",
    "SolverConfig": "models.ode.solve",
    "FixedStep": "models.ode.solve",
    "Tolerances": "models.ode.solve",
    "Budget": "models.ode.solve",
    "SolveResult": "models.ode.solve",
    "SolveError": "models.ode.solve",
    "Failure": "models.failure",
    "METHODS": "models.ode.solve",
    "fit": "models.nn.training",
    "TrainConfig": "models.nn.training",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'models' has no attribute {name!r}")
    return getattr(importlib.import_module(_PUBLIC[name]), name)
