"""Rounding and remainders: sign, floor, ceil, round, trunc, frac, fmod, remainder.

Step functions have derivative 0 almost everywhere, so their gradient is 0 (as in PyTorch);
``frac(x) = x - trunc(x)`` has slope 1. Integer tensors stay integer (``floor`` of an int64 is
itself), except where PyTorch refuses them (``frac``, ``round(decimals=...)``).

``fmod`` and ``remainder`` differ in the sign of the result: ``fmod(a, b)`` takes the sign of
``a`` (C's ``%``, truncated division), ``remainder(a, b)`` the sign of ``b`` (Python's ``%``,
floored division).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.pointwise import Pointwise, PointwiseBinary, binary_op
from minitorch.tensor import Tensor


class Step(Pointwise):
    """A piecewise-constant function: d/dx = 0 almost everywhere."""
    derivative = staticmethod(lambda xp, x, y: xp.zeros_like(x))


class Sign(Step):
    function = staticmethod(lambda xp, x: xp.sign(x))


class Floor(Step):
    function = staticmethod(lambda xp, x: xp.floor(x))


class Ceil(Step):
    function = staticmethod(lambda xp, x: xp.ceil(x))


class Trunc(Step):
    function = staticmethod(lambda xp, x: xp.trunc(x))


class Round(ArrayFunction):
    @staticmethod
    def forward(ctx, x, decimals):
        return array_module(x).round(x, decimals)  # halves to even, as PyTorch

    @staticmethod
    def backward(ctx, grad):
        """d/dx round(x) = 0 almost everywhere."""
        return array_module(grad).zeros_like(grad), None


class Frac(Pointwise):
    """d/dx (x - trunc x) = 1."""
    function = staticmethod(lambda xp, x: x - xp.trunc(x))
    derivative = staticmethod(lambda xp, x, y: xp.ones_like(x))


class Fmod(PointwiseBinary):
    """a - trunc(a/b)·b: ∂/∂a = 1, ∂/∂b = -trunc(a/b)."""
    function = staticmethod(lambda xp, a, b: xp.fmod(a, b))
    partials = staticmethod(lambda xp, a, b, z: (xp.ones_like(z), -xp.trunc(a / b)))


class Remainder(PointwiseBinary):
    """a - floor(a/b)·b: ∂/∂a = 1, ∂/∂b = -floor(a/b), with floor(a/b) as ``a // b`` computes it (as
    PyTorch: exact where a/b rounds onto an integer, e.g. -5e-324 // 2 = -1 while floor(-5e-324/2) = 0)."""
    function = staticmethod(lambda xp, a, b: xp.remainder(a, b))
    partials = staticmethod(lambda xp, a, b, z: (xp.ones_like(z), -(a // b)))


def sign(input: Tensor) -> Tensor:
    """-1, 0 or +1 by the sign of each element (bools stay bools)."""
    if input.dtype.kind == "b":
        return Tensor._wrap(input._data.copy())
    return Sign.apply(input)


sgn = sign  # for real tensors; complex tensors do not exist in minitorch


def floor(input: Tensor) -> Tensor:
    return _step(Floor, input, "floor")


def ceil(input: Tensor) -> Tensor:
    return _step(Ceil, input, "ceil")


def trunc(input: Tensor) -> Tensor:
    """Round towards zero."""
    return _step(Trunc, input, "trunc")


fix = trunc


def round(input: Tensor, *, decimals: int = 0) -> Tensor:
    """Round to ``decimals`` places (negative: to tens, hundreds ...), halves to the even neighbour."""
    if input.dtype.kind != "f":
        if decimals != 0:
            raise NotImplementedError(f'"round" with decimals is not implemented for {input.dtype}')
        return _step(Floor, input, "round")  # an integer is its own rounding: a copy
    return Round.apply(input, int(decimals))


def frac(input: Tensor) -> Tensor:
    """The fractional part, x - trunc(x) (same sign as x)."""
    if input.dtype.kind != "f":
        raise NotImplementedError(f'"frac" is not implemented for {input.dtype}: it needs a floating point tensor')
    return Frac.apply(input)


def fmod(input: Tensor, other: Any) -> Tensor:
    """The remainder of truncated division: the sign of ``input`` (C's ``%``)."""
    _check_tensor_input("fmod", input)
    return _remainder(Fmod, input, other)


def remainder(input: Any, other: Any) -> Tensor:
    """The remainder of floored division: the sign of ``other`` (Python's ``%``)."""
    return _remainder(Remainder, input, other)


def _remainder(op: type, input: Any, other: Any) -> Tensor:
    divisor = other._data if isinstance(other, Tensor) else other
    integral = all(getattr(v, "dtype", np.dtype(type(v))).kind in "biu" for v in (input, other))
    if integral and not np.all(array_module(divisor).asarray(divisor) != 0):
        raise RuntimeError("ZeroDivisionError: integer division by zero in " + op.__name__.lower())
    return binary_op(op, input, other, numbers=True, floating=False)


def _step(op: type, input: Tensor, name: str) -> Tensor:
    if input.dtype.kind == "b":
        raise NotImplementedError(f'"{name}" is not implemented for bool tensors')
    return op.apply(input) if input.dtype.kind == "f" else Tensor._wrap(input._data.copy())


def _check_tensor_input(name: str, input: Any) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
