"""Special functions in NumPy alone: erf, erfc, erfinv, lgamma, digamma.

NumPy has no ``erf`` or ``lgamma`` (SciPy does, but minitorch depends on NumPy only, and
``math.erf`` element by element is far too slow), so they are computed here, vectorised, to about
float64 rounding:

* ``erf(x) = 2/√π · e^(-x²) · Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1))`` for ``|x| < 2.5`` — a series of
  positive terms, so nothing cancels; beyond, ``erfc(x) = e^(-x²)/√π · 1/(x + ½/(x + 1/(x + 3/2/(x + …))))``,
  the continued fraction of Laplace, evaluated from the tail.
* ``erfinv``: a rough closed form (Winitzki's) polished by Newton's method on ``erf`` (on ``erfc``
  near ±1, where ``1 - x`` is exact and ``erf`` is flat).
* ``lgamma``: the Lanczos approximation (g = 7, 9 terms) for ``x ≥ ½``, the reflection formula
  ``Γ(x)Γ(1-x) = π/sin(πx)`` below.
* ``digamma`` (ψ = Γ'/Γ) and its derivatives ``polygamma`` (ψ⁽ⁿ⁾, trigamma for n = 1): the recurrence
  ``ψ(x) = ψ(x+1) - 1/x`` lifts x above 6, where the asymptotic (Bernoulli) series is exact to
  rounding; reflection below ½.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.pointwise import Pointwise, unary_op
from minitorch.tensor import Tensor

_SERIES_TERMS = 60  # enough for |x| < 2.5: the terms fall below 1e-17 of the sum
_FRACTION_TERMS = 80  # enough for |x| ≥ 2.5
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7)


def _erf_series(xp: Any, x: Any) -> Any:
    term = x.copy()
    total = x.copy()
    for n in range(1, _SERIES_TERMS):
        term = term * (2 * x * x) / (2 * n + 1)
        total = total + term
    return 2 / math.sqrt(math.pi) * xp.exp(-x * x) * total


def _erfc_fraction(xp: Any, x: Any) -> Any:
    """erfc(x) for x ≥ 2.5 by Laplace's continued fraction (evaluated from the innermost level)."""
    tail = x.copy()
    for n in range(_FRACTION_TERMS, 0, -1):
        tail = x + (n / 2) / tail
    return xp.exp(-x * x) / (math.sqrt(math.pi) * tail)


def erf_array(x: Any) -> Any:
    xp = array_module(x)
    size = xp.abs(x)
    near = size < 2.5
    with np.errstate(all="ignore"):
        inner = _erf_series(xp, xp.where(near, size, 0))
        outer = 1 - _erfc_fraction(xp, xp.where(near, 2.5, size))
    return xp.sign(x) * xp.where(near, inner, outer)


def erfc_array(x: Any) -> Any:
    """erfc(x): Laplace's fraction from 2.5 on, below it 1 − erf(x), which cancels digits as erf(x)
    nears 1 (1 − 0.9945 keeps 3 of float32's 7), so a float32 or float16 ``x`` is computed in
    float64 and rounded once at the end."""
    xp = array_module(x)
    if x.dtype.kind == "f" and x.dtype.itemsize < 8:
        return erfc_array(x.astype(xp.float64)).astype(x.dtype)
    far = x >= 2.5
    with np.errstate(all="ignore"):
        tail = _erfc_fraction(xp, xp.where(far, x, 2.5))
        return xp.where(far, tail, 1 - erf_array(xp.where(far, 0, x)))


def erfinv_array(y: Any) -> Any:
    xp = array_module(y)
    with np.errstate(all="ignore"):
        a = 0.147  # Winitzki's approximation: relative error ~1e-3, a good start for Newton
        log_term = xp.log((1 - y) * (1 + y))
        first = 2 / (math.pi * a) + log_term / 2
        x = xp.sign(y) * xp.sqrt(xp.sqrt(first * first - log_term / a) - first)
        size, target = xp.abs(x), xp.abs(y)
        tail = target > 0.5  # solve erfc(x) = 1 - |y| there: 1 - |y| is exact, erf(x) ≈ 1 is not
        for _ in range(8):
            slope = 2 / math.sqrt(math.pi) * xp.exp(-size * size)
            rest = erfc_array(size)  # in the tail, Newton on log erfc(x) = log(1 - |y|): well conditioned
            step = xp.where(tail, (xp.log(1 - target) - xp.log(rest)) * rest / slope, (erf_array(size) - target) / slope)
            size = size - step
        result = xp.sign(y) * size
        result = xp.where(target == 1, xp.sign(y) * xp.inf, result)
        return xp.where(target > 1, xp.nan, result)


def lgamma_array(x: Any) -> Any:
    xp = array_module(x)
    with np.errstate(all="ignore"):
        reflect = x < 0.5
        z = xp.where(reflect, 1 - x, x) - 1
        series = xp.full(x.shape, _LANCZOS[0], dtype=x.dtype)
        for k, coefficient in enumerate(_LANCZOS[1:], 1):
            series = series + coefficient / (z + k)
        t = z + 7.5
        log_gamma = 0.5 * math.log(2 * math.pi) + (z + 0.5) * xp.log(t) - t + xp.log(series)
        sine = xp.abs(xp.sin(math.pi * x))
        reflected = math.log(math.pi) - xp.log(sine) - log_gamma
        result = xp.where(reflect, reflected, log_gamma)
        pole = (x <= 0) & (x == xp.floor(x))
        return xp.where(pole | xp.isinf(x), xp.inf, result)


_PSI_ASYMPTOTIC = (1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12)
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)  # B₂, B₄, …, B₁₄


def _lifted(xp: Any, x: Any, power: int, above: int = 6) -> tuple:
    """x raised above ``above`` by unit steps, with Σ 1/x^power over the steps taken."""
    shift = xp.zeros_like(x)
    for _ in range(above):
        low = x < above
        shift = shift + xp.where(low, 1 / x**power, 0)
        x = xp.where(low, x + 1, x)
    return x, shift


def digamma_array(x: Any) -> Any:
    xp = array_module(x)
    with np.errstate(all="ignore"):
        reflect = x < 0.5
        z, shift = _lifted(xp, xp.where(reflect, 1 - x, x), 1)
        inverse_square = 1 / (z * z)
        series, power = xp.zeros_like(z), xp.ones_like(z)
        for coefficient in _PSI_ASYMPTOTIC:
            power = power * inverse_square
            series = series + coefficient * power
        psi = xp.log(z) - 0.5 / z - series - shift
        psi = xp.where(reflect, psi - math.pi / xp.tan(math.pi * x), psi)
        integer = x == xp.floor(x)
        psi = xp.where((x == 0), -xp.inf, xp.where((x < 0) & integer, xp.nan, psi))
        return xp.where(xp.isposinf(x), xp.inf, psi)


def polygamma_array(n: int, x: Any) -> Any:
    """ψ⁽ⁿ⁾(x) = (-1)ⁿ⁺¹ n! Σₖ 1/(x+k)ⁿ⁺¹ for n ≥ 1 (trigamma is n = 1).

    Above 6 + 2n the asymptotic series (-1)ⁿ⁺¹ [(n-1)!/xⁿ + n!/(2xⁿ⁺¹) + Σ B₂ₖ (2k+n-1)!/((2k)! x²ᵏ⁺ⁿ)]
    is exact to rounding; below, the sum's first terms lift x there. Below ½ the reflection
    formula, ψ(1-x) - ψ(x) = π cot πx differentiated n times, gives ψ⁽ⁿ⁾(x) from ψ⁽ⁿ⁾(1-x).
    """
    xp = array_module(x)
    sign = 1 if n % 2 else -1
    with np.errstate(all="ignore"):
        reflect = x < 0.5
        z, shift = _lifted(xp, xp.where(reflect, 1 - x, x), n + 1, above=6 + 2 * n)
        inverse = 1 / z
        power = inverse**n
        series = math.factorial(n - 1) * power + math.factorial(n) / 2 * power * inverse
        for k, bernoulli in enumerate(_BERNOULLI, 1):
            power = power * inverse * inverse
            series = series + bernoulli * math.factorial(2 * k + n - 1) / math.factorial(2 * k) * power
        value = sign * (series + math.factorial(n) * shift)
        cotangent = 1 / xp.tan(math.pi * x)
        reflected = (-1) ** n * value - math.pi ** (n + 1) * _cot_derivative(n, cotangent)
        value = xp.where(reflect, reflected, value)
        if n > 1:  # the poles 0, -1, -2, …: (-1)ⁿ⁺¹ n!·(1/0), as PyTorch's zeta gives
            value = xp.where((x <= 0) & (x == xp.floor(x)), sign * xp.inf, value)
        return value


def _cot_derivative(n: int, c: Any) -> Any:
    """(d/dx)ⁿ cot(πx) / πⁿ as a polynomial in c = cot πx: P₀ = c, Pₖ₊₁ = -(1 + c²)·Pₖ'."""
    coefficients = [0.0, 1.0]  # lowest power first
    for _ in range(n):
        slope = [k * a for k, a in enumerate(coefficients)][1:]
        coefficients = [-(a + b) for a, b in zip(slope + [0.0, 0.0], [0.0, 0.0] + slope)]
    result = coefficients[-1]
    for coefficient in reversed(coefficients[:-1]):
        result = result * c + coefficient
    return result


class Polygamma(ArrayFunction):
    """ψ⁽ⁿ⁾, the n-th derivative of digamma (n ≥ 1): the derivative of digamma and of itself."""

    @staticmethod
    def forward(ctx, x, n):
        ctx.save_for_backward(x)
        ctx.n = n
        return polygamma_array(n, x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        """d/dx ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁺¹⁾(x)."""
        (x,) = ctx.saved_tensors
        return grad * Polygamma.call(x, ctx.n + 1), None


class Erf(Pointwise):
    """d/dx erf x = 2/√π · e^(-x²)."""
    function = staticmethod(lambda xp, x: erf_array(x))
    derivative = staticmethod(lambda xp, x, y: 2 / math.sqrt(math.pi) * xp.exp(-x * x))


class Erfc(Pointwise):
    """d/dx erfc x = -2/√π · e^(-x²)."""
    function = staticmethod(lambda xp, x: erfc_array(x))
    derivative = staticmethod(lambda xp, x, y: -2 / math.sqrt(math.pi) * xp.exp(-x * x))


class Erfinv(Pointwise):
    """d/dx erfinv x = √π/2 · e^(erfinv(x)²)."""
    function = staticmethod(lambda xp, x: erfinv_array(x))
    derivative = staticmethod(lambda xp, x, y: math.sqrt(math.pi) / 2 * xp.exp(y * y))


class Lgamma(Pointwise):
    """d/dx log|Γ(x)| = ψ(x), the digamma function."""
    function = staticmethod(lambda xp, x: lgamma_array(x))
    derivative = staticmethod(lambda xp, x, y: Digamma.call(x))


class Digamma(Pointwise):
    """d/dx ψ(x) = ψ'(x), the trigamma function."""
    function = staticmethod(lambda xp, x: digamma_array(x))
    derivative = staticmethod(lambda xp, x, y: Polygamma.call(x, 1))


def erf(input: Tensor) -> Tensor:
    """The error function, (2/√π) ∫₀ˣ e^(-t²) dt."""
    return unary_op(Erf, input)


def erfc(input: Tensor) -> Tensor:
    """1 - erf(x), accurate where erf(x) is close to 1."""
    return unary_op(Erfc, input)


def erfinv(input: Tensor) -> Tensor:
    """The inverse of erf on (-1, 1) (±inf at ±1, NaN outside)."""
    return unary_op(Erfinv, input)


def lgamma(input: Tensor) -> Tensor:
    """log |Γ(x)| (inf at the poles 0, -1, -2, …)."""
    return unary_op(Lgamma, input)


def digamma(input: Tensor) -> Tensor:
    """ψ(x) = d/dx log Γ(x) (-inf at 0, NaN at the negative integers, as PyTorch)."""
    return unary_op(Digamma, input)


psi = digamma
