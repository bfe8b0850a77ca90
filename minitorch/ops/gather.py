"""Reading elements by index: gather, take_along_dim, take, index_select, masked_select, nonzero.

``gather(x, dim, index)`` picks, along ``dim``, the element ``index`` names for every position:
``out[i][j] = x[i][index[i][j]]`` for ``dim=1``. The same index may be picked twice, so the
backward *adds* gradients into the positions read (:func:`add_along`, a histogram with weights
— ``bincount`` — instead of a slow ``np.add.at``). ``index_select``, ``take`` and the ``values``
of ``sort``/``topk`` are all gathers.
"""
from __future__ import annotations

import math
from typing import Any, Optional

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.broadcast import broadcast_shapes
from minitorch.ops.index import getitem
from minitorch.ops.shape import expand, reshape
from minitorch.sizes import normalize_dim, numpy_names
from minitorch.tensor import Tensor


def flat_positions(shape: tuple, axis: int, index: Any) -> Any:
    """The flat (C-order) position in an array of ``shape`` of each element named by ``index``
    along ``axis``, the other coordinates being the element's own."""
    xp = array_module(index)
    coords = [xp.arange(n).reshape([-1 if d == i else 1 for d in range(index.ndim)]) for i, n in enumerate(index.shape)]
    coords[axis] = index  # each element's own coordinates, except along ``axis``
    strides = [math.prod(shape[d + 1:]) for d in range(len(shape))]
    position = coords[0] * strides[0] if coords else xp.zeros((), dtype=xp.int64)
    for coord, stride in zip(coords[1:], strides[1:]):
        position = position + coord * stride
    return xp.broadcast_to(position, index.shape)


def add_along(shape: tuple, axis: int, index: Any, values: Any) -> Any:
    """A zero array of ``shape`` with ``values`` added at ``index`` along ``axis``; repeated
    positions add up (one weighted ``bincount``: the sum of the values landing in each slot)."""
    xp = array_module(values)
    positions = flat_positions(shape, axis, index).ravel()
    values = xp.broadcast_to(values, index.shape).ravel()
    total = xp.bincount(positions, weights=values, minlength=math.prod(shape))
    return total.astype(values.dtype, copy=False).reshape(shape)


def gather_array(x: Any, axis: int, index: Any) -> Any:
    """``x[..., index, ...]`` along ``axis`` for each position of ``index`` (which may be smaller
    than ``x`` in the other dimensions: only that leading block of ``x`` is read)."""
    crop = tuple(slice(None) if d == axis else slice(0, n) for d, n in enumerate(index.shape))
    return array_module(x).take_along_axis(x[crop], index, axis)


class Gather(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axis, index):
        ctx.shape, ctx.axis, ctx.index = x.shape, axis, index
        return gather_array(x, axis, index)

    @staticmethod
    def backward(ctx, grad):
        """d gather(x, index)/dx: the gradient added back at the positions read."""
        return AddAlong.call(grad, ctx.shape, ctx.axis, ctx.index), None, None


class AddAlong(ArrayFunction):
    """Gather's backward as an op of its own (:func:`add_along`: ``values`` added into zeros at ``index``)."""

    @staticmethod
    def forward(ctx, values, shape, axis, index):
        ctx.axis, ctx.index = axis, index
        return add_along(shape, axis, index, values)

    @staticmethod
    def backward(ctx, grad):
        """Adding at positions is linear in the values: its derivative gathers from the same positions."""
        return Gather.call(grad, ctx.axis, ctx.index), None, None, None


@numpy_names
def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    """``out[i][j][k] = input[i][index[i][j][k]][k]`` for ``dim=1`` (and likewise for other dims)."""
    axis = normalize_dim(dim, input.ndim)
    _check_index(index, "gather")
    if index.ndim != input.ndim and input.ndim:
        raise RuntimeError(
            f"gather(): Index tensor must have the same number of dimensions as input tensor "
            f"(index shape {list(index.shape)}, input shape {list(input.shape)})"
        )
    for d, (n, m) in enumerate(zip(index.shape, input.shape)):
        if d != axis and n > m:
            raise RuntimeError(
                f"gather(): Size does not match at dimension {d} expected index {list(index.shape)} to be no "
                f"larger than self {list(input.shape)} apart from dimension {axis}"
            )
    if input.ndim == 0:
        return getitem(input, ()) if index.numel() else reshape(input, 0)
    data = _in_range(index._data, input.shape[axis], axis)
    return Gather.apply(input, axis, data)


@numpy_names
def take_along_dim(input: Tensor, indices: Tensor, dim: Optional[int] = None) -> Tensor:
    """NumPy's ``take_along_axis``: like ``gather``, but ``input`` and ``indices`` broadcast
    (apart from ``dim``); with no ``dim``, both are flattened first."""
    _check_index(indices, "take_along_dim")
    if dim is None:
        return gather(reshape(input, -1), 0, reshape(indices, -1))
    axis = normalize_dim(dim, input.ndim)
    if indices.ndim != input.ndim:
        raise RuntimeError(
            f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
            f"but got {input.ndim} dimensions for input, and {indices.ndim} dimensions for indices"
        )
    common = list(broadcast_shapes("take_along_dim", _without(input.shape, axis), _without(indices.shape, axis)))
    input = expand(input, common[:axis] + [input.shape[axis]] + common[axis:])
    indices = expand(indices, common[:axis] + [indices.shape[axis]] + common[axis:])
    return gather(input, axis, indices)


def take(input: Tensor, index: Tensor) -> Tensor:
    """Elements of the flattened ``input`` at ``index``; the result has ``index``'s shape."""
    _check_index(index, "take")
    size = input.numel()
    data = index._data
    if data.size and (int(data.max()) >= size or int(data.min()) < -size):
        bad = int(data.max()) if int(data.max()) >= size else int(data.min())
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {size} elements.")
    return reshape(gather(reshape(input, -1), 0, reshape(index, -1)), index.shape)


@numpy_names
def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The slices of ``input`` along ``dim`` at the positions in the vector ``index``."""
    _check_index(index, "index_select")
    if index.ndim > 1:
        raise IndexError(f"index_select(): Index is supposed to be a vector, got shape {list(index.shape)}")
    axis = normalize_dim(dim, input.ndim)
    if input.ndim == 0:
        return gather(input, 0, index.reshape(()))
    positions = index._data.reshape(-1)
    if positions.size and (int(positions.min()) < 0 or int(positions.max()) >= input.shape[axis]):
        bad = int(positions.min()) if int(positions.min()) < 0 else int(positions.max())
        raise (IndexError if axis == 0 else RuntimeError)(  # PyTorch's CPU kernels differ by dim
            f"index_select(): index {bad} is out of range in self (dimension {axis} has size {input.shape[axis]})"
        )
    shape = [1] * input.ndim
    shape[axis] = -1
    target = list(input.shape)
    target[axis] = positions.shape[0]
    return Gather.apply(input, axis, array_module(positions).broadcast_to(positions.reshape(shape), target))


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements where ``mask`` (broadcast with ``input``) is True, as a 1-D tensor."""
    if mask.dtype.kind != "b":
        raise RuntimeError(f"masked_select: expected BoolTensor for mask, got {mask.dtype}")
    shape = broadcast_shapes("masked_select", input.shape, mask.shape)
    return getitem(expand(input, shape), expand(mask, shape))


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """The indices of the non-zero elements: an (n, ndim) int64 tensor, or one vector per dimension."""
    xp = array_module(input._data)
    data = input._data.reshape(1) if input.ndim == 0 else input._data
    found = xp.nonzero(data)
    if as_tuple:
        return tuple(Tensor._wrap(positions.astype(xp.int64)) for positions in found)
    table = xp.stack(found, axis=1).astype(xp.int64) if found else xp.zeros((0, 0), xp.int64)
    return Tensor._wrap(table[:, :input.ndim])


def argwhere(input: Tensor) -> Tensor:
    return nonzero(input)


def _without(shape: tuple, axis: int) -> tuple:
    return shape[:axis] + shape[axis + 1:]


def _check_index(index: Any, name: str) -> None:
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index.dtype.kind not in "iu":
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index, got {index.dtype}")


def _in_range(index: Any, size: int, axis: int) -> Any:
    """Index values checked against ``size`` (an IndexError-like RuntimeError as PyTorch); negatives wrap."""
    if index.size:
        low, high = int(index.min()), int(index.max())
        if high >= size or low < -size:
            bad = high if high >= size else low
            raise RuntimeError(f"index {bad} is out of bounds for dimension {axis} with size {size}")
        if low < 0:
            index = index % size
    return index
