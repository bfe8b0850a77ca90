"""Writing elements by index: scatter, scatter_add, scatter_reduce, index_add/copy/fill, masked_scatter.

``scatter`` is ``gather`` in reverse: ``out[i][index[i][j]] = src[i][j]`` for ``dim=1``. Its
classic use is a one-hot encoding, ``zeros(n, 10).scatter_(1, labels.unsqueeze(1), 1.0)``.
``scatter_add`` *adds* instead of overwriting, so repeated indices accumulate. Backward: the
source's gradient is the incoming gradient *gathered* at the written positions; the input keeps
its gradient except where it was overwritten. The ``index_*`` ops are scatters whose index
names whole slices along ``dim``.
"""
from __future__ import annotations

import math
from typing import Any, Optional

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.broadcast import broadcast_shapes
from minitorch.ops.gather import Gather, add_along, flat_positions
from minitorch.ops.index import GetItemBackward
from minitorch.ops.inplace import apply_inplace
from minitorch.ops.operands import plain
from minitorch.ops.shape import expand, reshape
from minitorch.sizes import normalize_dim, numpy_names
from minitorch.tensor import Tensor


def _crop(array: Any, shape: tuple) -> Any:
    """The leading ``shape`` block of ``array`` (scatter uses only that much of ``src``)."""
    return array[tuple(slice(0, n) for n in shape)]


class Scatter(ArrayFunction):
    """Write (or, with ``accumulate``, add) ``src`` into a copy of ``x`` at ``index`` along ``axis``."""

    @staticmethod
    def forward(ctx, x, axis, index, src, accumulate):
        xp = array_module(x)
        ctx.axis, ctx.index, ctx.accumulate = axis, index, accumulate
        ctx.src_shape = getattr(src, "shape", None)
        values = _crop(src, index.shape) if ctx.src_shape is not None else src
        if accumulate:
            return x + add_along(x.shape, axis, index, xp.asarray(values, dtype=x.dtype))
        out = x.copy()
        out.reshape(-1)[flat_positions(x.shape, axis, index)] = values  # repeated positions: the last wins
        return out

    @staticmethod
    def backward(ctx, grad):
        """d/dx: 1 where x was kept (everywhere for scatter_add); d/dsrc: the gradient gathered at index."""
        need_x, _, _, need_src, _ = ctx.needs_input_grad
        grad_x = grad_src = None
        if need_x and ctx.accumulate:
            grad_x = grad
        elif need_x:  # zero written over the written positions: a scatter itself, linear in grad
            grad_x = Scatter.call(grad, ctx.axis, ctx.index, 0, False)
        if need_src:
            grad_src = Gather.call(grad, ctx.axis, ctx.index)
            if tuple(ctx.src_shape) != tuple(ctx.index.shape):  # src was larger: zeros where it was not read
                crop = tuple(slice(0, n) for n in ctx.index.shape)
                grad_src = GetItemBackward.call(grad_src, ctx.src_shape, crop)
        return grad_x, None, None, grad_src, None


def _scatter_args(name: str, input: Tensor, dim: int, index: Tensor, src: Any) -> tuple:
    """Check ``index`` and ``src`` as PyTorch does; returns (axis, index array, src)."""
    axis = normalize_dim(dim, input.ndim)
    if not isinstance(index, Tensor) or index.dtype.kind not in "iu":
        raise RuntimeError(f"{name}(): Expected dtype int64 for index, got {getattr(index, 'dtype', type(index))}")
    if index.ndim != input.ndim:
        raise RuntimeError(
            f"{name}(): Index tensor must have the same number of dimensions as self tensor "
            f"(index shape {list(index.shape)}, self shape {list(input.shape)})"
        )
    if isinstance(src, Tensor):
        if src.dtype != input.dtype:
            raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype ({input.dtype} vs {src.dtype})")
        too_big = src.ndim != index.ndim or any(n > m for n, m in zip(index.shape, src.shape))
    else:
        src, too_big = plain(src), False
    if too_big or any(d != axis and n > m for d, (n, m) in enumerate(zip(index.shape, input.shape))):
        raise RuntimeError(
            f"Expected index {list(index.shape)} to be no larger than self {list(input.shape)} apart from "
            f"dimension {axis} and to be no larger size than src {list(getattr(src, 'shape', ()))}"
        )
    data = index._data
    size = input.shape[axis] if input.ndim else 1
    if data.size and (int(data.max()) >= size or int(data.min()) < -size):
        bad = int(data.max()) if int(data.max()) >= size else int(data.min())
        raise RuntimeError(f"{name}(): index {bad} is out of bounds for dimension {axis} with size {size}")
    return axis, data % size if data.size and int(data.min()) < 0 else data, src


@numpy_names
def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None,
            reduce: Optional[str] = None) -> Tensor:
    """A copy of ``input`` with ``src`` (a tensor or a number) written at ``index`` along ``dim``.

    ``reduce='add'``/``'multiply'`` (legacy) combine instead of overwriting.
    """
    src = value if src is None else src
    axis, data, src = _scatter_args("scatter", input, dim, index, src)
    if reduce == "multiply":
        factors = Scatter.apply(input.detach() * 0 + 1, axis, data, src, False)
        return input * factors
    if reduce not in (None, "add"):
        raise RuntimeError(f"reduce argument must be either add or multiply, got {reduce!r}")
    return Scatter.apply(input, axis, data, src, reduce == "add")


@numpy_names
def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """A copy of ``input`` with ``src`` added at ``index`` along ``dim`` (repeats accumulate)."""
    axis, data, src = _scatter_args("scatter_add", input, dim, index, src)
    return Scatter.apply(input, axis, data, src, True)


@numpy_names
def scatter_(self: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None,
             reduce: Optional[str] = None) -> Tensor:
    """In-place :func:`scatter` (e.g. one-hot: ``zeros(n, 10).scatter_(1, y.unsqueeze(1), 1)``)."""
    src = value if src is None else src
    axis, data, src = _scatter_args("scatter_", self, dim, index, src)
    if reduce == "multiply":
        return self.mul_(Scatter.apply(self.detach() * 0 + 1, axis, data, src, False))
    if reduce not in (None, "add"):
        raise RuntimeError(f"reduce argument must be either add or multiply, got {reduce!r}")
    return apply_inplace(self, Scatter, axis, data, src, reduce == "add")


@numpy_names
def scatter_add_(self: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    axis, data, src = _scatter_args("scatter_add_", self, dim, index, src)
    return apply_inplace(self, Scatter, axis, data, src, True)


def _slice_index(name: str, input: Tensor, dim: int, index: Tensor, source_shape: Optional[tuple]) -> tuple:
    """The index of ``index_add``/``index_copy``/``index_fill`` (one position per slice along ``dim``)
    as a full scatter index of the source's shape."""
    axis = normalize_dim(dim, input.ndim) if input.ndim else 0
    if not isinstance(index, Tensor) or index.dtype.kind not in "iu" or index.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector of int64, got {getattr(index, 'shape', index)}")
    count = index.numel()
    size = input.shape[axis] if input.ndim else 1
    if count and (int(index._data.min()) < 0 or int(index._data.max()) >= size):
        bad = int(index._data.min()) if int(index._data.min()) < 0 else int(index._data.max())
        raise RuntimeError(f"{name}(): index {bad} is out of bounds for dimension {axis} with size {size}")
    shape = list(input.shape)
    if shape:
        shape[axis] = count
    if source_shape is not None and tuple(source_shape) != tuple(shape):
        if len(source_shape) != len(shape) or (shape and source_shape[axis] != count):
            raise RuntimeError(
                f"{name}(): Number of indices ({count}) should be equal to source.size(dim): "
                f"({source_shape[axis] if len(source_shape) > axis else 'none'}), for dim: {axis}"
            )
        raise RuntimeError(
            f"{name}(): source {list(source_shape)} and self {list(input.shape)} must match outside dim {axis}"
        )
    along = [1] * max(input.ndim, 1)
    along[axis] = count
    positions = reshape(index, along if input.ndim else [count])
    return axis, expand(positions, shape) if shape else positions


@numpy_names
def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
    """``input`` with ``alpha * source``'s slices added at the positions ``index`` along ``dim``."""
    axis, full = _slice_index("index_add", input, dim, index, source.shape)
    return scatter_add(input, axis, full, source * alpha if alpha != 1 else source)


@numpy_names
def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """``input`` with its slices at ``index`` along ``dim`` replaced by ``source``'s."""
    axis, full = _slice_index("index_copy", input, dim, index, source.shape)
    return scatter(input, axis, full, source)


@numpy_names
def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """``input`` with its slices at ``index`` along ``dim`` set to ``value``."""
    axis, full = _slice_index("index_fill", input, dim, index, None)
    return scatter(input, axis, full, plain(value))


@numpy_names
def index_add_(self: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
    axis, full = _slice_index("index_add_", self, dim, index, source.shape)
    return scatter_add_(self, axis, full, source * alpha if alpha != 1 else source)


@numpy_names
def index_copy_(self: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    axis, full = _slice_index("index_copy_", self, dim, index, source.shape)
    return scatter_(self, axis, full, source)


@numpy_names
def index_fill_(self: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    axis, full = _slice_index("index_fill_", self, dim, index, None)
    return scatter_(self, axis, full, plain(value))


class MaskedScatter(ArrayFunction):
    @staticmethod
    def forward(ctx, x, mask, source):
        ctx.mask, ctx.source_shape = mask, source.shape
        out = x.copy()
        out[mask] = source.reshape(-1)[: int(mask.sum())]
        return out

    @staticmethod
    def backward(ctx, grad):
        """d/dx = 1[not mask]; d/dsource: the gradient at the masked positions, in order (0 for unused source)."""
        need_x, _, need_source = ctx.needs_input_grad
        grad_source = None
        if need_source:
            taken = grad[ctx.mask]
            placed = GetItemBackward.call(taken, (math.prod(ctx.source_shape),), slice(0, taken.shape[0]))
            grad_source = placed.reshape(ctx.source_shape)
        return (grad * ~ctx.mask if need_x else None), None, grad_source


def _masked_scatter_args(input: Tensor, mask: Tensor, source: Tensor) -> Any:
    if mask.dtype.kind != "b":
        raise RuntimeError(f"masked_scatter_: expected BoolTensor for mask, got {mask.dtype}")
    shape = broadcast_shapes("masked_scatter", input.shape, mask.shape)
    if tuple(shape) != tuple(input.shape):
        raise RuntimeError(f"masked_scatter: mask {list(mask.shape)} must broadcast to self {list(input.shape)}")
    full = array_module(mask._data).broadcast_to(mask._data, shape)
    if int(full.sum()) > source.numel():
        raise RuntimeError(
            f"masked_scatter: Number of elements of source ({source.numel()}) < number of ones in mask ({int(full.sum())})"
        )
    return full, source.to(input.dtype)


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """``input`` with the positions where ``mask`` is True filled, in order, from ``source``'s elements."""
    full, source = _masked_scatter_args(input, mask, source)
    return MaskedScatter.apply(input, full, source)


def masked_scatter_(self: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    full, source = _masked_scatter_args(self, mask, source)
    return apply_inplace(self, MaskedScatter, full, source)
