"""Cached models and results for the ODE-Nets on images page.

The four shipped classifiers come from `st.cache_resource` (shared, read-only, in eval mode); everything else
is plain numpy from bounded `st.cache_data`, computed under `torch.inference_mode()`, which the page turns
into figures once through `kit.figures.figure_spec`. A missing or broken checkpoint comes back as a one-line
`CheckpointError` instead of models.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import plotly.graph_objects as go
import streamlit as st
import torch
from torch import Tensor

from components.image_figures import feature_maps_figure, probabilities_figure
from models.failure import Failure
from models.images.analysis import confusion_matrix, flow, predict
from models.images.checkpoints import LoadedImageModel, load_image_checkpoint
from models.images.classifiers import KINDS
from models.images.data import make_digits
from models.images.measure import SweepPoint, TableRow, table_row, tolerance_sweep
from models.nn.checkpoints import CheckpointError
from models.ode.solve import SolveError

#: Tests point the page at other checkpoints (missing, corrupt) through this variable.
DIR_VARIABLE = "IMAGES_CHECKPOINT_DIR"
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "checkpoints" / "images"
FLOW_TIMES = 21
TTL = 3600
T = TypeVar("T")


def checkpoint_dir() -> str:
    return os.environ.get(DIR_VARIABLE) or str(DEFAULT_DIR)


@st.cache_resource(max_entries=4, ttl=24 * TTL, show_spinner=False)
def load_models(directory: str) -> dict[str, LoadedImageModel] | CheckpointError:
    """The four checkpoints of `directory`, or why they cannot be used."""
    try:
        return {kind: load_image_checkpoint(Path(directory) / f"{kind}.pt") for kind in KINDS}
    except CheckpointError as err:
        return err.detached()


def models() -> dict[str, LoadedImageModel] | CheckpointError:
    return load_models(checkpoint_dir())


@st.cache_data(max_entries=1, ttl=TTL, show_spinner=False)
def test_images() -> tuple[np.ndarray, np.ndarray]:
    """The seeded test split: images (n, 8, 8) in [0, 1] and labels (n,)."""
    x, y = make_digits().test
    return x[:, 0].numpy(), y.numpy()


def _test_tensors() -> tuple[Tensor, Tensor]:
    x, y = test_images()
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)


def _on_test_split(
    directory: str, compute: Callable[[dict[str, LoadedImageModel], Tensor, Tensor], T]
) -> T | Failure:
    """`compute(models, x, y)` on the shipped models and the test split, or why it could not run (a missing
    checkpoint, a solve out of budget)."""
    loaded = load_models(directory)
    if isinstance(loaded, Failure):
        return loaded
    x, y = _test_tensors()
    try:
        return compute(loaded, x, y)
    except SolveError as err:
        return err.detached()


@st.cache_data(max_entries=4, ttl=TTL, show_spinner=False)
def table(directory: str) -> list[TableRow] | Failure:
    """Our Table 1: every shipped model measured on the test split."""
    return _on_test_split(
        directory,
        lambda loaded, x, y: [
            table_row(k, m.model, float(m.meta["train_s"]), x, y) for k, m in loaded.items()
        ],
    )


@st.cache_data(max_entries=4, ttl=TTL, show_spinner=False)
def sweep(directory: str) -> list[SweepPoint] | Failure:
    """The shipped ODE-Net's accuracy and NFE on the test split against its test-time tolerance."""
    return _on_test_split(directory, lambda loaded, x, y: list(tolerance_sweep(loaded["odenet"].model, x, y)))


@dataclass(frozen=True)
class Mistakes:
    """A model's test predictions: predicted (n,), confidence (n,), the confusion counts (10, 10)."""

    predicted: np.ndarray
    confidence: np.ndarray
    confusion: np.ndarray


@st.cache_data(max_entries=8, ttl=TTL, show_spinner=False)
def mistakes(directory: str, kind: str) -> Mistakes | Failure:
    """`kind`'s predictions on the test split."""
    probs = _on_test_split(directory, lambda loaded, x, _: predict(loaded[kind].model, x))
    if isinstance(probs, Failure):
        return probs
    y = _test_tensors()[1]
    predicted = probs.argmax(dim=1)
    confusion = confusion_matrix(predicted, y)
    return Mistakes(predicted.numpy(), probs.max(dim=1).values.numpy(), confusion.numpy())


@st.cache_resource(max_entries=1, ttl=24 * TTL, show_spinner=False)
def digit_splits():
    """The seeded train/val/test split live training uses (read-only tensors, shared)."""
    return make_digits()


#: Test digits whose Flow read-outs stay cached, per model.
FLOW_DIGITS = 32
#: Short probability titles: "ResNet: class probabilities block by block" ran past its chart's right edge in
#: presenter mode's type, in half of a 1024 px page (30 characters fit there).
_DEPTH_AXIS = {
    "odenet": ("ODE-Net", "t", "probabilities along t", "time t"),
    "resnet": ("ResNet", "block", "probabilities by block", "block"),
}
#: Feature maps the Flow tab shows of the 32.
FLOW_CHANNELS = 8


@dataclass(frozen=True)
class FlowView:
    """What one model's two Flow figures of one test digit are made of: the positional arguments of
    `feature_maps_figure` (opening on the last frame) and of `probabilities_figure`."""

    maps: tuple
    probs: tuple


@st.cache_data(max_entries=2 * FLOW_DIGITS, ttl=TTL, show_spinner=False)
def flow_view(directory: str, kind: str, index: int) -> FlowView | Failure:
    """Test digit `index` through the ODE-Net's times or the ResNet's blocks: its feature maps and the head's
    class probabilities along depth (plain arrays; the page builds the figures once through figure_spec)."""
    read = _on_test_split(directory, lambda loaded, x, _: flow(loaded[kind].model, x[index], FLOW_TIMES))
    if isinstance(read, Failure):
        return read
    name, axis, probs_title, probs_axis = _DEPTH_AXIS[kind]
    depth, maps, probs = read.depth.numpy(), read.maps.numpy(), read.probs.numpy()
    truth = int(test_images()[1][index])
    return FlowView(
        maps=(depth, maps, name, axis, FLOW_CHANNELS, len(depth) - 1),
        probs=(depth, probs, f"{name}: {probs_title}", probs_axis, truth),
    )


def flow_figures(directory: str, index: int) -> tuple[go.Figure, ...] | Failure:
    """The Flow tab's four figures for test digit `index`, as plain figures (the home page's thumbnail): the
    ODE-Net's and the ResNet's feature maps through depth, then their class probabilities along it."""
    ode, res = (flow_view(directory, kind, index) for kind in ("odenet", "resnet"))
    for view in (ode, res):
        if isinstance(view, Failure):
            return view
    return (
        feature_maps_figure(*ode.maps),
        feature_maps_figure(*res.maps),
        probabilities_figure(*ode.probs),
        probabilities_figure(*res.probs),
    )


@dataclass(frozen=True)
class MistakesView:
    """The Mistakes tab for one model: how many test digits it gets wrong, the first few of them (images
    (k, 8, 8), each titled true → predicted (its probability)) and the confusion counts (10, 10)."""

    n_wrong: int
    images: np.ndarray
    titles: tuple[str, ...]
    confusion: np.ndarray


@st.cache_data(max_entries=8, ttl=TTL, show_spinner=False)
def mistakes_view(directory: str, kind: str, shown: int) -> MistakesView | Failure:
    """`kind`'s mistakes on the test split, the first `shown` of them with their titles."""
    found = mistakes(directory, kind)
    if isinstance(found, Failure):
        return found
    images, labels = test_images()
    wrong = np.flatnonzero(found.predicted != labels)
    first = wrong[:shown]
    titles = tuple(f"{labels[i]} → {found.predicted[i]} ({found.confidence[i]:.0%})" for i in first)
    return MistakesView(len(wrong), images[first], titles, found.confusion)
