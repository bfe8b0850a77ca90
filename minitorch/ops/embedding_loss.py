"""Distances between embeddings and the losses built on them.

``pairwise_distance`` (‖x₁ − x₂ + ε‖ₚ along the last dimension), ``pdist`` (every pair of rows),
``cosine_similarity`` and the margin losses that compare them: cosine embedding, margin ranking,
hinge embedding and triplet margin. The p-norm is one op (:class:`LastDimNorm`); everything else
composes differentiable ops, as PyTorch does.
"""
from __future__ import annotations

import math

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.loss import accepts_legacy_reduction, check_reduction
from minitorch.tensor import Tensor


class LastDimNorm(ArrayFunction):
    """‖v‖ₚ = (Σ|vᵢ|ᵖ)^(1/p) along one axis (p = ∞: max |vᵢ|; p = 0: the count of non-zeros)."""

    @staticmethod
    def forward(ctx, v, p, axis, keepdim, share_ties=True):
        xp = array_module(v)
        size = xp.abs(v)
        if p == math.inf:
            norm = size.max(axis=axis, keepdims=True) if v.shape[axis] else xp.zeros_like(size.sum(axis, keepdims=True))
        elif p == 0:
            norm = (size != 0).sum(axis=axis, keepdims=True).astype(v.dtype)
        elif p == 1:
            norm = size.sum(axis=axis, keepdims=True)
        elif p == 2:
            norm = xp.sqrt((v * v).sum(axis=axis, keepdims=True))
        else:
            norm = (size ** p).sum(axis=axis, keepdims=True) ** (1.0 / p)
        out = norm if keepdim else norm.squeeze(axis)
        ctx.save_for_backward(v, out)
        ctx.p, ctx.axis, ctx.keepdim, ctx.share_ties = p, axis, keepdim, share_ties
        return out

    @staticmethod
    def backward(ctx, grad):
        """d‖v‖ₚ/dvᵢ = sign(vᵢ)·|vᵢ|^(p−1) / ‖v‖ₚ^(p−1) (0 where ‖v‖ = 0).

        p = ∞: sign(vᵢ) at the largest |vᵢ|, split evenly between ties (``pdist``, as PyTorch's
        kernel, gives each tie the whole of it).
        """
        v, norm = ctx.saved_tensors
        xp = array_module(v)
        p = ctx.p
        if not ctx.keepdim:
            grad, norm = xp.expand_dims(grad, ctx.axis), xp.expand_dims(norm, ctx.axis)
        if p == 0:
            return xp.zeros_like(v), None, None, None, None
        sign = xp.sign(v)
        if p == math.inf:
            at_max = xp.abs(v) == norm
            share = sign * at_max
            if ctx.share_ties:
                share = share / xp.maximum(at_max.sum(axis=ctx.axis, keepdims=True), 1)
            return share * grad, None, None, None, None
        if p == 1:
            return sign * grad, None, None, None, None
        safe = xp.where(norm == 0, 1, norm)
        if p == 2:
            local = v / safe
        else:
            local = sign * (xp.abs(v) / safe) ** (p - 1)
        return xp.where(norm == 0, 0, local) * grad, None, None, None, None


def vector_norm(x: Tensor, p: float = 2.0, dim: int = -1, keepdim: bool = False) -> Tensor:
    """The p-norm of ``x`` along ``dim``."""
    if p < 0:
        raise RuntimeError(f"p-norm: p must be non-negative, got {p}")
    return LastDimNorm.apply(x, float(p), dim, keepdim, True)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """‖x₁ − x₂ + ε‖ₚ along the last dimension (ε keeps the gradient finite at equal points)."""
    out_dims = max(x1.ndim, x2.ndim)
    if out_dims == 0:
        raise RuntimeError("pairwise_distance: inputs need at least one dimension, got two 0-d tensors")
    return vector_norm(x1 - x2 + eps, p, -1, keepdim)


def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    """The p-norm distance between every pair of rows i < j of an (N, M) input: N(N−1)/2 values."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    xp = array_module(input._data)
    first, second = xp.triu_indices(input.shape[0], 1)
    return LastDimNorm.apply(input[first] - input[second], float(p), -1, False, False)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Σ (x₁/‖x₁‖)·(x₂/‖x₂‖) along ``dim``, each norm at least ``eps``."""
    def unit(x: Tensor) -> Tensor:
        norm = vector_norm(x, 2.0, dim, keepdim=True)
        norm = norm + (norm.clamp(min=eps) - norm).detach()  # clamped value, unclamped gradient (as PyTorch)
        return x / norm

    return (unit(x1) * unit(x2)).sum(dim)


# ----- margin losses -----
@accepts_legacy_reduction
def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0, *,
                          reduction: str = "mean") -> Tensor:
    """1 − cos(x₁, x₂) for similar pairs (y = 1), max(0, cos − margin) for dissimilar ones (y = −1)."""
    check_reduction(reduction)
    if input1.ndim not in (1, 2) or input1.shape != input2.shape:
        raise RuntimeError(
            f"cosine_embedding_loss: expected 1D or 2D inputs of the same size, got {list(input1.shape)} "
            f"and {list(input2.shape)}"
        )
    if target.ndim != input1.ndim - 1:
        raise RuntimeError(
            f"{input1.ndim}D target tensor expects {input1.ndim - 1}D input tensors, but found inputs with "
            f"sizes {list(input1.shape)} and {list(input2.shape)}."
        )
    dim = input1.ndim - 1
    epsilon = 1e-12
    products = (input1 * input2).sum(dim)
    squares1 = (input1 * input1).sum(dim) + epsilon
    squares2 = (input2 * input2).sum(dim) + epsilon
    cos = products / (squares1 * squares2).sqrt()
    zeros = cos * 0
    positive = (1 - cos).where(target == 1, zeros)
    negative = (cos - margin).clamp(min=0).where(target == -1, zeros)
    return _reduce(positive + negative, reduction)


@accepts_legacy_reduction
def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0, *,
                        reduction: str = "mean") -> Tensor:
    """max(0, −y·(x₁ − x₂) + margin): x₁ should rank above x₂ where y = 1, below where y = −1."""
    check_reduction(reduction)
    if not (input1.ndim == input2.ndim == target.ndim):
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {list(input1.shape)}, input2: {list(input2.shape)}, target: {list(target.shape)} "
        )
    return _reduce((-target * (input1 - input2) + margin).clamp(min=0), reduction)


@accepts_legacy_reduction
def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, *, reduction: str = "mean") -> Tensor:
    """x where y = 1, max(0, margin − x) where y = −1 (x usually a distance)."""
    check_reduction(reduction)
    zeros = input * 0
    below_margin = (margin - input).clamp(min=0).where(target != 1, zeros)
    itself = input.where(target != -1, zeros)
    return _reduce(below_margin + itself, reduction)


@accepts_legacy_reduction
def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, *, reduction: str = "mean") -> Tensor:
    """max(0, d(a, p) − d(a, n) + margin): the anchor nearer its positive than its negative by a margin.

    ``swap`` uses the smaller of d(a, n) and d(p, n) as the negative distance.
    """
    check_reduction(reduction)
    dims = (anchor.ndim, positive.ndim, negative.ndim)
    if len(set(dims)) != 1 or dims[0] not in (1, 2):
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number of dimensions "
            f"(1 or 2), but got: anchor {dims[0]}D, positive {dims[1]}D, and negative {dims[2]}D inputs"
        )
    to_positive = pairwise_distance(anchor, positive, p, eps)
    to_negative = pairwise_distance(anchor, negative, p, eps)
    if swap:
        to_negative = to_negative.minimum(pairwise_distance(positive, negative, p, eps))
    return _reduce((margin + to_positive - to_negative).clamp(min=0), reduction)


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss
