"""The MLP vector field f(t, z) shared by Neural ODEs, ANODEs and ResNet blocks, with an NFE counter.

Parameters are initialised from an explicit `torch.Generator`, never from the global RNG.
"""

from __future__ import annotations

import math
from typing import Literal

import torch
from torch import Tensor, nn

Activation = Literal["tanh", "relu", "elu", "softplus"]
ACTIVATIONS: tuple[Activation, ...] = ("tanh", "relu", "elu", "softplus")
_ACTIVATION_MODULES: dict[str, type[nn.Module]] = {
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "elu": nn.ELU,
    "softplus": nn.Softplus,
}


def seeded_linear(in_features: int, out_features: int, generator: torch.Generator) -> nn.Linear:
    """A `nn.Linear` with PyTorch's default initialisation, drawn from `generator`.

    PyTorch's default (kaiming-uniform with a = sqrt(5)) is U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for
    both weight and bias; `skip_init` keeps construction from touching the global RNG.
    """
    layer = nn.utils.skip_init(nn.Linear, in_features, out_features)
    bound = 1.0 / math.sqrt(in_features)
    with torch.no_grad():
        layer.weight.uniform_(-bound, bound, generator=generator)
        layer.bias.uniform_(-bound, bound, generator=generator)
    return layer


class ODEFunc(nn.Module):
    """MLP vector field dz/dt = f(t, z), counting its evaluations in `nfe`.

    Layout: Linear(dim [+1 if time-dependent], hidden) - act - [Linear(hidden, hidden) - act] x
    (layers - 1) - Linear(hidden, dim). With dim = 2, hidden = 64, layers = 1 and tanh it has 322
    parameters (the tutorial's half-moons model).

    Attributes:
        nfe: evaluations since the last `reset_nfe()` (the model's own count, read by the trainer; the
            one solve bounds the evaluations of each solve).
    """

    def __init__(
        self,
        dim: int,
        hidden: int,
        generator: torch.Generator,
        time_dependent: bool = False,
        activation: Activation = "tanh",
        layers: int = 1,
    ) -> None:
        super().__init__()
        if activation not in _ACTIVATION_MODULES:
            raise ValueError(f"unknown activation {activation!r}; expected one of {ACTIVATIONS}")
        if dim < 1 or hidden < 1 or layers < 1:
            raise ValueError(f"dim, hidden and layers must be >= 1, got {dim}, {hidden}, {layers}")
        self.dim = dim
        self.time_dependent = time_dependent
        widths = [dim + int(time_dependent)] + [hidden] * layers
        blocks: list[nn.Module] = []
        for w_in, w_out in zip(widths[:-1], widths[1:], strict=True):
            blocks += [seeded_linear(w_in, w_out, generator), _ACTIVATION_MODULES[activation]()]
        blocks.append(seeded_linear(hidden, dim, generator))
        self.net = nn.Sequential(*blocks)
        self.nfe = 0

    def forward(self, t: Tensor, z: Tensor) -> Tensor:
        """Evaluate f.

        Args:
            t: scalar time.
            z: (batch, dim) state.

        Returns:
            (batch, dim) time derivative.
        """
        self.nfe += 1
        if self.time_dependent:
            z = torch.cat([z, t.to(z).expand(z.shape[0], 1)], dim=1)
        return self.net(z)

    def reset_nfe(self) -> None:
        """Set the evaluation counter back to zero."""
        self.nfe = 0


def count_nfe(module: nn.Module) -> int:
    """Total evaluations of every NFE-counting submodule (anything with an integer `nfe`)."""
    return sum(m.nfe for m in module.modules() if isinstance(getattr(m, "nfe", None), int))


def reset_nfe(module: nn.Module) -> None:
    """Reset every NFE-counting submodule of `module`."""
    for m in module.modules():
        if isinstance(getattr(m, "nfe", None), int):
            m.nfe = 0


class NFEMetric:
    """An `nn.training.Metric`: evaluations of f in each step's forward pass (`nfe_forward`) and backward pass
    (`nfe_backward`: the adjoint solve; 0 when backpropagating through the solver, which re-evaluates nothing).
    """

    def __init__(self) -> None:
        self.forward = 0

    def begin(self, model: nn.Module) -> None:
        reset_nfe(model)

    def forward_done(self, model: nn.Module) -> None:
        self.forward = count_nfe(model)

    def end(self, model: nn.Module, step: int, last: bool) -> dict[str, float]:
        return {"nfe_forward": float(self.forward), "nfe_backward": float(count_nfe(model) - self.forward)}
