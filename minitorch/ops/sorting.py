"""Sorting and order statistics: sort, argsort, topk, kthvalue, median, mode, msort.

All of them start from one *stable* sort order along a dimension (``order``): NaN counts as
larger than every number (as in PyTorch), and equal elements keep their original order. The
values are then a :func:`~minitorch.ops.gather.gather` of the input at those indices, so the
gradient flows back to exactly the element each value came from.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Optional

from minitorch import dtypes
from minitorch.backend import array_module
from minitorch.ops.extrema import share_value
from minitorch.ops.gather import Gather
from minitorch.sizes import normalize_dim, numpy_names
from minitorch.tensor import Tensor

ValuesIndices = namedtuple("ValuesIndices", ["values", "indices"])


def order(x: Any, axis: int, descending: bool = False) -> Any:
    """Indices that sort ``x`` along ``axis``, stably; NaN sorts as the largest value."""
    xp = array_module(x)
    if x.dtype.kind == "b":
        x = x.astype(xp.int8)
    if not descending:
        return xp.argsort(x, axis=axis, kind="stable")  # NumPy puts NaN last already
    key = -x if x.dtype.kind in "fi" else xp.iinfo(x.dtype).max - x  # unsigned: flip without overflow
    indices = xp.argsort(key, axis=axis, kind="stable")  # NaN still last ...
    if x.dtype.kind == "f":  # ... but the largest comes first in a descending sort: move NaN to the front
        is_number = ~xp.isnan(xp.take_along_axis(x, indices, axis))
        indices = xp.take_along_axis(indices, xp.argsort(is_number, axis=axis, kind="stable"), axis)
    return indices


def _picked(input: Tensor, axis: int, indices: Any, keepdim: bool = True) -> ValuesIndices:
    """The values at ``indices`` along ``axis`` (differentiable) with the indices as int64."""
    values = Gather.apply(input, axis, indices)
    if not keepdim:
        values, indices = values.squeeze(axis), indices.squeeze(axis)
    return ValuesIndices(values, Tensor._wrap(indices.astype(dtypes.int64, copy=False)))


def _axis(input: Tensor, dim: int) -> int:
    return normalize_dim(dim, input.ndim) if input.ndim else 0


def _as_1d(input: Tensor) -> Tensor:
    return input.reshape(1) if input.ndim == 0 else input


def _restore(result: ValuesIndices, input: Tensor) -> ValuesIndices:
    if input.ndim == 0:
        return ValuesIndices(result.values.reshape(()), result.indices.reshape(()))
    return result


@numpy_names
def sort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False) -> ValuesIndices:
    """``(values, indices)`` sorted along ``dim``; always stable (ties keep their order)."""
    axis, flat = _axis(input, dim), _as_1d(input)
    return _restore(_picked(flat, axis, order(flat._data, axis, descending)), input)


@numpy_names
def argsort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim`` (stable)."""
    return sort(input, dim, descending).indices


def msort(input: Tensor) -> Tensor:
    return sort(input, 0).values


@numpy_names
def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> ValuesIndices:
    """The ``k`` largest (``largest=False``: smallest) elements along ``dim`` and their indices."""
    axis, flat = _axis(input, dim), _as_1d(input)
    size = flat.shape[axis]
    if not 0 <= k <= size:
        raise RuntimeError(f"topk(): selected index k out of range: k = {k}, but dimension {axis} has size {size}")
    indices = order(flat._data, axis, descending=largest)
    indices = indices[(slice(None),) * axis + (slice(0, k),)]
    return _restore(_picked(flat, axis, indices), input)


@numpy_names
def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> ValuesIndices:
    """The ``k``-th smallest element along ``dim`` (k counts from 1) and its index."""
    axis, flat = _axis(input, dim), _as_1d(input)
    size = flat.shape[axis]
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {axis}: k = {k}, size {size}")
    return _restore(_nth(flat, axis, k - 1, keepdim), input)


def _nth(input: Tensor, axis: int, position: int, keepdim: bool) -> ValuesIndices:
    indices = order(input._data, axis)[(slice(None),) * axis + (slice(position, position + 1),)]
    return _picked(input, axis, indices, keepdim)


@numpy_names
def median(input: Tensor, dim: Optional[int] = None, keepdim: bool = False) -> Any:
    """The lower median (the ⌊(n-1)/2⌋-th smallest, not the mean of the middle two); NaN where
    there is a NaN. With ``dim``, ``(values, indices)``; without, the median of all elements."""
    return _median(input, dim, keepdim, skip_nan=False)


@numpy_names
def nanmedian(input: Tensor, dim: Optional[int] = None, keepdim: bool = False) -> Any:
    """The lower median of the non-NaN elements (NaN only where all of them are NaN)."""
    return _median(input, dim, keepdim, skip_nan=True)


def _median(input: Tensor, dim: Optional[int], keepdim: bool, skip_nan: bool) -> Any:
    if dim is None:
        if input.numel() == 0:
            return Tensor._wrap(array_module(input._data).full((), float("nan"), dtype=input.dtype))
        value = _median(input.reshape(-1), 0, False, skip_nan).values  # its gradient: shared among equal elements
        return share_value(input, value._data)
    axis, flat = _axis(input, dim), _as_1d(input)
    n = flat.shape[axis]
    if n == 0:
        raise IndexError(f"median(): Expected reduction dim {axis} to have non-zero size.")
    xp = array_module(flat._data)
    sorted_indices = order(flat._data, axis)  # NaNs last
    numbers = (flat._data == flat._data).sum(axis=axis, keepdims=True)  # the non-NaN elements (NaN ≠ NaN)
    if skip_nan:
        position = xp.maximum(numbers - 1, 0) // 2
    else:  # any NaN: the first NaN, which sorts right after the numbers
        position = xp.where(numbers < n, numbers, (n - 1) // 2)
    indices = xp.take_along_axis(sorted_indices, position, axis)
    return _restore(_picked(flat, axis, indices, keepdim), input)


@numpy_names
def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> ValuesIndices:
    """The most frequent value along ``dim`` (the smallest among equally frequent ones) and the
    index of its last occurrence, as PyTorch."""
    axis, flat = _axis(input, dim), _as_1d(input)
    xp = array_module(flat._data)
    data = xp.moveaxis(flat._data, axis, -1)
    if data.shape[-1] == 0:
        raise IndexError(f"mode(): Expected reduction dim {axis} to have non-zero size.")
    sorter = xp.argsort(data, axis=-1, kind="stable")
    ranked = xp.take_along_axis(data, sorter, -1)
    n = ranked.shape[-1]
    starts = xp.concatenate([xp.ones(ranked.shape[:-1] + (1,), bool), ranked[..., 1:] != ranked[..., :-1]], -1)
    run_start = xp.maximum.accumulate(xp.where(starts, xp.arange(n), 0), axis=-1)  # where each run of equals begins
    run_length = xp.arange(n) - run_start + 1  # so far; at a run's last element, the whole run
    best = xp.argmax(run_length, axis=-1)[..., None]  # the longest run's end; the first such: smallest value
    index = xp.take_along_axis(sorter, best, -1)  # stable: the run's end is the value's last occurrence
    index = xp.moveaxis(index, -1, axis)
    return _restore(_picked(flat, axis, index, keepdim), input)
