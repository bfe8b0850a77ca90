"""Lay a batch of images out on one picture, as ``torchvision.utils.make_grid`` and ``save_image``.

``make_grid(batch)`` puts the images of an (N, C, H, W) batch side by side, ``nrow`` to a row,
with ``padding`` pixels of ``pad_value`` around each, into one (3, H', W') tensor; ``save_image``
writes that grid to a PNG (or any format Pillow knows), so a notebook or a script can show what
a model sees.
"""
from __future__ import annotations

import math
import os
from typing import IO, Any, Sequence

import numpy as np

from minitorch.creation import from_numpy
from minitorch.tensor import Tensor


def make_grid(
    tensor: Tensor | Sequence[Tensor],
    nrow: int = 8,
    padding: int = 2,
    normalize: bool = False,
    value_range: tuple[float, float] | None = None,
    scale_each: bool = False,
    pad_value: float = 0.0,
) -> Tensor:
    """The images of ``tensor`` (N x C x H x W, or a list of C x H x W) on one grid, as torchvision.

    One-channel images are repeated to three channels. With ``normalize=True`` the values are
    clamped to ``value_range`` (default: the batch's min and max; per image with ``scale_each``)
    and shifted and scaled into [0, 1]. A single image is returned without a grid around it.
    """
    if value_range is not None and not isinstance(value_range, tuple):
        raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")
    batch = _as_batch(tensor)
    if normalize:
        batch = _normalized(batch, value_range, scale_each)
    if len(batch) == 1:
        return from_numpy(np.ascontiguousarray(batch[0]))
    count, channels, height, width = batch.shape
    columns = min(nrow, count)
    rows = math.ceil(count / columns)
    # Empty cells are whole images of pad_value; then each cell is the image with `padding`
    # pixels above and to its left, and the grid gets `padding` more on the right and bottom.
    cells = np.full((rows * columns, channels, height + padding, width + padding), pad_value, dtype=batch.dtype)
    cells[:count, :, padding:, padding:] = batch
    grid = np.full((channels, rows * (height + padding) + padding, columns * (width + padding) + padding),
                   pad_value, dtype=batch.dtype)
    tiled = cells.reshape(rows, columns, channels, height + padding, width + padding).transpose(2, 0, 3, 1, 4)
    grid[:, : rows * (height + padding), : columns * (width + padding)] = tiled.reshape(
        channels, rows * (height + padding), columns * (width + padding)
    )
    return from_numpy(grid)


def save_image(tensor: Tensor | Sequence[Tensor], fp: str | os.PathLike | IO[bytes], format: str | None = None,
               **kwargs: Any) -> None:
    """Write ``make_grid(tensor, **kwargs)`` (values in [0, 1]) to an image file with Pillow."""
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError("save_image needs Pillow: pip install pillow (or the 'vision' extra)") from error
    grid = make_grid(tensor, **kwargs).numpy()
    pixels = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8)  # round to the nearest level, as torchvision
    Image.fromarray(np.ascontiguousarray(pixels.transpose(1, 2, 0))).save(fp, format=format)


def _as_batch(tensor: Tensor | Sequence[Tensor]) -> np.ndarray:
    """An (N, C, H, W) NumPy copy, one-channel images repeated to three channels."""
    if isinstance(tensor, (list, tuple)):
        arrays = [_host_array(t) for t in tensor]
        if not arrays:
            raise ValueError("make_grid: got an empty list of images")
        array = np.stack(arrays)
    else:
        array = _host_array(tensor)
    if array.ndim == 2:
        array = array[None]
    if array.ndim == 3:
        array = array[None]
    if array.ndim != 4:
        raise ValueError(f"make_grid expects an (N, C, H, W) batch or (C, H, W) images, got shape {array.shape}")
    if array.shape[1] == 1:
        array = np.repeat(array, 3, axis=1)
    return array


def _host_array(tensor: Any) -> np.ndarray:
    if isinstance(tensor, Tensor):
        return np.array(tensor.detach().cpu().numpy())
    if isinstance(tensor, np.ndarray):
        return np.array(tensor)
    raise TypeError(f"tensor should be of type Tensor, got {type(tensor).__name__}")


def _normalized(batch: np.ndarray, value_range: tuple[float, float] | None, scale_each: bool) -> np.ndarray:
    """Clamp to (low, high) and map that range onto [0, 1]: per image or for the whole batch."""
    batch = batch.astype(np.result_type(batch.dtype, np.float32), copy=True)
    axes = (1, 2, 3) if scale_each else (0, 1, 2, 3)
    if value_range is None:
        low, high = batch.min(axis=axes, keepdims=True), batch.max(axis=axes, keepdims=True)
    else:
        low, high = np.full((1, 1, 1, 1), value_range[0]), np.full((1, 1, 1, 1), value_range[1])
    np.clip(batch, low, high, out=batch)
    batch -= low
    batch /= np.maximum(high - low, 1e-5)
    return batch
