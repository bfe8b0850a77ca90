"""More reductions: prod, logsumexp, nansum, nanmean, count_nonzero, std_mean, var_mean.

``prod``'s gradient is "the product of the others", ``y/xᵢ`` — which divides by zero at a
zero. :class:`Prod` counts the zeros of each slice instead: with none, ``y/xᵢ``; with one, only
that zero gets a gradient (the product of the rest); with two or more, every gradient is 0.
Those zeros are constants to a second derivative, so under ``create_graph`` the backward writes
each ``Π_{j≠i} xⱼ`` out as running products before and after ``i``, as PyTorch does.
``logsumexp(x) = m + log Σ exp(x - m)`` with ``m = max x`` never overflows.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Optional

import numpy as np

from minitorch import dtypes
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops import reduce
from minitorch.ops.comparison import isnan
from minitorch.ops.cumulative import products_of_others
from minitorch.ops.pointwise import floating
from minitorch.ops.reduce import expand_back
from minitorch.ops.selection import where
from minitorch.sizes import Dims, normalize_dim, normalize_dims, numpy_names
from minitorch.tensor import Tensor

StdMean = namedtuple("StdMean", ["std", "mean"])
VarMean = namedtuple("VarMean", ["var", "mean"])


class Prod(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.save_for_backward(x)
        ctx.axes, ctx.keepdim = axes, keepdim
        return x.prod(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        """d(Πx)/dxᵢ = Π_{j≠i} xⱼ: y/xᵢ without zeros; at a lone zero the product of the rest; else 0."""
        (x,) = ctx.saved_tensors
        xp = array_module(x)
        if isinstance(grad, Tensor):  # create_graph: the products of the others, differentiable again at zeros too
            others = products_of_others(x.reshape(-1), 0).reshape(x.shape) if ctx.axes is None \
                else products_of_others(x, ctx.axes[0])
            return expand_back(grad, ctx.axes, ctx.keepdim, x.shape) * others, None, None
        is_zero = x == 0
        zeros = is_zero.sum(axis=ctx.axes, keepdims=True)
        others = xp.where(is_zero, 1, x).prod(axis=ctx.axes, keepdims=True)  # the product of the non-zeros
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = xp.where(zeros == 0, others / xp.where(is_zero, 1, x), xp.where((zeros == 1) & is_zero, others, 0))
        return (expand_back(grad, ctx.axes, ctx.keepdim, x.shape) * slope).astype(grad.dtype, copy=False), None, None


@numpy_names
def prod(input: Tensor, dim: Optional[int] = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """The product of all elements, or along ``dim`` (integer and bool products are int64)."""
    if dtype is not None:
        input = input.to(dtype)
    elif input.dtype.kind in "bui":
        input = input.to(dtypes.int64)
    axes = None if dim is None else (normalize_dim(dim, input.ndim),) if input.ndim else None
    return Prod.apply(input, axes, keepdim)


class LogSumExp(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        xp = array_module(x)
        shift = x.max(axis=axes, keepdims=True) if x.size else xp.zeros((1,) * x.ndim, x.dtype)
        shift = xp.where(xp.isfinite(shift), shift, 0)  # all -inf (or an inf): no shift, let inf through
        with np.errstate(divide="ignore"):
            y = xp.log(xp.exp(x - shift).sum(axis=axes, keepdims=True)) + shift
        ctx.axes, ctx.keepdim = axes, keepdim
        if not keepdim:
            y = y.reshape(()) if axes is None else y.squeeze(axes)
        ctx.save_for_backward(x, y)  # the output itself: under create_graph its gradient flows on
        return y

    @staticmethod
    def backward(ctx, grad):
        """d logsumexp(x)/dxᵢ = exp(xᵢ - logsumexp(x)) = softmax(x)ᵢ."""
        x, y = ctx.saved_tensors
        y = expand_back(y, ctx.axes, ctx.keepdim, x.shape)
        with np.errstate(invalid="ignore"):
            return expand_back(grad, ctx.axes, ctx.keepdim, x.shape) * array_module(x).exp(x - y), None, None


@numpy_names
def logsumexp(input: Tensor, dim: Dims = (), keepdim: bool = False) -> Tensor:
    """log Σ exp(x) over ``dim`` (every dim when ``()``), computed without overflow."""
    input = floating(input)
    return LogSumExp.apply(input, normalize_dims(dim, input.ndim), keepdim)


@numpy_names
def nansum(input: Tensor, dim: Dims = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """The sum, treating NaN as 0 (NaN elements get gradient 0)."""
    if input.dtype.kind == "f":
        input = where(isnan(input), 0.0, input)
    return reduce.sum(input, dim, keepdim, dtype=dtype)


@numpy_names
def nanmean(input: Tensor, dim: Dims = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """The mean of the non-NaN elements."""
    if input.dtype.kind != "f" and dtype is None:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got {input.dtype}")
    counted = reduce.sum(~isnan(input), dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / counted


@numpy_names
def count_nonzero(input: Tensor, dim: Dims = None) -> Tensor:
    """How many elements are non-zero (over ``dim``, an int or a tuple), as int64."""
    axes = normalize_dims(dim, input.ndim)
    counts = (input._data != 0).sum(axis=axes)
    return Tensor._wrap(array_module(input._data).asarray(counts, dtype=dtypes.int64))


@numpy_names
def std_mean(input: Tensor, dim: Dims = None, unbiased: Optional[bool] = None, keepdim: bool = False,
             *, correction: Optional[int] = None) -> StdMean:
    """``(std, mean)`` over ``dim`` in one call (``correction=1`` by default, as :func:`std`)."""
    return StdMean(reduce.std(input, dim, unbiased, keepdim, correction=correction), reduce.mean(input, dim, keepdim))


@numpy_names
def var_mean(input: Tensor, dim: Dims = None, unbiased: Optional[bool] = None, keepdim: bool = False,
             *, correction: Optional[int] = None) -> VarMean:
    """``(var, mean)`` over ``dim`` in one call."""
    return VarMean(reduce.var(input, dim, unbiased, keepdim, correction=correction), reduce.mean(input, dim, keepdim))
