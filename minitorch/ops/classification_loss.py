"""Binary and multi-label classification losses.

* ``binary_cross_entropy`` of probabilities p: ℓ = −w·(y·log p + (1 − y)·log(1 − p)), each log
  clamped at −100 as in PyTorch (so p = 0 or 1 gives a large, finite loss).
* ``binary_cross_entropy_with_logits`` of logits x, written with log σ(x) so it never overflows:
  ℓ = (1 − y)·x − (1 + (pw − 1)·y)·log σ(x), pw the positive-class weight (1 without one).
* ``soft_margin_loss`` ℓ = log(1 + e^(−y·x)) for labels ±1, and the multi-class margins.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.broadcast import broadcast_shapes
from minitorch.ops.loss import accepts_legacy_reduction, check_reduction, reduce_losses, row_scales
from minitorch.ops.pointwise import in_dtype_of
from minitorch.ops.pointwise_loss import PointwiseLoss, pointwise_loss
from minitorch.ops.recompute import reuse_or_recompute
from minitorch.tensor import Tensor

LOG_FLOOR = -100.0  # PyTorch clamps BCE's logarithms here
BCE_EPSILON = 1e-12  # ... and the denominator p·(1 − p) of its gradient here


def log_sigmoid_array(x: Any) -> Any:
    """log σ(x) = −(max(−x, 0) + log(1 + e^(−|x|))), stable for large |x| of either sign."""
    xp = array_module(x)
    return -(xp.maximum(-x, 0) + xp.log1p(xp.exp(-xp.abs(x))))


class BCE(PointwiseLoss):
    """ℓ = −(y·max(log p, −100) + (1 − y)·max(log(1 − p), −100))."""

    @staticmethod
    def losses(p, y, option):
        xp = array_module(p)
        with np.errstate(divide="ignore"):
            log_p = xp.maximum(xp.log(p), LOG_FLOOR)
            log_not_p = xp.maximum(xp.log1p(-p), LOG_FLOOR)
        return (y - 1) * log_not_p - y * log_p, (p, y, log_p, log_not_p)

    @staticmethod
    def partials(saved, option):
        """∂ℓ/∂p = (p − y)/max(p·(1 − p), 1e-12); ∂ℓ/∂y = log(1 − p) − log p (both clamped)."""
        p, y, log_p, log_not_p = saved
        return (p - y) / array_module(p).maximum(p * (1 - p), BCE_EPSILON), log_not_p - log_p


class BCEWithLogits(PointwiseLoss):
    """ℓ = (1 − y)·x − (1 + (pw − 1)·y)·log σ(x)."""

    @staticmethod
    def losses(x, y, pos_weight):
        log_sig = log_sigmoid_array(x)
        if pos_weight is None:
            return (1 - y) * x - log_sig, (x, y, log_sig)
        return (1 - y) * x - ((pos_weight - 1) * y + 1) * log_sig, (x, y, log_sig)

    @staticmethod
    def partials(saved, pos_weight):
        """∂ℓ/∂x = (1 + (pw − 1)·y)·σ(x) − pw·y (σ(x) − y without pw); ∂ℓ/∂y = −x − (pw − 1)·log σ(x)."""
        x, y, log_sig = saved
        sig = array_module(x).exp(log_sig)
        if pos_weight is None:
            return sig - y, -x
        return ((pos_weight - 1) * y + 1) * sig - pos_weight * y, -x - (pos_weight - 1) * log_sig


class SoftMargin(PointwiseLoss):
    """ℓ = log(1 + e^(−y·x)) for labels y = ±1."""

    @staticmethod
    def losses(x, y, option):
        xp = array_module(x)
        z = xp.exp(-y * x)
        return xp.log1p(z), (x, y, z)

    @staticmethod
    def partials(saved, option):
        """∂ℓ/∂x = −y·z/(1 + z), z = e^(−y·x) (the labels get no gradient)."""
        x, y, z = saved
        return -y * z / (1 + z), None


@accepts_legacy_reduction
def binary_cross_entropy(input: Tensor, target: Tensor, weight: Optional[Tensor] = None, *,
                         reduction: str = "mean") -> Tensor:
    """Cross-entropy of probabilities ``input`` ∈ [0, 1] (e.g. after a sigmoid) and targets in [0, 1]."""
    if input.numel() and bool(((input < 0) | (input > 1)).any()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    return pointwise_loss(BCE, "binary_cross_entropy", input, target, reduction, None, weight, same_shape=True)


@accepts_legacy_reduction
def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Optional[Tensor] = None, *,
                                     reduction: str = "mean", pos_weight: Optional[Tensor] = None) -> Tensor:
    """``binary_cross_entropy(sigmoid(input), target)`` in one stable step; ``pos_weight`` (one per
    class, the last dimension) multiplies the loss of positive targets, trading recall for precision."""
    if input.shape != target.shape:
        raise ValueError(
            f"Target size (torch.Size({list(target.shape)})) must be the same as input size "
            f"(torch.Size({list(input.shape)}))"
        )
    pos = None
    if pos_weight is not None:
        broadcast_shapes("binary_cross_entropy_with_logits", pos_weight.shape, input.shape)
        pos = pos_weight._data.astype(input.dtype, copy=False)
    return pointwise_loss(BCEWithLogits, "binary_cross_entropy_with_logits", input, target, reduction, pos, weight)


@accepts_legacy_reduction
def soft_margin_loss(input: Tensor, target: Tensor, *, reduction: str = "mean") -> Tensor:
    """Two-class logistic loss log(1 + e^(−y·x)) for labels ±1 (not differentiable in the labels)."""
    if target.requires_grad:
        raise RuntimeError(
            "The function 'soft_margin_loss' is not differentiable with respect to argument 'target'. "
            "This input cannot have requires_grad True."
        )
    return pointwise_loss(SoftMargin, "soft_margin_loss", input, target, reduction)


@accepts_legacy_reduction
def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Optional[Tensor] = None, *,
                                reduction: str = "mean") -> Tensor:
    """Independent binary cross-entropies on logits (N, C) against 0/1 labels, averaged over the C classes."""
    check_reduction(reduction)
    losses = binary_cross_entropy_with_logits(input, target.to(input.dtype), reduction="none")
    if weight is not None:
        losses = losses * weight
    losses = losses.sum(dim=-1) / input.shape[-1] if input.ndim else losses
    if reduction == "mean":
        return losses.mean()
    return losses.sum() if reduction == "sum" else losses


# ----- multi-class margins -----
class MultiMargin(ArrayFunction):
    """Row i: Σ_{j ≠ yᵢ} w[yᵢ]·max(0, margin − x[yᵢ] + x[j])ᵖ / C."""

    @staticmethod
    def forward(ctx, x, targets, weight, p, margin, reduction):
        rows = x.reshape(-1, x.shape[-1]) if x.ndim else x.reshape(1, 1)
        xp = array_module(rows)
        index = xp.arange(rows.shape[0])
        picked = rows[index, targets.reshape(-1)]
        gaps = margin - picked[:, None] + rows
        gaps[index, targets.reshape(-1)] = 0
        active = gaps > 0
        row_weight = 1.0 if weight is None else weight[targets.reshape(-1)][:, None]
        terms = xp.where(active, gaps if p == 1 else gaps * gaps, 0) * row_weight
        losses = terms.sum(axis=1) / rows.shape[1]
        ctx.save_for_backward(x)
        ctx.gaps, ctx.active, ctx.row_weight, ctx.targets, ctx.p = gaps, active, row_weight, targets.reshape(-1), p
        ctx.margin, ctx.reduction, ctx.shape = margin, reduction, x.shape
        return reduce_losses(losses, reduction, losses.size, x.shape[:-1] if x.ndim > 1 else ())

    @staticmethod
    def backward(ctx, grad):
        """d/dx[j] = p·gapⱼ^(p−1)·w[y]/C on active j ≠ y; d/dx[y] = −Σ_j of those (the gaps
        recomputed from x under create_graph; at the target's own column they are masked off)."""
        (x,) = ctx.saved_tensors
        xp = array_module(grad)
        gaps = reuse_or_recompute(ctx.gaps, lambda: _gaps(x, ctx.targets, ctx.margin), x)
        num_classes = gaps.shape[1]
        per_gap = xp.where(ctx.active, 1.0 if ctx.p == 1 else 2 * gaps, 0) * ctx.row_weight / num_classes
        per_gap = in_dtype_of(per_gap, gaps)
        at_target = xp.arange(num_classes) == ctx.targets[:, None]
        per_gap = xp.where(at_target, -per_gap.sum(axis=1, keepdims=True), per_gap)
        scales = row_scales(grad, ctx.reduction, gaps.shape[0])
        return (per_gap * (scales[:, None] if scales.ndim else scales)).reshape(ctx.shape), None, None, None, None, None


def _gaps(x: Any, targets: Any, margin: float) -> Any:
    """margin − x[y] + x[j] for every class j of each row (the target's own column not zeroed)."""
    rows = x.reshape(-1, x.shape[-1]) if x.ndim else x.reshape(1, 1)
    picked = rows[array_module(targets).arange(rows.shape[0]), targets]
    return margin - picked[:, None] + rows


class MultiLabelMargin(ArrayFunction):
    """Row i: Σ over listed targets j and unlisted classes k of max(0, 1 − (x[j] − x[k])) / C."""

    @staticmethod
    def forward(ctx, x, targets, reduction):
        rows = x.reshape(-1, x.shape[-1])
        labels = targets.reshape(rows.shape)
        xp = array_module(rows)
        num_classes = rows.shape[1]
        listed = xp.cumprod(labels >= 0, axis=1).astype(bool)  # the targets before the first −1
        counts = ((labels[:, :, None] == xp.arange(num_classes)) & listed[:, :, None]).sum(axis=1)
        pairs = (counts[:, :, None] * (counts[:, None, :] == 0)).astype(rows.dtype)  # (row, j, k)
        gaps = 1 - rows[:, :, None] + rows[:, None, :]
        active = (gaps > 0) * pairs
        losses = (gaps * active).sum(axis=(1, 2)) / num_classes
        ctx.active, ctx.reduction, ctx.shape = active, reduction, x.shape
        return reduce_losses(losses, reduction, losses.size, x.shape[:-1])

    @staticmethod
    def backward(ctx, grad):
        """d/dx[k] = (Σ_j active[j, k] − Σ_j active[k, j]) / C."""
        active = ctx.active
        scales = row_scales(grad, ctx.reduction, active.shape[0])
        rows_grad = (active.sum(axis=1) - active.sum(axis=2)) / active.shape[1]
        rows_grad = rows_grad * (scales[:, None] if scales.ndim else scales)
        return rows_grad.reshape(ctx.shape), None, None


@accepts_legacy_reduction
def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Optional[Tensor] = None, *, reduction: str = "mean") -> Tensor:
    """Multi-class hinge loss of scores (N, C) against class indices (N,); ``p`` is 1 or 2."""
    check_reduction(reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if input.ndim > 2 or target.ndim > 1 or target.numel() != (input.shape[0] if input.ndim == 2 else 1):
        raise RuntimeError(
            f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}"
        )
    num_classes = input.shape[-1] if input.ndim else 1
    labels = target._data
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise RuntimeError(f"target out of range: classes are 0 to {num_classes - 1}, got {labels.tolist()}")
    weights = None if weight is None else weight._data.astype(input.dtype, copy=False)
    return MultiMargin.apply(input, labels, weights, p, float(margin), reduction)


@accepts_legacy_reduction
def multilabel_margin_loss(input: Tensor, target: Tensor, *, reduction: str = "mean") -> Tensor:
    """Multi-label hinge loss: each listed target class should score 1 above each unlisted one.

    ``target`` (N, C) lists class indices, ended by the first −1.
    """
    check_reduction(reduction)
    if target.shape != input.shape or input.ndim not in (1, 2):
        raise RuntimeError(
            f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}"
        )
    return MultiLabelMargin.apply(input, target._data, reduction)
