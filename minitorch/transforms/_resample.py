"""Resampling an image on a new pixel grid: resizing (separable filters) and affine warps.

Resize
------
Each output pixel ``i`` of an axis resized from ``length`` to ``out`` input pixels has its
centre at ``c = start + (i + 0.5) * scale`` (``scale = length / out``) in input coordinates,
and is a weighted mean of the input pixels ``j`` near it, with weights
``filter((j + 0.5 - c) / stretch)`` normalised to sum to 1. The filter is the triangle
``max(0, 1 - |x|)`` (bilinear) or the cubic convolution kernel (bicubic). With ``antialias``
and a shrinking axis (``scale > 1``) the filter is stretched by ``scale``, so every input pixel
contributes: this is Pillow's resampling, which torchvision copies for tensors. Without
antialias (or when enlarging) ``stretch = 1``, which is exactly PyTorch's
``interpolate(mode="bilinear", align_corners=False)``. ``nearest`` is PyTorch's
``interpolate(mode="nearest")``: input pixel ``floor(i * scale)``.

The weights of one axis form an (out x in) matrix, so resizing a batch is two matrix
products (height, then width) and a batch of different crops is a batch of matrices.

Affine warps
------------
A rotation or an affine transform gives, for each output pixel, the point of the input it
comes from (torchvision's inverse matrix, in pixel units around the image centre); the value
there is read with ``grid_sample``'s rules (nearest: round half to even; bilinear: the four
neighbours; outside the image: ``fill``).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minitorch.transforms._layout import InterpolationMode, cast_like, working_float

CUBIC_A = {True: -0.5, False: -0.75}  # Pillow's (antialiased) and PyTorch's (plain) bicubic


def _kernel(x: np.ndarray, mode: InterpolationMode, antialias: bool) -> np.ndarray:
    x = np.abs(x)
    if mode is InterpolationMode.BILINEAR:
        return np.maximum(1.0 - x, 0.0)
    a = CUBIC_A[antialias]
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return np.where(x < 1, near, np.where(x < 2, far, 0.0))


def axis_weights(in_size: int, out_size: int, start: np.ndarray, length: np.ndarray,
                 mode: InterpolationMode, antialias: bool, dtype: np.dtype) -> np.ndarray:
    """(N, out_size, in_size) weights resampling the window [start, start + length) of each image to out_size."""
    start = np.asarray(start, dtype=np.float64).reshape(-1, 1, 1)
    length = np.asarray(length, dtype=np.float64).reshape(-1, 1, 1)
    scale = length / out_size
    out_index = np.arange(out_size, dtype=np.float64).reshape(1, -1, 1)
    in_index = np.arange(in_size, dtype=np.float64).reshape(1, 1, -1)
    if mode is InterpolationMode.NEAREST:
        scale32 = scale.astype(np.float32)  # PyTorch computes the source index in float32
        source = start + np.minimum(np.floor((out_index.astype(np.float32) * scale32)), length - 1)
        return (in_index == source).astype(dtype)
    centre = start + (out_index + 0.5) * scale
    stretch = np.maximum(scale, 1.0) if antialias else np.ones_like(scale)
    weights = _kernel((in_index + 0.5 - centre) / stretch, mode, antialias)
    weights = weights * ((in_index >= start) & (in_index < start + length))
    return (weights / weights.sum(axis=-1, keepdims=True)).astype(dtype)


def resize_batch(batch: np.ndarray, size: tuple[int, int], mode: InterpolationMode, antialias: bool,
                 boxes: np.ndarray | None = None) -> np.ndarray:
    """Resize each NHWC image (or its (top, left, height, width) box) to ``size``; two matmuls."""
    count, height, width, channels = batch.shape
    if boxes is None:
        boxes = np.array([[0, 0, height, width]])
    values = working_float(batch)
    rows = axis_weights(height, size[0], boxes[:, 0], boxes[:, 2], mode, antialias, values.dtype)
    cols = axis_weights(width, size[1], boxes[:, 1], boxes[:, 3], mode, antialias, values.dtype)
    # Width first, then height, as Pillow; an integer image is rounded to its dtype in between
    # (Pillow and PyTorch's uint8 path store the half-done image as uint8 too).
    across = values.transpose(0, 2, 1, 3).reshape(count, width, height * channels)
    wide = (cols @ across).reshape(count, size[1], height, channels).transpose(0, 2, 1, 3)  # (N, H, out_w, C)
    if batch.dtype.kind != "f":
        wide = cast_like(wide, batch.dtype).astype(values.dtype)
    out = (rows @ wide.reshape(count, height, size[1] * channels)).reshape(count, size[0], size[1], channels)
    return cast_like(out, batch.dtype)


def inverse_affine_matrix(center: tuple[float, float], angle: Any, translate: tuple[Any, Any],
                          scale: Any, shear: tuple[Any, Any]) -> np.ndarray:
    """torchvision's inverse of ``C T R S Sh C^-1``: maps output pixels back to input pixels.

    The forward map rotates by ``angle`` degrees (counter-clockwise), shears by ``shear`` degrees
    along x and y, scales by ``scale`` and translates by ``translate``, around ``center``.
    Numbers give the 6 coefficients; arrays (one value per image) give an (N, 6) array.
    """
    rot, sx, sy = np.radians(angle), np.radians(shear[0]), np.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = np.cos(rot - sy) / np.cos(sy)
    b = -np.cos(rot - sy) * np.tan(sx) / np.cos(sy) - np.sin(rot)
    c = np.sin(rot - sy) / np.cos(sy)
    d = -np.sin(rot - sy) * np.tan(sx) / np.cos(sy) + np.cos(rot)
    matrix = [d / scale, -b / scale, 0.0, -c / scale, a / scale, 0.0]  # the rotation-shear inverted (det 1)
    matrix[2] += matrix[0] * (-cx - tx) + matrix[1] * (-cy - ty)
    matrix[5] += matrix[3] * (-cx - tx) + matrix[4] * (-cy - ty)
    matrix[2] += cx
    matrix[5] += cy
    return np.stack(np.broadcast_arrays(*matrix), axis=-1).astype(np.float64)


def expanded_size(matrix: np.ndarray, width: int, height: int) -> tuple[int, int]:
    """(width, height) of the canvas that holds the whole warped image (torchvision's rule)."""
    corners = np.array([[-0.5 * width, -0.5 * height], [-0.5 * width, 0.5 * height],
                        [0.5 * width, 0.5 * height], [0.5 * width, -0.5 * height]])
    theta = np.array(matrix, dtype=np.float32).reshape(2, 3)  # as torchvision: the matrix itself, in float32
    points = corners @ theta[:, :2].T + theta[:, 2]
    shift = np.array([width * 0.5, height * 0.5], dtype=np.float32)  # to [0, w] x [0, h], as Pillow counts
    tol = 1e-4
    high = np.ceil(np.trunc((points.max(axis=0) + shift) / tol) * tol)
    low = np.floor(np.trunc((points.min(axis=0) + shift) / tol) * tol)
    size = high - low
    return int(size[0]), int(size[1])


def warp_batch(batch: np.ndarray, matrices: np.ndarray, out_size: tuple[int, int], mode: InterpolationMode,
               fill: list[float] | None) -> np.ndarray:
    """Sample each NHWC image at the input points its inverse matrix (N, 6), centred on the image, gives."""
    count, height, width, channels = batch.shape
    out_h, out_w = out_size
    # In float32 and in PyTorch's order of operations (affine_grid, then grid_sample's
    # un-normalisation), so that nearest-neighbour ties round the same way.
    m = np.asarray(matrices, dtype=np.float32).reshape(-1, 6, 1, 1)
    xs = np.linspace(-out_w * 0.5 + 0.5, out_w * 0.5 - 0.5, out_w, dtype=np.float32).reshape(1, 1, -1)
    ys = np.linspace(-out_h * 0.5 + 0.5, out_h * 0.5 - 0.5, out_h, dtype=np.float32).reshape(1, -1, 1)
    m = m / np.array([0.5 * width] * 3 + [0.5 * height] * 3, dtype=np.float32).reshape(1, 6, 1, 1)
    grid_x = xs * m[:, 0] + ys * m[:, 1] + m[:, 2]  # in [-1, 1] across the input
    grid_y = xs * m[:, 3] + ys * m[:, 4] + m[:, 5]
    px = ((grid_x + 1) * width - 1) / 2  # grid_sample(align_corners=False): back to pixel indices
    py = ((grid_y + 1) * height - 1) / 2
    values = working_float(batch)
    if fill is not None:  # sample a mask of ones along, to know which pixels came from outside
        values = np.concatenate([values, np.ones_like(values[..., :1])], axis=-1)
    image = np.arange(count).reshape(-1, 1, 1)

    def read(y: np.ndarray, x: np.ndarray) -> np.ndarray:
        inside = (y >= 0) & (y < height) & (x >= 0) & (x < width)
        picked = values[image, np.clip(y, 0, height - 1), np.clip(x, 0, width - 1)]
        return picked * inside[..., None]

    px, py = np.broadcast_to(px, (count, out_h, out_w)), np.broadcast_to(py, (count, out_h, out_w))
    if mode is InterpolationMode.NEAREST:
        out = read(np.rint(py).astype(np.intp), np.rint(px).astype(np.intp))
    else:
        x0, y0 = np.floor(px), np.floor(py)
        wx, wy = (px - x0)[..., None], (py - y0)[..., None]
        x0, y0 = x0.astype(np.intp), y0.astype(np.intp)
        out = ((1 - wy) * ((1 - wx) * read(y0, x0) + wx * read(y0, x0 + 1))
               + wy * ((1 - wx) * read(y0 + 1, x0) + wx * read(y0 + 1, x0 + 1)))
    out = out.astype(values.dtype, copy=False)
    if fill is not None:
        out, mask = out[..., :-1], out[..., -1:]
        fill_values = np.asarray(fill, dtype=out.dtype).reshape(1, 1, 1, -1)
        if mode is InterpolationMode.NEAREST:
            out = np.where(mask < 0.5, fill_values, out)
        else:
            out = out * mask + (1.0 - mask) * fill_values
    return cast_like(out, batch.dtype)
