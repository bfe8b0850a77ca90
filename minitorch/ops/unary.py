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
from minitorch.ops.layout import in_pieces
from minitorch.parallel import pass_work
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


def in_memory_order(first: Any, *others: Any) -> Optional[list]:
    """1-D views of NumPy arrays of one shape, each in ``first``'s memory order (so that their
    entries pair up index for index), or None where one of them has gaps or another order."""
    by_stride = sorted(range(first.ndim), key=lambda d: -first.strides[d])
    views = []
    for array in (first, *others):
        ordered = array.transpose(by_stride)
        if not ordered.flags.c_contiguous:
            return None
        views.append(ordered.reshape(-1))  # a view: it is contiguous
    return views


def max_with_zero(x: Any) -> Any:
    """``max(x, 0)`` elementwise, in ``x``'s memory layout; NaN stays NaN, as in PyTorch (which
    also keeps -0.0, where NumPy's maximum gives 0.0: an equal value).

    NumPy (2.x) compares with a scalar 0 in a loop 2-3x slower than with an array of zeros (it
    has SIMD loops for two arrays only), so on the CPU a large ``x`` is read in its memory order
    as rows of :data:`ZERO_ROW` values, each compared with one shared row of zeros; the rows of
    a very large ``x`` are split over threads (``parallel.pass_work``).
    """
    xp = array_module(x)
    if xp is not np or x.size < ZERO_ROWS_FROM:
        return xp.maximum(x, 0)
    out = np.empty_like(x)  # the same layout as x (a conv output's batch-innermost)
    flat = in_memory_order(x, out)
    if flat is None:  # x has gaps: a slice
        return np.maximum(x, 0, out=out)
    source, target = flat
    zeros = np.zeros(ZERO_ROW, dtype=x.dtype)

    def rows(piece: slice) -> None:  # rows of ZERO_ROW values; the last one may be short
        start, stop = piece.start * ZERO_ROW, min(piece.stop * ZERO_ROW, x.size)
        whole = stop - (stop - start) % ZERO_ROW
        np.maximum(source[start:whole].reshape(-1, ZERO_ROW), zeros, out=target[start:whole].reshape(-1, ZERO_ROW))
        np.maximum(source[whole:stop], zeros[:stop - whole], out=target[whole:stop])

    in_pieces(rows, -(-x.size // ZERO_ROW), x, work=pass_work(x.size), uses_blas=False)
    return out


def relu_gradient(grad: Any, y: Any) -> Any:
    """``grad · 1[not y ≤ 0]`` (relu's backward from its output y), in y's layout; on the CPU a very
    large one in pieces of memory over threads (``parallel.pass_work``). NumPy multiplies float
    by float 1.6x faster than float by bool, so the mask is made float first."""
    flat = None
    if array_module(y) is np and y.size >= ZERO_ROWS_FROM and grad.dtype == y.dtype:
        out = np.empty_like(y)
        flat = in_memory_order(y, grad, out)
    if flat is None:
        passes = ~(y <= 0)
        return grad * (passes if isinstance(passes, Tensor) else passes.astype(grad.dtype))
    y_flat, grad_flat, out_flat = flat

    def piece(part: slice) -> None:
        np.multiply(grad_flat[part], (~(y_flat[part] <= 0)).astype(grad.dtype), out=out_flat[part])

    in_pieces(piece, y.size, y, work=pass_work(y.size), uses_blas=False)
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
        return relu_gradient(grad, y)

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
