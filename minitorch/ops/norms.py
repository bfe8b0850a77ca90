"""Vector norms: ``vector_norm`` (``torch.linalg.vector_norm``) and the legacy ``torch.norm``.

``‖x‖ₚ = (Σ |xᵢ|ᵖ)^(1/p)``; ``p = ∞`` is ``max |xᵢ|``, ``p = -∞`` is ``min |xᵢ|``, ``p = 0``
counts the non-zero elements. The gradient ``sign(xᵢ)|xᵢ|ᵖ⁻¹ / ‖x‖ᵖ⁻¹`` is 0/0 at ``x = 0``:
it is 0 there, as in PyTorch (the norm's subgradient of smallest size). For ``p = ±∞`` the
elements of largest (smallest) size share the gradient evenly, as ``amax`` does.
"""
from __future__ import annotations

import math
from typing import Any, Optional, Union

import numpy as np

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.pointwise import in_dtype_of
from minitorch.ops.reduce import expand_back
from minitorch.sizes import Dims, normalize_dims
from minitorch.tensor import Tensor


class VectorNorm(ArrayFunction):
    @staticmethod
    def forward(ctx, x, ord, axes, keepdim):
        xp = array_module(x)
        size = xp.abs(x)
        if ord == math.inf:
            norm = size.max(axis=axes, keepdims=True)
        elif ord == -math.inf:
            norm = size.min(axis=axes, keepdims=True)
        elif ord == 0:
            norm = (size != 0).sum(axis=axes, keepdims=True).astype(x.dtype)
        elif ord == 1:
            norm = size.sum(axis=axes, keepdims=True)
        elif ord == 2:
            norm = xp.sqrt((x * x).sum(axis=axes, keepdims=True))
        else:
            with np.errstate(divide="ignore"):
                norm = (size ** ord).sum(axis=axes, keepdims=True) ** (1.0 / ord)
        ctx.ord, ctx.axes, ctx.keepdim = ord, axes, keepdim
        if not keepdim:
            norm = norm.reshape(()) if axes is None else norm.squeeze(axes)
        ctx.save_for_backward(x, norm)  # the output itself: under create_graph its gradient flows on
        return norm

    @staticmethod
    def backward(ctx, grad):
        """d‖x‖ₚ/dxᵢ = sign(xᵢ)·|xᵢ|ᵖ⁻¹ / ‖x‖ᵖ⁻¹ (0 where ‖x‖ = 0); p = ±∞: shared by the extreme |xᵢ|."""
        x, norm = ctx.saved_tensors
        xp, ord = array_module(x), ctx.ord
        if ord == 0:  # a count of nonzeros: piecewise constant, and PyTorch sends no gradient back
            return None, None, None, None
        norm, grad = expand_back(norm, ctx.axes, ctx.keepdim, x.shape), expand_back(grad, ctx.axes, ctx.keepdim, x.shape)
        size, sign = xp.abs(x), xp.sign(x)
        with np.errstate(divide="ignore", invalid="ignore"):  # written as PyTorch's, so its second derivatives too
            if ord in (math.inf, -math.inf):
                hits = (size == norm) | xp.isnan(size)
                dx = sign * (grad / in_dtype_of(hits.sum(axis=ctx.axes, keepdims=True), grad)) * hits
            elif ord == 1:
                dx = sign * grad
            elif ord == 2:
                dx = grad * xp.where(norm == 0, 0, x / norm)
            elif ord < 1:  # |xᵢ|ᵖ⁻¹ is infinite at xᵢ = 0: taken as 0 there
                dx = sign * xp.where(x == 0, 0, size ** (ord - 1)) * grad * norm ** (1 - ord)
            elif ord < 2:
                dx = sign * size ** (ord - 1) * xp.where(norm == 0, 0, grad / norm ** (ord - 1))
            else:
                dx = x * size ** (ord - 2) * xp.where(norm == 0, 0, grad / norm ** (ord - 1))
        return dx, None, None, None


def vector_norm(x: Tensor, ord: Union[int, float] = 2, dim: Dims = None, keepdim: bool = False,
                *, dtype: Any = None) -> Tensor:
    """The ``ord``-norm of ``x`` over ``dim`` (all elements when None): see the module docstring."""
    if dtype is not None:
        x = x.to(dtype)
    if x.dtype.kind != "f":
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {x.dtype}")
    if isinstance(ord, str) or isinstance(ord, bool):
        raise TypeError(f"linalg.vector_norm: ord must be a number, got {ord!r}")
    axes = normalize_dims(dim, x.ndim)
    if ord < 0 or math.isinf(ord):
        reduced = x.shape if axes is None else [x.shape[a] for a in axes]
        if 0 in reduced:
            raise RuntimeError(
                f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the operation "
                f"does not have an identity (shape {list(x.shape)}, dim {dim})"
            )
    return VectorNorm.apply(x, float(ord), axes, keepdim)


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """``torch.dist``: the p-norm of ``input − other`` (broadcast) over all its elements."""
    return vector_norm(input - other, p)


def norm(input: Tensor, p: Optional[Union[float, str]] = "fro", dim: Dims = None, keepdim: bool = False,
         dtype: Any = None) -> Tensor:
    """The legacy ``torch.norm``: ``p='fro'`` (default) or a number is a vector norm over ``dim``
    (all elements by default; the Frobenius norm of a matrix is its 2-norm as a vector)."""
    if p is None or p == "fro":
        p = 2
    elif isinstance(p, str):
        raise NotImplementedError(f"norm(p={p!r}): use minitorch.linalg.matrix_norm for matrix norms other than 'fro'")
    return vector_norm(input, p, dim, keepdim, dtype=dtype)
