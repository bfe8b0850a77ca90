"""Batch normalisation: ``y = (x − mean) / √(var + eps) · weight + bias`` per channel (axis 1).

In training the mean and (biased) variance are the batch's own, over every axis but the
channel axis, so they depend on ``x`` and the backward has to account for that. The running
averages, updated with the *unbiased* variance as PyTorch does, are used instead in evaluation;
there they are constants and the backward is a per-channel scaling.

Where the input's memory holds all of a channel's values in one run, as it does for conv and pool
outputs (stored (C, H, W, N)), the batch statistics, the forward and the backward work on (C, M)
rows (:func:`channel_rows`): row sums, one einsum for Σ g·(x − μ), dx updated in place. That is
fewer passes over memory than reductions over axes (0, 2, 3) with a temporary for every term.
Channels are independent, so on the CPU each thread takes a block of rows of a very large input
(``parallel.pass_work``): the same arithmetic per row, so the results do not depend on the
thread count.
"""
from __future__ import annotations

import math
from typing import Any, Optional

from minitorch.autograd import grad_mode
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.layout import in_pieces
from minitorch.ops.recompute import reuse_or_recompute
from minitorch.parallel import pass_work, splits
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
        rows = channel_rows(x) if splits(pass_work(x.size)) else None  # rows pay only in blocks on threads
        if rows is None:
            out = x * per_channel(scale, x)
            out += per_channel(shift, x)
        else:
            (x_rows,) = rows
            out_rows = array_module(x).empty(x_rows.shape, dtype=x.dtype)

            def affine(block: slice) -> None:
                array_module(x).multiply(x_rows[block], scale[block, None], out=out_rows[block])
                out_rows[block] += shift[block, None]

            in_pieces(affine, x_rows.shape[0], x, work=pass_work(x.size), uses_blas=False)
            out = from_channel_rows(out_rows, x)
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
        count = max(math.prod(grad.shape) // grad.shape[1], 1)
        rows = None if isinstance(grad, Tensor) else channel_rows(grad, x)
        if rows is not None:
            return backward_by_rows(*rows, grad, mean, inverse_std, scale, count, ctx.needs_input_grad[:3],
                                    batch_statistics)
        axes = channel_axes(grad)
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


def backward_by_rows(grad_rows: Any, x_rows: Any, grad: Any, mean: Any, inverse_std: Any, scale: Any,
                     count: int, needs: tuple, batch_statistics: bool) -> tuple:
    """:meth:`BatchNorm.backward`'s formulas on (C, M) rows of arrays (:func:`channel_rows`), a block
    of channels per thread: the sums are row sums, Σ g·(x − μ) one einsum, and dx is updated in
    place, with one temporary."""
    need_x, need_weight, need_bias = needs
    xp = array_module(grad_rows)
    need_dot = need_weight or (need_x and batch_statistics)
    need_sum = need_bias or (need_x and batch_statistics)
    grad_dot = xp.empty(len(mean), dtype=grad_rows.dtype) if need_dot else None  # Σ g·(x − μ)
    grad_sum = xp.empty(len(mean), dtype=grad_rows.dtype) if need_sum else None  # Σ g
    grad_x = xp.empty(grad_rows.shape, dtype=grad_rows.dtype) if need_x else None

    def channels(block: slice) -> None:
        g = grad_rows[block]
        centered = x_rows[block] - mean[block, None] if need_dot else None
        if need_sum:
            grad_sum[block] = g.sum(axis=1)
        if need_dot:
            grad_dot[block] = xp.einsum("cm,cm->c", g, centered)
        if need_x:
            out = grad_x[block]
            xp.multiply(g, scale[block, None], out=out)
            if batch_statistics:  # dx = g·s − (x − μ)·s·σ⁻²·mean(g·(x − μ)) − s·mean g
                s, inverse = scale[block], inverse_std[block]
                centered *= (s * inverse * inverse * grad_dot[block] / count)[:, None]
                out -= centered
                out -= (s * grad_sum[block] / count)[:, None]

    in_pieces(channels, grad_rows.shape[0], grad_rows, work=pass_work(grad_rows.size), uses_blas=False)
    return (
        from_channel_rows(grad_x, grad) if need_x else None,
        grad_dot * inverse_std if need_weight else None,
        grad_sum if need_bias else None,
        None, None, None, None,
    )


def channel_rows(*arrays: Any) -> Optional[tuple]:
    """Each (N, C, ...) array as a (C, M) matrix holding every value of a channel in its row: the
    same transpose and reshape for every array, so that their rows pair up value for value, and a
    view of the first one's memory (conv and pool outputs, stored (C, H, W, N), always have one).
    None where the first array has no such view: then the reductions run over axes (0, 2, ...)."""
    order = channel_first_order(arrays[0])
    ordered = arrays[0].transpose(order)
    runs = [(size, step) for size, step in zip(ordered.shape[1:], ordered.strides[1:]) if size != 1]
    if any(outer != inner * size for (_, outer), (size, inner) in zip(runs, runs[1:])):
        return None  # its non-channel axes do not merge into one run of memory: reshape would copy
    return tuple(array.transpose(order).reshape(array.shape[1], -1) for array in arrays)


def channel_first_order(array: Any) -> tuple:
    """The channel axis, then the others from the largest stride to the smallest (memory order)."""
    return (1, *sorted((axis for axis in range(array.ndim) if axis != 1), key=lambda axis: -array.strides[axis]))


def from_channel_rows(rows: Any, like: Any) -> Any:
    """The inverse of :func:`channel_rows`: a (C, M) result shaped and ordered like ``like`` (a view)."""
    order = channel_first_order(like)
    return rows.reshape(tuple(like.shape[axis] for axis in order)).transpose(
        sorted(range(like.ndim), key=lambda axis: order[axis]))


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
    rows = channel_rows(x)
    if rows is None:
        return x.mean(axis=axes), x.var(axis=axes)
    (x_rows,) = rows  # two passes over plain rows: the mean, then the squares of the deviations
    xp = array_module(x)
    mean, var = xp.empty(x.shape[1], dtype=x.dtype), xp.empty(x.shape[1], dtype=x.dtype)

    def channels(block: slice) -> None:
        mean[block] = x_rows[block].sum(axis=1) / count
        centered = x_rows[block] - mean[block, None]
        var[block] = xp.einsum("cm,cm->c", centered, centered) / count

    in_pieces(channels, x.shape[1], x, work=pass_work(x.size), uses_blas=False)
    return mean, var


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
