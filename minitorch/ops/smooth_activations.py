"""Smooth activations: GELU, SiLU, Mish, Softplus, LogSigmoid, Softsign, Tanhshrink, and GLU.

GELU weighs x by the standard normal CDF, ``Φ(x) = ½ erfc(−x/√2)``, with the ``erfc`` of
``special.py`` (a series and a continued fraction, accurate to float64 rounding).
"""
from __future__ import annotations

import math
from typing import Any, Optional

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.activation import _softmax_axis, softmax
from minitorch.ops.activation_base import Activation, activate
from minitorch.ops.pointwise import in_dtype_of
from minitorch.ops.recompute import reuse_or_recompute
from minitorch.ops.special import erfc_array
from minitorch.sizes import normalize_dim
from minitorch.tensor import Tensor

SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
GELU_TANH_CUBIC = 0.044715


def normal_cdf(x: Any) -> Any:
    """Φ(x) = ½ erfc(−x/√2), the probability that a standard normal variable is ≤ x (arrays, or Tensors
    under create_graph)."""
    z = -x / math.sqrt(2)
    return 0.5 * (z.erfc() if isinstance(z, Tensor) else erfc_array(z))


class Gelu(Activation):
    @staticmethod
    def value(x, approximate):
        if approximate == "tanh":
            xp = array_module(x)
            return (0.5 * x * (1 + xp.tanh(SQRT_2_OVER_PI * (x + GELU_TANH_CUBIC * x * x * x)))).astype(x.dtype)
        return (x * normal_cdf(x)).astype(x.dtype, copy=False)

    @staticmethod
    def slope(x, approximate):
        """Φ(x) + x·φ(x) (φ the normal density); for 'tanh', the derivative of ½x(1 + tanh u)."""
        xp = array_module(x)
        if approximate == "tanh":
            t = xp.tanh(SQRT_2_OVER_PI * (x + GELU_TANH_CUBIC * x * x * x))
            du = SQRT_2_OVER_PI * (1 + 3 * GELU_TANH_CUBIC * x * x)
            return in_dtype_of(0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du, x)
        density = xp.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
        return in_dtype_of(normal_cdf(x) + x * density, x)


def _sigmoid(x: Any) -> Any:
    xp = array_module(x)
    return in_dtype_of(xp.exp(-xp.logaddexp(0, -x)), x)


def _softplus(x: Any) -> Any:
    """log(1 + eˣ) without overflow."""
    return in_dtype_of(array_module(x).logaddexp(0, x), x)


class Silu(Activation):
    @staticmethod
    def value(x):
        return x * _sigmoid(x)

    @staticmethod
    def slope(x):
        """σ(x)·(1 + x·(1 − σ(x)))."""
        s = _sigmoid(x)
        return s * (1 + x * (1 - s))


class Mish(Activation):
    @staticmethod
    def value(x):
        return x * array_module(x).tanh(_softplus(x))

    @staticmethod
    def slope(x):
        """tanh(sp(x)) + x·σ(x)·(1 − tanh²(sp(x))), with sp = softplus."""
        t = array_module(x).tanh(_softplus(x))
        return t + x * _sigmoid(x) * (1 - t * t)


class Softplus(Activation):
    @staticmethod
    def value(x, beta, threshold):
        return array_module(x).where(x * beta > threshold, x, _softplus(x * beta) / beta).astype(x.dtype, copy=False)

    @staticmethod
    def slope(x, beta, threshold):
        """σ(βx), and exactly 1 where βx > threshold (the linear part)."""
        return in_dtype_of(array_module(x).where(x * beta > threshold, 1.0, _sigmoid(x * beta)), x)


class LogSigmoid(Activation):
    @staticmethod
    def value(x):
        return -_softplus(-x)

    @staticmethod
    def slope(x):
        """1 − σ(x) = σ(−x)."""
        return _sigmoid(-x)


class Softsign(Activation):
    @staticmethod
    def value(x):
        return x / (1 + array_module(x).abs(x))

    @staticmethod
    def slope(x):
        """1/(1 + |x|)²."""
        return 1 / (1 + array_module(x).abs(x)) ** 2


class Tanhshrink(Activation):
    @staticmethod
    def value(x):
        return x - array_module(x).tanh(x)

    @staticmethod
    def slope(x):
        """1 − (1 − tanh² x) = tanh² x."""
        return array_module(x).tanh(x) ** 2


class Glu(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axis):
        a, b = array_module(x).split(x, 2, axis=axis)
        gate = _sigmoid(b)
        ctx.save_for_backward(x)
        ctx.gate, ctx.axis = gate, axis
        return a * gate

    @staticmethod
    def backward(ctx, grad):
        """For y = a·σ(b): da = g·σ(b), db = g·a·σ(b)(1 − σ(b)), joined back along the split axis."""
        (x,) = ctx.saved_tensors
        xp = array_module(grad)
        a, b = xp.split(x, 2, axis=ctx.axis)
        gate = reuse_or_recompute(ctx.gate, lambda: _sigmoid(b), x)
        return xp.concatenate([grad * gate, grad * a * gate * (1 - gate)], axis=ctx.axis), None


# ----- the public functions -----
def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x·Φ(x), Φ the standard normal CDF; ``approximate='tanh'`` uses ½x(1 + tanh(√(2/π)(x + 0.044715x³)))."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh, but got {approximate!r}")
    return activate(Gelu, input, approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x·σ(x) (also called swish)."""
    return activate(Silu, input, inplace=inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x·tanh(softplus(x))."""
    return activate(Mish, input, inplace=inplace)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """(1/β)·log(1 + e^(βx)), a smooth ReLU; x itself where βx > threshold."""
    return activate(Softplus, input, beta, threshold)


def logsigmoid(input: Tensor) -> Tensor:
    """log σ(x) = −softplus(−x), computed without overflow."""
    return activate(LogSigmoid, input)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    return activate(Softsign, input)


def tanhshrink(input: Tensor) -> Tensor:
    """x − tanh x."""
    return activate(Tanhshrink, input)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """Gated linear unit: split ``input`` in halves a, b along ``dim``; return a·σ(b)."""
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    axis = normalize_dim(dim, input.ndim)
    if input.shape[axis] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {axis} is size {input.shape[axis]}")
    return Glu.apply(input, axis)


def softmin(input: Tensor, dim: Optional[int] = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """softmax(−x) along ``dim``."""
    return softmax(-input, _softmax_axis("softmin", input, dim), dtype=dtype)
