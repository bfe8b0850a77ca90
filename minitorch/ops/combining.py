"""Elementwise ops of three tensors: clamp with tensor bounds, lerp, addcmul, addcdiv.

``lerp``, ``addcmul`` and ``addcdiv`` are the fused updates optimisers use (Adam's
``exp_avg.lerp_(grad, 1 - β₁)``, ``param.addcdiv_(m, v.sqrt() + eps, value=-lr)``); here they are
compositions of ``+ - * /``, so their gradients come from those ops. ``clamp`` with tensor
bounds is its own op: its gradient goes to whichever of ``x``, ``min``, ``max`` was chosen.
"""
from __future__ import annotations

from typing import Any, Optional

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.broadcast import broadcast_shapes, unbroadcast
from minitorch.ops.cast import cast
from minitorch.ops import inplace, unary
from minitorch.ops.inplace import apply_inplace, compose_inplace
from minitorch.ops.operands import as_operand, promote_operands, shape_of
from minitorch.tensor import Tensor


class ClampTensors(ArrayFunction):
    @staticmethod
    def forward(ctx, x, low, high):
        xp = array_module(x)
        ctx.save_for_backward(x, low, high)
        y = x if low is None else xp.maximum(x, low)
        return y if high is None else xp.minimum(y, high)

    @staticmethod
    def backward(ctx, grad):
        """d/dx = 1[min ≤ x ≤ max]; d/dmin = 1[x < min < max]; d/dmax = 1[x > max or max < min]."""
        x, low, high = ctx.saved_tensors
        xp = array_module(grad)
        take_x = xp.ones(x.shape, bool)
        take_low = take_high = None
        if low is not None:
            take_x = take_x & (x >= low)
            take_low = (x < low) if high is None else (x < low) & (low < high)
        if high is not None:
            take_x = take_x & (x <= high)
            take_high = (x > high) if low is None else (x > high) | (high < low)
        need_x, need_low, need_high = ctx.needs_input_grad
        return tuple(
            unbroadcast(xp.where(mask, grad, 0), shape_of(value)) if needed else None
            for mask, value, needed in ((take_x, x, need_x), (take_low, low, need_low), (take_high, high, need_high))
        )


def _clamp_operands(input: Tensor, min: Any, max: Any) -> tuple:
    if any(b is not None and not isinstance(b, Tensor) for b in (min, max)):
        raise TypeError(
            f"clamp() received an invalid combination of arguments - got min {type(min).__name__}, max "
            f"{type(max).__name__}: the bounds must both be tensors (or None), or both numbers"
        )
    bounds = [None if b is None else as_operand(b, input) for b in (min, max)]
    for bound in bounds:  # the result dtype: input promoted with each bound
        if bound is not None:
            input = promote_operands(input, bound)[0]
    bounds = [cast(b, input.dtype) if isinstance(b, Tensor) and b.dtype != input.dtype else b for b in bounds]
    shape = input.shape
    for bound in bounds:
        shape = broadcast_shapes("clamp", shape, shape_of(bound))
    if tuple(shape) != tuple(input.shape):
        input = input.expand(shape)  # the result has the broadcast shape
    return input, bounds


def clamp_tensors(input: Tensor, min: Optional[Any] = None, max: Optional[Any] = None) -> Tensor:
    """``clamp`` where ``min``/``max`` may be tensors (broadcast with ``input``)."""
    input, (low, high) = _clamp_operands(input, min, max)
    return ClampTensors.apply(input, low, high)


def clamp_tensors_(self: Tensor, min: Optional[Any] = None, max: Optional[Any] = None) -> Tensor:
    _, (low, high) = _clamp_operands(self, min, max)
    return apply_inplace(self, ClampTensors, low, high)


def _check_floating(name: str, *values: Any) -> None:
    for value in values:
        if isinstance(value, Tensor) and value.dtype.kind != "f":
            raise NotImplementedError(f'"{name}" is not implemented for {value.dtype}: it needs floating point tensors')


def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """Linear interpolation ``input + weight·(end - input)``: weight 0 gives ``input``, 1 gives ``end``."""
    _check_floating("lerp", input, end, weight)
    return input + weight * (end - input)


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """``input + value·tensor1·tensor2``."""
    return input + value * tensor1 * tensor2 if value != 1 else input + tensor1 * tensor2


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """``input + value·tensor1/tensor2`` (integer tensors are refused, as PyTorch does)."""
    if tensor1.dtype.kind in "biu" and tensor2.dtype.kind in "biu":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future release addcdiv will perform "
            "a true division of tensor1 and tensor2. Use (input + value * tensor1 / tensor2) instead."
        )
    return input + value * (tensor1 / tensor2) if value != 1 else input + tensor1 / tensor2


def lerp_(self: Tensor, end: Tensor, weight: Any) -> Tensor:
    return compose_inplace(self, lerp, end, weight)


def addcmul_(self: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    return compose_inplace(self, lambda x, a, b: addcmul(x, a, b, value=value), tensor1, tensor2)


def addcdiv_(self: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    return compose_inplace(self, lambda x, a, b: addcdiv(x, a, b, value=value), tensor1, tensor2)


def clamp(input: Tensor, min: Optional[Any] = None, max: Optional[Any] = None) -> Tensor:
    """Limit every element to [min, max]; the bounds are numbers or tensors that broadcast with
    ``input`` (the gradient then flows to whichever bound was chosen)."""
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        return clamp_tensors(input, min, max)
    return unary.clamp(input, min, max)


def clamp_(self: Tensor, min: Optional[Any] = None, max: Optional[Any] = None) -> Tensor:
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return clamp_tensors_(self, min, max)
    return inplace.clamp_(self, min, max)


clip, clip_ = clamp, clamp_
