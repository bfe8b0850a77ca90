"""Indexing: ``x[index]`` (``x[index] = value`` is an in-place op: see ``inplace.py``).

Reading with slices and ints (basic indexing) gives a view; its backward writes the gradient
into the selected positions of a zero tensor. Integer arrays and boolean masks (advanced
indexing) may pick an element several times, so their backward *adds* the gradients up.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module, scatter_add
from minitorch.ops.shape import share_version
from minitorch.tensor import Tensor


def to_array_index(index: Any) -> Any:
    """Tensors inside an index become their arrays; lists become integer/bool arrays."""
    if isinstance(index, tuple):
        return tuple(to_array_index(part) for part in index)
    if isinstance(index, Tensor):
        if index.dtype.kind not in "biu":
            raise IndexError(f"tensors used as indices must be long, int or bool tensors, got {index.dtype}")
        return index._data
    if isinstance(index, list):
        return np.asarray(index)
    if isinstance(index, np.integer):  # a plain int: a view, not a (device) index array and a copy
        return int(index)
    return index


def is_basic(index: Any) -> bool:
    """True for ints, slices, None and Ellipsis only: such an index selects each element once."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(part, (int, slice)) or part is None or part is Ellipsis for part in parts)


def on_device_of(index: Any, xp: Any) -> Any:
    if isinstance(index, tuple):
        return tuple(on_device_of(part, xp) for part in index)
    if hasattr(index, "shape") and array_module(index) is not xp:
        return xp.asarray(index)
    return index


class GetItem(ArrayFunction):
    @staticmethod
    def forward(ctx, x, index):
        ctx.shape, ctx.index = x.shape, owned(index)
        return x[as_view_index(index)]

    @staticmethod
    def backward(ctx, grad):
        """d x[i]/dx: the gradient lands at the selected positions, summed where selected twice."""
        return GetItemBackward.call(grad, ctx.shape, ctx.index), None


class GetItemBackward(ArrayFunction):
    """GetItem's backward as an op of its own: ``grad`` placed at ``index`` in zeros of ``shape``."""

    @staticmethod
    def forward(ctx, grad, shape, index):
        ctx.index = index
        full = array_module(grad).zeros(shape, dtype=grad.dtype)
        if is_basic(index) or _is_single_mask(index):
            full[index] = grad
        else:
            scatter_add(full, index, grad)
        return full

    @staticmethod
    def backward(ctx, grad):
        """Placing is linear in ``grad``: its derivative reads the same positions back, ``grad[index]``."""
        return GetItem.call(grad, ctx.index), None, None


def as_view_index(index: Any) -> Any:
    """``index`` with a trailing ``...``: NumPy's ``x[0]`` of a 1-D array is a scalar *copy*,
    ``x[0, ...]`` a 0-d *view*, which is what PyTorch's ``x[0]`` is (``x[0].add_(1)`` changes ``x``)."""
    parts = index if isinstance(index, tuple) else (index,)
    if any(part is Ellipsis for part in parts):
        return index
    return parts + (Ellipsis,)


def owned(index: Any) -> Any:
    """``index`` with its arrays copied: backward needs the index as it was, even if the index
    tensor is changed in place after the op ran."""
    if isinstance(index, tuple):
        return tuple(owned(part) for part in index)
    return index.copy() if hasattr(index, "shape") else index


def _is_single_mask(index: Any) -> bool:
    return getattr(index, "dtype", None) is not None and index.dtype.kind == "b"


def getitem(input: Tensor, index: Any) -> Tensor:
    array_index = on_device_of(to_array_index(index), array_module(input._data))
    try:
        out = GetItem.apply(input, array_index)
    except IndexError as error:
        raise IndexError(f"{error} (indexing a tensor of shape {list(input.shape)})") from None
    return share_version(out, input) if is_basic(array_index) else out
