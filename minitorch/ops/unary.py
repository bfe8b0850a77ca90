"""Unary maths: exp, log, sqrt, tanh, sigmoid, relu, abs, clamp, square.

Each is a function of one tensor, applied to every element; its backward multiplies the
incoming gradient by the derivative at that element. Integer inputs to exp, log, sqrt, tanh and
sigmoid are computed in float32, as in PyTorch.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from minitorch import dtypes
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.cast import cast
from minitorch.ops.operands import Number, plain, promote_operands
from minitorch.tensor import Tensor


class Exp(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        y = array_module(x).exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        """d/dx eˣ = eˣ."""
        (y,) = ctx.saved_tensors
        return grad * y

class Log(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).log(x)

    @staticmethod
    def backward(ctx, grad):
        """d/dx ln x = 1/x."""
        (x,) = ctx.saved_tensors
        return grad / x

class Sqrt(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        y = array_module(x).sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        """d/dx √x = 1/(2√x)."""
        (y,) = ctx.saved_tensors
        return grad / (2 * y)

class Tanh(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        y = array_module(x).tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        """d/dx tanh x = 1 - tanh² x."""
        (y,) = ctx.saved_tensors
        return grad * (1 - y * y)

class Sigmoid(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        xp = array_module(x)
        y = xp.exp(-xp.logaddexp(0, -x)).astype(x.dtype, copy=False)  # 1/(1+e⁻ˣ) without overflow
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        """d/dx σ(x) = σ(x)(1 - σ(x))."""
        (y,) = ctx.saved_tensors
        return grad * y * (1 - y)

ZERO_ROW = 4096  # length of the row of zeros relu compares large CPU arrays with
ZERO_ROWS_FROM = 1 << 15  # elements from which that is faster (measured: below, the extra calls cost more)


def max_with_zero(x: Any) -> Any:
    """``max(0, x)`` elementwise, in ``x``'s memory layout: NaN stays NaN and -0.0 stays -0.0, as in
    PyTorch (0 comes first: on a tie, ``maximum`` returns its second operand).

    NumPy (2.x) compares with a scalar 0 in a loop 2-3x slower than with an array of zeros (it
    has SIMD loops for two arrays only), so on the CPU a large ``x`` is read in its memory order
    as rows of :data:`ZERO_ROW` values, each compared with one shared row of zeros.
    """
    xp = array_module(x)
    if xp is not np or x.size < ZERO_ROWS_FROM:
        return xp.maximum(0, x)
    out = np.empty_like(x)  # the same layout as x (a conv output's batch-innermost)
    by_stride = sorted(range(x.ndim), key=lambda d: -x.strides[d])  # x's axes in memory order
    source, target = x.transpose(by_stride), out.transpose(by_stride)
    if not (source.flags.c_contiguous and target.flags.c_contiguous):  # x has gaps: a slice
        return np.maximum(0, x, out=out)
    source, target = source.reshape(-1), target.reshape(-1)  # views: both are contiguous
    zeros = np.zeros(ZERO_ROW, dtype=x.dtype)
    rows = x.size // ZERO_ROW
    whole = rows * ZERO_ROW
    np.maximum(zeros, source[:whole].reshape(rows, ZERO_ROW), out=target[:whole].reshape(rows, ZERO_ROW))
    np.maximum(zeros[:x.size - whole], source[whole:], out=target[whole:])
    return out


class Relu(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        y = max_with_zero(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        """d/dx relu(x) = 1[x > 0], and 1 at NaN: PyTorch passes the gradient on wherever not y ≤ 0."""
        (y,) = ctx.saved_tensors
        passes = ~(y <= 0)
        if not isinstance(passes, Tensor):  # NumPy multiplies float by float 1.6x faster than float by bool
            passes = passes.astype(grad.dtype)
        return grad * passes

class Abs(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).abs(x)

    @staticmethod
    def backward(ctx, grad):
        """d/dx |x| = sign(x) (0 at 0)."""
        (x,) = ctx.saved_tensors
        return grad * array_module(x).sign(x)

class Clamp(ArrayFunction):
    @staticmethod
    def forward(ctx, x, low, high):
        ctx.save_for_backward(x)
        ctx.bounds = (low, high)
        return array_module(x).clip(x, low, high)

    @staticmethod
    def backward(ctx, grad):
        """d/dx clamp(x, lo, hi) = 1[lo ≤ x ≤ hi]."""
        (x,) = ctx.saved_tensors
        low, high = ctx.bounds
        inside = True
        if low is not None:
            inside = x >= low
        if high is not None:
            inside = inside & (x <= high)
        return grad * inside, None, None

def exp(input: Tensor) -> Tensor:
    return Exp.apply(_floating(input))

def log(input: Tensor) -> Tensor:
    return Log.apply(_floating(input))

def sqrt(input: Tensor) -> Tensor:
    return Sqrt.apply(_floating(input))

def tanh(input: Tensor) -> Tensor:
    return Tanh.apply(_floating(input))

def sigmoid(input: Tensor) -> Tensor:
    return Sigmoid.apply(_floating(input))

def relu(input: Tensor) -> Tensor:
    return Relu.apply(input)

def abs(input: Tensor) -> Tensor:
    return Abs.apply(input)

def clamp(input: Tensor, min: Optional[Number] = None, max: Optional[Number] = None) -> Tensor:
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    for bound in (min, max):  # an integer tensor clamped to a float bound becomes float32
        if bound is not None:
            input = promote_operands(input, plain(bound))[0]
    return Clamp.apply(input, plain(min), plain(max))

clip = clamp

def square(input: Tensor) -> Tensor:
    return input * input

def _floating(input: Tensor) -> Tensor:
    """Integer tensors are computed in float32, as PyTorch does for exp, log, sqrt ..."""
    return input if input._data.dtype.kind == "f" else cast(input, dtypes.default_float)
