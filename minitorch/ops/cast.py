"""Dtype casts and copies: ``x.to(float64)``, ``x.clone()``.

A cast between float dtypes keeps the gradient (cast back to the input's dtype); a cast to an
integer or bool dtype leaves the graph, as in PyTorch.
"""
from __future__ import annotations

from typing import Any

from minitorch import dtypes
from minitorch.autograd.function import ArrayFunction
from minitorch.tensor import Tensor


class Cast(ArrayFunction):
    @staticmethod
    def forward(ctx, x, dtype):
        ctx.input_dtype = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        """d cast(x)/dx = 1, in x's dtype."""
        return astype(grad, ctx.input_dtype), None


def cast(input: Tensor, dtype: Any) -> Tensor:
    """``input`` in another dtype; only float-to-float casts keep the gradient (as in PyTorch)."""
    dtype = dtypes.as_dtype(dtype)
    if dtype == input._data.dtype:
        return input
    if dtype.kind == "f" and input._data.dtype.kind == "f":
        return Cast.apply(input, dtype)
    return Tensor._wrap(input._data.astype(dtype))


def astype(value: Any, dtype: Any) -> Any:
    """``value`` in ``dtype``: an array, or under ``create_graph`` a Tensor (then a recorded cast)."""
    if isinstance(value, Tensor):
        return cast(value, dtype)
    return value.astype(dtype, copy=False)


class Clone(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        """d clone(x)/dx = 1."""
        return grad


def clone(input: Tensor) -> Tensor:
    return Clone.apply(input)
