"""Arithmetic: ``+ - * / **``, negation, rounded division.

Binary ops broadcast their inputs; their backward sums each gradient back to its input's shape
(:func:`~minitorch.ops.broadcast.unbroadcast`).
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from minitorch import dtypes
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.broadcast import unbroadcast
from minitorch.ops.operands import Number, Operand, binary, shape_of
from minitorch.tensor import Tensor


class Add(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (shape_of(a), shape_of(b))
        return a + b

    @staticmethod
    def backward(ctx, grad):
        """d(a+b)/da = 1, d(a+b)/db = 1."""
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(grad, ctx.shapes[0]) if need_a else None,
            unbroadcast(grad, ctx.shapes[1]) if need_b else None,
        )


class Sub(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (shape_of(a), shape_of(b))
        return a - b

    @staticmethod
    def backward(ctx, grad):
        """d(a-b)/da = 1, d(a-b)/db = -1."""
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(grad, ctx.shapes[0]) if need_a else None,
            unbroadcast(-grad, ctx.shapes[1]) if need_b else None,
        )


class Mul(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (shape_of(a), shape_of(b))
        if ctx.needs_input_grad:  # recording: keep only what backward reads (x * 2 keeps no x)
            need_a, need_b = ctx.needs_input_grad
            ctx.save_for_backward(a if need_b else None, b if need_a else None)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        """d(ab)/da = b, d(ab)/db = a."""
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        shape_a, shape_b = ctx.shapes
        return (
            unbroadcast(grad * b, shape_a) if need_a else None,
            unbroadcast(grad * a, shape_b) if need_b else None,
        )


class Div(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        """d(a/b)/da = 1/b, d(a/b)/db = -a/b²."""
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(grad / b, shape_of(a)) if need_a else None,
            unbroadcast(-grad * (a / b / b), shape_of(b)) if need_b else None,  # b² could overflow or underflow
        )


class RoundedDiv(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b, mode):
        ctx.shapes = (shape_of(a), shape_of(b))
        xp = array_module(a)
        if getattr(a, "dtype", np.dtype(float)).kind in "iub" and getattr(b, "dtype", np.dtype(int)).kind in "iub" \
                and not isinstance(b, float):
            quotient = xp.floor_divide(a, b)  # exact for integers
            if mode == "trunc":  # floor and trunc differ where the exact quotient is negative
                quotient = quotient + ((quotient < 0) & (quotient * b != a))
            return quotient
        quotient = a / b
        return xp.trunc(quotient) if mode == "trunc" else xp.floor(quotient)

    @staticmethod
    def backward(ctx, grad):
        """d round(a/b)/da = d round(a/b)/db = 0: a step function (as PyTorch defines it)."""
        xp = array_module(grad)
        need_a, need_b, _ = ctx.needs_input_grad
        return (
            xp.zeros(ctx.shapes[0], grad.dtype) if need_a else None,
            xp.zeros(ctx.shapes[1], grad.dtype) if need_b else None,
            None,
        )


class Pow(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        out = a**b
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        """d(aᵇ)/da = b·aᵇ⁻¹, d(aᵇ)/db = aᵇ·ln a (0 where a = 0 and b ≥ 0, as PyTorch)."""
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        xp = array_module(out)
        grad_a = grad_b = None
        with np.errstate(divide="ignore", invalid="ignore"):
            if need_a:
                if hasattr(b, "shape"):
                    local = xp.where(b == 0, 0, b * a ** (b - 1))
                else:  # a Python exponent; x**0 is constant, its gradient 0 even at x = 0
                    local = b * a ** (b - 1) if b != 0 else xp.zeros_like(a)
                grad_a = unbroadcast(grad * local, shape_of(a))
            if need_b:
                local = xp.where((a == 0) & (b >= 0), 0, out * xp.log(a))
                grad_b = unbroadcast(grad * local, shape_of(b))
        return grad_a, grad_b


class Neg(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        """d(-x)/dx = -1."""
        return -grad


def add(input: Tensor, other: Operand, *, alpha: Number = 1) -> Tensor:
    return binary(Add, input, other if alpha == 1 else other * alpha)


def sub(input: Tensor, other: Operand, *, alpha: Number = 1) -> Tensor:
    return binary(Sub, input, other if alpha == 1 else other * alpha)


def mul(input: Tensor, other: Operand) -> Tensor:
    return binary(Mul, input, other)


def div(input: Tensor, other: Operand, *, rounding_mode: Optional[str] = None) -> Tensor:
    """True division (integer inputs give float32, as in PyTorch), or rounded to an integer value:
    ``rounding_mode="trunc"`` (towards zero) or ``"floor"`` (down), in the inputs' dtype."""
    if rounding_mode is None:
        return binary(Div, input, other, floating=True)
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'"
        )
    return binary(RoundedDiv, input, other, rounding_mode=rounding_mode)


def floor_divide(input: Tensor, other: Operand) -> Tensor:
    """``a // b``: division rounded down."""
    return div(input, other, rounding_mode="floor")


def rfloordiv(input: Tensor, other: Operand) -> Tensor:
    return binary(RoundedDiv, input, other, reflected=True, rounding_mode="floor")


def pow(input: Tensor, exponent: Operand) -> Tensor:
    if isinstance(exponent, Tensor) or isinstance(exponent, float) or input._data.dtype.kind == "f":
        return binary(Pow, input, exponent)
    if exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return binary(Pow, input, exponent)


def rsub(input: Tensor, other: Operand) -> Tensor:
    return binary(Sub, input, other, reflected=True)


def rdiv(input: Tensor, other: Operand) -> Tensor:
    return binary(Div, input, other, reflected=True, floating=True)


def rpow(input: Tensor, base: Operand) -> Tensor:
    return binary(Pow, input, base, reflected=True)


def neg(input: Tensor) -> Tensor:
    if input._data.dtype == dtypes.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. "
            "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return Neg.apply(input)
