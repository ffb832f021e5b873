"""The one failure type: every project error is a `Failure`, with a one-line message and what was computed
before, and survives the pickling that st.cache_data does."""

import pickle

import pytest
import torch

from models.failure import Failure, one_line
from models.learning.checkpoints import load_dynamics
from models.nn.checkpoints import CheckpointError
from models.ode.solve import BudgetExceeded, Diverged, InvalidSolve, SolveError, SolverConfig, solve
from models.systems.expressions import compile_vector_field
from models.systems.parser import ExpressionError


@pytest.mark.parametrize(
    "cls", [SolveError, InvalidSolve, BudgetExceeded, Diverged, ExpressionError, CheckpointError]
)
def test_every_project_error_is_a_failure(cls):
    assert issubclass(cls, Failure)


def test_the_specific_kinds_keep_their_builtin_bases():
    assert issubclass(SolveError, RuntimeError) and issubclass(ExpressionError, ValueError)


@pytest.mark.parametrize("text", ["first\nsecond", "first \r\n  second", "first\n\n\nsecond\n"])
def test_a_message_is_always_one_line(text):
    err = Failure(text)
    assert err.message == str(err) == "first second"
    assert one_line(text) == "first second"


def test_a_subclass_folds_its_message_too():
    assert str(ExpressionError("bad\nthing")) == "bad thing"


def test_a_failure_carries_what_was_computed_before():
    assert Failure("x").partial is None
    assert Failure("x", partial=[1, 2]).partial == [1, 2]


def test_a_real_blow_up_raises_a_failure_with_the_part_before():
    with pytest.raises(Failure) as info:
        solve(lambda t, y: y**2, torch.ones(1, 1), (0.0, 2.0), SolverConfig(method="rk4"))
    assert isinstance(info.value, Diverged) and "\n" not in info.value.message
    assert info.value.partial is not None and len(info.value.partial.t) > 0


def test_a_bad_expression_and_a_missing_checkpoint_are_failures(tmp_path):
    with pytest.raises(Failure, match="dx/dt"):
        compile_vector_field(("__import__('os')", "x"))
    with pytest.raises(Failure, match="not found"):
        load_dynamics(tmp_path / "missing.pt")


def test_a_failure_pickles_with_its_kind_message_and_partial():
    back = pickle.loads(pickle.dumps(Diverged("blew up", partial={"t": [0.0, 1.0]})))
    assert type(back) is Diverged and back.message == "blew up" and back.partial == {"t": [0.0, 1.0]}


def test_detached_drops_the_traceback_and_the_chain():
    try:
        try:
            raise KeyError("inner")
        except KeyError as inner:
            raise CheckpointError("outer") from inner
    except CheckpointError as err:
        kept = err.detached()
    assert kept.__traceback__ is None and kept.__cause__ is None and kept.__context__ is None


def test_a_foreign_exception_becomes_its_first_line_or_its_type():
    assert Failure.of(RuntimeError("size mismatch\nlong details")).message == "size mismatch"
    assert Failure.of(AssertionError()).message == "AssertionError"
    same = Failure("mine")
    assert Failure.of(same) is same
