"""Safe compiler from typed maths such as ``"-sin(x) - b*y"`` to batched torch closures.

The text is vetted by :mod:`models.systems.parser`; Python never evaluates any of it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import torch

from models.systems.parser import (
    BINARY_FUNCTIONS,
    CONSTANTS,
    DEFAULT_LIMITS,
    FUNCTIONS,
    MAX_NAME_LENGTH,
    UNARY_FUNCTIONS,
    ExpressionError,
    ExpressionLimits,
    check_names,
    column,
    parse,
    shorten,
)

__all__ = [
    "CONSTANTS",
    "DEFAULT_LIMITS",
    "FUNCTIONS",
    "Expression",
    "ExpressionError",
    "ExpressionLimits",
    "compile_expression",
    "compile_vector_field",
    "find_parameters",
]

_Eval = Callable[[Mapping[str, torch.Tensor]], torch.Tensor]
#: A compiled sub-expression: a folded constant (0-d float64 tensor) or a closure over the inputs.
_Code = torch.Tensor | _Eval
_OPERATORS: dict[type[ast.operator], Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    ast.Add: torch.add,
    ast.Sub: torch.sub,
    ast.Mult: torch.mul,
    ast.Div: torch.div,
}
_NO_PARAMS: Mapping[str, float] = MappingProxyType({})


@dataclass(frozen=True)
class Expression:
    """A compiled expression; call it with a value for every name in `names`.

    Tensors broadcast elementwise; plain numbers are taken as 0-d float64 tensors, which do not change
    the dtype of the tensors they meet. The result is a float tensor of the broadcast shape (0-d when
    no tensor with dimensions is involved). Evaluation never raises on bad numbers: 1/0 gives inf and
    log(-1) gives nan, as in torch.
    """

    text: str
    names: frozenset[str]
    _evaluate: _Eval = field(repr=False, compare=False)

    def __call__(self, env: Mapping[str, torch.Tensor | float]) -> torch.Tensor:
        missing = self.names.difference(env)
        if missing:
            raise ExpressionError(f"no value given for {', '.join(sorted(missing))}")
        out = self._evaluate({name: _as_tensor(env[name]) for name in self.names})
        return out if out.is_floating_point() else out.to(torch.get_default_dtype())


def compile_expression(
    text: str,
    variables: Sequence[str],
    parameters: Sequence[str] = (),
    limits: ExpressionLimits = DEFAULT_LIMITS,
) -> Expression:
    """Vet `text` against the whitelist and compile it to a closure of torch operations.

    Allowed: int and float literals (|value| <= max_literal), the names in `variables` and `parameters`,
    `pi`, `e`, unary + and -, binary + - * /, `base ** number` where the exponent is a literal, at most
    once negated, with |exponent| <= max_exponent (so `x**y`, `2**x` and `x**(1+1)` are refused), and
    calls with positional arguments of the functions in FUNCTIONS. Sub-expressions without names are
    computed once here.

    Raises:
        ExpressionError: anything else, with a one-line message.
    """
    declared = (*variables, *parameters)
    check_names(declared)
    tree, shift, names = parse(text, limits)
    try:
        code = _build(tree, frozenset(declared), shift)
    except RecursionError:
        raise ExpressionError("expression nested too deeply") from None
    used = frozenset(node.id for node in names) & frozenset(declared)
    if isinstance(code, torch.Tensor):
        constant = code
        return Expression(text, used, lambda env: constant.clone())
    return Expression(text, used, code)


def compile_vector_field(
    rhs: Sequence[str],
    variables: Sequence[str] = ("x", "y"),
    parameters: Sequence[str] = (),
    limits: ExpressionLimits = DEFAULT_LIMITS,
) -> Callable[[torch.Tensor, torch.Tensor, Mapping[str, float]], torch.Tensor]:
    """Compile one right-hand side per variable into f(t, y, params) = dy/dt.

    `t` is always an allowed name. The returned f takes t: 0-d tensor (or float), y: (batch, dim) and
    params: a value for each name in `parameters` (extra keys are ignored), and returns (batch, dim) in
    y's dtype and device; constant right-hand sides broadcast over the batch.

    Raises:
        ExpressionError: naming the failing equation, e.g. "dy/dt: unknown name 'q' at column 5".
    """
    variables, parameters = tuple(variables), tuple(parameters)
    if "t" in variables or "t" in parameters:
        raise ExpressionError("'t' is reserved for time")
    if len(rhs) != len(variables):
        raise ExpressionError(f"{len(variables)} variables need {len(variables)} equations, got {len(rhs)}")
    allowed = (*variables, "t")
    expressions = []
    for name, text in zip(variables, rhs, strict=True):
        try:
            expressions.append(compile_expression(text, allowed, parameters, limits))
        except ExpressionError as err:
            raise ExpressionError(f"d{name}/dt: {err}") from None

    def vector_field(
        t: torch.Tensor, y: torch.Tensor, params: Mapping[str, float] = _NO_PARAMS
    ) -> torch.Tensor:
        missing = [name for name in parameters if name not in params]
        if missing:
            raise ExpressionError(f"no value given for {', '.join(missing)}")
        # Converted once per call rather than once per equation: the solver calls this many times.
        env = {name: _as_tensor(params[name]) for name in parameters}
        env["t"] = _as_tensor(t)
        env.update((name, y[..., i]) for i, name in enumerate(variables))
        shape = y.shape[:-1]
        outs = [e._evaluate(env).to(y) for e in expressions]
        return torch.stack([out if out.shape == shape else out.expand(shape) for out in outs], dim=-1)

    return vector_field


def find_parameters(
    texts: Sequence[str], variables: Sequence[str], limits: ExpressionLimits = DEFAULT_LIMITS
) -> list[str]:
    """Names the expressions use that are not variables, `t`, functions or constants, in order of first
    appearance, so that a page can offer a slider for each.

    Raises:
        ExpressionError: an expression breaks a rule of compile_expression other than unknown names, or
            a name is longer than MAX_NAME_LENGTH. With one text per variable the message names the
            equation ("dy/dt: ..."), otherwise its position ("expression 2: ...").
    """
    known = {*variables, "t", *CONSTANTS}
    found: dict[str, None] = {}
    for i, text in enumerate(texts):
        label = f"d{variables[i]}/dt" if len(texts) == len(variables) else f"expression {i + 1}"
        try:
            _, shift, names = parse(text, limits)
            for node in names:
                if node.id in known or node.id in found:
                    continue
                if len(node.id) > MAX_NAME_LENGTH:
                    raise ExpressionError(
                        f"name '{shorten(node.id)}' is too long for a parameter at column "
                        f"{column(node, shift)} (at most {MAX_NAME_LENGTH} characters)"
                    )
                found[node.id] = None
        except ExpressionError as err:
            raise ExpressionError(f"{label}: {err}") from None
    return list(found)


def _as_tensor(value: torch.Tensor | float) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value
    return torch.scalar_tensor(float(value), dtype=torch.float64)


def _build(node: ast.expr, declared: frozenset[str], shift: int) -> _Code:
    """Compile a vetted tree, folding sub-expressions that involve no names."""
    if isinstance(node, ast.Constant):
        return torch.tensor(float(node.value), dtype=torch.float64)
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            return torch.tensor(CONSTANTS[node.id], dtype=torch.float64)
        if node.id not in declared:
            raise ExpressionError(f"unknown name '{shorten(node.id)}' at column {column(node, shift)}")
        name = node.id
        return lambda env: env[name]
    if isinstance(node, ast.UnaryOp):
        operand = _build(node.operand, declared, shift)
        return operand if isinstance(node.op, ast.UAdd) else _apply(torch.neg, operand)
    if isinstance(node, ast.BinOp):
        left = _build(node.left, declared, shift)
        if isinstance(node.op, ast.Pow):
            exponent = _exponent(node.right)
            return _apply(lambda base: torch.pow(base, exponent), left)
        return _apply(_OPERATORS[type(node.op)], left, _build(node.right, declared, shift))
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)  # the parser allows no other
    args = [_build(arg, declared, shift) for arg in node.args]
    return _apply(UNARY_FUNCTIONS.get(node.func.id) or BINARY_FUNCTIONS[node.func.id], *args)


def _apply(fn: Callable[..., torch.Tensor], *args: _Code) -> _Code:
    if all(isinstance(arg, torch.Tensor) for arg in args):
        return fn(*args)
    evals = [arg if callable(arg) else _constant(arg) for arg in args]
    if len(evals) == 1:
        (f,) = evals
        return lambda env: fn(f(env))
    f, g = evals
    return lambda env: fn(f(env), g(env))


def _constant(value: torch.Tensor) -> _Eval:
    return lambda env: value


def _exponent(node: ast.expr) -> float:
    """The value of a vetted exponent: a number literal, at most once negated."""
    if isinstance(node, ast.UnaryOp):
        value = _exponent(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    assert isinstance(node, ast.Constant)
    return float(node.value)
