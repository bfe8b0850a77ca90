"""2-D convolution as one matrix product per group (im2col), and its backward (col2im).

A convolution is a matrix product in disguise. Unroll every receptive field of the padded
input into one column of a matrix, and the whole layer is ``Y = W · cols``::

    cols[(c, i, j), (n, y, x)] = x_pad[n, c, y·sh + i·dh, x·sw + j·dw]      (im2col)
    Y[o, (n, y, x)]            = Σ_(c,i,j) W[o, (c, i, j)] · cols[(c, i, j), (n, y, x)]

``cols`` starts life as a zero-copy ``as_strided`` view of ``x_pad`` with shape
(C, kh, kw, N, Ho, Wo); reshaping it into a matrix copies it once. With ``groups``, channels
and filters split into G blocks and the layer is G independent products: one batched matmul.

The backward, with dY the upstream gradient as a matrix (rows: output channels)::

    dW    = dY · colsᵀ          one matrix product
    dcols = Wᵀ · dY             one matrix product
    dx    = col2im(dcols)       kh·kw strided-slice additions: overlapping windows add up
    db    = Σ dY                over images and pixels

Why this layout (measured on 2 cores, batch 64, on LeNet's and a 3x3 CIFAR net's layers): the
columns are ordered (c, i, j) × (n, y, x), so the im2col copy moves runs of Wo contiguous
input values, the product comes out as (O, N, Ho, Wo), one cheap transpose away from NCHW,
and the upstream gradient becomes dY with an equally cheap transpose. The textbook order
(n, y, x) × (c, i, j) copies in runs of only kw values: a 2-8x slower im2col. Keeping the batch
innermost, (C, H, W, N), gives long copy runs, but the NCHW↔CHWN transposes at both ends of
the op cancel the gain (it won only on 14x14 images).
"""
from __future__ import annotations

import operator
from typing import Any, Iterator, Optional, Sequence, Tuple, Union

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.tensor import Tensor

Pair = Tuple[int, int]
IntOrPair = Union[int, Sequence[int]]
Padding = Tuple[Pair, Pair]  # ((top, bottom), (left, right))


# ----- geometry shared with the pooling ops -----
def pair(value: IntOrPair, name: str) -> Pair:
    """``3`` → ``(3, 3)``; a sequence of two ints stays a pair; anything else is an error."""
    try:
        single = operator.index(value)
        return (single, single)
    except TypeError:
        pass
    values = tuple(value)
    if len(values) != 2:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of 2 values, "
                           f"but got {name}={list(values)}")
    return (operator.index(values[0]), operator.index(values[1]))


def kernel_offsets(kernel: Pair, stride: Pair, dilation: Pair, out_size: Pair) -> Iterator[tuple]:
    """For each kernel offset (i, j), row-major: ``(i, j, rows, cols)`` where ``x_pad[..., rows, cols]``
    is the (Ho, Wo) grid of values that offset sees, x_pad[..., y·sh + i·dh, x·sw + j·dw]."""
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel, stride, dilation, out_size
    for i in range(kh):
        for j in range(kw):
            yield i, j, slice(i * dh, i * dh + (ho - 1) * sh + 1, sh), slice(j * dw, j * dw + (wo - 1) * sw + 1, sw)


def pad_images(x: Any, padding: Padding, fill: float = 0) -> Any:
    """``x`` (N, C, H, W) with ``fill`` around each image; ``x`` itself when there is no padding."""
    (top, bottom), (left, right) = padding
    if top == bottom == left == right == 0:
        return x
    n, c, h, w = x.shape
    padded = array_module(x).full((n, c, top + h + bottom, left + w + right), fill, dtype=x.dtype)
    padded[:, :, top:top + h, left:left + w] = x
    return padded


def crop_images(padded: Any, padding: Padding, size: Pair) -> Any:
    """The inverse of :func:`pad_images`: the (H, W) images inside ``padded``."""
    (top, _), (left, _) = padding
    return padded[:, :, top:top + size[0], left:left + size[1]]


# ----- the kernels on raw arrays -----
def im2col(x: Any, kernel: Pair, stride: Pair, padding: Padding, dilation: Pair, groups: int,
           out_size: Pair) -> Any:
    """The (G, C/G·kh·kw, N·Ho·Wo) matrix of receptive fields of (N, C, H, W) images (one copy)."""
    x_pad = pad_images(x, padding)
    n, c = x.shape[:2]
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel, stride, dilation, out_size
    n_step, c_step, h_step, w_step = x_pad.strides
    windows = array_module(x).lib.stride_tricks.as_strided(  # windows[c, i, j, n, y, x], no copy
        x_pad, (c, kh, kw, n, ho, wo), (c_step, dh * h_step, dw * w_step, n_step, sh * h_step, sw * w_step))
    return windows.reshape(groups, c // groups * kh * kw, n * ho * wo)


def col2im(grad_cols: Any, x_shape: tuple, kernel: Pair, stride: Pair, padding: Padding, dilation: Pair,
           out_size: Pair) -> Any:
    """Send each column entry back to the input pixel im2col read it from, adding up overlaps."""
    n, c, h, w = x_shape
    (top, bottom), (left, right) = padding
    grad_cols = grad_cols.reshape((c,) + kernel + (n,) + out_size)
    # (C, N, ...) like grad_cols, so each addition runs over one memory layout
    grad_pad = array_module(grad_cols).zeros((c, n, top + h + bottom, left + w + right), dtype=grad_cols.dtype)
    for i, j, rows, cols in kernel_offsets(kernel, stride, dilation, out_size):
        grad_pad[:, :, rows, cols] += grad_cols[:, i, j]
    grad_x = crop_images(grad_pad, padding, (h, w)).transpose(1, 0, 2, 3)
    return array_module(grad_x).ascontiguousarray(grad_x)


class Conv2d(ArrayFunction):
    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding, dilation, groups):
        ctx.unbatched = x.ndim == 3
        images = x[None] if ctx.unbatched else x
        out_channels, kernel = weight.shape[0], weight.shape[2:]
        out_size = conv_output_size(images.shape[2:], kernel, stride, padding, dilation)
        cols = im2col(images, kernel, stride, padding, dilation, groups, out_size)
        y = weight.reshape(groups, out_channels // groups, -1) @ cols  # (G, O/G, N·Ho·Wo)
        y = y.reshape((out_channels, images.shape[0]) + out_size).transpose(1, 0, 2, 3)
        xp = array_module(y)
        out = xp.empty(y.shape, dtype=y.dtype)  # back to (N, O, Ho, Wo), adding the bias on the way
        if bias is None:
            out[...] = y
        else:
            xp.add(y, bias[:, None, None], out=out)
        ctx.save_for_backward(x, weight)
        ctx.geometry = (kernel, stride, padding, dilation, groups, out_size)
        return out[0] if ctx.unbatched else out

    @staticmethod
    def backward(ctx, grad):
        """dW = dY·colsᵀ, dx = col2im(Wᵀ·dY), db = Σ dY, with dY the gradient as (G, O/G, N·Ho·Wo)."""
        x, weight = ctx.saved_tensors
        groups = ctx.geometry[4]
        need_x, need_weight, need_bias = ctx.needs_input_grad[:3]
        if ctx.unbatched:
            x, grad = x[None], grad[None]
        grad_rows = grad.transpose(1, 0, 2, 3).reshape(groups, weight.shape[0] // groups, -1)
        grad_x = grad_weight = grad_bias = None
        # one helper per gradient, so that each big (kh·kw times the input) temporary is freed before
        # the next is made: with both alive, the allocator hands memory back to the OS every step
        # and pays thousands of page faults to take it again (measured: LeNet's first layer 40% slower)
        if need_x:
            grad_x = input_gradient(weight, grad_rows, x.shape, ctx.geometry)
            grad_x = grad_x[0] if ctx.unbatched else grad_x
        if need_weight:
            grad_weight = weight_gradient(x, grad_rows, weight.shape, ctx.geometry)
        if need_bias:
            grad_bias = grad.sum(axis=(0, 2, 3))
        return grad_x, grad_weight, grad_bias, None, None, None, None


def input_gradient(weight: Any, grad_rows: Any, x_shape: tuple, geometry: tuple) -> Any:
    """dx = col2im(Wᵀ · dY): each filter tap sends its share of dY back to the pixel it read."""
    kernel, stride, padding, dilation, groups, out_size = geometry
    weight_rows = weight.reshape(groups, weight.shape[0] // groups, -1)
    grad_cols = weight_rows.transpose(0, 2, 1) @ grad_rows
    return col2im(grad_cols, x_shape, kernel, stride, padding, dilation, out_size)


def weight_gradient(x: Any, grad_rows: Any, weight_shape: tuple, geometry: tuple) -> Any:
    """dW = dY · colsᵀ, with the columns made again rather than kept from the forward (kh·kw times
    the input's memory per layer, as PyTorch keeps only the input)."""
    kernel, stride, padding, dilation, groups, out_size = geometry
    cols = im2col(x, kernel, stride, padding, dilation, groups, out_size)
    return (grad_rows @ cols.transpose(0, 2, 1)).reshape(weight_shape)


# ----- the public function: check the arguments as PyTorch does, then apply the op -----
def conv_output_size(size: Sequence[int], kernel: Sequence[int], stride: Pair, padding: Padding,
                     dilation: Pair) -> Pair:
    """Output (Ho, Wo): how many dilated kernels fit, ``stride`` apart, in the padded input."""
    return tuple(
        (size[d] + sum(padding[d]) - dilation[d] * (kernel[d] - 1) - 1) // stride[d] + 1 for d in range(2)
    )


def conv_padding(padding: Union[str, IntOrPair], kernel: Sequence[int], stride: Pair, dilation: Pair) -> Padding:
    """``((top, bottom), (left, right))`` from an int, a pair, ``'valid'`` or ``'same'``.

    ``'same'`` pads d·(k−1) in total, the odd one on the bottom/right side, as PyTorch does.
    """
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0), (0, 0))
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if stride != (1, 1):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        totals = [dilation[d] * (kernel[d] - 1) for d in range(2)]
        return tuple((total // 2, total - total // 2) for total in totals)
    height, width = pair(padding, "padding")
    if height < 0 or width < 0:
        raise RuntimeError("negative padding is not supported")
    return ((height, height), (width, width))


def _check_conv_arguments(input: Tensor, weight: Tensor, bias: Optional[Tensor], stride: Pair, dilation: Pair,
                          groups: int) -> None:
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, "
                           f"but got input of size: {list(input.shape)}")
    if weight.ndim != 4:
        raise RuntimeError(f"conv2d expects a 4-D weight (out_channels, in_channels/groups, kH, kW), "
                           f"but got weight of size {list(weight.shape)}")
    if input.dtype.kind != "f":
        raise RuntimeError(f"conv2d expects a floating-point input, but got {input.dtype}")
    for name, tensor in (("weight", weight), ("bias", bias)):
        if tensor is not None and tensor.dtype != input.dtype:
            raise RuntimeError(f"Input type ({input.dtype}) and {name} type ({tensor.dtype}) should be the same")
    if min(stride) <= 0:
        raise RuntimeError(f"non-positive stride is not supported, but got stride={list(stride)}")
    if min(dilation) <= 0:
        raise RuntimeError(f"non-positive dilation is not supported, but got dilation={list(dilation)}")
    if groups <= 0:
        raise RuntimeError(f"non-positive groups is not supported, but got groups={groups}")
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                           f"but got weight of size {list(weight.shape)} instead")
    channels = input.shape[-3]
    if channels != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
                           f"{list(input.shape)} to have {weight.shape[1] * groups} channels, "
                           f"but got {channels} channels instead")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise RuntimeError(f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with "
                           f"{weight.shape[0]} elements, but got bias of size {list(bias.shape)} instead")


def _check_kernel_fits(input_size: Sequence[int], kernel: Sequence[int], padding: Padding, dilation: Pair) -> None:
    padded = [input_size[d] + sum(padding[d]) for d in range(2)]
    spans = [dilation[d] * (kernel[d] - 1) + 1 for d in range(2)]
    if spans[0] > padded[0] or spans[1] > padded[1]:
        raise RuntimeError(f"Calculated padded input size per channel: ({padded[0]} x {padded[1]}). "
                           f"Kernel size: ({spans[0]} x {spans[1]}). "
                           "Kernel size can't be greater than actual input size")


def conv2d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntOrPair = 1,
           padding: Union[str, IntOrPair] = 0, dilation: IntOrPair = 1, groups: int = 1) -> Tensor:
    """Slide (O, C/groups, kH, kW) filters over (N, C, H, W) images (or one (C, H, W) image).

    Same arguments and output as ``torch.nn.functional.conv2d``: ``out[n, o, y, x] = bias[o] +
    Σ_(c,i,j) weight[o, c, i, j] · x_pad[n, g·C/G + c, y·sh + i·dh, x·sw + j·dw]`` for the group g
    of filter o; ``padding`` is an int, a pair, ``'valid'`` or ``'same'`` (stride 1 only).
    """
    stride, dilation = pair(stride, "stride"), pair(dilation, "dilation")
    _check_conv_arguments(input, weight, bias, stride, dilation, groups)
    kernel = tuple(weight.shape[2:])
    padding = conv_padding(padding, kernel, stride, dilation)
    _check_kernel_fits(input.shape[-2:], kernel, padding, dilation)
    return Conv2d.apply(input, weight, bias, stride, padding, dilation, groups)
