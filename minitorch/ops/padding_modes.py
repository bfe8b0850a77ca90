"""``F.pad`` modes 'reflect', 'replicate' and 'circular': padding that copies the image's own pixels.

Along one axis of length n, padded position p (from −before to n + after − 1) reads input pixel::

    reflect    mirror at the edge pixels (not repeating them):  −1 → 1, n → n − 2
    replicate  the nearest edge pixel:                           −1 → 0, n → n − 1
    circular   wrap around:                                      −1 → n − 1, n → 0

Each is a selection matrix S (one 1 per row) applied along the axis, so padding the last two
dims is ``S_h · X · S_wᵀ``, the :class:`~minitorch.ops.resample.Resample` op; its backward,
``S_hᵀ · dY · S_w``, adds the gradients of copies back into the pixel they were copied from.
"""
from __future__ import annotations

from typing import Any, Sequence

from minitorch.backend import array_module
from minitorch.ops.layout import is_batch_innermost
from minitorch.ops.padding import pad as constant_pad
from minitorch.ops.padding import pad_pairs
from minitorch.ops.resample import Resample
from minitorch.tensor import Tensor

MODES = ("constant", "reflect", "replicate", "circular")


def source_index(xp: Any, size: int, before: int, after: int, mode: str) -> Any:
    """For each padded position along an axis of ``size``, the input position it copies."""
    p = xp.arange(-before, size + after)
    if mode == "replicate":
        return xp.clip(p, 0, size - 1)
    if mode == "circular":
        return p % size
    period = 2 * (size - 1)  # reflect
    q = xp.abs(p) % period if period else xp.zeros_like(p)
    return xp.where(q < size, q, period - q)


def _selection(xp: Any, size: int, before: int, after: int, mode: str, dtype: Any) -> Any:
    return (xp.arange(size) == source_index(xp, size, before, after, mode)[:, None]).astype(dtype)


def _check(input: Tensor, pairs: list, mode: str, padded_dims: int) -> None:
    for axis in range(input.ndim - padded_dims, input.ndim):
        before, after = pairs[axis]
        size = input.shape[axis]
        if before < 0 or after < 0:
            raise NotImplementedError(f"pad: minitorch crops (negative padding) only in mode 'constant', "
                                      f"got {pairs[axis]} in mode {mode!r}")
        if mode == "reflect" and (before >= size or after >= size):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({before}, {after}) at dimension {axis} of input "
                               f"{list(input.shape)}")
        if mode == "circular" and (before > size or after > size):
            raise RuntimeError(f"Padding value causes wrapping around more than once: padding ({before}, {after}) "
                               f"at dimension {axis} of input {list(input.shape)}")
        if mode == "replicate" and size == 0:
            raise RuntimeError(f"padding of an empty dimension {axis} of input {list(input.shape)} in mode "
                               f"'replicate'")


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: Any = None) -> Tensor:
    """``F.pad``: (before, after) amounts from the last dim backwards; ``mode`` 'constant' (with
    ``value``; negative amounts crop), or 'reflect', 'replicate', 'circular' for the last 1 or 2 dims."""
    if mode not in MODES:
        raise NotImplementedError(f"pad: unknown padding mode {mode!r}; expected one of {MODES}")
    if mode == "constant":
        return constant_pad(input, pad, value=value)
    if value is not None and value != 0:
        raise ValueError(f"Padding mode \"{mode}\" doesn't take in value argument.")
    padded_dims = len(pad) // 2
    if len(pad) % 2 or padded_dims not in (1, 2):
        raise NotImplementedError(f"pad: minitorch pads 1 or 2 trailing dims in mode {mode!r}, got pad={list(pad)}")
    if input.ndim not in (padded_dims + 1, padded_dims + 2):
        raise NotImplementedError(f"Only {padded_dims + 1}D or {padded_dims + 2}D input of size "
                                  f"{list(input.shape)} can be padded by {len(pad)} values in mode {mode!r}")
    pairs = pad_pairs(pad, input.ndim)
    _check(input, pairs, mode, padded_dims)
    xp, dtype = array_module(input._data), input.dtype
    columns = _selection(xp, input.shape[-1], *pairs[-1], mode, dtype)
    rows = _selection(xp, input.shape[-2], *pairs[-2], mode, dtype) if padded_dims == 2 else None
    return Resample.apply(input, rows, columns, is_batch_innermost(input._data))
