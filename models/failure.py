"""The project's one failure type: a solve, a training run, a parsed expression or a checkpoint that
cannot finish raises a `Failure` (or a subclass) with a one-line message and what was computed before.
"""

from __future__ import annotations

import re

_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def one_line(text: str) -> str:
    """`text` with its line breaks (and the blanks around them) folded into single spaces."""
    return _BREAKS.sub(" ", text).strip()


class Failure(Exception):
    """Work that could not finish: `message` says why in one line (line breaks are folded, so a page can
    always show it as one), `partial` holds what was computed before it stopped, or None.

    A cached computation cannot cache a raise, so it returns the failure instead, `detached()` first.
    """

    def __init__(self, message: str, partial: object = None) -> None:
        self.message = one_line(str(message))
        self.partial = partial
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple:
        # Exception pickles `args` only, which would lose `partial` (st.cache_data pickles what it keeps).
        return (type(self), (self.message, self.partial))

    @classmethod
    def of(cls, err: BaseException) -> Failure:
        """A foreign exception as a failure: its first line (at most 200 characters), or its type's name."""
        if isinstance(err, Failure):
            return err
        text = str(err).strip()
        return cls(text.splitlines()[0][:200] if text else type(err).__name__)

    def detached(self) -> Failure:
        """This failure without its traceback and chained exceptions: a value a cache can keep without
        pinning the frames (and tensors) of the computation that failed."""
        self.__traceback__ = self.__cause__ = self.__context__ = None
        return self
