"""Running (cumulative) ops along a dimension: cumsum, cumprod, cummax, cummin.

Element ``i`` of ``cumsum(x)`` is ``x₀ + … + xᵢ``, so ``xⱼ`` reaches every output from ``j``
on: its gradient is the *reversed* running sum of the incoming gradient. ``cumprod``'s gradient
divides by ``xⱼ``, which fails at zeros; the backward below handles them exactly (see
:class:`CumProd`). ``cummax`` returns the running maximum and where it was found: the values
are a gather of the input at those indices, so the gradient goes to them.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from minitorch import dtypes
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.gather import Gather
from minitorch.sizes import normalize_dim, numpy_names
from minitorch.tensor import Tensor

ValuesIndices = namedtuple("ValuesIndices", ["values", "indices"])


def reversed_cumsum(x: Any, axis: int) -> Any:
    """``out[i] = x[i] + x[i+1] + … + x[n-1]`` along ``axis``."""
    xp = array_module(x)
    return xp.flip(xp.cumsum(xp.flip(x, axis), axis), axis)


class CumSum(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        return array_module(x).cumsum(x, axis)

    @staticmethod
    def backward(ctx, grad):
        """d(x₀ + … + xᵢ)/dxⱼ = 1[j ≤ i]: the gradient's reversed running sum."""
        return reversed_cumsum(grad, ctx.axis), None


class CumProd(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axis):
        y = array_module(x).cumprod(x, axis)
        ctx.save_for_backward(x, y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, grad):
        """d yᵢ/dxⱼ = yᵢ/xⱼ for j ≤ i; at zeros: before the first zero this formula holds, at the first
        zero it is Σᵢ gᵢ · (the product up to i without that zero), after it 0."""
        x, y = ctx.saved_tensors
        xp, axis = array_module(x), ctx.axis
        if isinstance(grad, Tensor):  # create_graph: formulas whose own derivative is cumprod's second one
            if (x == 0).any():
                return _without_each_backward(grad, x, axis), None
            return reversed_cumsum(grad * y, axis) / x, None
        zeros_so_far = xp.cumsum(x == 0, axis)
        before = zeros_so_far == 0
        first_zero = (x == 0) & (zeros_so_far == 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            plain = reversed_cumsum(grad * y, axis) / xp.where(before, x, 1)
        without_zero = xp.cumprod(xp.where(first_zero, 1, x), axis)  # the product skipping the first zero
        at_zero = reversed_cumsum(xp.where(zeros_so_far >= 1, grad * without_zero, 0), axis)
        return xp.where(before, plain, xp.where(first_zero, at_zero, 0)).astype(grad.dtype, copy=False), None


def _without_each_backward(grad: Any, x: Any, axis: int) -> Any:
    """cumprod's gradient Σ_{i≥j} gᵢ·Π_{k≤i, k≠j} xₖ with every product written out: an n×n table per
    slice, whose derivative is also right at zeros (the fast backward's 0 after a zero is not), as PyTorch
    does under create_graph."""
    xp = array_module(x)
    positions = xp.arange(x.shape[axis])
    rows, columns = positions.reshape(-1, 1), positions.reshape(1, -1)  # row j: the product without xⱼ
    x, grad = xp.expand_dims(xp.moveaxis(x, axis, -1), -2), xp.expand_dims(xp.moveaxis(grad, axis, -1), -2)
    without_each = xp.cumprod(xp.where(rows == columns, 1, x), -1)
    return xp.moveaxis(xp.where(rows <= columns, grad * without_each, 0).sum(axis=-1), -1, axis)


def products_of_others(x: Any, axis: int) -> Any:
    """``Π_{k≠j} xₖ`` along ``axis`` for every j, without dividing (exact at zeros): the running
    product before j times the one after it."""
    xp = array_module(x)
    return _exclusive_cumprod(x, axis) * xp.flip(_exclusive_cumprod(xp.flip(x, axis), axis), axis)


def _exclusive_cumprod(x: Any, axis: int) -> Any:
    """``[1, x₀, x₀x₁, …, x₀⋯xₙ₋₂]`` along ``axis``."""
    xp = array_module(x)
    first, all_but_last = (slice(None),) * axis + (slice(0, 1),), (slice(None),) * axis + (slice(0, -1),)
    return xp.concatenate([xp.ones_like(x[first]), xp.cumprod(x[all_but_last], axis)], axis)


def running_extreme_indices(x: Any, axis: int, largest: bool) -> Any:
    """Where the running maximum (minimum) along ``axis`` was reached: the latest index among ties;
    once a NaN is met, the latest NaN (NaN, once met, stays the running extreme)."""
    xp = array_module(x)
    running = (xp.maximum if largest else xp.minimum).accumulate(x, axis)
    positions = xp.arange(x.shape[axis]).reshape([-1 if d == axis else 1 for d in range(x.ndim)])
    is_nan = xp.isnan(x) if x.dtype.kind == "f" else xp.zeros(x.shape, bool)
    seen_nan = xp.cumsum(is_nan, axis) > 0
    reached = xp.where(seen_nan, is_nan, x == running)  # a new (or equal: the later index wins) extreme
    return xp.maximum.accumulate(xp.where(reached, positions, 0), axis).astype(dtypes.int64, copy=False)


def _scan_input(input: Tensor, dim: int, dtype: Any) -> tuple:
    if dtype is not None:
        input = input.to(dtype)
    elif input.dtype.kind in "bui":
        input = input.to(dtypes.int64)  # integer running sums and products are int64, as PyTorch
    flat = input.reshape(1) if input.ndim == 0 else input
    return flat, normalize_dim(dim, flat.ndim), input.shape


@numpy_names
def cumsum(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running sums along ``dim``: ``[x₀, x₀+x₁, x₀+x₁+x₂, …]``."""
    flat, axis, shape = _scan_input(input, dim, dtype)
    return CumSum.apply(flat, axis).reshape(shape)


@numpy_names
def cumprod(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running products along ``dim``: ``[x₀, x₀x₁, x₀x₁x₂, …]``."""
    flat, axis, shape = _scan_input(input, dim, dtype)
    return CumProd.apply(flat, axis).reshape(shape)


@numpy_names
def cummax(input: Tensor, dim: int) -> ValuesIndices:
    """The running maximum along ``dim`` and the index where it was reached (the latest among ties)."""
    return _cum_extreme(input, dim, True)


@numpy_names
def cummin(input: Tensor, dim: int) -> ValuesIndices:
    """The running minimum along ``dim`` and the index where it was reached (the latest among ties)."""
    return _cum_extreme(input, dim, False)


def _cum_extreme(input: Tensor, dim: int, largest: bool) -> ValuesIndices:
    """The values are a gather of the input at the indices: the gradient goes to those elements."""
    flat = input.reshape(1) if input.ndim == 0 else input
    axis = normalize_dim(dim, flat.ndim)
    indices = running_extreme_indices(flat._data, axis, largest)
    values = Gather.apply(flat, axis, indices)
    return ValuesIndices(values.reshape(input.shape), Tensor._wrap(indices).reshape(input.shape))


def cumsum_(self: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    return self.copy_(cumsum(self, dim, dtype=dtype))


def cumprod_(self: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    return self.copy_(cumprod(self, dim, dtype=dtype))
