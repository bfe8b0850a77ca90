"""The shared shape of elementwise losses: one loss per element, optionally weighted, then reduced.

``L1``, ``SmoothL1``, ``Huber``, ``KLDiv``, ``BCE``, ``BCEWithLogits`` and ``SoftMargin`` differ
only in the per-element loss ℓ(x, y) and its two partials ∂ℓ/∂x and ∂ℓ/∂y. A subclass of
:class:`PointwiseLoss` defines those two functions; the reduction (``'none'``, ``'mean'``,
``'sum'``), the optional elementwise weight and the broadcasting of the gradient back to each
operand's shape are written once, here.
"""
from __future__ import annotations

import warnings
from typing import Any, Optional, Tuple

import numpy as np

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.broadcast import broadcast_shapes, unbroadcast
from minitorch.ops.loss import check_reduction, reduce_losses
from minitorch.ops.operands import promote_operands
from minitorch.ops.recompute import reuse_or_recompute
from minitorch.tensor import Tensor


class PointwiseLoss(ArrayFunction):
    """reduce(w · ℓ(x, y)); subclasses define ``losses`` and ``partials``.

    ``losses(x, y, option)`` returns the per-element losses and the intermediates ``partials``
    needs; ``partials(intermediates, option)`` returns (∂ℓ/∂x, ∂ℓ/∂y). ``option`` is the loss's one
    setting (β of smooth L1, δ of Huber, pos_weight of BCE with logits ...). Both are written with
    ``xp``: under create_graph the intermediates are recomputed from x and y on Tensors, so that
    the partials are differentiable again.
    """

    @staticmethod
    def losses(x: Any, y: Any, option: Any) -> Tuple[Any, tuple]:
        raise NotImplementedError

    @staticmethod
    def partials(saved: tuple, option: Any) -> Tuple[Any, Any]:
        raise NotImplementedError

    @staticmethod
    def forward(ctx, input, target, weight, reduction, option):
        losses, intermediates = ctx.losses(input, target, option)
        if weight is not None:
            losses = losses * weight
        ctx.save_for_backward(input, target)
        ctx.intermediates, ctx.weight, ctx.option, ctx.reduction = intermediates, weight, option, reduction
        ctx.shapes, ctx.count = (input.shape, target.shape), losses.size
        return reduce_losses(losses, reduction, losses.size, losses.shape)

    @staticmethod
    def backward(ctx, grad):
        """d reduce(w·ℓ)/dx = ∂ℓ/∂x · w · scale, scale = upstream (/ count for the mean); same for y."""
        with np.errstate(invalid="ignore", divide="ignore"):  # the mean of no elements: nan, as PyTorch
            scale = grad / ctx.count if ctx.reduction == "mean" else grad
        if ctx.weight is not None:
            scale = scale * array_module(grad).asarray(ctx.weight)
        input, target = ctx.saved_tensors
        intermediates = reuse_or_recompute(ctx.intermediates, lambda: ctx.losses(input, target, ctx.option)[1], input)
        d_input, d_target = ctx.partials(intermediates, ctx.option)
        need_input, need_target = ctx.needs_input_grad[:2]
        return (
            unbroadcast(d_input * scale, ctx.shapes[0]) if need_input else None,
            unbroadcast(d_target * scale, ctx.shapes[1]) if need_target else None,
            None, None, None,
        )


def pointwise_loss(op: type, name: str, input: Tensor, target: Tensor, reduction: str, option: Any = None,
                   weight: Optional[Tensor] = None, same_shape: bool = False) -> Tensor:
    """Check the arguments as PyTorch does, promote dtypes, and apply ``op``.

    ``same_shape``: the target must have the input's shape (a ValueError naming both), as for the
    binary cross-entropies; otherwise the two broadcast, with PyTorch's warning when they differ.
    """
    check_reduction(reduction)
    if input.shape != target.shape:
        if same_shape:
            raise ValueError(
                f"Using a target size ({_size(target.shape)}) that is different to the input size "
                f"({_size(input.shape)}) is deprecated. Please ensure they have the same size."
            )
        broadcast_shapes(name, input.shape, target.shape)
        warnings.warn(
            f"Using a target size ({_size(target.shape)}) that is different to the input size "
            f"({_size(input.shape)}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            stacklevel=3,
        )
    input, target = promote_operands(input, target)
    weight_array = None
    if weight is not None:
        broadcast_shapes(name, weight.shape, input.shape)
        weight_array = weight._data.astype(input.dtype, copy=False)
    return op.apply(input, target, weight_array, reduction, option)


def _size(shape: tuple) -> str:
    return f"torch.Size({list(shape)})"
