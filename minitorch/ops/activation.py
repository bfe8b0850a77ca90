"""Softmax and log-softmax along one dimension, computed without overflow.

``softmax(x)ᵢ = exp(xᵢ) / Σⱼ exp(xⱼ)`` overflows for large ``x``; subtracting ``max x`` first
changes nothing mathematically (it cancels) and keeps every exponent ≤ 0. The same shift gives
the log-sum-exp in ``log_softmax(x) = x − log Σ exp(x)``. (ReLU, sigmoid and tanh live in
``unary.py``.)
"""
from __future__ import annotations

import warnings
from typing import Any, Optional

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.cast import cast
from minitorch.sizes import normalize_dim, numpy_names
from minitorch.tensor import Tensor


def log_softmax_array(x: Any, axis: int) -> Any:
    """``x − logsumexp(x)`` along ``axis`` on a raw array (shared with the cross-entropy op)."""
    xp = array_module(x)
    shifted = x - x.max(axis=axis, keepdims=True)
    shifted -= xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
    return shifted


class Softmax(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axis):
        y = array_module(x).exp(x - x.max(axis=axis, keepdims=True))
        y /= y.sum(axis=axis, keepdims=True)
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, grad):
        """dx = y ⊙ (g − Σⱼ gⱼyⱼ), with y = softmax(x)."""
        (y,) = ctx.saved_tensors
        return y * (grad - (grad * y).sum(axis=ctx.axis, keepdims=True)), None


class LogSoftmax(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axis):
        y = log_softmax_array(x, axis)
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, grad):
        """dx = g − softmax(x) · Σⱼ gⱼ, with softmax(x) = exp(y)."""
        (y,) = ctx.saved_tensors
        return grad - array_module(y).exp(y) * grad.sum(axis=ctx.axis, keepdims=True), None


@numpy_names
def softmax(input: Tensor, dim: Optional[int] = None, *, dtype: Any = None) -> Tensor:
    """Exponentials normalised to sum to 1 along ``dim``."""
    return Softmax.apply(_in_dtype(input, dtype), _softmax_axis("softmax", input, dim))


@numpy_names
def log_softmax(input: Tensor, dim: Optional[int] = None, *, dtype: Any = None) -> Tensor:
    """``log(softmax(input))``, computed stably as ``input − logsumexp(input)``."""
    return LogSoftmax.apply(_in_dtype(input, dtype), _softmax_axis("log_softmax", input, dim))


def _in_dtype(input: Tensor, dtype: Any) -> Tensor:
    if dtype is not None:
        return cast(input, dtype)
    if input.dtype.kind != "f":
        raise RuntimeError(f"softmax needs a floating point input, got {input.dtype}; pass dtype=torch.float32")
    return input


def _softmax_axis(name: str, input: Tensor, dim: Optional[int]) -> int:
    """``dim``, or PyTorch's legacy choice when it is omitted (0 for 0-, 1- and 3-D inputs, else 1)."""
    if dim is None:
        warnings.warn(
            f"Implicit dimension choice for {name} has been deprecated. "
            "Change the call to include dim=X as an argument.",
            stacklevel=3,
        )
        dim = 0 if input.ndim in (0, 1, 3) else 1
    return normalize_dim(dim, input.ndim)
