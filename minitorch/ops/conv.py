"""2-D convolution as one matrix product per group (im2col), and its backward (col2im).

A convolution is a matrix product in disguise. Unroll every receptive field of the padded input
into one column of a matrix, and the whole layer is ``Y = W · cols``::

    cols[(c, i, j), (y, x, n)] = x_pad[c, y·sh + i·dh, x·sw + j·dw, n]      (im2col)
    Y[o, (y, x, n)]            = Σ_(c,i,j) W[o, (c, i, j)] · cols[(c, i, j), (y, x, n)]

and its backward, with dY the upstream gradient as a matrix (one row per output channel)::

    dW    = dY · colsᵀ          one matrix product
    dcols = Wᵀ · dY             one matrix product
    dx    = col2im(dcols)       kh·kw strided-slice additions: overlapping windows add up
    db    = Σ dY                over pixels and images

**Memory layout** (``ops/layout.py``). The public shape is PyTorch's (N, C, H, W), but the ops
here keep images *batch-innermost* in memory, (C, H, W, N): a conv or pool output is an
(N, C, H, W)-shaped view of a (C, H, W, N) array, which NumPy's elementwise ops (ReLU ...)
preserve, so the next conv or pool reads it without a copy. In that layout a receptive-field
slice ``x_pad[c, rows, cols, :]`` with stride 1 is a run of Wo·N contiguous values, so im2col
copies long runs; and ``W · cols`` comes out (O, Ho, Wo, N), the next layer's layout, with no
transpose. (With NCHW columns the copy moves runs of only Wo values: 5-10x more copy loops.)

**Bands.** The columns are kh·kw times larger than the input (60 MB for LeNet's first layer at
batch 256). They are built a band of output rows at a time, so the temporary stays a few MB and in
cache; the weight gradient adds up over bands. The columns are rebuilt in backward, not saved.

The window arithmetic (output size, ``'same'`` padding) is shared with pooling: ``ops/geometry.py``.
"""
from __future__ import annotations

from typing import Any, Iterator, Optional, Sequence, Union

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module, strided_view
from minitorch.ops.geometry import IntOrPair, Pair, Padding, conv_output_size, conv_padding, pair
from minitorch.ops.layout import crop_planes, pad_planes, to_images, to_planes
from minitorch.tensor import Tensor

COLUMNS_PER_BAND = 1 << 19  # entries of the im2col matrix built at once (2 MB in float32)


# ----- the kernels on raw (C, H, W, N) arrays -----
def receptive_fields(x_pad: Any, kernel: Pair, stride: Pair, dilation: Pair, out_size: Pair) -> Any:
    """A zero-copy (C, kh, kw, Ho, Wo, N) view: ``fields[c, i, j, y, x, n] = x_pad[c, y·sh + i·dh, x·sw + j·dw, n]``."""
    c, _, _, n = x_pad.shape
    c_step, h_step, w_step, n_step = x_pad.strides
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel, stride, dilation, out_size
    return strided_view(x_pad, (c, kh, kw, ho, wo, n),
                        (c_step, dh * h_step, dw * w_step, sh * h_step, sw * w_step, n_step))


def row_bands(fields: Any) -> Iterator[slice]:
    """Slices of output rows whose im2col matrix has about :data:`COLUMNS_PER_BAND` entries."""
    c, kh, kw, ho, wo, n = fields.shape
    rows = max(1, COLUMNS_PER_BAND // max(1, c * kh * kw * wo * n))
    for start in range(0, ho, rows):
        yield slice(start, min(start + rows, ho))


def im2col(fields: Any, band: slice, groups: int) -> Any:
    """The (G, C/G·kh·kw, rows·Wo·N) matrix of the receptive fields of one band of output rows."""
    c, kh, kw, _, wo, n = fields.shape
    band_fields = fields[:, :, :, band]
    return band_fields.reshape(groups, c // groups * kh * kw, (band.stop - band.start) * wo * n)


def col2im(grad_cols: Any, grad_pad: Any, band: slice, kernel: Pair, stride: Pair, dilation: Pair,
           out_width: int) -> None:
    """Send each column entry back to the input pixel im2col read it from, adding up overlaps.

    ``grad_pad[c, y·sh + i·dh, x·sw + j·dw, n] += dcols[c, i, j, y, x, n]`` in two passes, over the
    kernel's columns j and then its rows i: kh + kw slice additions rather than kh·kw.
    """
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    c, _, padded_width, n = grad_pad.shape
    rows = band.stop - band.start
    grad_cols = grad_cols.reshape((c, kh, kw, rows, out_width, n))
    by_row = array_module(grad_pad).zeros((c, kh, rows, padded_width, n), dtype=grad_pad.dtype)
    for j in range(kw):  # by_row[c, i, y, x·sw + j·dw, n] += dcols[c, i, j, y, x, n]
        by_row[:, :, :, j * dw:j * dw + (out_width - 1) * sw + 1:sw] += grad_cols[:, :, j]
    for i in range(kh):  # grad_pad[c, y·sh + i·dh, :, n] += by_row[c, i, y, :, n]
        top = band.start * sh + i * dh
        grad_pad[:, top:top + (rows - 1) * sh + 1:sh] += by_row[:, i]


class Conv2d(ArrayFunction):
    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding, dilation, groups):
        ctx.unbatched = x.ndim == 3
        planes = to_planes(x)
        kernel = weight.shape[2:]
        out_size = conv_output_size(planes.shape[1:3], kernel, stride, padding, dilation)
        fields = receptive_fields(pad_planes(planes, padding), kernel, stride, dilation, out_size)
        weight_rows = weight.reshape(groups, weight.shape[0] // groups, -1)
        out = array_module(x).empty((weight.shape[0],) + out_size + (planes.shape[3],), dtype=x.dtype)
        for band in row_bands(fields):
            out[:, band] = (weight_rows @ im2col(fields, band, groups)).reshape(out[:, band].shape)
        if bias is not None:
            out += bias[:, None, None, None]
        ctx.save_for_backward(x, weight, planes)  # planes: x batch-innermost (x itself after a conv/pool)
        ctx.geometry = (kernel, stride, padding, dilation, groups, out_size)
        return to_images(out, ctx.unbatched)

    @staticmethod
    def backward(ctx, grad):
        """dW = dY·colsᵀ, dx = col2im(Wᵀ·dY), db = Σ dY, with dY the gradient as (G, O/G, Ho·Wo·N)."""
        x, weight, planes = ctx.saved_tensors
        kernel, stride, padding, dilation, groups, out_size = ctx.geometry
        need_x, need_weight, need_bias = ctx.needs_input_grad[:3]
        grad_planes = to_planes(grad)
        x_pad = pad_planes(planes, padding)
        fields = receptive_fields(x_pad, kernel, stride, dilation, out_size)
        weight_rows = weight.reshape(groups, weight.shape[0] // groups, -1)
        xp = array_module(x)
        grad_pad = xp.zeros(x_pad.shape, dtype=x.dtype) if need_x else None
        grad_weight = xp.zeros(weight_rows.shape, dtype=x.dtype) if need_weight else None
        for band in row_bands(fields):
            grad_rows = grad_planes[:, band].reshape(weight_rows.shape[:2] + (grad_planes[0, band].size,))
            if need_weight:
                grad_weight += grad_rows @ im2col(fields, band, groups).transpose(0, 2, 1)
            if need_x:
                col2im(weight_rows.transpose(0, 2, 1) @ grad_rows, grad_pad, band, kernel, stride, dilation,
                       out_size[1])
        grad_x = to_images(crop_planes(grad_pad, padding, planes.shape[1:3]), ctx.unbatched) if need_x else None
        grad_weight = grad_weight.reshape(weight.shape) if need_weight else None
        grad_bias = grad_planes.sum(axis=(1, 2, 3)) if need_bias else None
        return grad_x, grad_weight, grad_bias, None, None, None, None


# ----- the public function: check the arguments as PyTorch does, then apply the op -----
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
