"""Batch normalisation: ``y = (x − mean) / √(var + eps) · weight + bias`` per channel (axis 1).

In training the mean and (biased) variance are the batch's own, over every axis but the
channel axis, so they depend on ``x`` and the backward has to account for that. The running
averages, updated with the *unbiased* variance as PyTorch does, are used instead in evaluation;
there they are constants and the backward is a per-channel scaling.
"""
from __future__ import annotations

import math
from typing import Any, Optional

from minitorch.autograd import grad_mode
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.recompute import reuse_or_recompute
from minitorch.tensor import Tensor


def channel_axes(x: Any) -> tuple:
    """The axes a per-channel statistic reduces over: all but axis 1."""
    return (0,) + tuple(range(2, x.ndim))


def per_channel(values: Any, x: Any) -> Any:
    """A (C,) vector shaped (1, C, 1, ...) to broadcast against ``x``."""
    return values.reshape((1, -1) + (1,) * (x.ndim - 2))


class BatchNorm(ArrayFunction):
    @staticmethod
    def forward(ctx, x, weight, bias, mean, var, eps, batch_statistics):
        """y = x·a + b per channel, with a = weight/σ and b = bias − mean·a: two passes over x."""
        inverse_std = 1.0 / array_module(var).sqrt(var + eps)
        scale = inverse_std if weight is None else weight * inverse_std
        shift = -mean * scale if bias is None else bias - mean * scale
        out = x * per_channel(scale, x)
        out += per_channel(shift, x)
        ctx.save_for_backward(x, weight)
        ctx.statistics = (mean, inverse_std, eps, batch_statistics)
        return out

    @staticmethod
    def backward(ctx, grad):
        """x̂ = (x − μ)/σ, ĝ = g·w: dx = (ĝ − mean ĝ − x̂·mean(ĝ·x̂))/σ with batch statistics,
        else dx = ĝ/σ; dw = Σ g·x̂, db = Σ g (sums over all axes but the channel).

        Computed from the per-channel sums Σg and Σg·(x − μ), so that dx is three passes:
        dx = g·(w/σ) − (x − μ)·(w/σ³)·mean(g·(x − μ)) − (w/σ)·mean g. The batch's μ and σ are
        forward's, or under create_graph recomputed from x (they are functions of x there).
        """
        x, weight = ctx.saved_tensors
        mean, inverse_std, eps, batch_statistics = ctx.statistics
        if batch_statistics:
            mean, inverse_std = reuse_or_recompute((mean, inverse_std), lambda: batch_moments(x, eps), x)
        scale = inverse_std if weight is None else weight * inverse_std
        need_x, need_weight, need_bias = ctx.needs_input_grad[:3]
        axes = channel_axes(grad)
        count = max(math.prod(grad.shape) // grad.shape[1], 1)
        centered = x - per_channel(mean, x) if need_weight or (need_x and batch_statistics) else None
        grad_sum = grad.sum(axis=axes) if need_bias or (need_x and batch_statistics) else None
        grad_dot = (grad * centered).sum(axis=axes) if centered is not None else None  # Σ g·(x − μ)
        grad_x = None
        if need_x and batch_statistics:
            grad_x = (grad * per_channel(scale, grad)
                      - centered * per_channel(scale * inverse_std * inverse_std * grad_dot / count, x)
                      - per_channel(scale * grad_sum / count, x))
        elif need_x:
            grad_x = grad * per_channel(scale, grad)
        return (
            grad_x,
            grad_dot * inverse_std if need_weight else None,
            grad_sum if need_bias else None,
            None, None, None, None,
        )


def batch_moments(x: Any, eps: float) -> tuple:
    """Per-channel mean and 1/√(var + eps) (biased variance) of a batch, arrays or Tensors."""
    axes = channel_axes(x)
    count = math.prod(x.shape) // x.shape[1]
    mean = x.sum(axis=axes) / count
    centered = x - per_channel(mean, x)
    variance = (centered * centered).sum(axis=axes) / count
    return mean, 1.0 / array_module(x).sqrt(variance + eps)


def batch_norm(
    input: Tensor, running_mean: Optional[Tensor], running_var: Optional[Tensor],
    weight: Optional[Tensor] = None, bias: Optional[Tensor] = None, training: bool = False,
    momentum: float = 0.1, eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel of ``input`` (N, C, ...); in training also update the running stats."""
    _check_shapes(input, running_mean, running_var, weight, bias)
    if training:
        mean, var = _batch_statistics(input)
        if running_mean is not None and running_var is not None:
            _update_running(running_mean, running_var, mean, var, input.numel() // input.shape[1], momentum)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("batch_norm in evaluation mode needs running_mean and running_var")
        mean, var = running_mean._data, running_var._data
    return BatchNorm.apply(input, weight, bias, mean, var, float(eps), training)


def _batch_statistics(input: Tensor) -> tuple:
    """Per-channel mean and biased variance of the batch (arrays, outside the graph)."""
    x, axes = input._data, channel_axes(input._data)
    count = x.size // x.shape[1]
    if count <= 1:
        raise ValueError(
            f"Expected more than 1 value per channel when training, got input size {list(input.shape)}"
        )
    return x.mean(axis=axes), x.var(axis=axes)


def _update_running(running_mean: Tensor, running_var: Tensor, mean: Any, var: Any, count: int,
                    momentum: float) -> None:
    """running ← (1 − momentum)·running + momentum·batch, with the unbiased batch variance."""
    unbiased_var = var * (count / (count - 1))
    with grad_mode.no_grad():
        running_mean.mul_(1.0 - momentum).add_(Tensor._wrap(mean * momentum))
        running_var.mul_(1.0 - momentum).add_(Tensor._wrap(unbiased_var * momentum))


def _check_shapes(input: Tensor, *per_channel_tensors: Optional[Tensor]) -> None:
    if input.ndim < 2:
        raise ValueError(f"batch_norm expects an input of shape (N, C, ...), got shape {list(input.shape)}")
    channels = input.shape[1]
    names = ("running_mean", "running_var", "weight", "bias")
    for name, tensor in zip(names, per_channel_tensors):
        if tensor is not None and tensor.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {tensor.numel()}")
