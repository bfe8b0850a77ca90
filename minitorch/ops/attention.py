"""Scaled dot-product attention (Vaswani et al., 2017), forward and backward side by side.

Every query (a row of Q) scores every key (a row of K) by a dot product; a softmax over the keys
turns the scores into weights; the output is the weighted mean of the values::

    S = Q·Kᵀ · scale (+ mask),   P = softmax(S) over the keys,   O = P·V.

A mask says which keys a query may see: a boolean mask (True = may attend), a float mask added to
the scores (−inf blocks), or ``is_causal`` (query ``i`` sees keys ``j ≤ i``). A query that may see
no key at all gets all-zero weights (and output), as in PyTorch's CPU kernel, not NaN.

Fusing the steps into one op keeps one (L × S) score matrix per head instead of four graph nodes'
worth, and shows the backward in full: with dP = dO·Vᵀ (plus the gradient of the returned
weights), dS = P ⊙ (dP − Σⱼ dPⱼPⱼ) is softmax's backward, and dQ = dS·K·scale, dK = dSᵀ·Q·scale,
dV = Pᵀ·dO.
"""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module, to_device
from minitorch.ops.broadcast import unbroadcast
from minitorch.ops.recompute import reuse_or_recompute
from minitorch.random import rng_of
from minitorch.tensor import Tensor


def masked_softmax(scores: Any) -> Any:
    """Softmax over the last axis; a row whose scores are all −inf gets all-zero weights (arrays or Tensors)."""
    xp = array_module(scores)
    top = xp.amax(scores, axis=-1, keepdims=True)
    weights = xp.exp(scores - xp.where(xp.isfinite(top), top, 0))
    total = weights.sum(axis=-1, keepdims=True)
    return weights / xp.where(total == 0, 1, total)


def attention_probabilities(q: Any, k: Any, mask: Any, blocked: Any, scale: float) -> Any:
    """softmax(Q·Kᵀ·scale + mask), blocked pairs at −inf (K already repeated for grouped queries)."""
    xp = array_module(q)
    scores = (q @ xp.swapaxes(k, -1, -2)) * scale
    if mask is not None:
        scores = scores + mask
    if blocked is not None:
        scores = xp.where(blocked, -xp.inf, scores)
    return masked_softmax(scores)


class ScaledDotProductAttention(ArrayFunction):
    @staticmethod
    def forward(ctx, q, k, v, mask, blocked, keep, scale, groups):
        xp = array_module(q)
        ctx.shapes = (q.shape, k.shape, v.shape, None if mask is None else mask.shape)
        ctx.save_for_backward(q, k, v, mask)
        if groups > 1:  # grouped-query attention: each key/value head serves `groups` query heads
            k, v = xp.repeat(k, groups, axis=-3), xp.repeat(v, groups, axis=-3)
        probabilities = attention_probabilities(q, k, mask, blocked, scale)
        weights = probabilities * keep if keep is not None else probabilities  # dropout on the weights
        ctx.kept = (k, v, probabilities)
        ctx.blocked, ctx.keep, ctx.scale, ctx.groups = blocked, keep, scale, groups
        return weights @ v, weights

    @staticmethod
    def backward(ctx, grad, grad_weights):
        """dV = P̃ᵀ·G; dP̃ = G·Vᵀ + (gradient of the weights); dP = dP̃ ⊙ keep; dS = P ⊙ (dP − Σ dP⊙P);
        dQ = dS·K·scale; dK = dSᵀ·Q·scale; dmask = dS (under create_graph the repeated K, V and P
        are recomputed from the inputs, so that they carry their gradients)."""
        q, k, v, mask = ctx.saved_tensors
        xp = array_module(grad)
        keep, groups = ctx.keep, ctx.groups

        def recompute() -> tuple:
            k_all, v_all = (xp.repeat(k, groups, axis=-3), xp.repeat(v, groups, axis=-3)) if groups > 1 else (k, v)
            return k_all, v_all, attention_probabilities(q, k_all, mask, ctx.blocked, ctx.scale)

        k, v, probabilities = reuse_or_recompute(ctx.kept, recompute, q)
        q_shape, k_shape, v_shape, mask_shape = ctx.shapes
        weights = probabilities * keep if keep is not None else probabilities
        d_weights = grad @ xp.swapaxes(v, -1, -2) + grad_weights
        if keep is not None:
            d_weights = d_weights * keep
        dv = xp.swapaxes(weights, -1, -2) @ grad
        d_scores = probabilities * (d_weights - (d_weights * probabilities).sum(axis=-1, keepdims=True))
        dq = (d_scores @ k) * ctx.scale
        dk = (xp.swapaxes(d_scores, -1, -2) @ q) * ctx.scale
        if groups > 1:
            dk, dv = (_sum_groups(g, groups) for g in (dk, dv))
        need = ctx.needs_input_grad
        return (
            unbroadcast(dq, q_shape) if need[0] else None,
            unbroadcast(dk, k_shape) if need[1] else None,
            unbroadcast(dv, v_shape) if need[2] else None,
            unbroadcast(d_scores, mask_shape) if need[3] else None,
            None, None, None, None,
        )


def _sum_groups(grad: Any, groups: int) -> Any:
    """Undo ``repeat(groups, axis=-3)``: add up the gradients of the copies of each head."""
    shape = grad.shape
    return grad.reshape(*shape[:-3], shape[-3] // groups, groups, *shape[-2:]).sum(axis=-3)


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Optional[Tensor] = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale: Optional[float] = None,
                                 enable_gqa: bool = False) -> Tensor:
    """``softmax(Q·Kᵀ·scale + mask)·V`` for Q (..., L, E), K (..., S, E), V (..., S, Ev) → (..., L, Ev).

    ``attn_mask``: bool (True = may attend) or float (added to the scores), broadcastable to
    (..., L, S); ``is_causal``: query i sees keys j ≤ i; ``scale`` defaults to 1/√E; ``dropout_p``
    drops attention weights (always, as in PyTorch: pass 0.0 when evaluating).
    """
    return attention_with_weights(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa)[0]


def attention_with_weights(query: Tensor, key: Tensor, value: Tensor, attn_mask: Optional[Tensor] = None,
                           dropout_p: float = 0.0, is_causal: bool = False, scale: Optional[float] = None,
                           enable_gqa: bool = False) -> tuple:
    """(output, attention weights after dropout) — the weights are what ``nn.MultiheadAttention`` returns."""
    check_attention_inputs(query, key, value, enable_gqa)
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    xp = array_module(query._data)
    steps, keys = query.shape[-2], key.shape[-2]
    groups = query.shape[-3] // key.shape[-3] if enable_gqa and query.ndim >= 3 and key.ndim >= 3 else 1
    key_batch = key.shape[:-3] + (key.shape[-3] * groups,) if groups > 1 else key.shape[:-2]
    scores_shape = np.broadcast_shapes(query.shape[:-2], key_batch) + (steps, keys)
    mask, blocked = None, None
    if is_causal:
        blocked = xp.arange(steps)[:, None] < xp.arange(keys)[None, :]  # key j comes after query i
    elif attn_mask is not None:
        try:
            scores_shape = np.broadcast_shapes(scores_shape, attn_mask.shape)
        except ValueError:
            raise RuntimeError(
                f"scaled_dot_product_attention: attn_mask of shape {list(attn_mask.shape)} does not broadcast to "
                f"the scores' shape {list(scores_shape)} (batch..., L={steps}, S={keys})"
            ) from None
        if attn_mask.dtype.kind == "b":
            blocked = ~attn_mask._data
        else:
            mask = attn_mask
    keep = None
    if dropout_p > 0:
        draws = rng_of(None).random(scores_shape, dtype=np.float32) >= dropout_p
        keep = to_device((draws / (1.0 - dropout_p) if dropout_p < 1 else draws).astype(query.dtype), query.device)
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    return ScaledDotProductAttention.apply(query, key, value, mask, blocked, keep, scale, groups)


def check_attention_inputs(query: Tensor, key: Tensor, value: Tensor, enable_gqa: bool) -> None:
    """PyTorch's requirements on Q, K, V, with messages naming the shapes."""
    if query.dtype != key.dtype or query.dtype != value.dtype:
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{query.dtype} key.dtype: {key.dtype} and value.dtype: {value.dtype} instead."
        )
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise RuntimeError(
            "Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
            f"{query.ndim} key.dim: {key.ndim} and value.dim: {value.ndim} instead."
        )
    problem = None
    if key.shape[-1] != query.shape[-1]:
        problem = f"query and key need the same embedding size E, got {query.shape[-1]} and {key.shape[-1]}"
    elif key.shape[-2] != value.shape[-2]:
        problem = f"key and value need the same sequence length S, got {key.shape[-2]} and {value.shape[-2]}"
    elif enable_gqa and query.ndim >= 3 and query.shape[-3] % key.shape[-3] != 0:
        problem = f"the {query.shape[-3]} query heads are not a multiple of the {key.shape[-3]} key heads"
    elif not enable_gqa or query.ndim < 3:
        try:
            np.broadcast_shapes(query.shape[:-2], key.shape[:-2], value.shape[:-2])
        except ValueError:
            problem = "the batch dimensions of query, key and value do not broadcast"
    if problem:
        raise RuntimeError(
            f"scaled_dot_product_attention: {problem} (query {list(query.shape)}, key {list(key.shape)}, "
            f"value {list(value.shape)})"
        )
