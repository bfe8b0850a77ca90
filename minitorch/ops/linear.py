"""The fully connected layer as one op: ``y = x·Wᵀ + b``.

Written as ``x @ weight.T + bias`` it would be three graph nodes (transpose, matmul, add) and
three temporaries; fused, the forward is one matrix product with the bias added in place, and
the backward is two matrix products and a column sum.
"""
from __future__ import annotations

import math
from typing import Optional

from minitorch.autograd.function import ArrayFunction
from minitorch.tensor import Tensor


class Linear(ArrayFunction):
    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        out = x @ weight.T
        if bias is not None:
            out += bias
        return out

    @staticmethod
    def backward(ctx, grad):
        """dx = G·W, dW = Gᵀ·x, db = Σ G over rows (leading dimensions of x act as rows)."""
        x, weight = ctx.saved_tensors
        need_x, need_weight, need_bias = ctx.needs_input_grad
        grad_rows = grad.reshape(-1, grad.shape[-1])
        return (
            grad @ weight if need_x else None,
            grad_rows.T @ x.reshape(-1, x.shape[-1]) if need_weight else None,
            grad_rows.sum(axis=0) if need_bias else None,
        )


def linear(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None) -> Tensor:
    """``input @ weight.T + bias`` for ``input`` of shape (..., in_features)."""
    if input.ndim == 0 or weight.ndim != 2:
        raise RuntimeError(
            f"linear expects an input with at least 1 dimension and a 2-D weight, "
            f"got input of shape {list(input.shape)} and weight of shape {list(weight.shape)}"
        )
    if input.shape[-1] != weight.shape[1]:
        rows, features = math.prod(input.shape[:-1]), input.shape[-1]
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{features} and {weight.shape[1]}x{weight.shape[0]}): "
            f"the input has {input.shape[-1]} features, the layer expects {weight.shape[1]}"
        )
    if bias is not None and bias.shape != (weight.shape[0],):
        raise RuntimeError(f"linear: bias of shape {list(bias.shape)} does not match {weight.shape[0]} output features")
    operands = (input, weight) if bias is None else (input, weight, bias)
    if len({t.dtype for t in operands}) > 1:
        raise RuntimeError(
            "mat1 and mat2 must have the same dtype, but got "
            + " and ".join(str(t.dtype) for t in operands)
        )
    return Linear.apply(input, weight, bias)
