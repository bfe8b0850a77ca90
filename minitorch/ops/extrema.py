"""Extreme values over dimensions: amax, amin, aminmax.

Unlike ``max(dim)``, which returns an index and sends the whole gradient to it, ``amax`` returns
only values and *shares* the gradient evenly among all elements equal to the maximum (ties
included): ``amax([1, 3, 3])`` gives each 3 half the gradient. ``median()`` of a whole tensor
shares its gradient the same way (:class:`ShareAmongEqual`). NaN propagates: the max of a
slice containing NaN is NaN.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Optional

import numpy as np

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.pointwise import in_dtype_of
from minitorch.ops.reduce import expand_back
from minitorch.sizes import Dims, normalize_dims, numpy_names
from minitorch.tensor import Tensor

MinMax = namedtuple("MinMax", ["min", "max"])


class ShareAmongEqual(ArrayFunction):
    """Return ``value`` (computed from ``x`` over ``axes``, dims kept); the gradient goes to the
    elements of ``x`` equal to it, in equal shares."""

    @staticmethod
    def forward(ctx, x, value, axes, keepdim):
        ctx.save_for_backward(x, value)
        ctx.axes, ctx.keepdim = axes, keepdim
        if keepdim:
            return value
        return value.reshape(()) if axes is None else value.squeeze(axes)

    @staticmethod
    def backward(ctx, grad):
        """d amax(x)/dxᵢ = 1[xᵢ = max] / (number of maxima)."""
        x, value = ctx.saved_tensors
        xp = array_module(x)
        hits = (x == value) | (xp.isnan(x) & xp.isnan(value))
        count = in_dtype_of(hits.sum(axis=ctx.axes, keepdims=True), grad)
        with np.errstate(invalid="ignore", divide="ignore"):  # linear in grad: its own derivative shares alike
            return expand_back(grad, ctx.axes, ctx.keepdim, x.shape) / count * hits, None, None, None


def _extreme(input: Tensor, dim: Dims, keepdim: bool, largest: bool, name: str) -> Tensor:
    axes = normalize_dims(dim, input.ndim)
    _check_extent(input, axes, name)
    data = input._data
    value = data.max(axis=axes, keepdims=True) if largest else data.min(axis=axes, keepdims=True)
    return ShareAmongEqual.apply(input, value, axes, keepdim)


def _check_extent(input: Tensor, axes: Optional[tuple], name: str) -> None:
    """No maximum over zero elements (PyTorch's errors)."""
    if axes is None and input.numel() == 0:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
            "Specify the reduction dim with the 'dim' argument."
        )
    for axis in axes or ():
        if input.shape[axis] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")


@numpy_names
def amax(input: Tensor, dim: Dims = (), keepdim: bool = False) -> Tensor:
    """The maximum over ``dim`` (all dims by default); ties share the gradient evenly."""
    return _extreme(input, dim, keepdim, True, "amax")


@numpy_names
def amin(input: Tensor, dim: Dims = (), keepdim: bool = False) -> Tensor:
    """The minimum over ``dim`` (all dims by default); ties share the gradient evenly."""
    return _extreme(input, dim, keepdim, False, "amin")


@numpy_names
def aminmax(input: Tensor, *, dim: Optional[int] = None, keepdim: bool = False) -> MinMax:
    """``(min, max)`` over ``dim`` (or all elements) in one call."""
    if input.numel() == 0 and (dim is None or input.shape[dim] == 0 or input.ndim == 0):
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.")
    return MinMax(amin(input, dim if dim is not None else (), keepdim), amax(input, dim if dim is not None else (), keepdim))


def share_value(input: Tensor, value: Any) -> Tensor:
    """A value of ``input`` as a 0-d result whose gradient is shared by the elements equal to it
    (``median()`` of a whole tensor)."""
    return ShareAmongEqual.apply(input, value.reshape((1,) * input.ndim), None, False)
