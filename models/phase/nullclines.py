"""Nullclines of a planar field: the curves where one component of f vanishes, traced by marching squares
on a sampled grid. A sign change is a zero only where f stays finite and small between the two samples; a
pole (1/x across x = 0) changes sign too, through a non-finite or huge value, and is not a nullcline."""

from __future__ import annotations

import numpy as np

from models.phase.portrait import Field, Window, sample_field


def nullcline_lines(f: Field, window: Window, n: int = 121, t: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Both nullclines of f(t, ·) on an n × n grid over the window: `(lines of f₀ = 0, lines of f₁ = 0)`,
    each `(points, 2)`, one segment per grid cell crossed, segments separated by a row of NaN.

    f is sampled on the grid refined by its midpoints, which tell a zero from a pole."""
    fine = sample_field(f, window, 2 * n - 1, t)
    return _zero_lines(fine.xs, fine.ys, fine.u), _zero_lines(fine.xs, fine.ys, fine.v)


def _crossings(a: np.ndarray, b: np.ndarray, mid: np.ndarray) -> np.ndarray:
    """Where the values change sign from a to b through a zero: the fraction of the way (NaN where not).

    Through a zero, the midpoint is no larger than both samples, and its sign agrees with where the
    interpolated zero lies (b's sign when it lies in the first half) or it is near zero. Through a pole
    (c / (x - p)) the midpoint is not finite, or larger than both samples (a pole near the middle), or the
    interpolated zero lies on the wrong side of it while it is at least as large as the nearer sample."""
    finite = np.isfinite(a) & np.isfinite(b) & np.isfinite(mid)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        where = a / (a - b)
        agrees = ((where <= 0.5) & ((mid > 0) == (b > 0))) | ((where >= 0.5) & ((mid > 0) == (a > 0)))
        small = np.abs(mid) <= 0.25 * np.minimum(np.abs(a), np.abs(b))
        between = np.abs(mid) <= np.maximum(np.abs(a), np.abs(b))
        zero = finite & ((a > 0) != (b > 0)) & between & (agrees | small)
        return np.where(zero, where, np.nan)


def _zero_lines(xs: np.ndarray, ys: np.ndarray, fine: np.ndarray) -> np.ndarray:
    """Marching squares over the coarse grid `fine[::2, ::2]` (rows: y, columns: x), midpoints from the
    odd rows and columns. Returns the segments as `(points, 2)` with NaN rows between them."""
    z, x, y = fine[::2, ::2], xs[::2], ys[::2]
    across = _crossings(z[:, :-1], z[:, 1:], fine[::2, 1::2])  # (ny, nx - 1): along x
    up = _crossings(z[:-1, :], z[1:, :], fine[1::2, ::2])  # (ny - 1, nx): along y
    gx, gy = np.meshgrid(x, y)
    h_points = np.stack((gx[:, :-1] + across * np.diff(x)[None, :], gy[:, :-1]), axis=-1)
    v_points = np.stack((gx[:-1, :], gy[:-1, :] + up * np.diff(y)[:, None]), axis=-1)
    # Each cell's edges in order bottom, right, top, left: (ny - 1, nx - 1, 4, 2).
    edges = np.stack((h_points[:-1], v_points[:, 1:], h_points[1:], v_points[:, :-1]), axis=2)
    cut = np.isfinite(edges).all(axis=-1)
    count = cut.sum(axis=-1)
    pairs = []
    two = count == 2
    if two.any():
        order = np.argsort(~cut[two], axis=-1, kind="stable")[:, :2]
        pairs.append(np.take_along_axis(edges[two], order[..., None], axis=1))
    four = count == 4
    if four.any():
        # A saddle cell: the centre's sign says which corners the zero line cuts off.
        centre = fine[1::2, 1::2][four]
        joined = (centre > 0) == (z[:-1, :-1][four] > 0)
        e = edges[four]
        first = np.where(joined[:, None, None], e[:, [0, 1]], e[:, [0, 3]])
        second = np.where(joined[:, None, None], e[:, [2, 3]], e[:, [2, 1]])
        pairs += [first, second]
    if not pairs:
        return np.zeros((0, 2))
    segments = np.concatenate(pairs)  # (S, 2, 2)
    gaps = np.full((len(segments), 1, 2), np.nan)
    return np.concatenate((segments, gaps), axis=1).reshape(-1, 2)
