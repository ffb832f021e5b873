"""What typed maths may contain: the whitelist of functions and constants, the limits, and the
checking parser that turns text into a vetted :mod:`ast` tree without ever running it."""

from __future__ import annotations

import ast
import builtins
import keyword
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple, NoReturn

import torch

from models.failure import Failure

UNARY_FUNCTIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "sin": torch.sin,
    "cos": torch.cos,
    "tan": torch.tan,
    "arcsin": torch.asin,
    "asin": torch.asin,
    "arccos": torch.acos,
    "acos": torch.acos,
    "arctan": torch.atan,
    "atan": torch.atan,
    "sinh": torch.sinh,
    "cosh": torch.cosh,
    "tanh": torch.tanh,
    "exp": torch.exp,
    "log": torch.log,
    "log2": torch.log2,
    "log10": torch.log10,
    "sqrt": torch.sqrt,
    "abs": torch.abs,
    "sign": torch.sign,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
}
BINARY_FUNCTIONS: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "min": torch.minimum,
    "max": torch.maximum,
    "atan2": torch.atan2,
    "arctan2": torch.atan2,
    "hypot": torch.hypot,
}
#: Names of the functions an expression may call, e.g. for a help text.
FUNCTIONS: tuple[str, ...] = tuple(sorted({*UNARY_FUNCTIONS, *BINARY_FUNCTIONS}))
#: Named constants an expression may use.
CONSTANTS: Mapping[str, float] = MappingProxyType({"pi": math.pi, "e": math.e})
MAX_NAME_LENGTH = 12
# Python built-ins are refused as names so that typed Python such as `exec` or `open` never becomes a
# parameter slider, even though nothing here could run it.
_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_")) - set(FUNCTIONS)


@dataclass(frozen=True)
class ExpressionLimits:
    """Bounds that keep hostile input cheap to reject.

    `max_nodes` counts numbers, names, operators and calls; `max_depth` is how deeply they nest, where a
    flat chain such as a + b - c + d or a*b/c is one level. Limits far above the defaults can meet
    Python's recursion limit, which is then reported as an ExpressionError.
    """

    max_length: int = 300
    max_nodes: int = 200
    max_depth: int = 24
    max_exponent: float = 10.0
    max_literal: float = 1e6


DEFAULT_LIMITS = ExpressionLimits()


class ExpressionError(Failure, ValueError):
    """A one-line, human message saying what is wrong with an expression and where (1-based column).

    Still a ValueError: a typed expression is a bad value."""


class Parsed(NamedTuple):
    """A vetted expression tree; `shift` is the number of leading blanks stripped before parsing (add it
    to ast columns); `names` are the name nodes in value positions, left to right."""

    tree: ast.expr
    shift: int
    names: list[ast.Name]


def check_names(names: Sequence[str]) -> None:
    """Refuse declared variable or parameter names that are not plain, short, distinct identifiers or
    that clash with a function, a constant or a Python built-in."""
    for name in names:
        plain = isinstance(name, str) and name.isascii() and name.isidentifier()
        if not plain or keyword.iskeyword(name) or name.startswith("_") or len(name) > MAX_NAME_LENGTH:
            raise ExpressionError(
                f"name {shorten(repr(name))} must be a plain ASCII identifier of at most "
                f"{MAX_NAME_LENGTH} characters, not starting with '_'"
            )
        if name in UNARY_FUNCTIONS or name in BINARY_FUNCTIONS or name in CONSTANTS or name in _BUILTINS:
            raise ExpressionError(f"name '{name}' is reserved")
    if len(set(names)) != len(names):
        raise ExpressionError(f"names must be distinct: {', '.join(names)}")


def shorten(text: str, limit: int = 24) -> str:
    """`text` cut to `limit` characters, so that hostile input is never echoed at length."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def column(node: ast.AST, shift: int) -> int:
    """The 1-based column of `node` in the text as typed."""
    return getattr(node, "col_offset", 0) + 1 + shift


# First character that is never part of an expression: non-ASCII (look-alike letters, full-width digits),
# control characters, and characters with a better message than a syntax error.
_BAD_CHARACTER = re.compile(r"[^\t\x20-\x7e]|[\\^#]")
_STATEMENTS: dict[type[ast.stmt], str] = {
    ast.Assign: "assignment ('=')",
    ast.AugAssign: "assignment",
    ast.AnnAssign: "annotation (':')",
    ast.Import: "'import'",
    ast.ImportFrom: "'import'",
    ast.FunctionDef: "'def'",
    ast.ClassDef: "'class'",
    ast.Delete: "'del'",
    ast.For: "'for'",
    ast.While: "'while'",
    ast.If: "'if'",
    ast.With: "'with'",
    ast.Raise: "'raise'",
    ast.Try: "'try'",
    ast.Assert: "'assert'",
    ast.Global: "'global'",
    ast.Nonlocal: "'nonlocal'",
    ast.Pass: "'pass'",
}
_REFUSED: dict[type[ast.expr], str] = {
    ast.Attribute: "attribute access ('.') is not allowed",
    ast.Subscript: "indexing ('[...]') is not allowed",
    ast.Slice: "slices are not allowed",
    ast.Lambda: "'lambda' is not allowed",
    ast.IfExp: "'if ... else' is not allowed",
    ast.Compare: "comparisons are not allowed",
    ast.BoolOp: "'and' / 'or' are not allowed",
    ast.NamedExpr: "assignment (':=') is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.List: "lists ('[...]') are not allowed",
    ast.Tuple: "tuples (',') are not allowed",
    ast.Set: "sets ('{...}') are not allowed",
    ast.Dict: "dicts ('{...}') are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.FormattedValue: "f-strings are not allowed",
    ast.Starred: "'*' unpacking is not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
}
_SYMBOLS: dict[type[ast.AST], str] = {
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
    ast.Invert: "~",
    ast.Not: "not",
}


def parse(text: str, limits: ExpressionLimits) -> Parsed:
    """Check `text` against the whitelist and limits.

    Returns:
        The expression tree, the number of leading blanks stripped before parsing (to correct columns),
        and the name nodes in value positions, left to right.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"expression must be text, not {type(text).__name__}")
    # Length first, so that a megabyte of input costs nothing more.
    if len(text) > limits.max_length:
        raise ExpressionError(f"expression longer than {limits.max_length} characters")
    bad = _BAD_CHARACTER.search(text)
    if bad:
        raise ExpressionError(_character_message(bad.group(), bad.start() + 1))
    body = text.lstrip(" \t")
    if not body.strip():
        raise ExpressionError("expression is empty")
    shift = len(text) - len(body)
    try:
        module = ast.parse(body)
    except SyntaxError as err:
        raise ExpressionError(_syntax_message(err, shift)) from None
    except (RecursionError, MemoryError, ValueError, OverflowError):
        raise ExpressionError("expression too deeply nested or too large") from None
    if len(module.body) != 1:
        raise ExpressionError(
            f"only one expression is allowed, found {len(module.body)} (';' separates statements)"
        )
    statement = module.body[0]
    if not isinstance(statement, ast.Expr):
        what = _STATEMENTS.get(type(statement), f"'{type(statement).__name__.lower()}'")
        raise ExpressionError(f"{what} is not allowed at column {column(statement, shift)}")
    return _Checker(limits, body, shift).check(statement.value)


def _operands(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


def _chained(node: ast.expr, child: ast.expr) -> bool:
    """Whether `child` continues a flat chain such as a + b - c + d, which people do not read as nesting."""
    families = ((ast.Add, ast.Sub), (ast.Mult, ast.Div))
    return (
        isinstance(node, ast.BinOp)
        and isinstance(child, ast.BinOp)
        and child is node.left
        and any(isinstance(node.op, family) and isinstance(child.op, family) for family in families)
    )


@dataclass(frozen=True)
class _Checker:
    """Walks a parsed tree and raises at the first node outside the whitelist or the limits."""

    limits: ExpressionLimits
    source: str
    shift: int

    def check(self, tree: ast.expr) -> Parsed:
        names: list[ast.Name] = []
        stack: list[tuple[ast.expr, int]] = [(tree, 1)]
        count = 0
        # Iterative, so that size and depth are known before anything recurses over the tree.
        while stack:
            node, depth = stack.pop()
            count += 1
            if count > self.limits.max_nodes:
                raise ExpressionError(f"expression too long: more than {self.limits.max_nodes} parts")
            if depth > self.limits.max_depth:
                raise ExpressionError(
                    f"expression nested too deeply: more than {self.limits.max_depth} levels"
                )
            self._check_node(node)
            if isinstance(node, ast.Name):
                names.append(node)
            stack.extend((child, depth + (not _chained(node, child))) for child in reversed(_operands(node)))
        return Parsed(tree, self.shift, names)

    def _check_node(self, node: ast.expr) -> None:
        """Refuse `node` itself; its operands are checked separately."""
        if type(node) in _REFUSED:
            self._fail(_REFUSED[type(node)], node)
        elif isinstance(node, ast.Constant):
            self._check_literal(node)
        elif isinstance(node, ast.Name):
            self._check_name(node)
        elif isinstance(node, ast.UnaryOp | ast.BinOp) and type(node.op) in _SYMBOLS:
            symbol = _SYMBOLS[type(node.op)]
            self._fail(f"operator '{symbol}' is not allowed", node, "use + - * / **", symbol)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            self._check_exponent(node.right)
        elif isinstance(node, ast.Call):
            self._check_call(node)
        elif not isinstance(node, ast.UnaryOp | ast.BinOp):
            self._fail(f"'{type(node).__name__}' is not allowed", node)

    def _check_literal(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, str):
            self._fail("strings are not allowed", node)
        if isinstance(value, bytes):
            self._fail("bytes are not allowed", node)
        if isinstance(value, complex):
            self._fail("complex numbers are not allowed", node)
        if type(value) not in (int, float):
            self._fail(f"'{value!r}' is not allowed", node)
        if not abs(value) <= self.limits.max_literal:  # also catches inf, e.g. from 1e999
            self._fail(
                f"number {self._snippet(node)} is too large", node, f"at most {self.limits.max_literal:g}"
            )

    def _check_name(self, node: ast.Name) -> None:
        if node.id.startswith("_"):
            self._fail(f"name '{shorten(node.id)}' is not allowed", node, "names cannot start with '_'")
        if node.id in UNARY_FUNCTIONS or node.id in BINARY_FUNCTIONS:
            self._fail(f"'{node.id}' is a function", node, f"write {node.id}(...)")
        if node.id in _BUILTINS:
            self._fail(f"name '{node.id}' is not allowed", node, "a Python built-in")

    def _check_exponent(self, node: ast.expr) -> None:
        signed = isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd)
        literal = node.operand if signed else node
        if not (isinstance(literal, ast.Constant) and type(literal.value) in (int, float)):
            self._fail("'**' needs a number as exponent", node, "like x**2 or x**-0.5")
        if not abs(literal.value) <= self.limits.max_exponent:
            self._fail(
                f"exponent {self._snippet(node)} is too large", node, f"at most {self.limits.max_exponent:g}"
            )

    def _check_call(self, node: ast.Call) -> None:
        if not isinstance(node.func, ast.Name):
            self._fail("only named functions can be called", node, "like sin(x)")
        name = node.func.id
        if name not in UNARY_FUNCTIONS and name not in BINARY_FUNCTIONS:
            if name.startswith("_") or name in _BUILTINS:
                self._fail(
                    f"function '{shorten(name)}' is not allowed", node, f"allowed: {', '.join(FUNCTIONS)}"
                )
            name = shorten(name)
            self._fail(f"'{name}' is not a function", node, f"write {name}*(...) for a product")
        if node.keywords:
            self._fail("keyword arguments are not allowed", node.keywords[0], f"write {name}(x)")
        arity = 1 if name in UNARY_FUNCTIONS else 2
        if len(node.args) != arity:
            self._fail(f"{name}() takes {arity} argument{'s' * (arity > 1)}, got {len(node.args)}", node)

    def _fail(self, what: str, node: ast.AST, hint: str = "", symbol: str = "") -> NoReturn:
        """Raise "<what> at column <c> (<hint>)"; with `symbol`, the column is that operator's."""
        at = column(node, self.shift)
        if symbol and isinstance(node, ast.BinOp):
            found = self.source.find(symbol, node.left.end_col_offset, node.right.col_offset)
            at = found + 1 + self.shift if found >= 0 else at
        raise ExpressionError(f"{what} at column {at}" + (f" ({hint})" if hint else ""))

    def _snippet(self, node: ast.expr) -> str:
        return shorten(self.source[node.col_offset : node.end_col_offset])


def _character_message(char: str, at: int) -> str:
    if char == "^":
        return f"'^' is not allowed at column {at} (use ** for powers, like x**2)"
    if char in "\r\n":
        return f"line break at column {at} (write one expression per equation)"
    if char in "#\\":
        return f"'{char}' is not allowed at column {at}"
    kind = "non-ASCII" if ord(char) > 127 else "control"
    return f"{kind} character U+{ord(char):04X} is not allowed at column {at} (plain ASCII only)"


def _syntax_message(err: SyntaxError, shift: int) -> str:
    message = shorten((err.msg or "invalid syntax").splitlines()[0], 100)
    if message.startswith("invalid decimal literal"):
        message = "a number is directly followed by a name (write 2*x, not 2x)"
    return message if not err.offset or err.offset < 1 else f"{message} at column {err.offset + shift}"
