"""Resampling images by matrices: adaptive average pooling and ``F.interpolate`` ('nearest',
'nearest-exact', 'linear', 'bilinear', 'area').

Each of these computes every output row from a fixed weighted set of input rows, and every output
column likewise, independently. So each is two small matrix products (:class:`Resample`)::

    Y = A_h · X · A_wᵀ            A_h: (H_out, H), A_w: (W_out, W), applied to every image
    dX = A_hᵀ · dY · A_w          the backward: the same matrices, transposed (a Resample too,
                                  so it has a backward of its own: double backward)

and the methods differ only in how they fill the matrices (row ``i`` holds output pixel ``i``'s
weights): an average over a bin of input pixels (adaptive pooling), a single 1 (nearest), or two
neighbours weighted by distance (linear). The matrices are built vectorised from index arrays.
"""
from __future__ import annotations

import math
from typing import Any, Optional, Sequence, Union

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.layout import is_batch_innermost, to_images, to_planes
from minitorch.tensor import Tensor


class Resample(ArrayFunction):
    @staticmethod
    def forward(ctx, x, row_matrix, column_matrix, batch_innermost):
        """``batch_innermost``: store the result as conv outputs are, (C, H, W, N) (``ops/layout.py``),
        asked for when the input (or, in the backward, forward's input) is stored so: the images
        flowing on into convolutions, norms and ReLUs keep their layout (mixed layouts make every
        pass slow, and a conv would copy them)."""
        ctx.matrices = (row_matrix, column_matrix)
        ctx.input_batch_innermost = is_batch_innermost(x)
        if batch_innermost and x.ndim == 4:
            return to_images(resample_planes(to_planes(x), row_matrix, column_matrix), False)
        y = x @ column_matrix.T
        return row_matrix @ y if row_matrix is not None else y

    @staticmethod
    def backward(ctx, grad):
        """dX = A_hᵀ · dY · A_w (A_h absent for 1-D signals): a resampling by the transposed matrices."""
        row_matrix, column_matrix = ctx.matrices
        return Resample.call(grad, None if row_matrix is None else row_matrix.T, column_matrix.T,
                             ctx.input_batch_innermost), None, None, None


def resample_planes(planes: Any, row_matrix: Any, column_matrix: Any) -> Any:
    """(C, H, W, N) planes resampled image by image, the batch staying innermost:
    ``Y[c] = A_h · X[c] · A_wᵀ`` as products of A_h with each channel's (H, W·N) slab and of A_w
    with each row's (W, N) slab. Both slabs are contiguous, so BLAS runs them; an (N, C, H, W)
    view of the planes has no unit stride in H or W and would take NumPy's slow loop instead.
    The row products go one per image row (many small ones), so they come while there are fewer
    rows: first when the output has more rows than the input (upsampling; pooling's backward)."""
    channels, height, width, n = planes.shape
    out_height, out_width = row_matrix.shape[0], column_matrix.shape[0]
    if out_height > height:
        columns = product(column_matrix, planes.reshape(channels * height, width, n))  # (C·H, W_out, N)
        out = product(row_matrix, columns.reshape(channels, height, out_width * n))  # (C, H_out, W_out·N)
    else:
        rows = product(row_matrix, planes.reshape(channels, height, width * n))  # (C, H_out, W·N)
        out = product(column_matrix, rows.reshape(channels * out_height, width, n))  # (C·H_out, W_out, N)
    return out.reshape(channels, out_height, out_width, n)


def product(matrix: Any, stack: Any) -> Any:
    """``matrix @ stack``; where the inner length is 1 (a 1×1 pool's backward) an outer product,
    computed as a broadcast multiply: NumPy's matmul runs that shape ~15x slower."""
    return matrix * stack if matrix.shape[1] == 1 else matrix @ stack


# ----- the matrices: row i = the weights of output pixel i over the input pixels -----
def average_matrix(xp: Any, size: int, out: int, dtype: Any) -> Any:
    """Adaptive average pooling: output i averages input [⌊i·size/out⌋, ⌈(i+1)·size/out⌉)."""
    i = xp.arange(out)
    start, end = (i * size) // out, -((-(i + 1) * size) // out)
    j = xp.arange(size)
    inside = (j >= start[:, None]) & (j < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def nearest_matrix(xp: Any, size: int, out: int, scale: float, exact: bool, dtype: Any) -> Any:
    """Nearest: output i copies input ⌊i·scale⌋ (``exact``: ⌊(i + ½)·scale⌋), clipped to the image."""
    position = (xp.arange(out) + (0.5 if exact else 0.0)) * scale
    source = xp.minimum(xp.floor(position).astype(xp.int64), size - 1)
    return (xp.arange(size) == source[:, None]).astype(dtype)


def linear_matrix(xp: Any, size: int, out: int, scale: float, align_corners: bool, dtype: Any) -> Any:
    """Linear: output i sits at input position p (corners aligned, or pixel centres: (i + ½)·scale − ½,
    not below 0) and mixes its two neighbours ⌊p⌋ and ⌊p⌋ + 1 with weights 1 − (p − ⌊p⌋) and p − ⌊p⌋."""
    i = xp.arange(out, dtype=xp.float64)
    if align_corners:
        position = i * ((size - 1) / (out - 1) if out > 1 else 0.0)
    else:
        position = xp.maximum((i + 0.5) * scale - 0.5, 0.0)
    low = xp.minimum(xp.floor(position).astype(xp.int64), size - 1)
    high = xp.minimum(low + 1, size - 1)
    weight_high = position - low
    j = xp.arange(size)
    matrix = (j == low[:, None]) * (1 - weight_high)[:, None] + (j == high[:, None]) * weight_high[:, None]
    return matrix.astype(dtype)


# ----- adaptive average pooling -----
def _output_sizes(output_size: Any, input_sizes: Sequence[int]) -> tuple:
    """``output_size`` as a tuple with ``None`` entries meaning "keep the input's size"."""
    n = len(input_sizes)
    sizes = (output_size,) * n if isinstance(output_size, int) or output_size is None else tuple(output_size)
    if len(sizes) != n:
        raise RuntimeError(f"adaptive pool: output_size must have {n} elements, got {list(sizes)}")
    return tuple(size if wanted is None else int(wanted) for wanted, size in zip(sizes, input_sizes))


def _check_images(input: Tensor, dims: int, name: str) -> None:
    if input.ndim not in (dims + 1, dims + 2) or 0 in input.shape[-dims:]:
        raise RuntimeError(f"{name}: Expected {dims + 1}D or {dims + 2}D tensor with non-zero sizes for the "
                           f"non-batch dimensions, but got input of size {list(input.shape)}")
    if input.dtype.kind != "f":
        raise RuntimeError(f"{name} expects a floating-point input, but got {input.dtype}")


def adaptive_avg_pool2d(input: Tensor, output_size: Union[int, Sequence[Optional[int]]]) -> Tensor:
    """Average pooling to a fixed (H_out, W_out), whatever the input size (bins of near-equal size)."""
    _check_images(input, 2, "adaptive_avg_pool2d")
    out = _output_sizes(output_size, input.shape[-2:])
    xp, dtype = array_module(input._data), input.dtype
    return Resample.apply(input, average_matrix(xp, input.shape[-2], out[0], dtype),
                          average_matrix(xp, input.shape[-1], out[1], dtype), is_batch_innermost(input._data))


def adaptive_avg_pool1d(input: Tensor, output_size: Union[int, Sequence[int]]) -> Tensor:
    """Average pooling of (N, C, L) sequences to a fixed length."""
    _check_images(input, 1, "adaptive_avg_pool1d")
    out = _output_sizes(output_size, input.shape[-1:])
    return Resample.apply(input, None, average_matrix(array_module(input._data), input.shape[-1], out[0], input.dtype),
                          False)


# ----- interpolate -----
MODES = ("nearest", "nearest-exact", "linear", "bilinear", "area")


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                align_corners: Optional[bool] = None, recompute_scale_factor: Optional[bool] = None,
                antialias: bool = False) -> Tensor:
    """Resize (N, C, L) or (N, C, H, W) to ``size``, or by ``scale_factor``, as ``F.interpolate``."""
    if mode not in MODES:
        raise NotImplementedError(f"interpolate: minitorch implements modes {MODES}, got {mode!r}")
    spatial = input.ndim - 2
    if spatial not in (1, 2):
        raise NotImplementedError(f"interpolate: minitorch resizes 3-D and 4-D inputs, got {input.ndim}-D "
                                  f"of size {list(input.shape)}")
    if (mode == "linear") != (spatial == 1) and mode in ("linear", "bilinear"):
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs "
                                  f"{'3D' if mode == 'linear' else '4D'} input")
    if align_corners is not None and mode not in ("linear", "bilinear"):
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if antialias:
        raise NotImplementedError("interpolate: minitorch has no antialias")
    in_sizes = tuple(input.shape[2:])
    out_sizes, scales = _target(in_sizes, size, scale_factor, recompute_scale_factor)
    xp, dtype = array_module(input._data), input.dtype
    matrices = []
    for length, out, scale in zip(in_sizes, out_sizes, scales):
        if mode == "area":
            matrices.append(average_matrix(xp, length, out, dtype))
        elif mode.startswith("nearest"):
            matrices.append(nearest_matrix(xp, length, out, scale, mode == "nearest-exact", dtype))
        else:
            matrices.append(linear_matrix(xp, length, out, scale, bool(align_corners), dtype))
    return Resample.apply(input, matrices[0] if spatial == 2 else None, matrices[-1],
                          is_batch_innermost(input._data))


def _target(in_sizes: tuple, size: Any, scale_factor: Any, recompute: Optional[bool]) -> tuple:
    """The output sizes, and the input-per-output scales the coordinate maps use (PyTorch's rules:
    a given scale_factor is used as such unless ``recompute_scale_factor``)."""
    n = len(in_sizes)
    if (size is None) == (scale_factor is None):
        raise ValueError("either size or scale_factor should be defined" if size is None
                         else "only one of size or scale_factor should be defined")
    if size is not None:
        sizes = (size,) * n if isinstance(size, int) else tuple(size)
        if len(sizes) != n:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input "
                             f"with spatial dimensions of {list(in_sizes)} and output size of {list(sizes)}. Please "
                             f"provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                             f"(o1, o2, ...,oK) format.")
        return sizes, tuple(i / o for i, o in zip(in_sizes, sizes))
    factors = (float(scale_factor),) * n if isinstance(scale_factor, (int, float)) else tuple(map(float, scale_factor))
    if len(factors) != n:
        raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got input "
                         f"with spatial dimensions of {list(in_sizes)} and scale_factor of shape {list(factors)}.")
    sizes = tuple(int(math.floor(i * f)) for i, f in zip(in_sizes, factors))
    if recompute:
        return sizes, tuple(i / o for i, o in zip(in_sizes, sizes))
    return sizes, tuple(1.0 / f for f in factors)
