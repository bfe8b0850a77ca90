"""Trigonometric and hyperbolic functions: sin, cos, tan, their inverses, atan2, hypot.

Each is a :class:`~minitorch.ops.pointwise.Pointwise` op: the function and its derivative side
by side. Integer inputs are computed in float32, as in PyTorch; outside an inverse function's
domain (``asin(2)``) the result is nan, not an error.
"""
from __future__ import annotations

from minitorch.ops.pointwise import Pointwise, PointwiseBinary, binary_op, unary_op
from minitorch.tensor import Tensor


class Sin(Pointwise):
    """d/dx sin x = cos x."""
    function = staticmethod(lambda xp, x: xp.sin(x))
    derivative = staticmethod(lambda xp, x, y: xp.cos(x))


class Cos(Pointwise):
    """d/dx cos x = -sin x."""
    function = staticmethod(lambda xp, x: xp.cos(x))
    derivative = staticmethod(lambda xp, x, y: -xp.sin(x))


class Tan(Pointwise):
    """d/dx tan x = 1 + tan² x."""
    function = staticmethod(lambda xp, x: xp.tan(x))
    derivative = staticmethod(lambda xp, x, y: 1 + y * y)


class Asin(Pointwise):
    """d/dx asin x = 1/√(1 - x²)."""
    function = staticmethod(lambda xp, x: xp.arcsin(x))
    derivative = staticmethod(lambda xp, x, y: 1 / xp.sqrt(1 - x * x))


class Acos(Pointwise):
    """d/dx acos x = -1/√(1 - x²)."""
    function = staticmethod(lambda xp, x: xp.arccos(x))
    derivative = staticmethod(lambda xp, x, y: -1 / xp.sqrt(1 - x * x))


class Atan(Pointwise):
    """d/dx atan x = 1/(1 + x²)."""
    function = staticmethod(lambda xp, x: xp.arctan(x))
    derivative = staticmethod(lambda xp, x, y: 1 / (1 + x * x))


class Sinh(Pointwise):
    """d/dx sinh x = cosh x."""
    function = staticmethod(lambda xp, x: xp.sinh(x))
    derivative = staticmethod(lambda xp, x, y: xp.cosh(x))


class Cosh(Pointwise):
    """d/dx cosh x = sinh x."""
    function = staticmethod(lambda xp, x: xp.cosh(x))
    derivative = staticmethod(lambda xp, x, y: xp.sinh(x))


class Asinh(Pointwise):
    """d/dx asinh x = 1/√(x² + 1)."""
    function = staticmethod(lambda xp, x: xp.arcsinh(x))
    derivative = staticmethod(lambda xp, x, y: 1 / xp.sqrt(x * x + 1))


class Acosh(Pointwise):
    """d/dx acosh x = 1/√(x² - 1)."""
    function = staticmethod(lambda xp, x: xp.arccosh(x))
    derivative = staticmethod(lambda xp, x, y: 1 / xp.sqrt(x * x - 1))


class Atanh(Pointwise):
    """d/dx atanh x = 1/(1 - x²)."""
    function = staticmethod(lambda xp, x: xp.arctanh(x))
    derivative = staticmethod(lambda xp, x, y: 1 / (1 - x * x))


class Atan2(PointwiseBinary):
    """The angle of the point (b, a): ∂/∂a atan2(a, b) = b/(a² + b²), ∂/∂b = -a/(a² + b²)."""
    function = staticmethod(lambda xp, a, b: xp.arctan2(a, b))

    @staticmethod
    def partials(xp, a, b, z):
        r2 = a * a + b * b
        return b / r2, -a / r2


class Hypot(PointwiseBinary):
    """√(a² + b²): ∂/∂a = a/hypot, ∂/∂b = b/hypot."""
    function = staticmethod(lambda xp, a, b: xp.hypot(a, b))
    partials = staticmethod(lambda xp, a, b, z: (a / z, b / z))


def sin(input: Tensor) -> Tensor:
    return unary_op(Sin, input)


def cos(input: Tensor) -> Tensor:
    return unary_op(Cos, input)


def tan(input: Tensor) -> Tensor:
    return unary_op(Tan, input)


def asin(input: Tensor) -> Tensor:
    return unary_op(Asin, input)


def acos(input: Tensor) -> Tensor:
    return unary_op(Acos, input)


def atan(input: Tensor) -> Tensor:
    return unary_op(Atan, input)


def sinh(input: Tensor) -> Tensor:
    return unary_op(Sinh, input)


def cosh(input: Tensor) -> Tensor:
    return unary_op(Cosh, input)


def asinh(input: Tensor) -> Tensor:
    return unary_op(Asinh, input)


def acosh(input: Tensor) -> Tensor:
    return unary_op(Acosh, input)


def atanh(input: Tensor) -> Tensor:
    return unary_op(Atanh, input)


def atan2(input: Tensor, other: Tensor) -> Tensor:
    """The angle of the point (other, input) in (-π, π]: ``atan(input/other)`` in the right quadrant."""
    return binary_op(Atan2, input, other)


def hypot(input: Tensor, other: Tensor) -> Tensor:
    """√(input² + other²) without overflow."""
    if input.dtype.kind != "f" or (isinstance(other, Tensor) and other.dtype.kind != "f"):
        raise NotImplementedError(f"hypot: not implemented for integer dtypes, got {input.dtype}")
    return binary_op(Hypot, input, other)


arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2
arcsinh, arccosh, arctanh = asinh, acosh, atanh
