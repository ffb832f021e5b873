"""kit/cache_keys.py: one digest per distinct content, whatever objects hold it; anything it cannot write
exactly is handed back for Streamlit to hash."""

from __future__ import annotations

import enum
import importlib
from dataclasses import dataclass

import numpy as np
import pytest

from components.style import Curve
from kit.cache_keys import cache_key, digest


@dataclass(frozen=True)
class _Other:
    key: str
    label: str
    t: np.ndarray
    y: np.ndarray


class _Colour(enum.Enum):
    RED = 1
    BLUE = 2


def _curve(y: np.ndarray, **kwargs) -> Curve:
    return Curve("rk4", "RK4", np.linspace(0.0, 1.0, len(y)), y, **kwargs)


def test_equal_contents_in_other_objects_give_one_key():
    y = np.random.default_rng(0).normal(size=(40, 2))
    key = cache_key((_curve(y), ("x", "y"), 0.5))
    assert isinstance(key, bytes) and len(key) == 32
    assert cache_key((_curve(y.copy()), ("x", "y"), 0.5)) == key
    assert cache_key(y[::2]) == cache_key(y[::2].copy())  # a strided view is keyed by its values


def test_any_change_of_value_dtype_shape_field_or_type_changes_the_key():
    y = np.random.default_rng(0).normal(size=(40, 2))
    nudged = y.copy()
    nudged[17, 1] += 1e-12
    variants = [
        _curve(y),
        _curve(nudged),
        _curve(y.astype(np.float32)),
        Curve("rk4", "RK4", np.linspace(0.0, 1.0, 40), y.reshape(80)),  # the same bytes, another shape
        _curve(y, dash="dash"),
        _curve(y, width=2.0),
        _Other("rk4", "RK4", np.linspace(0.0, 1.0, 40), y),  # the same fields, another type
        [_curve(y)],  # a list is not its element
        (1, 2),
        [1, 2],
        (1.0, 2),
        ("1", 2),
        {"a": 1},
        {"a": 1.0},
        _Colour.RED,
        _Colour.BLUE,
        1 + 2j,
        np.float32(0.5),
        np.float64(0.5),
        None,
    ]
    keys = [cache_key(v) for v in variants]
    assert all(isinstance(k, bytes) for k in keys)
    assert len(set(keys)) == len(keys)


def test_what_it_cannot_write_exactly_is_left_to_streamlit():
    class Opaque:
        pass

    opaque = Opaque()
    assert cache_key(opaque) is opaque
    nested = (1, [opaque])
    assert cache_key(nested) is nested
    objects = np.array([opaque], dtype=object)
    assert cache_key(objects) is objects


def test_digest_refuses_what_it_cannot_write_exactly():
    with pytest.raises(TypeError):
        digest((1, object()))


@pytest.mark.parametrize("module", ["cached.solver", "cached.phase"])
def test_every_config_a_cache_is_keyed_on_has_a_digest(module):
    """The caches' `hash_funcs`: a config type whose fields `digest` could not write would make every
    call of its cache fail."""
    keys = importlib.import_module(module)._KEYS
    for kind, key_of in keys.items():
        assert key_of is digest
        assert len(digest(kind())) == 32
