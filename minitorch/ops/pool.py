"""Max and average pooling over 2-D windows, one loop over the kernel offsets.

Both ops visit the window positions (i, j) of the kernel in row-major order. For one offset,
the values it sees across all windows form a strided slice of the (padded) input, of the
output's shape (see :func:`~minitorch.ops.geometry.kernel_offsets`)::

    seen_(i,j)[c, y, x, n] = x_pad[c, y·sh + i·dh, x·sw + j·dw, n]

(images batch-innermost in memory, as the convolutions keep them: see ``ops/layout.py``)

so the forward is kh·kw whole-array operations (a running maximum, or a running sum), never a
loop over pixels, and the backward hands each offset's share of the gradient back through the
same slice. Measured with 2x2 windows on batches of 64 images, this is 15-30x faster than reducing
a reshaped (N, C, Ho, kh, Wo, kw) view, whose reductions run over short strided axes.

Channels are pooled independently, so on the CPU each thread takes a block of channels
(``minitorch/parallel.py``): contiguous memory, the same values as on one thread.

Max pooling sends the gradient of each window to its *first* maximum in row-major order (PyTorch's
rule): flat patches of real images tie often, and a plain ``x == max`` mask would hand the same
gradient to every tied pixel.

Each backward is an op with a backward of its own, so gradients of every order exist: max pooling's
(a scatter to the winners) and the gather from the winners are each other's adjoints, and average
pooling's backward has average pooling itself as its backward. Max pooling's second derivative in x
is zero (its first is piecewise constant), as in PyTorch.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Tuple, Union

import numpy as np

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.geometry import IntOrPair, Pair, Padding, kernel_offsets, pair, pool_geometry, windows_overlap
from minitorch.ops.layout import crop_planes, in_pieces, pad_planes, to_images, to_planes
from minitorch.tensor import Tensor


# ----- helpers on (C, H, W, N) planes -----
def lowest_value(dtype: np.dtype) -> Union[int, float]:
    """The padding that never wins a maximum: −∞, or the smallest integer."""
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def scatter_to_windows(share: Callable[[int, int, slice, Any], Any], grad: Any, input_shape: tuple,
                       kernel: Pair, stride: Pair, dilation: Pair, padding: Padding, out_size: Pair) -> Any:
    """The (C, H, W, N) input gradient: ``share(i, j, channels, out)``, kernel offset (i, j)'s part
    of ``grad[channels]``, sent back through its slice (a block of channels per thread). Where
    windows do not overlap, ``share`` writes straight into the slice (``out``); where they do, it
    returns its part (``out`` None) to be added. Windows that tile the input leave no pixel
    unwritten, so then the gradient needs no zeroing pass first."""
    c, h, w, n = input_shape
    (top, bottom), (left, right) = padding
    padded = (top + h + bottom, left + w + right)
    overlap = windows_overlap(kernel, stride, dilation)
    tiles = not overlap and dilation == (1, 1) and all(out_size[d] * kernel[d] == padded[d] for d in range(2))
    xp = array_module(grad)
    grad_pad = (xp.empty if tiles else xp.zeros)((c,) + padded + (n,), dtype=grad.dtype)

    def scatter(channels: slice) -> None:
        for i, j, rows, cols in kernel_offsets(kernel, stride, dilation, out_size):
            if overlap:
                grad_pad[channels, rows, cols] += share(i, j, channels, None)
            else:
                share(i, j, channels, grad_pad[channels, rows, cols])

    in_pieces(scatter, c, grad, work=grad_pad.size + grad.size * kernel[0] * kernel[1], uses_blas=False)
    return crop_planes(grad_pad, padding, (h, w))


# ----- the ops -----
class MaxPool2d(ArrayFunction):
    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation, ceil_mode, return_indices):
        ctx.unbatched = x.ndim == 3
        planes = to_planes(x)
        xp = array_module(x)
        out_size, sides = pool_geometry(planes.shape[1:3], kernel, stride, padding, dilation, ceil_mode)
        x_pad = pad_planes(planes, sides, fill=lowest_value(x.dtype))
        # winner: which kernel offset (i·kw + j) holds the window's first maximum
        winner_type = np.min_scalar_type(kernel[0] * kernel[1] - 1)
        c, _, _, n = planes.shape
        best = xp.empty((c,) + out_size + (n,), dtype=x.dtype)
        winner = xp.zeros(best.shape, dtype=winner_type)

        def pool(channels: slice, check_nan: bool) -> None:  # a block of channels: best and winner of them
            top, first = best[channels], winner[channels]
            beats = xp.empty(top.shape, dtype=bool)  # reused for every offset
            for i, j, rows, cols in kernel_offsets(kernel, stride, dilation, out_size):
                seen = x_pad[channels, rows, cols]
                if i == j == 0:
                    top[...] = seen
                    continue
                xp.greater(seen, top, out=beats)  # strictly: on a tie the earlier offset keeps the window
                if check_nan:  # PyTorch's rule: a NaN beats everything, and keeps the gradient
                    beats |= seen != seen
                xp.maximum(top, seen, out=top)  # a NaN propagates, as in PyTorch
                # offsets come in increasing order, so the last one that beat the maximum is the largest
                xp.maximum(first, beats * winner_type.type(i * kernel[1] + j), out=first)

        def pool_checking_nan(channels: slice) -> None:
            # NaNs cost one more op per offset. On the CPU look for them only where they end up, in
            # the maxima (a NaN propagates), and only then pool again by the NaN rule; on a GPU
            # always apply it (asking would sync)
            floating = x.dtype.kind == "f"
            pool(channels, check_nan=floating and xp is not np)
            if floating and xp is np and bool(xp.isnan(best[channels]).any()):
                winner[channels] = 0
                pool(channels, check_nan=True)

        in_pieces(pool_checking_nan, c, x, work=best.size * kernel[0] * kernel[1], uses_blas=False)
        ctx.save_for_backward(winner)
        ctx.geometry = (planes.shape, kernel, stride, dilation, sides, out_size)
        best = to_images(best, ctx.unbatched)
        if not return_indices:
            return best
        indices = to_images(flat_indices(winner, planes.shape[2], kernel, stride, dilation, sides), ctx.unbatched)
        ctx.mark_non_differentiable(indices)
        return best, indices

    @staticmethod
    def backward(ctx, grad, grad_indices=None):
        """dx[first maximum of each window] += dy; every other pixel of the window gets nothing."""
        (winner,) = ctx.saved_tensors
        return (MaxPool2dBackward.call(grad, winner, ctx.geometry, ctx.unbatched),) + (None,) * 6


class MaxPool2dBackward(ArrayFunction):
    """Max pooling's backward as an op: a scatter of dy to each window's winner. It is linear in dy,
    and its own backward is the gather from the same winners (:class:`MaxPool2dGather`)."""

    @staticmethod
    def forward(ctx, grad, winner, geometry, unbatched):
        input_shape, kernel, stride, dilation, sides, out_size = geometry
        grad = to_planes(grad)

        def share(i: int, j: int, channels: slice, out: Any) -> Any:
            return array_module(grad).multiply(grad[channels], winner[channels] == i * kernel[1] + j, out=out)

        ctx.winner, ctx.geometry, ctx.unbatched = winner, geometry, unbatched
        grad_x = scatter_to_windows(share, grad, input_shape, kernel, stride, dilation, sides, out_size)
        return to_images(grad_x, unbatched)

    @staticmethod
    def backward(ctx, grad_grad_x):
        """The adjoint of a scatter to the winners: read each window's winner back."""
        return MaxPool2dGather.call(grad_grad_x, ctx.winner, ctx.geometry, ctx.unbatched), None, None, None


class MaxPool2dGather(ArrayFunction):
    """``out[c, y, x, n] = a_pad[c, the winner of window (y, x), n]``: the values of ``a`` (shaped like
    the input) where max pooling took its maxima from, so that ``max_pool2d(x) = gather(x)``."""

    @staticmethod
    def forward(ctx, values, winner, geometry, unbatched):
        input_shape, kernel, stride, dilation, sides, out_size = geometry
        xp = array_module(values)
        values_pad = pad_planes(to_planes(values), sides)
        out = xp.zeros(winner.shape, dtype=values.dtype)

        def gather(channels: slice) -> None:
            for i, j, rows, cols in kernel_offsets(kernel, stride, dilation, out_size):
                xp.copyto(out[channels], values_pad[channels, rows, cols],
                          where=winner[channels] == i * kernel[1] + j)

        in_pieces(gather, out.shape[0], values, work=out.size * kernel[0] * kernel[1], uses_blas=False)
        ctx.winner, ctx.geometry, ctx.unbatched = winner, geometry, unbatched
        return to_images(out, unbatched)

    @staticmethod
    def backward(ctx, grad):
        """The adjoint of the gather: the scatter, max pooling's backward."""
        return MaxPool2dBackward.call(grad, ctx.winner, ctx.geometry, ctx.unbatched), None, None, None


def flat_indices(winner: Any, width: int, kernel: Pair, stride: Pair, dilation: Pair, sides: Padding) -> Any:
    """PyTorch's ``return_indices``: where each maximum sits, as ``row·W + column`` of its input plane
    (``winner`` and the result are (C, Ho, Wo, N) planes)."""
    xp = array_module(winner)
    i, j = xp.divmod(winner.astype(xp.int64), kernel[1])
    _, ho, wo, _ = winner.shape
    rows = xp.arange(ho).reshape(-1, 1, 1) * stride[0] + i * dilation[0] - sides[0][0]
    cols = xp.arange(wo).reshape(-1, 1) * stride[1] + j * dilation[1] - sides[1][0]
    return rows * width + cols


class AvgPool2d(ArrayFunction):
    @staticmethod
    def forward(ctx, x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
        ctx.unbatched = x.ndim == 3
        planes = to_planes(x)
        dilation = (1, 1)
        out_size, sides = pool_geometry(planes.shape[1:3], kernel, stride, padding, dilation, ceil_mode)
        x_pad = pad_planes(planes, sides)
        c, _, _, n = planes.shape
        total = array_module(x).empty((c,) + out_size + (n,), dtype=x.dtype)

        def add_windows(channels: slice) -> None:  # a block of channels: total[channels]
            part = total[channels]
            for i, j, rows, cols in kernel_offsets(kernel, stride, dilation, out_size):
                if i == j == 0:
                    part[...] = x_pad[channels, rows, cols]
                else:
                    part += x_pad[channels, rows, cols]

        in_pieces(add_windows, c, x, work=total.size * kernel[0] * kernel[1], uses_blas=False)
        divisor = divisor_override or window_sizes(planes, kernel, stride, padding, out_size, count_include_pad)
        total /= divisor
        ctx.divisor = divisor
        ctx.geometry = (planes.shape, kernel, stride, sides, out_size)
        ctx.settings = (kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
        return to_images(total, ctx.unbatched)

    @staticmethod
    def backward(ctx, grad):
        """dx = Σ over the windows holding x of dy / (that window's divisor)."""
        return (AvgPool2dBackward.call(grad, ctx.divisor, ctx.geometry, ctx.settings, ctx.unbatched),) + (None,) * 6


class AvgPool2dBackward(ArrayFunction):
    """Average pooling's backward as an op: linear in dy, and its adjoint (its backward) is average
    pooling itself, with the same windows and divisors."""

    @staticmethod
    def forward(ctx, grad, divisor, geometry, settings, unbatched):
        input_shape, kernel, stride, sides, out_size = geometry
        grad = to_planes(grad)

        def share(i: int, j: int, channels: slice, out: Any) -> Any:
            return array_module(grad).divide(grad[channels], divisor, out=out)

        grad_x = scatter_to_windows(share, grad, input_shape, kernel, stride, (1, 1), sides, out_size)
        ctx.settings = settings
        return to_images(grad_x, unbatched)

    @staticmethod
    def backward(ctx, grad_grad_x):
        """d(dy) = avg_pool2d(the upstream gradient)."""
        return AvgPool2d.call(grad_grad_x, *ctx.settings), None, None, None, None


def window_sizes(planes: Any, kernel: Pair, stride: Pair, padding: Pair, out_size: Pair,
                 count_include_pad: bool) -> Any:
    """The (Ho, Wo, 1) divisors of the average of (C, H, W, N) planes: each window's size, clipped to
    the padded input, and also to the input itself unless ``count_include_pad`` (PyTorch's rule)."""
    xp = array_module(planes)
    lengths = []
    for d in range(2):
        start = xp.arange(out_size[d]) * stride[d] - padding[d]
        end = xp.minimum(start + kernel[d], planes.shape[1 + d] + padding[d])
        if not count_include_pad:
            start, end = xp.maximum(start, 0), xp.minimum(end, planes.shape[1 + d])
        lengths.append(end - start)
    return (lengths[0].reshape(-1, 1, 1) * lengths[1].reshape(-1, 1)).astype(planes.dtype)


# ----- the public functions: check the arguments as PyTorch does, then apply the op -----
def _check_pool_arguments(input: Tensor, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair,
                          ceil_mode: bool) -> None:
    if input.ndim not in (3, 4) or 0 in input.shape[-3:]:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, "
                           f"but got: {list(input.shape)}")
    if min(kernel) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kernel[0]} kW: {kernel[1]}")
    if min(stride) <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got dH: {stride[0]} dW: {stride[1]}")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {dilation[0]} "
                           f"dilationW: {dilation[1]}")
    if min(padding) < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {list(padding)}")
    for d in range(2):
        if padding[d] > kernel[d] // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={padding[d]}, "
                               f"kernel_size={kernel[d]} and dilation={dilation[d]}")
    channels, height, width = input.shape[-3:]
    out_size, _ = pool_geometry((height, width), kernel, stride, padding, dilation, ceil_mode)
    if min(out_size) < 1:
        raise RuntimeError(f"Given input size: ({channels}x{height}x{width}). Calculated output size: "
                           f"({channels}x{out_size[0]}x{out_size[1]}). Output size is too small")


def _pool_pairs(kernel_size: IntOrPair, stride: Optional[IntOrPair], padding: IntOrPair) -> Tuple[Pair, Pair, Pair]:
    """kernel, stride (default: the kernel, also for PyTorch's ``stride=[]``) and padding as pairs."""
    kernel = pair(kernel_size, "kernel_size")
    stride = kernel if stride is None or (isinstance(stride, (tuple, list)) and not stride) else pair(stride, "stride")
    return kernel, stride, pair(padding, "padding")


def max_pool2d(input: Tensor, kernel_size: IntOrPair, stride: Optional[IntOrPair] = None, padding: IntOrPair = 0,
               dilation: IntOrPair = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Union[Tensor, Tuple[Tensor, Tensor]]:
    """The largest value of each (dilated) window, as ``torch.nn.functional.max_pool2d``.

    Padding counts as −∞ (it never wins); ``stride`` defaults to ``kernel_size``. With
    ``return_indices``, also returns where each maximum is, as ``row·W + column`` in its plane.
    """
    kernel, stride, padding = _pool_pairs(kernel_size, stride, padding)
    dilation = pair(dilation, "dilation")
    _check_pool_arguments(input, kernel, stride, padding, dilation, ceil_mode)
    return MaxPool2d.apply(input, kernel, stride, padding, dilation, ceil_mode, return_indices)


def avg_pool2d(input: Tensor, kernel_size: IntOrPair, stride: Optional[IntOrPair] = None, padding: IntOrPair = 0,
               ceil_mode: bool = False, count_include_pad: bool = True, divisor_override: Optional[int] = None) -> Tensor:
    """The mean of each window, as ``torch.nn.functional.avg_pool2d``.

    Padding counts as zeros; the divisor is the window's size within the padded input
    (``count_include_pad=True``) or within the input itself, or ``divisor_override``.
    """
    kernel, stride, padding = _pool_pairs(kernel_size, stride, padding)
    _check_pool_arguments(input, kernel, stride, padding, (1, 1), ceil_mode)
    if divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    if input.dtype.kind != "f":
        raise RuntimeError(f"avg_pool2d expects a floating-point input, but got {input.dtype}")
    return AvgPool2d.apply(input, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
