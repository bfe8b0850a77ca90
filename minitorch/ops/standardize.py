"""Layer, group and instance normalisation: standardise over some axes, then scale and shift.

They differ only in *which* values share a mean and a variance::

    layer_norm     each sample, over its last dims (``normalized_shape``)    (Ba et al., 2016)
    group_norm     each sample, over each group of channels and its pixels   (Wu & He, 2018)
    instance_norm  each sample and channel, over its pixels                  (Ulyanov et al., 2016)

so one op, :class:`Standardize`, computes ``x̂ = (x − mean) / √(var + eps)`` over given axes (with
the biased variance), and the affine part ``x̂·w + b`` is ordinary broadcasting arithmetic.
Unlike batch norm, the statistics are the sample's own, the same in training and evaluation.
"""
from __future__ import annotations

import math
from typing import Any, Optional, Sequence, Union

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.normalization import batch_norm
from minitorch.ops.recompute import reuse_or_recompute
from minitorch.tensor import Tensor


class Standardize(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axes, eps):
        normalized, inverse_std = standardized(x, axes, eps)
        ctx.save_for_backward(x, normalized)
        ctx.inverse_std, ctx.axes, ctx.eps = inverse_std, axes, eps
        return normalized

    @staticmethod
    def backward(ctx, grad):
        """dx = (g − mean g − x̂ · mean(g·x̂)) / σ, the means over the standardised axes (under
        create_graph with 1/σ recomputed from x, as a function of x)."""
        x, normalized = ctx.saved_tensors
        axes = ctx.axes
        inverse_std = reuse_or_recompute(ctx.inverse_std, lambda: standardized(x, axes, ctx.eps)[1], x)
        count = math.prod(grad.shape[axis] for axis in axes)
        grad_mean = grad.sum(axis=axes, keepdims=True) / count
        grad_dot_mean = (grad * normalized).sum(axis=axes, keepdims=True) / count
        return (grad - grad_mean - normalized * grad_dot_mean) * inverse_std, None, None


def standardized(x: Any, axes: tuple, eps: float) -> tuple:
    """x̂ = (x − mean)/√(var + eps) over ``axes`` (biased variance), and 1/√(var + eps); arrays or Tensors."""
    count = math.prod(x.shape[axis] for axis in axes)
    centred = x - x.sum(axis=axes, keepdims=True) / count
    inverse_std = 1.0 / array_module(x).sqrt((centred * centred).sum(axis=axes, keepdims=True) / count + eps)
    return centred * inverse_std, inverse_std


def _affine(x: Tensor, weight: Optional[Tensor], bias: Optional[Tensor], shape: tuple) -> Tensor:
    if weight is not None:
        x = x * weight.reshape(shape)
    if bias is not None:
        x = x + bias.reshape(shape)
    return x


def layer_norm(input: Tensor, normalized_shape: Union[int, Sequence[int]], weight: Optional[Tensor] = None,
               bias: Optional[Tensor] = None, eps: float = 1e-5) -> Tensor:
    """Standardise each sample over its last ``len(normalized_shape)`` dims, then ``·weight + bias``."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(shape):]) != shape or len(shape) > input.ndim or not shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape [*, "
                           f"{', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    for name, tensor in (("weight", weight), ("bias", bias)):
        if tensor is not None and tuple(tensor.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(tensor.shape)} and normalized_shape = {list(shape)}")
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    return _affine(Standardize.apply(input, axes, float(eps)), weight, bias, shape)


def group_norm(input: Tensor, num_groups: int, weight: Optional[Tensor] = None, bias: Optional[Tensor] = None,
               eps: float = 1e-5) -> Tensor:
    """Standardise each sample over each of ``num_groups`` groups of channels (with their pixels)."""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    n, channels = input.shape[:2]
    if channels % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    for name, tensor in (("weight", weight), ("bias", bias)):
        if tensor is not None and tensor.numel() != channels:
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {list(tensor.shape)} and input of shape {list(input.shape)}")
    grouped = input.reshape(n, num_groups, -1)
    normalized = Standardize.apply(grouped, (2,), float(eps)).reshape(input.shape)
    return _affine(normalized, weight, bias, (1, channels) + (1,) * (input.ndim - 2))


def instance_norm(input: Tensor, running_mean: Optional[Tensor] = None, running_var: Optional[Tensor] = None,
                  weight: Optional[Tensor] = None, bias: Optional[Tensor] = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Standardise each channel of each sample over its pixels (``use_input_stats``), or by the
    running averages; with running buffers, their update uses the batch's mean instance statistics."""
    if input.ndim < 3:
        raise ValueError(f"instance_norm expects an input of shape (N, C, ...) with at least one spatial dim, "
                         f"got {list(input.shape)}")
    channels = input.shape[1]
    shape = (1, channels) + (1,) * (input.ndim - 2)
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise ValueError("Expected running_mean and running_var to be defined when use_input_stats is false")
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    axes = tuple(range(2, input.ndim))
    count = input.numel() // (input.shape[0] * channels) if input.numel() else 0
    if count <= 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {list(input.shape)}")
    if running_mean is not None and running_var is not None:
        x = input._data
        mean = x.mean(axis=axes).mean(axis=0)
        var = (x.var(axis=axes) * (count / (count - 1))).mean(axis=0)
        _blend(running_mean, mean, momentum)
        _blend(running_var, var, momentum)
    return _affine(Standardize.apply(input, axes, float(eps)), weight, bias, shape)


def _blend(running: Tensor, batch: Any, momentum: float) -> None:
    """running ← (1 − momentum)·running + momentum·batch, in place outside the graph."""
    running._write((1 - momentum) * running._data + momentum * batch.astype(running.dtype))
