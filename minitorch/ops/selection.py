"""Choosing between elements: ``maximum``/``minimum`` of two tensors, ``where``, ``masked_fill``.

The gradient goes to the element that was chosen (ties in ``maximum``/``minimum`` share it).
"""
from __future__ import annotations

from typing import Any

from minitorch import dtypes
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.creation import tensor
from minitorch.ops.broadcast import broadcast_shapes, unbroadcast
from minitorch.ops.cast import astype
from minitorch.ops.operands import Number, Operand, as_operand, check_broadcast, plain, promote_operands, shape_of
from minitorch.tensor import Tensor


class PairwiseExtreme(ArrayFunction):
    """Elementwise maximum (or minimum) of two tensors; ties share the gradient equally."""

    @staticmethod
    def forward(ctx, a, b, largest):
        ctx.save_for_backward(a, b)
        ctx.largest = largest
        xp = array_module(a)
        return xp.maximum(a, b) if largest else xp.minimum(a, b)

    @staticmethod
    def backward(ctx, grad):
        """d max(a, b)/da = 1[a > b] + ½·1[a = b]."""
        a, b = ctx.saved_tensors
        wins = (a > b) if ctx.largest else (a < b)
        share = astype(wins + 0.5 * (a == b), grad.dtype)  # a constant: its own derivative is 0
        need_a, need_b, _ = ctx.needs_input_grad
        return (
            unbroadcast(grad * share, a.shape) if need_a else None,
            unbroadcast(grad * (1 - share), b.shape) if need_b else None,
            None,
        )


def maximum(input: Tensor, other: Tensor) -> Tensor:
    return _pairwise_extreme(input, other, largest=True)


def minimum(input: Tensor, other: Tensor) -> Tensor:
    return _pairwise_extreme(input, other, largest=False)


def _pairwise_extreme(input: Tensor, other: Any, largest: bool) -> Tensor:
    a, b = promote_operands(input, as_operand(other, input))
    check_broadcast("maximum" if largest else "minimum", a, b)
    return PairwiseExtreme.apply(a, b, largest)



class Where(ArrayFunction):
    @staticmethod
    def forward(ctx, condition, a, b):
        ctx.save_for_backward(condition)  # saved, so changing the mask in place is caught
        ctx.shapes = (shape_of(a), shape_of(b))
        return array_module(condition).where(condition, a, b)

    @staticmethod
    def backward(ctx, grad):
        """d where(c, a, b)/da = 1[c], d/db = 1[not c]."""
        _, need_a, need_b = ctx.needs_input_grad
        (condition,) = ctx.saved_tensors
        return (
            None,
            unbroadcast(grad * condition, ctx.shapes[0]) if need_a else None,
            unbroadcast(grad * ~condition, ctx.shapes[1]) if need_b else None,
        )


def where(condition: Tensor, input: Operand = None, other: Operand = None) -> Any:
    """``input`` where ``condition`` holds, else ``other`` (broadcast together).

    ``where(condition)`` alone is ``nonzero(condition, as_tuple=True)``: one index vector per dimension.
    """
    if input is None and other is None:
        data = condition._data.reshape(-1) if condition.ndim == 0 else condition._data
        return tuple(Tensor._wrap(i.astype(dtypes.int64)) for i in array_module(data).nonzero(data))
    if condition.dtype != dtypes.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype {condition.dtype}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):  # two numbers: input decides
        input = tensor(input, device=condition.device)
    if isinstance(input, Tensor):
        input, other = promote_operands(input, as_operand(other, input))
    else:
        other, input = promote_operands(other, as_operand(input, other))
    broadcast_shapes("where", condition.shape, broadcast_shapes("where", shape_of(input), shape_of(other)))
    return Where.apply(condition, input, other)


def masked_fill(input: Tensor, mask: Tensor, value: Number) -> Tensor:
    return where(mask, plain(value), input) if not isinstance(value, Tensor) else where(mask, value, input)
