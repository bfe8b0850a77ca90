"""The shape of an elementwise op: ``y = f(x)`` forward, ``grad · f'(x)`` backward.

A :class:`Pointwise` subclass gives the function and its derivative side by side; the
base class does the bookkeeping (save ``x`` and ``y``, multiply by the incoming gradient).
:class:`PointwiseBinary` does the same for ``z = f(a, b)`` with two partial derivatives,
summing each gradient back over the dimensions broadcasting stretched. The elementwise maths
of ``trig.py``, ``exponentials.py``, ``rounding.py`` and ``special.py`` are built on these.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minitorch import dtypes
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.creation import tensor
from minitorch.ops.broadcast import unbroadcast
from minitorch.ops.cast import astype, cast
from minitorch.ops.operands import binary, shape_of
from minitorch.tensor import Tensor


class Pointwise(ArrayFunction):
    """``y = function(x)``; backward ``grad · derivative(x, y)``."""

    @staticmethod
    def function(xp: Any, x: Any) -> Any:
        raise NotImplementedError

    @staticmethod
    def derivative(xp: Any, x: Any, y: Any) -> Any:
        raise NotImplementedError

    @staticmethod
    def forward(ctx, x):
        xp = array_module(x)
        with np.errstate(all="ignore"):  # outside the domain: nan or inf, as PyTorch
            y = xp.asarray(type(ctx).function(xp, x)).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, y)  # y is the output itself, so a double backward sees it as such
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        with np.errstate(all="ignore"):
            return in_dtype_of(grad * type(ctx).derivative(array_module(x), x, y), grad)


class PointwiseBinary(ArrayFunction):
    """``z = function(a, b)`` (``b`` may be a Python number); backward ``grad · ∂z/∂a``, ``grad · ∂z/∂b``."""

    @staticmethod
    def function(xp: Any, a: Any, b: Any) -> Any:
        raise NotImplementedError

    @staticmethod
    def partials(xp: Any, a: Any, b: Any, z: Any) -> tuple:
        raise NotImplementedError

    @staticmethod
    def forward(ctx, a, b):
        xp = array_module(a)
        with np.errstate(all="ignore"):
            z = xp.asarray(type(ctx).function(xp, a, b)).astype(a.dtype, copy=False)
        ctx.save_for_backward(a, b, z)
        return z

    @staticmethod
    def backward(ctx, grad):
        a, b, z = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        with np.errstate(all="ignore"):
            da, db = type(ctx).partials(array_module(grad), a, b, z)
            return (
                unbroadcast(in_dtype_of(grad * da, grad), shape_of(a)) if need_a else None,
                unbroadcast(in_dtype_of(grad * db, grad), shape_of(b)) if need_b else None,
            )


def in_dtype_of(value: Any, like: Any) -> Any:
    """``value`` in ``like``'s dtype (a derivative with Python floats in it may have widened it);
    arrays or, under ``create_graph``, Tensors."""
    return value if value.dtype == like.dtype else astype(value, like.dtype)


def floating(input: Tensor) -> Tensor:
    """Integer and bool tensors are computed in float32, as PyTorch does for sin, log2, erf ..."""
    return input if input._data.dtype.kind == "f" else cast(input, dtypes.default_float)


def unary_op(op: type, input: Tensor) -> Tensor:
    """Apply a :class:`Pointwise` op, in float32 for integer inputs."""
    _check_tensor(op, input)
    return op.apply(floating(input))


def binary_op(op: type, input: Any, other: Any, numbers: bool = False, floating: bool = True) -> Tensor:
    """Apply a :class:`PointwiseBinary` op after dtype promotion and the shape check.

    ``numbers``: either operand may be a Python number (``xlogy``, ``fmod``); otherwise both must
    be tensors, as in PyTorch's ``atan2``/``hypot``. ``floating``: integer operands give a float.
    """
    name = op.__name__.lower()
    for position, (label, value) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(value, Tensor) and not (numbers and isinstance(value, (int, float))):
            raise TypeError(
                f"{name}(): argument '{label}' (position {position}) must be Tensor, not {type(value).__name__}"
            )
    if not isinstance(input, Tensor):
        input = tensor(input, device=other.device)
    return binary(op, input, other, floating=floating)


def _check_tensor(op: type, input: Any) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op.__name__.lower()}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
