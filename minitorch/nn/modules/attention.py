"""``MultiheadAttention``: attention run by several heads side by side (Vaswani et al., 2017).

The query, key and value sequences are each projected to ``embed_dim`` features, which are cut into
``num_heads`` heads of ``embed_dim / num_heads`` features; each head attends on its own
(``F.scaled_dot_product_attention``, ``ops/attention.py``), and the heads' outputs, side by side
again, pass through one more projection::

    head_i = softmax(Q·W_qᵢ (K·W_kᵢ)ᵀ / √d + mask) · V·W_vᵢ,   out = [head_1 … head_h]·W_oᵀ + b_o

Weights as in PyTorch: ``in_proj_weight`` (3·embed_dim, embed_dim) stacks W_q, W_k, W_v (or
``q_proj_weight``, ``k_proj_weight``, ``v_proj_weight`` when ``kdim``/``vdim`` differ), with
``in_proj_bias`` and the output layer ``out_proj``. Masks follow PyTorch's MultiheadAttention
convention: a *bool* ``attn_mask``/``key_padding_mask`` is True where attention is **not** allowed
(the opposite of ``scaled_dot_product_attention``'s), a float one is added to the scores.
"""
from __future__ import annotations

from typing import Any, Optional

from minitorch.creation import empty, zeros, zeros_like
from minitorch.nn import functional as F
from minitorch.nn import init
from minitorch.nn.module import Module
from minitorch.nn.modules.linear import Linear
from minitorch.nn.parameter import Parameter
from minitorch.ops.attention import attention_with_weights
from minitorch.ops.shape import cat
from minitorch.tensor import Tensor


class NonDynamicallyQuantizableLinear(Linear):
    """A plain ``Linear`` (PyTorch's name for the output projection, kept for identical reprs)."""


class MultiheadAttention(Module):
    """Attention with ``num_heads`` heads over (L, N, E) inputs ((N, L, E) with ``batch_first``,
    or unbatched (L, E)). Returns (output, attention weights averaged over the heads — or per head
    with ``average_attn_weights=False`` — or None with ``need_weights=False``)."""

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: Optional[int] = None,
                 vdim: Optional[int] = None, batch_first: bool = False, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                             f"num_heads={num_heads} instead")
        self.embed_dim, self.num_heads, self.dropout, self.batch_first = embed_dim, num_heads, dropout, batch_first
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        made = dict(device=device, dtype=dtype)
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(empty((3 * embed_dim, embed_dim), **made))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = Parameter(empty((embed_dim, embed_dim), **made))
            self.k_proj_weight = Parameter(empty((embed_dim, self.kdim), **made))
            self.v_proj_weight = Parameter(empty((embed_dim, self.vdim), **made))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, **made))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **made)
        if add_bias_kv:
            self.bias_k = Parameter(empty((1, 1, embed_dim), **made))
            self.bias_v = Parameter(empty((1, 1, embed_dim), **made))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """PyTorch's: Xavier-uniform projections, zero biases (the output layer keeps Linear's weight init)."""
        for weight in (self.in_proj_weight, self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
            if weight is not None:
                init.xavier_uniform_(weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        for extra in (self.bias_k, self.bias_v):
            if extra is not None:
                init.xavier_normal_(extra)

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Optional[Tensor] = None,
                need_weights: bool = True, attn_mask: Optional[Tensor] = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple:
        batched = check_shapes(query, key, value, key_padding_mask, attn_mask)
        if is_causal and attn_mask is None:
            raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                               "method `generate_square_subsequent_mask` to create this mask.")
        same = (query is key, key is value)
        if not batched:
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
            key_padding_mask = None if key_padding_mask is None else key_padding_mask.unsqueeze(0)
        elif self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        steps, batch, embed = query.shape
        if embed != self.embed_dim:
            raise AssertionError(f"was expecting embedding dimension of {self.embed_dim}, but got {embed}")
        if self._qkv_same_embed_dim and key.shape != value.shape:
            raise AssertionError(f"key shape {tuple(key.shape)} does not match value shape {tuple(value.shape)}")
        q, k, v = self.project(query, key, value, same)
        if self.bias_k is not None:
            k = cat([k, self.bias_k.expand(1, batch, embed)])
            v = cat([v, self.bias_v.expand(1, batch, embed)])
        k, v = (t.reshape(t.shape[0], batch, self.num_heads, self.head_dim).permute(1, 2, 0, 3) for t in (k, v))
        if self.add_zero_attn:
            k, v = (cat([t, zeros((batch, self.num_heads, 1, self.head_dim), dtype=t.dtype, device=t.device)], 2)
                    for t in (k, v))
        q = q.reshape(steps, batch, self.num_heads, self.head_dim).permute(1, 2, 0, 3)
        mask = self.merged_mask(attn_mask, key_padding_mask, steps, key.shape[0], k.shape[2], batch, query.dtype)
        dropout = self.dropout if self.training else 0.0
        out, weights = attention_with_weights(q, k, v, mask, dropout)
        out = self.out_proj(out.permute(2, 0, 1, 3).reshape(steps, batch, embed))
        if not batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        elif self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        return out, (weights.mean(dim=-3) if average_attn_weights else weights)

    def project(self, query: Tensor, key: Tensor, value: Tensor, same: tuple) -> tuple:
        """Q, K, V = the inputs times W_q, W_k, W_v (one product when query, key and value are one tensor)."""
        embed, bias = self.embed_dim, self.in_proj_bias
        biases = (None,) * 3 if bias is None else (bias[:embed], bias[embed:2 * embed], bias[2 * embed:])
        if not self._qkv_same_embed_dim:
            weights = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
            return tuple(F.linear(x, w, b) for x, w, b in zip((query, key, value), weights, biases))
        if all(same):
            return F.linear(query, self.in_proj_weight, bias).chunk(3, dim=-1)
        weight = self.in_proj_weight
        weights = (weight[:embed], weight[embed:2 * embed], weight[2 * embed:])
        return tuple(F.linear(x, w, b) for x, w, b in zip((query, key, value), weights, biases))

    def merged_mask(self, attn_mask: Optional[Tensor], key_padding_mask: Optional[Tensor], steps: int,
                    keys: int, padded_keys: int, batch: int, dtype: Any) -> Optional[Tensor]:
        """``attn_mask`` and ``key_padding_mask`` as one float mask of shape (N, heads, L, S) to add to the
        scores (bool masks become −inf where True); the extra key columns (``bias_k``, zero
        attention) are never masked."""
        merged = None
        if attn_mask is not None:
            expected = (steps, keys) if attn_mask.ndim == 2 else (batch * self.num_heads, steps, keys)
            if attn_mask.ndim not in (2, 3):
                raise RuntimeError(f"attn_mask's dimension {attn_mask.ndim} is not supported")
            if tuple(attn_mask.shape) != expected:
                raise RuntimeError(f"The shape of the {attn_mask.ndim}D attn_mask is {list(attn_mask.shape)}, but "
                                   f"should be {expected}.")
            merged = additive(attn_mask, dtype)
            if attn_mask.ndim == 3:
                merged = merged.reshape(batch, self.num_heads, steps, keys)
        if key_padding_mask is not None:
            if tuple(key_padding_mask.shape) != (batch, keys):
                raise AssertionError(f"expecting key_padding_mask shape of {(batch, keys)}, but got "
                                     f"{list(key_padding_mask.shape)}")
            padding = additive(key_padding_mask, dtype).reshape(batch, 1, 1, keys)
            merged = padding if merged is None else merged + padding
        if merged is not None and padded_keys > keys:
            merged = F.pad(merged, (0, padded_keys - keys))
        return merged


def additive(mask: Tensor, dtype: Any) -> Tensor:
    """A bool mask (True = blocked) as 0/−inf to add to scores; a float mask as it is."""
    if mask.dtype.kind != "b":
        return mask
    return zeros_like(mask, dtype=dtype).masked_fill(mask, float("-inf"))


def check_shapes(query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Optional[Tensor],
                 attn_mask: Optional[Tensor]) -> bool:
    """PyTorch's shape rules for (un)batched inputs; True when the inputs are batched."""
    if query.ndim == 3:
        if key.ndim != 3 or value.ndim != 3:
            raise AssertionError("For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                                 f"{key.ndim}-D and {value.ndim}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.ndim != 2:
            raise AssertionError("For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but "
                                 f"found {key_padding_mask.ndim}-D tensor instead")
        return True
    if query.ndim == 2:
        if key.ndim != 2 or value.ndim != 2:
            raise AssertionError("For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                                 f"{key.ndim}-D and {value.ndim}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.ndim != 1:
            raise AssertionError("For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but "
                                 f"found {key_padding_mask.ndim}-D tensor instead")
        return False
    raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {query.ndim}-D query tensor")
