"""Normalising vectors: ``F.normalize`` (unit p-norm) and local response normalisation (AlexNet).

``normalize(x, p, dim)`` divides each vector along ``dim`` by its p-norm ``‖x‖ₚ = (Σ|xᵢ|ᵖ)^(1/p)``,
clamped below at ``eps`` so a zero vector stays zero instead of becoming NaN.
``local_response_norm`` divides each activation by ``(k + α/n · Σ x²)^β``, the sum over ``n``
neighbouring channels: an average pool over the channel axis, built from existing ops.
"""
from __future__ import annotations

import numpy as np

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.norms import VectorNorm
from minitorch.ops.padding import pad
from minitorch.ops.pool import avg_pool2d
from minitorch.sizes import normalize_dim
from minitorch.tensor import Tensor


class Normalize(ArrayFunction):
    @staticmethod
    def forward(ctx, x, p, axis, eps):
        xp = array_module(x)
        norm = (xp.abs(x) ** p).sum(axis=axis, keepdims=True) ** (1.0 / p)
        ctx.save_for_backward(x)
        ctx.p, ctx.axis, ctx.eps = p, axis, eps
        return x / xp.maximum(norm, eps)

    @staticmethod
    def backward(ctx, grad):
        """With n = ‖x‖ₚ and d = max(n, eps): dx = g/d + ∂n/∂x · dL/dn, where dL/dn = −(Σ g·x)/d²
        passes the clamp only where n ≥ eps, and ∂n/∂xᵢ = sign(xᵢ)|xᵢ|^(p−1) / n^(p−1) (0 at n = 0)."""
        (x,) = ctx.saved_tensors
        xp = array_module(x)
        p = ctx.p
        norm = VectorNorm.call(x, p, (ctx.axis,), True)  # recomputed from x: a second derivative sees it move
        denominator = xp.maximum(norm, ctx.eps)
        grad_norm = -(grad * x).sum(axis=ctx.axis, keepdims=True) / (denominator * denominator)
        grad_norm = xp.where(norm >= ctx.eps, grad_norm, 0)  # the clamp passes it only where n ≥ eps
        with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 at n = 0, masked (as PyTorch's norm backward)
            if p == 1:
                through_norm = xp.sign(x) * grad_norm
            elif p == 2:
                through_norm = grad_norm * xp.where(norm == 0, 0, x / norm)
            else:
                through_norm = xp.sign(x) * xp.abs(x) ** (p - 1) * xp.where(norm == 0, 0, grad_norm / norm ** (p - 1))
        return grad / denominator + through_norm, None, None, None


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: None = None) -> Tensor:
    """``input / max(‖input‖ₚ, eps)`` along ``dim``: unit vectors (a zero vector stays zero)."""
    if out is not None:
        raise NotImplementedError("normalize: minitorch does not support out=")
    if input.dtype.kind != "f":
        raise RuntimeError(f"normalize expects a floating-point input, but got {input.dtype}")
    if not 0 < p < float("inf"):
        raise NotImplementedError(f"normalize: minitorch supports finite p > 0, got p={p}")
    return Normalize.apply(input, float(p), normalize_dim(dim, max(input.ndim, 1)), float(eps))


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> Tensor:
    """``x / (k + α/size · Σ x²)^β``, the sum over the ``size`` channels around each one (zero-padded)."""
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} dimensions)")
    if input.numel() == 0:
        return input
    n, channels = input.shape[:2]
    squares = (input * input).reshape(n, 1, channels, -1)
    squares = pad(squares, (0, 0, size // 2, (size - 1) // 2))
    average = avg_pool2d(squares, (size, 1), stride=1).reshape(input.shape)
    return input / (average * alpha + k) ** beta
