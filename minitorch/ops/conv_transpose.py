"""Transposed 2-D convolution ("deconvolution"): the backward of a convolution, run forward.

A convolution reads each output pixel from a window of the input; a transposed convolution
*writes* each input pixel into a window of the output, scaled by the kernel, where overlapping
windows add up. It upsamples (stride s makes the image about s times larger: DCGAN's generator,
U-Net's decoder). With the same helpers as ``ops/conv.py`` (images batch-innermost, (C, H, W, N))::

    cols  = Wᵀ · X                   (G, C_out/G·kh·kw, H·W·N): one matrix product per group
    Y_pad = col2im(cols)             each column added into its window of the output
    Y     = crop(Y_pad, padding) + b

and its backward is a convolution of the upstream gradient::

    dcols = im2col(pad(dY))          dX = W · dcols          dW = X · dcolsᵀ          db = Σ dY

The output has size ``(H − 1)·s − 2p + d·(k − 1) + output_padding + 1`` along each axis.
"""
from __future__ import annotations

from typing import Optional, Sequence

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.conv import col2im, convolution_double_backward, gathered, im2col, receptive_fields, spread
from minitorch.ops.geometry import IntOrPair, Pair, pair
from minitorch.ops.layout import pad_planes, to_images, to_planes
from minitorch.tensor import Tensor


class ConvTranspose2d(ArrayFunction):
    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding, output_padding, dilation, groups):
        ctx.unbatched = x.ndim == 3
        planes = to_planes(x)
        channels, height, width, n = planes.shape
        kernel = weight.shape[2:]
        out_channels = weight.shape[1] * groups
        x_rows = planes.reshape(groups, channels // groups, height * width * n)
        weight_rows = weight.reshape(groups, channels // groups, -1)
        cols = weight_rows.transpose(0, 2, 1) @ x_rows
        full = tuple((size - 1) * stride[d] + dilation[d] * (kernel[d] - 1) + 1 + output_padding[d]
                     for d, size in enumerate((height, width)))
        out_pad = array_module(x).zeros((out_channels,) + full + (n,), dtype=x.dtype)
        col2im(cols, out_pad, slice(0, height), kernel, stride, dilation, width)
        out = array_module(x).ascontiguousarray(
            out_pad[:, padding[0]:full[0] - padding[0], padding[1]:full[1] - padding[1]])
        if bias is not None:
            out += bias[:, None, None, None]
        ctx.save_for_backward(x, weight, planes)
        ctx.settings = (stride, padding, output_padding, dilation, groups)
        y = to_images(out, unbatched=False)
        return y[0] if ctx.unbatched else y

    @staticmethod
    def backward(ctx, grad):
        """dX = W·dcols, dW = X·dcolsᵀ, db = Σ dY: :class:`ConvTranspose2dBackward`, an op of its own."""
        x, weight, planes = ctx.saved_tensors
        needs = ctx.needs_input_grad[:3]
        gradients = ConvTranspose2dBackward.call(grad, x, weight, planes, needs, *ctx.settings)
        return spread(gradients, needs) + (None,) * 5


class ConvTranspose2dBackward(ArrayFunction):
    """The gradients (dx, dW, db) of a transposed convolution that ``needs`` asks for, as an op whose
    own backward is :func:`~minitorch.ops.conv.convolution_double_backward`."""

    @staticmethod
    def forward(ctx, grad, x, weight, planes, needs, stride, padding, output_padding, dilation, groups):
        """dcols = im2col(pad(dY)): dX = W·dcols, dW = X·dcolsᵀ, db = Σ dY (per output channel)."""
        need_x, need_weight, need_bias = needs
        planes = to_planes(x) if planes is None else planes
        channels, kernel = planes.shape[0], weight.shape[2:]
        grad_planes = to_planes(grad)
        sides = tuple((padding[d], padding[d] + output_padding[d]) for d in range(2))
        fields = receptive_fields(pad_planes(grad_planes, sides), kernel, stride, dilation, planes.shape[1:3])
        cols = im2col(fields, slice(0, planes.shape[1]), groups)
        grad_x = grad_weight = grad_bias = None
        if need_x:
            weight_rows = weight.reshape(groups, channels // groups, -1)
            grad_x = to_images((weight_rows @ cols).reshape(planes.shape), unbatched=False)
            grad_x = grad_x[0] if x.ndim == 3 else grad_x
        if need_weight:
            x_rows = planes.reshape(groups, channels // groups, -1)
            grad_weight = (x_rows @ cols.transpose(0, 2, 1)).reshape(weight.shape)
        if need_bias:
            grad_bias = grad_planes.sum(axis=(1, 2, 3))
        ctx.save_for_backward(grad, x, weight)
        ctx.needs, ctx.settings = needs, (stride, padding, output_padding, dilation, groups)
        return gathered((grad_x, grad_weight, grad_bias))

    @staticmethod
    def backward(ctx, *upstream):
        """Bilinear: d(dY) = convT(u_x, W) + convT(x, u_W) + u_b, dx = dx(dY, W := u_W), dW = dW(dY, x := u_x)."""
        return convolution_double_backward(ctx, upstream, ConvTranspose2d)


def transposed_output_size(size: Sequence[int], kernel: Sequence[int], stride: Pair, padding: Pair,
                           output_padding: Pair, dilation: Pair) -> Pair:
    """(H_out, W_out) = (H − 1)·s − 2p + d·(k − 1) + output_padding + 1 along each axis."""
    return tuple((size[d] - 1) * stride[d] - 2 * padding[d] + dilation[d] * (kernel[d] - 1) + output_padding[d] + 1
                 for d in range(2))


def _check(input: Tensor, weight: Tensor, bias: Optional[Tensor], stride: Pair, padding: Pair,
           output_padding: Pair, dilation: Pair, groups: int) -> None:
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, "
                           f"but got input of size: {list(input.shape)}")
    if weight.ndim != 4:
        raise RuntimeError(f"conv_transpose2d expects a 4-D weight (in_channels, out_channels/groups, kH, kW), "
                           f"but got weight of size {list(weight.shape)}")
    if input.dtype.kind != "f" or weight.dtype != input.dtype:
        raise RuntimeError(f"Input type ({input.dtype}) and weight type ({weight.dtype}) should be the same "
                           f"floating-point type")
    if min(stride) <= 0 or min(dilation) <= 0 or groups <= 0:
        raise RuntimeError(f"non-positive stride, dilation or groups is not supported, got stride={list(stride)}, "
                           f"dilation={list(dilation)}, groups={groups}")
    if min(padding) < 0 or min(output_padding) < 0:
        raise RuntimeError(f"negative padding is not supported, got padding={list(padding)}, "
                           f"output_padding={list(output_padding)}")
    for d in range(2):
        if output_padding[d] >= max(stride[d], dilation[d]):
            raise RuntimeError(
                f"output padding must be smaller than either stride or dilation, but got output_padding_height: "
                f"{output_padding[0]} output_padding_width: {output_padding[1]} stride_height: {stride[0]} "
                f"stride_width: {stride[1]} dilation_height: {dilation[0]} dilation_width: {dilation[1]}")
    channels = input.shape[-3]
    if weight.shape[0] != channels or channels % groups:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected input"
                           f"{list(input.shape)} to have {weight.shape[0]} channels, but got {channels} channels "
                           f"instead (groups={groups})")
    if bias is not None and tuple(bias.shape) != (weight.shape[1] * groups,):
        raise RuntimeError(f"Given weight of size {list(weight.shape)} and groups={groups}, expected bias to be "
                           f"1-dimensional with {weight.shape[1] * groups} elements, but got bias of size "
                           f"{list(bias.shape)} instead")
    out = transposed_output_size(input.shape[-2:], weight.shape[2:], stride, padding, output_padding, dilation)
    if min(out) < 1:
        raise RuntimeError(f"Given input size per channel: ({input.shape[-2]} x {input.shape[-1]}). Calculated output "
                           f"size per channel: ({out[0]} x {out[1]}). Output size is too small")


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntOrPair = 1,
                     padding: IntOrPair = 0, output_padding: IntOrPair = 0, groups: int = 1,
                     dilation: IntOrPair = 1) -> Tensor:
    """Transposed convolution of (N, C_in, H, W) images with a (C_in, C_out/groups, kH, kW) weight,
    as ``torch.nn.functional.conv_transpose2d`` (same argument order: groups before dilation)."""
    stride, padding, dilation = pair(stride, "stride"), pair(padding, "padding"), pair(dilation, "dilation")
    output_padding = pair(output_padding, "output_padding")
    _check(input, weight, bias, stride, padding, output_padding, dilation, groups)
    return ConvTranspose2d.apply(input, weight, bias, stride, padding, output_padding, dilation, groups)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntOrPair = 1,
                     padding: IntOrPair = 0, output_padding: IntOrPair = 0, groups: int = 1,
                     dilation: IntOrPair = 1) -> Tensor:
    """The 1-D case, (N, C_in, L): a 2-D transposed convolution of height 1."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2D (unbatched) or 3D (batched) input to conv_transpose1d, "
                           f"but got input of size: {list(input.shape)}")
    if weight.ndim != 3:
        raise RuntimeError(f"conv_transpose1d expects a 3-D weight, but got weight of size {list(weight.shape)}")
    one = lambda value: (1, _single(value))  # noqa: E731
    out = conv_transpose2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, (1, _single(stride)),
                           (0, _single(padding)), (0, _single(output_padding)), groups, one(dilation))
    return out.squeeze(-2)


def _single(value: IntOrPair) -> int:
    return value[0] if isinstance(value, (tuple, list)) else value
