"""Exponentials, logarithms and powers: exp2, expm1, log2, log10, log1p, rsqrt, reciprocal,
logaddexp, xlogy, logit.

``log1p(x) = log(1 + x)`` and ``expm1(x) = eˣ - 1`` exist because they stay accurate for tiny
``x``, where ``1 + x`` rounds to 1. ``logaddexp(a, b) = log(eᵃ + eᵇ)`` never overflows.
"""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.pointwise import Pointwise, PointwiseBinary, binary_op, floating, unary_op
from minitorch.tensor import Tensor


class Exp2(Pointwise):
    """d/dx 2ˣ = 2ˣ ln 2."""
    function = staticmethod(lambda xp, x: xp.exp2(x))
    derivative = staticmethod(lambda xp, x, y: y * math.log(2))


class Expm1(Pointwise):
    """d/dx (eˣ - 1) = eˣ."""
    function = staticmethod(lambda xp, x: xp.expm1(x))
    derivative = staticmethod(lambda xp, x, y: y + 1)


class Log2(Pointwise):
    """d/dx log₂ x = 1/(x ln 2)."""
    function = staticmethod(lambda xp, x: xp.log2(x))
    derivative = staticmethod(lambda xp, x, y: 1 / (x * math.log(2)))


class Log10(Pointwise):
    """d/dx log₁₀ x = 1/(x ln 10)."""
    function = staticmethod(lambda xp, x: xp.log10(x))
    derivative = staticmethod(lambda xp, x, y: 1 / (x * math.log(10)))


class Log1p(Pointwise):
    """d/dx ln(1 + x) = 1/(1 + x)."""
    function = staticmethod(lambda xp, x: xp.log1p(x))
    derivative = staticmethod(lambda xp, x, y: 1 / (1 + x))


class Rsqrt(Pointwise):
    """d/dx x^(-1/2) = -½ x^(-3/2)."""
    function = staticmethod(lambda xp, x: 1 / xp.sqrt(x))
    derivative = staticmethod(lambda xp, x, y: -0.5 * y * y * y)


class Reciprocal(Pointwise):
    """d/dx 1/x = -1/x²."""
    function = staticmethod(lambda xp, x: 1 / x)
    derivative = staticmethod(lambda xp, x, y: -y * y)


class Logit(ArrayFunction):
    @staticmethod
    def forward(ctx, x, eps):
        ctx.save_for_backward(x)
        ctx.eps = eps
        z = x if eps is None else x.clip(eps, 1 - eps)
        with np.errstate(all="ignore"):
            return array_module(x).log(z / (1 - z))

    @staticmethod
    def backward(ctx, grad):
        """d/dx log(x/(1-x)) = 1/(x(1-x)); with ``eps``, 0 outside [eps, 1-eps] (x was clamped there)."""
        (x,) = ctx.saved_tensors
        with np.errstate(all="ignore"):
            slope = grad / (x * (1 - x))
        if ctx.eps is not None:
            slope = array_module(x).where((x < ctx.eps) | (x > 1 - ctx.eps), 0, slope)
        return slope, None


class LogAddExp(PointwiseBinary):
    """log(eᵃ + eᵇ): ∂/∂a = σ(a - b) = 1/(1 + eᵇ⁻ᵃ), ∂/∂b = σ(b - a) = 1/(1 + eᵃ⁻ᵇ)."""
    function = staticmethod(lambda xp, a, b: xp.logaddexp(a, b))
    partials = staticmethod(lambda xp, a, b, z: (1 / (1 + xp.exp(b - a)), 1 / (1 + xp.exp(a - b))))


class Xlogy(PointwiseBinary):
    """a·log b, defined as 0 where a = 0: ∂/∂a = log b (0 where a = 0 and b ≤ 0), ∂/∂b = a/b."""

    @staticmethod
    def function(xp, a, b):
        return xp.where(a == 0, xp.where(xp.isnan(b), b, 0), a * xp.log(b))

    @staticmethod
    def partials(xp, a, b, z):
        return xp.where((a == 0) & (b <= 0), 0, xp.log(b)), a / b


def exp2(input: Tensor) -> Tensor:
    return unary_op(Exp2, input)


def expm1(input: Tensor) -> Tensor:
    """eˣ - 1, accurate for small x."""
    return unary_op(Expm1, input)


def log2(input: Tensor) -> Tensor:
    return unary_op(Log2, input)


def log10(input: Tensor) -> Tensor:
    return unary_op(Log10, input)


def log1p(input: Tensor) -> Tensor:
    """ln(1 + x), accurate for small x."""
    return unary_op(Log1p, input)


def rsqrt(input: Tensor) -> Tensor:
    """1/√x."""
    return unary_op(Rsqrt, input)


def reciprocal(input: Tensor) -> Tensor:
    """1/x (integer inputs give float32)."""
    return unary_op(Reciprocal, input)


def logit(input: Tensor, eps: Optional[float] = None) -> Tensor:
    """The inverse of the sigmoid, log(x/(1-x)); ``eps`` clamps x to [eps, 1-eps] first."""
    return Logit.apply(floating(input), eps)


def logaddexp(input: Tensor, other: Tensor) -> Tensor:
    """log(eᵃ + eᵇ) without overflow."""
    return binary_op(LogAddExp, input, other)


def xlogy(input: Any, other: Any) -> Tensor:
    """input·log(other), 0 where input is 0 (the convention of entropies: 0·log 0 = 0)."""
    return binary_op(Xlogy, input, other, numbers=True)
