"""Adaptive max pooling (a fixed output size, whatever the input's) and max unpooling.

Output pixel (i, j) takes the maximum over the bin of rows [⌊i·H/H_out⌋, ⌈(i+1)·H/H_out⌉) and the
likewise columns. Bins may differ in size by one; each is read through an index array padded to the
largest bin by repeating its last row/column (a repeat cannot change a maximum, and comes after
the real entries, so the first maximum still wins ties, as in PyTorch)::

    windows[n, c, i, a, j, b] = x[n, c, rows[i, a], cols[j, b]]          one fancy-indexing gather

The backward adds each output's gradient to the input pixel that held its maximum (bins can
overlap, so overlapping winners add up). ``max_unpool2d`` puts values back at such positions.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple, Union

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module, scatter_add
from minitorch.ops.geometry import pair
from minitorch.ops.resample import _check_images, _output_sizes
from minitorch.tensor import Tensor


def bin_indices(xp: Any, size: int, out: int) -> Any:
    """(out, longest bin) input indices of each bin, the last one repeated to fill the row."""
    i = xp.arange(out)
    start, end = (i * size) // out, -((-(i + 1) * size) // out)
    longest = int((end - start).max())
    return xp.minimum(start[:, None] + xp.arange(longest), end[:, None] - 1)


class AdaptiveMaxPool2d(ArrayFunction):
    @staticmethod
    def forward(ctx, x, out_size):
        xp = array_module(x)
        height, width = x.shape[-2:]
        rows, cols = bin_indices(xp, height, out_size[0]), bin_indices(xp, width, out_size[1])
        windows = x[..., rows[:, :, None, None], cols[None, None, :, :]]  # (..., Ho, a, Wo, b)
        windows = xp.moveaxis(windows, -3, -2).reshape(x.shape[:-2] + out_size + (-1,))
        winner = windows.argmax(axis=-1)  # the first maximum; NaN counts as the maximum
        best = xp.take_along_axis(windows, winner[..., None], axis=-1)[..., 0]
        a, b = xp.divmod(winner, cols.shape[1])
        indices = rows[xp.arange(out_size[0])[:, None], a] * width + cols[xp.arange(out_size[1]), b]
        ctx.save_for_backward(indices)
        ctx.input_shape = x.shape
        ctx.mark_non_differentiable(indices)
        return best, indices

    @staticmethod
    def backward(ctx, grad, grad_indices=None):
        """dx[the maximum of each bin] += dy (winners of overlapping bins add up)."""
        (indices,) = ctx.saved_tensors
        return MaxUnpool2d.call(grad, indices, ctx.input_shape), None


def _scatter(values: Any, indices: Any, shape: tuple) -> Any:
    """An array of ``shape`` with ``values`` added at the flat (row·W + column) ``indices`` of each plane."""
    xp = array_module(values)
    planes = int(values.size // max(values.shape[-2] * values.shape[-1], 1)) if values.ndim >= 2 else 1
    plane_size = shape[-2] * shape[-1]
    out = xp.zeros((planes, plane_size), dtype=values.dtype)
    scatter_add(out, (xp.arange(planes)[:, None], indices.reshape(planes, -1)), values.reshape(planes, -1))
    return out.reshape(shape)


class MaxUnpool2d(ArrayFunction):
    """Values added into zero planes at flat indices (also adaptive max pooling's backward)."""

    @staticmethod
    def forward(ctx, x, indices, out_shape):
        ctx.indices = indices
        return _scatter(x, indices, out_shape)

    @staticmethod
    def backward(ctx, grad):
        """dx = dy read back at the positions the values were put."""
        return GatherFromPlanes.call(grad, ctx.indices), None, None


class GatherFromPlanes(ArrayFunction):
    """``out[..., k] = a[..., indices[..., k]]`` in flat (row·W + column) positions of each plane: the
    adjoint of :class:`MaxUnpool2d`, and so its backward; its own backward is that scatter."""

    @staticmethod
    def forward(ctx, planes, indices):
        ctx.indices, ctx.input_shape = indices, planes.shape
        flat = planes.reshape(planes.shape[:-2] + (-1,))
        return array_module(planes).take_along_axis(flat, indices.reshape(indices.shape[:-2] + (-1,)),
                                                    axis=-1).reshape(indices.shape)

    @staticmethod
    def backward(ctx, grad):
        """The adjoint of a gather: a scatter-add to the same positions."""
        return MaxUnpool2d.call(grad, ctx.indices, ctx.input_shape), None


def adaptive_max_pool2d(input: Tensor, output_size: Union[int, Sequence[Optional[int]]],
                        return_indices: bool = False) -> Union[Tensor, Tuple[Tensor, Tensor]]:
    """Max pooling to a fixed (H_out, W_out); with ``return_indices`` also where each maximum is."""
    _check_images(input, 2, "adaptive_max_pool2d")
    out, indices = AdaptiveMaxPool2d.apply(input, _output_sizes(output_size, input.shape[-2:]))
    return (out, indices) if return_indices else out


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 output_size: Optional[Sequence[int]] = None) -> Tensor:
    """The inverse of ``max_pool2d(..., return_indices=True)``: each value back at its index, zeros elsewhere."""
    kernel = pair(kernel_size, "kernel_size")
    stride = kernel if stride is None else pair(stride, "stride")
    padding = pair(padding, "padding")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape: {list(indices.shape)}")
    if output_size is None:
        size = tuple((input.shape[-2 + d] - 1) * stride[d] - 2 * padding[d] + kernel[d] for d in range(2))
    else:
        size = tuple(output_size)[-2:]
    if indices.numel() and (int(indices._data.min()) < 0 or int(indices._data.max()) >= size[0] * size[1]):
        raise RuntimeError(f"Found an invalid max index: {int(indices._data.max())} (output volumes are of size "
                           f"{size[0]}x{size[1]})")
    return MaxUnpool2d.apply(input, indices._data, tuple(input.shape[:-2]) + size)
