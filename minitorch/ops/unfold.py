"""``F.unfold`` (im2col as a public op) and ``F.fold`` (col2im, its adjoint).

``unfold`` lays every kh×kw receptive field of (N, C, H, W) images out as a column:
(N, C·kh·kw, L) with L the number of window positions, so a convolution is ``W · unfold(x)``.
``fold`` adds such columns back into (N, C, H, W) images, summing where windows overlap. Each is
the other's backward (so both have backwards of every order). Both reuse the kernels of
``ops/conv.py`` on batch-innermost images.
"""
from __future__ import annotations

from typing import Any, Sequence

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.conv import col2im, receptive_fields
from minitorch.ops.geometry import IntOrPair, conv_output_size, pair
from minitorch.ops.layout import crop_planes, pad_planes, to_images, to_planes
from minitorch.tensor import Tensor


def _columns(planes: Any, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple, out: tuple) -> Any:
    """(C, H, W, N) images → their (N, C·kh·kw, L) columns."""
    sides = ((padding[0], padding[0]), (padding[1], padding[1]))
    fields = receptive_fields(pad_planes(planes, sides), kernel, stride, dilation, out)
    c, n = planes.shape[0], planes.shape[3]
    return fields.reshape(c * kernel[0] * kernel[1], out[0] * out[1], n).transpose(2, 0, 1).copy()


def _images(columns: Any, size: tuple, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple,
            out: tuple) -> Any:
    """(N, C·kh·kw, L) columns → (C, H, W, N) images, overlaps added."""
    n, rows, _ = columns.shape
    channels = rows // (kernel[0] * kernel[1])
    sides = ((padding[0], padding[0]), (padding[1], padding[1]))
    grad_pad = array_module(columns).zeros((channels, size[0] + 2 * padding[0], size[1] + 2 * padding[1], n),
                                           dtype=columns.dtype)
    col2im(columns.transpose(1, 2, 0), grad_pad, slice(0, out[0]), kernel, stride, dilation, out[1])
    return crop_planes(grad_pad, sides, size)


class Unfold(ArrayFunction):
    @staticmethod
    def forward(ctx, x, kernel, dilation, padding, stride):
        planes = to_planes(x)
        out = conv_output_size(planes.shape[1:3], kernel, stride, tuple((p, p) for p in padding), dilation)
        ctx.geometry = (planes.shape[1:3], kernel, dilation, padding, stride, out)
        return _columns(planes, kernel, dilation, padding, stride, out)

    @staticmethod
    def backward(ctx, grad):
        """dx = fold(dY): each column entry's gradient goes back to the pixel it was read from."""
        size, kernel, dilation, padding, stride, _ = ctx.geometry
        return Fold.call(grad, size, kernel, dilation, padding, stride), None, None, None, None


class Fold(ArrayFunction):
    @staticmethod
    def forward(ctx, columns, size, kernel, dilation, padding, stride):
        out = conv_output_size(size, kernel, stride, tuple((p, p) for p in padding), dilation)
        ctx.settings = (kernel, dilation, padding, stride)
        return to_images(array_module(columns).ascontiguousarray(
            _images(columns, size, kernel, dilation, padding, stride, out)), unbatched=False)

    @staticmethod
    def backward(ctx, grad):
        """dcolumns = unfold(dY)."""
        return Unfold.call(grad, *ctx.settings), None, None, None, None, None


def unfold(input: Tensor, kernel_size: IntOrPair, dilation: IntOrPair = 1, padding: IntOrPair = 0,
           stride: IntOrPair = 1) -> Tensor:
    """(N, C, H, W) → (N, C·kh·kw, L): every sliding window as a column (im2col)."""
    if input.ndim != 4:
        raise NotImplementedError(f"unfold: minitorch takes 4-D (N, C, H, W) input, got size {list(input.shape)}")
    kernel, dilation = pair(kernel_size, "kernel_size"), pair(dilation, "dilation")
    padding, stride = pair(padding, "padding"), pair(stride, "stride")
    out = conv_output_size(input.shape[2:], kernel, stride, tuple((p, p) for p in padding), dilation)
    if min(out) < 1:
        raise RuntimeError(f"Given input with spatial size ({input.shape[2]}, {input.shape[3]}), kernel_size="
                           f"{list(kernel)}, dilation={list(dilation)}, padding={list(padding)}, calculated shape of "
                           f"the array of sliding blocks as ({out[0]}, {out[1]}), but its components must be at "
                           f"least one.")
    return Unfold.apply(input, kernel, dilation, padding, stride)


def fold(input: Tensor, output_size: IntOrPair, kernel_size: IntOrPair, dilation: IntOrPair = 1,
         padding: IntOrPair = 0, stride: IntOrPair = 1) -> Tensor:
    """(N, C·kh·kw, L) → (N, C, H, W): columns added back into images (col2im), the adjoint of unfold."""
    size, kernel = pair(output_size, "output_size"), pair(kernel_size, "kernel_size")
    dilation, padding, stride = pair(dilation, "dilation"), pair(padding, "padding"), pair(stride, "stride")
    if input.ndim != 3:
        raise NotImplementedError(f"fold: minitorch takes 3-D (N, C·kh·kw, L) input, got size {list(input.shape)}")
    blocks = conv_output_size(size, kernel, stride, tuple((p, p) for p in padding), dilation)
    if input.shape[1] % (kernel[0] * kernel[1]):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
                           f"but got input.size(1)={input.shape[1]} and kernel_size={kernel}")
    if input.shape[2] != blocks[0] * blocks[1]:
        raise RuntimeError(f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, padding="
                           f"{padding}, stride={stride}, expected size of input's dimension 2 to match the "
                           f"calculated number of sliding blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, "
                           f"but got input.size(2)={input.shape[2]}.")
    return Fold.apply(input, size, kernel, dilation, padding, stride)
