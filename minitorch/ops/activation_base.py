"""``Activation``: the pattern shared by elementwise activations, ``y = f(x)`` and ``dx = g · f'(x)``.

An activation subclass only states its formula (``value``) and its derivative (``slope``), side by
side; this class saves the input, passes the settings (slopes, bounds ...) through, and supplies
``None`` gradients for them. ``slope`` is written with ``xp = array_module(x)`` so that it runs on
arrays and, under ``create_graph``, on Tensors: the backward ``g · f'(x)`` is then differentiable again. :func:`activate` with ``inplace=True`` runs the same op in place
(``F.leaky_relu(x, inplace=True)``).
"""
from __future__ import annotations

from typing import Any

from minitorch.autograd.function import ArrayFunction
from minitorch.ops.inplace import apply_inplace
from minitorch.tensor import Tensor


class Activation(ArrayFunction):
    """Base class: subclasses define ``value(x, *settings)`` and ``slope(x, *settings)``."""

    @staticmethod
    def value(x: Any, *settings: Any) -> Any:
        raise NotImplementedError

    @staticmethod
    def slope(x: Any, *settings: Any) -> Any:
        raise NotImplementedError

    @staticmethod
    def forward(ctx, x, *settings):
        ctx.save_for_backward(x)
        ctx.settings = settings
        return type(ctx).value(x, *settings)

    @staticmethod
    def backward(ctx, grad):
        """dx = g · f'(x); the settings get no gradient."""
        (x,) = ctx.saved_tensors
        return (grad * type(ctx).slope(x, *ctx.settings),) + (None,) * len(ctx.settings)


def activate(op: type, input: Tensor, *settings: Any, inplace: bool = False) -> Tensor:
    """Apply ``op`` to a floating-point ``input``, out of place or (``inplace=True``) into its memory."""
    if input.dtype.kind != "f":
        raise RuntimeError(f"{op.__name__.lower()} expects a floating-point input, but got {input.dtype}")
    return apply_inplace(input, op, *settings) if inplace else op.apply(input, *settings)
