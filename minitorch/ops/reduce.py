"""Reductions: sum, mean, max/min, var/std, argmax/argmin, all/any.

A reduction's backward spreads the gradient back over the reduced dimensions: ``sum`` copies
it to every element, ``mean`` divides it by the count, ``max`` sends it to the maximum.
"""
from __future__ import annotations

import builtins
from collections import namedtuple
from typing import Any, Optional

import numpy as np

from minitorch import dtypes
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.selection import maximum, minimum
from minitorch.sizes import Dims, normalize_dim, normalize_dims, numpy_names
from minitorch.tensor import Tensor

ValuesIndices = namedtuple("ValuesIndices", ["values", "indices"])


def expand_back(grad: Any, axes: Optional[tuple], keepdim: bool, shape: tuple) -> Any:
    """Undo a reduction's shape change: put the reduced axes back (size 1), then broadcast."""
    xp = array_module(grad)
    if axes is not None and not keepdim and grad.ndim != len(shape):
        grad = grad.reshape([1 if i in axes else n for i, n in enumerate(shape)])
    elif axes is None and not keepdim:
        grad = grad.reshape((1,) * len(shape))
    return xp.broadcast_to(grad, shape)


def _count(shape: tuple, axes: Optional[tuple]) -> int:
    count = 1
    for i, n in enumerate(shape):
        if axes is None or i in axes:
            count *= n
    return count


class Sum(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        return x.sum(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        """d(Σx)/dxᵢ = 1."""
        return expand_back(grad, ctx.axes, ctx.keepdim, ctx.shape), None, None


class Mean(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        return x.mean(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        """d(mean x)/dxᵢ = 1/n."""
        scaled = grad / builtins.max(_count(ctx.shape, ctx.axes), 1)  # over 0 elements: nothing to scale
        return expand_back(scaled, ctx.axes, ctx.keepdim, ctx.shape), None, None


def _variance(ctx: Any, x: Any, axes: Optional[tuple], correction: int, keepdim: bool) -> Any:
    """The variance Σ(xᵢ - mean)² / (n - correction)."""
    centered = x - x.mean(axis=axes, keepdims=True)
    ctx.axes, ctx.keepdim = axes, keepdim
    ctx.dof = _count(x.shape, axes) - correction
    with np.errstate(divide="ignore", invalid="ignore"):  # no degrees of freedom left: inf or nan, as PyTorch
        return (centered * centered).sum(axis=axes, keepdims=keepdim) / builtins.max(ctx.dof, 0)


def _variance_backward(ctx: Any, grad: Any, x: Any) -> Any:
    """d var(x)/dxᵢ = 2(xᵢ - mean) / (n - correction); the deviations are recomputed from the saved
    input, so that under create_graph their own dependence on x is recorded too."""
    spread = expand_back(grad, ctx.axes, ctx.keepdim, x.shape)
    mean = x.mean(axis=ctx.axes, keepdims=True)
    if ctx.dof <= 0 and ctx.axes is None:  # 2/0 · (x - mean): PyTorch's constant nan where x = mean, else inf
        xp = array_module(x)
        return spread * xp.where(x == mean, np.nan, xp.full_like(spread, np.inf))
    with np.errstate(divide="ignore", invalid="ignore"):  # over dims PyTorch divides by n - correction as it is
        return spread * (x - mean) * 2 / ctx.dof


class Var(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axes, correction, keepdim):
        ctx.save_for_backward(x)
        return _variance(ctx, x, axes, correction, keepdim)

    @staticmethod
    def backward(ctx, grad):
        """d var(x)/dxᵢ = 2(xᵢ - mean) / (n - correction)."""
        (x,) = ctx.saved_tensors
        return _variance_backward(ctx, grad, x), None, None, None


class Std(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axes, correction, keepdim):
        std = array_module(x).sqrt(_variance(ctx, x, axes, correction, keepdim))
        ctx.save_for_backward(x, std)
        return std

    @staticmethod
    def backward(ctx, grad):
        """d std/dx = d var/dx / (2 std); 0 where std = 0 (all values equal), as in PyTorch."""
        x, std = ctx.saved_tensors
        xp = array_module(std)
        with np.errstate(divide="ignore", invalid="ignore"):
            grad_var = xp.where(std == 0, 0, grad / (2 * std))
        return _variance_backward(ctx, grad_var, x), None, None, None


class MaxMinAll(ArrayFunction):
    """max() / min() over every element: the gradient is shared evenly among tied extremes."""

    @staticmethod
    def forward(ctx, x, largest):
        value = x.max() if largest else x.min()
        ctx.save_for_backward(x)
        ctx.value = value
        return value

    @staticmethod
    def backward(ctx, grad):
        """d max(x)/dxᵢ = 1[xᵢ = max] / (number of maxima)."""
        (x,) = ctx.saved_tensors
        hits = x == ctx.value
        return grad * hits / hits.sum(dtype=grad.dtype), None  # the count stays on the device: no sync


class MaxMinDim(ArrayFunction):
    """max(dim) / min(dim): values and indices; the gradient goes to the returned index."""

    @staticmethod
    def forward(ctx, x, axis, keepdim, largest):
        xp = array_module(x)
        indices = x.argmax(axis=axis) if largest else x.argmin(axis=axis)
        indices = xp.expand_dims(indices, axis)
        values = xp.take_along_axis(x, indices, axis=axis)
        ctx.shape, ctx.axis, ctx.indices = x.shape, axis, indices  # indices with the reduced axis kept (size 1)
        if not keepdim:
            values, indices = values.squeeze(axis), indices.squeeze(axis)
        ctx.mark_non_differentiable(indices)
        return values, indices.astype(dtypes.int64, copy=False)

    @staticmethod
    def backward(ctx, grad, _grad_indices):
        """d max(x, dim)/dxᵢ = 1[i = argmax]: linear in the gradient, so its own derivative is a gather."""
        xp = array_module(grad)
        positions = xp.arange(ctx.shape[ctx.axis]).reshape(
            [-1 if i == ctx.axis else 1 for i in range(len(ctx.shape))]
        )
        return xp.where(positions == ctx.indices, grad.reshape(ctx.indices.shape), 0), None, None, None


@numpy_names
def sum(input: Tensor, dim: Dims = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Sum over ``dim`` (every dimension when None). Bool and integer sums give int64, as in PyTorch."""
    if dtype is not None:
        input = input.to(dtype)
    elif input._data.dtype.kind in "bui":
        input = input.to(dtypes.int64)
    return Sum.apply(input, normalize_dims(dim, input.ndim), keepdim)


@numpy_names
def mean(input: Tensor, dim: Dims = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind != "f":
        raise RuntimeError(
            f"mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {input._data.dtype}"
        )
    return Mean.apply(input, normalize_dims(dim, input.ndim), keepdim)


@numpy_names
def var(input: Tensor, dim: Dims = None, unbiased: Optional[bool] = None, keepdim: bool = False,
        *, correction: Optional[int] = None) -> Tensor:
    """Variance with Bessel's correction by default (``correction=1``), as in PyTorch."""
    return _dispersion(Var, input, dim, unbiased, keepdim, correction)


def _dispersion(op: type, input: Tensor, dim: Dims, unbiased: Optional[bool], keepdim: bool,
            correction: Optional[int]) -> Tensor:
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"std and var only support floating point dtypes, got {input._data.dtype}")
    return op.apply(input, normalize_dims(dim, input.ndim), correction, keepdim)


@numpy_names
def std(input: Tensor, dim: Dims = None, unbiased: Optional[bool] = None, keepdim: bool = False,
        *, correction: Optional[int] = None) -> Tensor:
    """Standard deviation, the square root of :func:`var`."""
    return _dispersion(Std, input, dim, unbiased, keepdim, correction)


def _max_or_min(input: Tensor, dim: Any, keepdim: bool, largest: bool, name: str) -> Any:
    if isinstance(dim, Tensor):  # torch.max(a, b): the elementwise maximum
        return maximum(input, dim) if largest else minimum(input, dim)
    if dim is None:
        _check_not_empty(input, None, name)
        return MaxMinAll.apply(input, largest)
    axis = normalize_dim(dim, input.ndim)
    _check_not_empty(input, axis, name)
    if input.ndim == 0:
        return ValuesIndices(input, Tensor._wrap(array_module(input._data).zeros((), dtypes.int64)))
    return ValuesIndices(*MaxMinDim.apply(input, axis, keepdim, largest))


@numpy_names
def max(input: Tensor, dim: Optional[int] = None, keepdim: bool = False) -> Any:
    """The largest element; ``(values, indices)`` along ``dim`` (first index among ties);
    or, given a second tensor, the elementwise maximum."""
    return _max_or_min(input, dim, keepdim, True, "max")


@numpy_names
def min(input: Tensor, dim: Optional[int] = None, keepdim: bool = False) -> Any:
    """The smallest element, or ``(values, indices)`` along ``dim`` (first index among ties)."""
    return _max_or_min(input, dim, keepdim, False, "min")


@numpy_names
def argmax(input: Tensor, dim: Optional[int] = None, keepdim: bool = False) -> Tensor:
    """Index of the (first) largest element, over the flattened tensor when ``dim`` is None."""
    return _arg_max_or_min(input, dim, keepdim, "argmax")


@numpy_names
def argmin(input: Tensor, dim: Optional[int] = None, keepdim: bool = False) -> Tensor:
    return _arg_max_or_min(input, dim, keepdim, "argmin")


def _check_not_empty(input: Tensor, axis: Optional[int], name: str) -> None:
    """max/min/argmax/argmin have no answer over zero elements (PyTorch's errors)."""
    if axis is None and input.numel() == 0:
        raise (IndexError if name.startswith("arg") else RuntimeError)(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
            "Specify the reduction dim with the 'dim' argument."
        )
    if axis is not None and input.ndim and input.shape[axis] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")


def _arg_max_or_min(input: Tensor, dim: Optional[int], keepdim: bool, name: str) -> Tensor:
    data = input._data
    _check_not_empty(input, None if dim is None else normalize_dim(dim, data.ndim), name)
    if dim is None:
        index = getattr(data.reshape(-1), name)()
        result = index.reshape((1,) * data.ndim) if keepdim else index
    else:
        axis = normalize_dim(dim, data.ndim)
        result = getattr(data, name)(axis=axis, keepdims=keepdim) if data.ndim else data.astype(dtypes.int64) * 0
    return Tensor._wrap(array_module(data).asarray(result).astype(dtypes.int64, copy=False))


@numpy_names
def all(input: Tensor, dim: Optional[int] = None, keepdim: bool = False) -> Tensor:
    axis = None if dim is None else normalize_dim(dim, input.ndim)
    return Tensor._wrap(array_module(input._data).asarray(input._data.all(axis=axis, keepdims=keepdim)))


@numpy_names
def any(input: Tensor, dim: Optional[int] = None, keepdim: bool = False) -> Tensor:
    axis = None if dim is None else normalize_dim(dim, input.ndim)
    return Tensor._wrap(array_module(input._data).asarray(input._data.any(axis=axis, keepdims=keepdim)))
