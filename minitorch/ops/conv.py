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

With stride 1, dx is itself a convolution: of dY, padded by d·(k − 1) − p, with the filters flipped
in space and their input and output channels swapped (:func:`input_gradient_by_convolution`).
Where that im2col is no larger than x's (no more output than input channels, as in a ResNet
block) it replaces ``Wᵀ · dY`` and col2im: one copy and one product, written straight into dx.

**Higher orders.** That backward is an op of its own, :class:`Conv2dBackward` (PyTorch's
``convolution_backward``). dx is bilinear in (dY, W), dW in (dY, x), so the backward's backward is
made of convolutions and of itself again (:func:`convolution_double_backward`): gradients of every
order exist, as a gradient penalty (WGAN-GP) or a Hessian-vector product needs.

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

**Threads** (``minitorch/parallel.py``). On the CPU a pass is split into one piece per thread,
pieces that never write to the same memory: the forward by rows of output; the backward by
input channels (each piece owns its columns of dW and its planes of dx, so col2im's overlapping
additions stay inside one piece), or, for a first layer that needs no dx, by rows of output with
a partial dW per piece. BLAS runs on one thread meanwhile: these products are narrow (few output
channels), and a second BLAS thread only slows them down.

The window arithmetic (output size, ``'same'`` padding) is shared with pooling: ``ops/geometry.py``.
"""
from __future__ import annotations

import math
from typing import Any, Iterator, Optional, Union

import numpy as np

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module, strided_view
from minitorch.ops.conv_checks import check_conv_arguments, check_kernel_fits
from minitorch.ops.geometry import IntOrPair, Pair, Padding, conv_output_size, conv_padding, pair
from minitorch.ops.layout import crop_planes, in_pieces, pad_planes, to_images, to_planes
from minitorch.tensor import Tensor

COLUMNS_PER_BAND = 1 << 19  # entries of the im2col matrix built at once (2 MB in float32)
SPLIT_WEIGHT_GRADIENT = 512  # dWᵀ entries up to which dW's rows of output are not split over threads


# ----- the kernels on raw (C, H, W, N) arrays -----
def receptive_fields(x_pad: Any, kernel: Pair, stride: Pair, dilation: Pair, out_size: Pair) -> Any:
    """A zero-copy (C, kh, kw, Ho, Wo, N) view: ``fields[c, i, j, y, x, n] = x_pad[c, y·sh + i·dh, x·sw + j·dw, n]``."""
    c, _, _, n = x_pad.shape
    c_step, h_step, w_step, n_step = x_pad.strides
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel, stride, dilation, out_size
    return strided_view(x_pad, (c, kh, kw, ho, wo, n),
                        (c_step, dh * h_step, dw * w_step, sh * h_step, sw * w_step, n_step))


def row_bands(fields: Any, rows: slice) -> Iterator[slice]:
    """``rows`` of output cut into bands whose im2col matrix has about :data:`COLUMNS_PER_BAND` entries;
    on a GPU one band (there each band costs kernel launches, and memory is plenty: one big GEMM is fastest)."""
    if array_module(fields).__name__ != "numpy":
        yield rows
        return
    c, kh, kw, _, wo, n = fields.shape
    step = max(1, COLUMNS_PER_BAND // max(1, c * kh * kw * wo * n))
    for start in range(rows.start, rows.stop, step):
        yield slice(start, min(start + step, rows.stop))


def im2col(fields: Any, band: slice, groups: int) -> Any:
    """The (G, C/G·kh·kw, rows·Wo·N) matrix of the receptive fields of one band of output rows."""
    c, kh, kw, _, wo, n = fields.shape
    band_fields = fields[:, :, :, band]
    return band_fields.reshape(groups, c // groups * kh * kw, (band.stop - band.start) * wo * n)


def im2col_into(matrices: dict, fields: Any, band: slice, ones_row: bool) -> Any:
    """:func:`im2col` of one band (groups of 1) copied into a (1, C·kh·kw, rows·Wo·N) matrix kept in
    ``matrices`` for the next band of the same width, with a last row of ones if ``ones_row`` (it
    multiplies the bias column of ``[W | b]``)."""
    c, kh, kw, _, wo, n = fields.shape
    width = (band.stop - band.start) * wo * n
    matrix = matrices.get(width)
    if matrix is None:
        matrix = matrices[width] = np.empty((1, c * kh * kw + ones_row, width), dtype=fields.dtype)
        matrix[0, c * kh * kw:] = 1
    band_fields = fields[:, :, :, band]
    np.copyto(matrix[0, :c * kh * kw].reshape(band_fields.shape), band_fields)  # a view: rows are whole
    return matrix


def col2im(grad_cols: Any, grad_pad: Any, band: slice, kernel: Pair, stride: Pair, dilation: Pair,
           out_width: int) -> None:
    """Send each column entry back to the input pixel im2col read it from, adding up overlaps:
    ``grad_pad[c, y·sh + i·dh, x·sw + j·dw, n] += dcols[c, i, j, y, x, n]``.

    Consecutive kernel taps closer together than the stride never reach the same pixel (taps
    0 and 1 of a 3×3 kernel with stride 2), so a group of them adds into the receptive-field view
    of ``grad_pad`` at once. With stride 2 and more, or a 1×1 kernel, those few groups are the
    fewest passes; with stride 1 every tap is a group of its own, and two passes (over the
    kernel's columns j, then its rows i: kh + kw slice additions, not kh·kw) are fewer.
    """
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    c, _, padded_width, n = grad_pad.shape
    rows = band.stop - band.start
    grad_cols = grad_cols.reshape((c, kh, kw, rows, out_width, n))
    taps = ((sh - 1) // dh + 1, (sw - 1) // dw + 1)  # consecutive taps whose windows never overlap
    if math.ceil(kh / taps[0]) * math.ceil(kw / taps[1]) <= kh + kw:
        fields = receptive_fields(grad_pad, kernel, stride, dilation, (band.stop, out_width))
        for i in range(0, kh, taps[0]):
            for j in range(0, kw, taps[1]):
                fields[:, i:i + taps[0], j:j + taps[1], band] += grad_cols[:, i:i + taps[0], j:j + taps[1]]
        return
    by_row = array_module(grad_pad).zeros((c, kh, rows, padded_width, n), dtype=grad_pad.dtype)
    for j in range(kw):  # by_row[c, i, y, x·sw + j·dw, n] += dcols[c, i, j, y, x, n]
        by_row[:, :, :, j * dw:j * dw + (out_width - 1) * sw + 1:sw] += grad_cols[:, :, j]
    for i in range(kh):  # grad_pad[c, y·sh + i·dh, :, n] += by_row[c, i, y, :, n]
        top = band.start * sh + i * dh
        grad_pad[:, top:top + (rows - 1) * sh + 1:sh] += by_row[:, i]


def convolve(planes: Any, weight: Any, bias: Optional[Any], stride: Pair, padding: Padding, dilation: Pair,
             groups: int) -> Any:
    """The (O, Ho, Wo, N) planes of a convolution of (C, H, W, N) ``planes``: ``W · cols`` a band of
    output rows at a time, each band's product written straight into the output; on the CPU the
    bias rides along as one more column of W against a row of ones under the columns; the rows
    split over threads (see the module docstring)."""
    kernel = weight.shape[2:]
    out_size = conv_output_size(planes.shape[1:3], kernel, stride, padding, dilation)
    fields = receptive_fields(pad_planes(planes, padding), kernel, stride, dilation, out_size)
    weight_rows = weight.reshape(groups, weight.shape[0] // groups, -1)
    xp = array_module(planes)
    out = xp.empty((weight.shape[0],) + out_size + (planes.shape[3],), dtype=planes.dtype)

    reuses_columns = xp is np and groups == 1  # CPU: each band's im2col into one reused matrix
    with_bias_row = reuses_columns and bias is not None
    if with_bias_row:  # [W | b] · [cols; 1]: the product adds the bias itself, no pass of its own
        weight_rows = np.concatenate([weight_rows, bias[None, :, None]], axis=2)

    def convolve_rows(rows: slice) -> None:
        matrices: dict = {}  # band width -> its im2col matrix, refilled band after band
        for band in row_bands(fields, rows):
            out_band = out[:, band].reshape(weight_rows.shape[:2] + (-1,))  # a view: rows are contiguous
            if reuses_columns:  # the product goes straight into the output
                np.matmul(weight_rows, im2col_into(matrices, fields, band, with_bias_row), out=out_band)
            elif xp is np:
                np.matmul(weight_rows, im2col(fields, band, groups), out=out_band)
                if bias is not None:
                    out[:, band] += bias[:, None, None, None]
            else:  # CuPy: the product, then a copy into the output
                out_band[...] = weight_rows @ im2col(fields, band, groups)
                if bias is not None:
                    out[:, band] += bias[:, None, None, None]

    in_pieces(convolve_rows, out_size[0], planes, work=fields.size)
    return out


class Conv2d(ArrayFunction):
    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding, dilation, groups):
        ctx.unbatched = x.ndim == 3
        planes = to_planes(x)
        out = convolve(planes, weight, bias, stride, padding, dilation, groups)
        ctx.save_for_backward(x, weight, planes)  # planes: x batch-innermost (x itself after a conv/pool)
        ctx.settings = (stride, padding, dilation, groups)
        return to_images(out, ctx.unbatched)

    @staticmethod
    def backward(ctx, grad):
        """dW = dY·colsᵀ, dx = col2im(Wᵀ·dY), db = Σ dY: :class:`Conv2dBackward`, an op of its own."""
        x, weight, planes = ctx.saved_tensors
        needs = ctx.needs_input_grad[:3]
        return spread(Conv2dBackward.call(grad, x, weight, planes, needs, *ctx.settings), needs) + (None,) * 4


class Conv2dBackward(ArrayFunction):
    """The gradients (dx, dW, db) of a convolution, those of them ``needs`` asks for, as an op of its own
    (so that they can be differentiated again: :func:`convolution_double_backward`)."""

    @staticmethod
    def forward(ctx, grad, x, weight, planes, needs, stride, padding, dilation, groups):
        """dW on several threads: each splits off rows of output and adds up its own part of dW.
        dx with stride 1 and no more output than input channels: a convolution of dY
        (:func:`input_gradient_by_convolution`, whose im2col is then no larger than x's); otherwise the
        threads split the input channels c, each computing its planes of dx by col2im (and its
        columns of dW), so that col2im's overlapping additions never collide.
        ``planes`` is x batch-innermost, or None (then made here)."""
        need_x, need_weight, need_bias = needs
        planes = to_planes(x) if planes is None else planes
        grad_planes = to_planes(grad)
        kernel, out_size = weight.shape[2:], grad_planes.shape[1:3]
        x_pad = pad_planes(planes, padding)
        fields = receptive_fields(x_pad, kernel, stride, dilation, out_size)
        weight_rows = weight.reshape(groups, weight.shape[0] // groups, -1)
        xp = array_module(x)
        adjoint = adjoint_padding(kernel, padding, dilation) if stride == (1, 1) else None
        if adjoint is not None and \
                weight.shape[0] * math.prod(planes.shape[1:3]) > x_pad.shape[0] * math.prod(out_size):
            adjoint = None  # dY's im2col would be larger than x's (more output than input channels): col2im
        by_col2im = need_x and adjoint is None
        grad_pad = xp.zeros(x_pad.shape, dtype=x.dtype) if by_col2im else None
        partial_weights = {}  # first row or channel of a piece -> its part of dWᵀ
        weight_grad_columns = padded_channels(grad_planes, groups) // groups  # dWᵀ's columns: O/G, or more, zero

        def gradient_rows(band: slice) -> Any:
            return grad_planes[:, band].reshape(weight_rows.shape[:2] + (-1,))

        def by_rows(rows: slice) -> None:  # dWᵀ of these rows of output
            grad_weight = xp.zeros((groups, weight_rows.shape[2], weight_grad_columns), dtype=x.dtype)
            padded: dict = {}
            for band in row_bands(fields, rows):
                grad_weight += im2col(fields, band, groups) @ \
                    weight_gradient_rows(grad_planes, band, groups, padded).transpose(0, 2, 1)
            partial_weights[rows.start] = grad_weight

        def by_channels(channels: slice) -> None:  # dW[:, channels] and dx[channels]; split only when groups == 1
            taps = kernel[0] * kernel[1]  # (all of each group's columns when not split)
            block_rows = weight_rows[:, :, channels.start * taps:channels.stop * taps]
            grad_weight = xp.zeros((groups, block_rows.shape[2], weight_grad_columns), dtype=x.dtype) \
                if need_weight else None
            padded: dict = {}
            for band in row_bands(fields, slice(0, out_size[0])):
                grad_rows = gradient_rows(band)
                if need_weight:  # dWᵀ = cols · dYᵀ: BLAS runs this order faster than dY · colsᵀ
                    columns = im2col(fields[channels], band, groups)
                    grad_weight += columns @ weight_gradient_rows(grad_planes, band, groups, padded).transpose(0, 2, 1)
                col2im(block_rows.transpose(0, 2, 1) @ grad_rows, grad_pad[channels], band, kernel, stride,
                       dilation, out_size[1])
            partial_weights[channels.start] = grad_weight

        grad_x = grad_weight = None
        if by_col2im:
            if groups == 1:
                in_pieces(by_channels, x_pad.shape[0], x, work=fields.size)
            else:  # the channels of a group go together
                by_channels(slice(0, x_pad.shape[0]))
            if need_weight:
                parts = [partial_weights[k] for k in sorted(partial_weights)]
                grad_weight = parts[0] if len(parts) == 1 else xp.concatenate(parts, axis=1)
            grad_x = to_images(crop_planes(grad_pad, padding, planes.shape[1:3]), x.ndim == 3)
        else:
            if need_x:
                grad_x = to_images(input_gradient_by_convolution(grad_planes, weight, adjoint, dilation, groups),
                                   x.ndim == 3)
            if need_weight:
                # a product with a tiny output runs no faster on two threads at once (OpenBLAS,
                # measured): then one thread does all the rows
                splits = weight_rows.shape[2] * weight_grad_columns > SPLIT_WEIGHT_GRADIENT
                in_pieces(by_rows, out_size[0], x, work=fields.size if splits else 0)
                grad_weight = added_up([partial_weights[k] for k in sorted(partial_weights)])
        if need_weight:
            grad_weight = grad_weight[:, :, :weight_rows.shape[1]].transpose(0, 2, 1).reshape(weight.shape)
        grad_bias = grad_planes.sum(axis=(1, 2, 3)) if need_bias else None
        ctx.save_for_backward(grad, x, weight)
        ctx.needs, ctx.settings = needs, (stride, padding, dilation, groups)
        return gathered((grad_x, grad_weight, grad_bias))

    @staticmethod
    def backward(ctx, *upstream):
        """Bilinear: d(dY) = conv(u_x, W) + conv(x, u_W) + u_b, dx = dx(dY, W := u_W), dW = dW(dY, x := u_x)."""
        return convolution_double_backward(ctx, upstream, Conv2d)


def padded_channels(grad_planes: Any, groups: int) -> int:
    """How many channels :func:`weight_gradient_rows` gives dY: up to a multiple of 8 on the CPU
    with groups of 1 (OpenBLAS's kernels run dWᵀ = cols · dYᵀ 1.4x faster with 8 columns than
    with LeNet's 6, though it computes a third more, and only once it has over 512 entries
    (75 x 8, not 75 x 6) does a second thread speed it up: measured). The zero columns of dWᵀ
    are dropped afterwards."""
    channels = grad_planes.shape[0]
    if groups != 1 or array_module(grad_planes) is not np:
        return channels
    return channels + (-channels) % 8


def weight_gradient_rows(grad_planes: Any, band: slice, groups: int, padded: dict) -> Any:
    """dY's ``band`` of output rows as a (G, O/G, rows·Wo·N) matrix for dWᵀ = cols · dYᵀ, with the
    zero channels of :func:`padded_channels` added: copied into a matrix kept in ``padded`` for
    the next band of the same width (so the padding costs a band of memory, not a copy of dY)."""
    channels = grad_planes.shape[0]
    rows = grad_planes[:, band].reshape(groups, channels // groups, -1)  # a view: rows are whole
    wanted = padded_channels(grad_planes, groups)
    if wanted == channels:
        return rows
    matrix = padded.get(rows.shape[2])
    if matrix is None:
        matrix = padded[rows.shape[2]] = np.zeros((1, wanted, rows.shape[2]), dtype=grad_planes.dtype)
    matrix[:, :channels] = rows
    return matrix


def adjoint_padding(kernel: Pair, padding: Padding, dilation: Pair) -> Optional[Padding]:
    """The padding of dY under which a stride-1 convolution's input gradient is a convolution too:
    ``d·(k − 1) − p`` on each side (None where that is negative: padding wider than the kernel)."""
    sides = tuple(tuple(dilation[d] * (kernel[d] - 1) - side for side in padding[d]) for d in range(2))
    return sides if min(min(side) for side in sides) >= 0 else None


def input_gradient_by_convolution(grad_planes: Any, weight: Any, padding: Padding, dilation: Pair,
                                  groups: int) -> Any:
    """dx of a stride-1 convolution as a convolution of dY with the filters flipped in space and with
    input and output channels swapped (per group): ``dx[c, u, v] = Σ_(o,i,j) W[o, c, i, j] ·
    dY[o, u + p − i·d, v + p − j·d]``. The product writes dx straight into (C, H, W, N) planes, with
    no col2im (whose overlapping additions make several passes over memory)."""
    out_channels, group_channels, kh, kw = weight.shape
    per_group = weight.reshape(groups, out_channels // groups, group_channels, kh, kw)
    flipped = per_group[:, :, :, ::-1, ::-1].transpose(0, 2, 1, 3, 4)  # (G, C/G, O/G, kh, kw)
    adjoint_weight = array_module(weight).ascontiguousarray(flipped).reshape(
        groups * group_channels, out_channels // groups, kh, kw)
    return convolve(grad_planes, adjoint_weight, None, (1, 1), padding, dilation, groups)


def convolution_double_backward(ctx: Any, upstream: tuple, convolution: type) -> tuple:
    """The backward of a convolution's backward (``type(ctx)``, whose ``forward`` was given (dY, x, W,
    planes, needs, *settings)): given upstream (u_x, u_W, u_b) for (dx, dW, db), each bilinear in
    (dY, W) or (dY, x), or linear in dY, differentiate each in each argument."""
    grad, x, weight = ctx.saved_tensors
    upstream_x, upstream_weight, upstream_bias = spread(upstream, ctx.needs)
    need_grad, need_x, need_weight = ctx.needs_input_grad[:3]
    backward, settings = type(ctx), ctx.settings
    grad_grad = grad_x = grad_weight = None
    if need_grad:
        terms = []
        if upstream_x is not None:
            terms.append(convolution.call(upstream_x, weight, None, *settings))
        if upstream_weight is not None:
            terms.append(convolution.call(x, upstream_weight, None, *settings))
        if upstream_bias is not None:
            terms.append(array_module(grad).zeros_like(grad) + upstream_bias.reshape((-1, 1, 1)))
        grad_grad = added_up(terms)
    if need_x and upstream_weight is not None:
        grad_x = backward.call(grad, x, upstream_weight, None, (True, False, False), *settings)[0]
    if need_weight and upstream_x is not None:
        grad_weight = backward.call(grad, upstream_x, weight, None, (False, True, False), *settings)[0]
    return (grad_grad, grad_x, grad_weight) + (None,) * (2 + len(settings))


def gathered(gradients: tuple) -> tuple:
    """The gradients that were asked for (an op's outputs must be arrays, not None)."""
    return tuple(gradient for gradient in gradients if gradient is not None)


def spread(gradients: tuple, needs: tuple) -> tuple:
    """The inverse of :func:`gathered`: one entry per input, None where no gradient was asked for."""
    given = iter(gradients)
    return tuple(next(given) if need else None for need in needs)


def added_up(parts: list) -> Any:
    """The sum of the pieces' partial sums in a fixed order, so that the rounding never changes from
    run to run with the order in which threads finish."""
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


# ----- the public function: check the arguments as PyTorch does (ops/conv_checks.py), then apply the op -----
def conv2d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntOrPair = 1,
           padding: Union[str, IntOrPair] = 0, dilation: IntOrPair = 1, groups: int = 1) -> Tensor:
    """Slide (O, C/groups, kH, kW) filters over (N, C, H, W) images (or one (C, H, W) image).

    Same arguments and output as ``torch.nn.functional.conv2d``: ``out[n, o, y, x] = bias[o] +
    Σ_(c,i,j) weight[o, c, i, j] · x_pad[n, g·C/G + c, y·sh + i·dh, x·sw + j·dw]`` for the group g
    of filter o; ``padding`` is an int, a pair, ``'valid'`` or ``'same'`` (stride 1 only).
    """
    stride, dilation = pair(stride, "stride"), pair(dilation, "dilation")
    check_conv_arguments(input, weight, bias, stride, dilation, groups)
    kernel = tuple(weight.shape[2:])
    padding = conv_padding(padding, kernel, stride, dilation)
    check_kernel_fits(input.shape[-2:], kernel, padding, dilation)
    return Conv2d.apply(input, weight, bias, stride, padding, dilation, groups)
