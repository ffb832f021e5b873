"""Values known on a warped grid (a structured mesh whose vertices a flow has moved) resampled onto a
regular grid, by linear interpolation inside each of the mesh's triangles.

The flow is a diffeomorphism, so the warped triangles do not overlap: each pixel lies in at most one.
"""

from __future__ import annotations

import torch
from torch import Tensor


def mesh_triangles(n: int) -> Tensor:
    """The two triangles of every cell of an n x n row-major grid: (2 (n-1)², 3) vertex indices."""
    i, j = torch.meshgrid(torch.arange(n - 1), torch.arange(n - 1), indexing="ij")
    a = (i * n + j).reshape(-1)
    b, c, d = a + 1, a + n, a + n + 1
    return torch.cat([torch.stack([a, b, c], 1), torch.stack([d, c, b], 1)])


def rasterize(vertices: Tensor, values: Tensor, triangles: Tensor, axis: Tensor, fill: float) -> Tensor:
    """`values` at warped `vertices` interpolated onto the regular grid `axis` x `axis`.

    Args:
        vertices: (m, 2) positions; values: (m,); triangles: (k, 3) indices; axis: (n,) evenly spaced.
        fill: the value of pixels no triangle covers.

    Returns:
        (n, n) image, rows along y.
    """
    n = axis.shape[0]
    step = float(axis[1] - axis[0])
    px = (vertices - float(axis[0])) / step  # vertex positions in pixel units
    tri = px[triangles]  # (k, 3, 2)
    low = tri.amin(1).ceil().clamp(0, n - 1).long()
    high = tri.amax(1).floor().clamp(-1, n - 1).long()
    size = (high - low + 1).clamp(min=0)
    count = size[:, 0] * size[:, 1]
    owner = torch.repeat_interleave(torch.arange(tri.shape[0]), count)
    start = torch.cumsum(count, 0) - count
    rank = torch.arange(owner.shape[0]) - start[owner]
    width = size[owner, 0]
    col, row = low[owner, 0] + rank % width, low[owner, 1] + rank // width
    corners = tri[owner]
    p = torch.stack([col, row], 1).to(px)
    v0, v1, v2 = corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0], p - corners[:, 0]
    det = v0[:, 0] * v1[:, 1] - v0[:, 1] * v1[:, 0]
    safe = torch.where(det.abs() > 1e-12, det, torch.ones_like(det))
    l1 = (v2[:, 0] * v1[:, 1] - v2[:, 1] * v1[:, 0]) / safe
    l2 = (v0[:, 0] * v2[:, 1] - v0[:, 1] * v2[:, 0]) / safe
    l0 = 1 - l1 - l2
    inside = (l0 >= -1e-6) & (l1 >= -1e-6) & (l2 >= -1e-6) & (det.abs() > 1e-12)
    vals = values[triangles[owner]]
    interp = l0 * vals[:, 0] + l1 * vals[:, 1] + l2 * vals[:, 2]
    image = torch.full((n * n,), fill, dtype=values.dtype)
    image[(row * n + col)[inside]] = interp[inside]
    return image.reshape(n, n)
