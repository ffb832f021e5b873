"""The one way a page shows a `Failure`: one red line with one icon, its subject first, and a note when
the part computed before it stopped is still drawn."""

from __future__ import annotations

from typing import Any, TypeGuard, TypeVar

import streamlit as st

from models.failure import Failure

ICON = ":material/block:"
DRAWN = "The part computed before is drawn."
T = TypeVar("T")


def failed(value: object) -> TypeGuard[Failure]:
    """Whether a cached computation's result is a failure (cached functions return it, never raise it)."""
    return isinstance(value, Failure)


def drawn_part(value: T | Failure) -> T | None:
    """What a page can draw of a result: the result itself, or what its failure computed before."""
    return value.partial if isinstance(value, Failure) else value


def failure_text(failure: Failure, what: str = "", *, drawn: bool | None = None) -> str:
    """`what: message.` plus the drawn note; `drawn` defaults to whether there is a partial result."""
    text = f"{what}: {failure.message}" if what else failure.message
    if failure.partial is not None if drawn is None else drawn:
        text = f"{text.rstrip('.')}. {DRAWN}"
    return text


def show_failure(failure: Failure, what: str = "", *, drawn: bool | None = None, where: Any = st) -> None:
    """Show `failure` as the one error line (in `where`, a column or container, if given)."""
    where.error(failure_text(failure, what, drawn=drawn), icon=ICON)
