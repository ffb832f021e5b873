"""The shipped image checkpoints: they load, meet the accuracy targets on the seeded test split, and the
trained ODE-Net's forward NFE falls as its test-time tolerance loosens."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.images.checkpoints import LoadedImageModel, load_image_checkpoint
from models.images.classifiers import KINDS, count_parameters
from models.images.data import make_digits
from models.images.measure import accuracy, tolerance_sweep

DIR = Path(__file__).resolve().parents[2] / "checkpoints" / "images"


@pytest.fixture(scope="module")
def shipped() -> dict[str, LoadedImageModel]:
    return {kind: load_image_checkpoint(DIR / f"{kind}.pt") for kind in KINDS}


@pytest.fixture(scope="module")
def test_split():
    return make_digits().test


def test_checkpoints_are_small() -> None:
    assert all((DIR / f"{kind}.pt").stat().st_size < 700_000 for kind in KINDS)


def test_ode_net_meets_the_accuracy_targets(shipped, test_split) -> None:
    x, y = test_split
    scores = {kind: accuracy(loaded.model, x, y) for kind, loaded in shipped.items()}
    assert scores["odenet"] >= 0.98
    assert scores["odenet"] >= scores["resnet"] - 0.01
    assert count_parameters(shipped["odenet"].model) <= count_parameters(shipped["resnet"].model) / 2
    assert all(
        abs(scores[k] - shipped[k].meta["test_accuracy"]) < 1e-6 for k in KINDS
    )  # the split is the same


def test_tolerance_sweep_nfe_falls_as_the_tolerance_loosens(shipped, test_split) -> None:
    x, y = test_split
    # The trained softplus field is smooth: dopri5's floor of two steps (14 NFE) is reached by 1e-3.
    points = tolerance_sweep(shipped["odenet"].model, x, y, (1e-6, 1e-4, 1e-2))
    nfes = [p.nfe for p in points]
    assert nfes[0] > nfes[1] > nfes[2]
    assert points[1].accuracy >= 0.98
