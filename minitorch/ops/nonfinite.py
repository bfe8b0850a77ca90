"""NaN and the infinities: isinf, isposinf, isneginf, isclose, nan_to_num.

Floating point has three special values: ``inf``, ``-inf`` and NaN ("not a number", the result
of ``0/0``; it is not equal to anything, itself included). The tests here return bool tensors
(no gradient); ``nan_to_num`` replaces the special values with ordinary numbers, and its
gradient is 1 where the element was finite, 0 where it was replaced.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.operands import as_operand, check_broadcast
from minitorch.tensor import Tensor


def isinf(input: Tensor) -> Tensor:
    return Tensor._wrap(array_module(input._data).isinf(input._data))


def isposinf(input: Tensor) -> Tensor:
    return Tensor._wrap(array_module(input._data).isposinf(input._data))


def isneginf(input: Tensor) -> Tensor:
    return Tensor._wrap(array_module(input._data).isneginf(input._data))


def isreal(input: Tensor) -> Tensor:
    return Tensor._wrap(array_module(input._data).ones(input.shape, bool))


def isclose(input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """``|input - other| ≤ atol + rtol·|other|`` elementwise (equal infinities are close; NaN only
    with ``equal_nan``)."""
    other = as_operand(other, input)
    if isinstance(other, Tensor) and other.dtype != input.dtype:
        raise RuntimeError(f"isclose: {input.dtype} did not match {other.dtype}")
    check_broadcast("isclose", input, other)
    right = other._data if isinstance(other, Tensor) else other
    return Tensor._wrap(array_module(input._data).isclose(input._data, right, rtol=rtol, atol=atol, equal_nan=equal_nan))


class NanToNum(ArrayFunction):
    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.save_for_backward(x)
        return array_module(x).nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, grad):
        """d nan_to_num(x)/dx = 1[x finite] (a replaced value is a constant)."""
        (x,) = ctx.saved_tensors
        return grad * array_module(x).isfinite(x), None, None, None


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: Optional[float] = None,
               neginf: Optional[float] = None) -> Tensor:
    """NaN → ``nan``, ``inf`` → ``posinf`` and ``-inf`` → ``neginf`` (by default the largest and
    smallest finite numbers of the dtype). Integer tensors are returned as a copy."""
    if input.dtype.kind != "f":
        return Tensor._wrap(input._data.copy())
    info = np.finfo(input.dtype)
    posinf = float(info.max) if posinf is None else posinf
    neginf = float(info.min) if neginf is None else neginf
    return NanToNum.apply(input, nan, posinf, neginf)


def nan_to_num_(self: Tensor, nan: float = 0.0, posinf: Optional[float] = None,
                neginf: Optional[float] = None) -> Tensor:
    return self.copy_(nan_to_num(self, nan, posinf, neginf)) if self.dtype.kind == "f" else self
