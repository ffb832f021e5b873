"""Samplers for `nn.training.fit`: endless iterators of batches, each a tuple of tensors.

Full batch, seeded minibatches of rows, and random time windows of one evenly sampled trajectory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch
from torch import Tensor

from models.nn.training import Batch


def full_batch(tensors: Sequence[Tensor]) -> Iterator[Batch]:
    """The same whole batch at every step."""
    batch = tuple(tensors)
    while True:
        yield batch


def minibatches(tensors: Sequence[Tensor], batch_size: int, seed: int) -> Iterator[Batch]:
    """Rows of `tensors` (sharing their first dimension): a fresh seeded permutation each epoch, cut into
    batches of `batch_size` (a short last batch is dropped); the whole set when batch_size >= its size."""
    rows = tuple(tensors)
    n = int(rows[0].shape[0])
    if batch_size >= n:
        yield from full_batch(rows)
    generator = torch.Generator().manual_seed(seed)
    while True:
        perm = torch.randperm(n, generator=generator)
        for start in range(0, n - batch_size + 1, batch_size):
            idx = perm[start : start + batch_size]
            yield tuple(t[idx] for t in rows)


def draw_window(
    n: int, dt: float, span: tuple[float, float], max_points: int, count: int, generator: torch.Generator
) -> tuple[Tensor, Tensor]:
    """`count` windows of an evenly sampled series of n points (spacing dt) sharing one relative grid.

    The window length is uniform in `span`; at most `max_points` offsets are kept (always the first, 0).

    Returns:
        starts: (count,) first indices; offsets: (m,) sorted index offsets, offsets[0] = 0.
    """
    u = float(torch.rand(1, generator=generator))
    length = span[0] + (span[1] - span[0]) * u
    last = min(max(int(length / dt), 1), n - 1)  # offsets 0..last
    rest = torch.randperm(last, generator=generator)[: max_points - 1] + 1
    offsets = torch.cat([torch.zeros(1, dtype=torch.long), rest.sort().values])
    starts = torch.randint(0, n - last, (count,), generator=generator)
    return starts, offsets


def time_windows(
    t: Tensor, values: Tensor, span: tuple[float, float], max_points: int, count: int, seed: int
) -> Iterator[Batch]:
    """Random windows of one trajectory, for an autonomous system solved as one batch.

    Window k's observations `starts[k] + offsets` sit at t[starts[k]] + t[offsets] - t[0], so every window
    is solved from its first value over the same relative times.

    Args:
        t: (T,) evenly spaced times; values: (T, d) observations at those times.

    Yields:
        (t_rel (m,), target (m, count, d)): relative times from 0, and the windows' observations.
    """
    generator = torch.Generator().manual_seed(seed)
    dt = float(t[1] - t[0])
    while True:
        starts, offsets = draw_window(len(t), dt, span, max_points, count, generator)
        yield t[offsets] - t[0], values[starts[None, :] + offsets[:, None]]
