"""Copies in patterns: repeat, tile, repeat_interleave, roll, flip, fliplr, flipud, rot90.

``repeat`` lays whole copies of the tensor side by side, so each input element appears in
several places and its gradient is the *sum* over its copies (a reshape that separates the
copies, then a sum over them). ``roll``, ``flip`` and ``rot90`` only move elements: their
backward moves the gradient back (roll the other way, flip again, rotate back).
"""
from __future__ import annotations

from typing import Any, Optional, Sequence, Union

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.creation import arange
from minitorch.ops.gather import index_select
from minitorch.sizes import normalize_dim, numpy_names, size_from_args
from minitorch.tensor import Tensor


class Repeat(ArrayFunction):
    @staticmethod
    def forward(ctx, x, repeats):
        ctx.shape, ctx.repeats = x.shape, repeats
        return array_module(x).tile(x, repeats)

    @staticmethod
    def backward(ctx, grad):
        """d repeat(x)/dx: the sum of the gradient over the copies of each element."""
        split = [size for pair in zip(ctx.repeats, ctx.shape) for size in pair]  # (r₀, n₀, r₁, n₁, …)
        summed = grad.reshape(split).sum(axis=tuple(range(0, len(split), 2)))
        return summed, None


def repeat(input: Tensor, *sizes: Any) -> Tensor:
    """Copies of ``input`` side by side: ``sizes[i]`` copies along dimension ``i`` (more sizes than
    dims add leading dimensions)."""
    repeats = size_from_args(sizes)
    if len(repeats) < input.ndim:
        raise RuntimeError(
            f"Number of dimensions of repeat dims ({len(repeats)}) can not be smaller than number of dimensions "
            f"of tensor ({input.ndim})"
        )
    if any(r < 0 for r in repeats):
        raise RuntimeError(f"Trying to create tensor with negative dimension: repeats {list(repeats)}")
    out = Repeat.apply(input.reshape((1,) * (len(repeats) - input.ndim) + input.shape), repeats)
    return out


def tile(input: Tensor, dims: Sequence[int]) -> Tensor:
    """``repeat`` where missing sizes count as 1 at the front (NumPy's ``tile``)."""
    dims = size_from_args((dims,) if isinstance(dims, int) else (tuple(dims),))
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


@numpy_names
def repeat_interleave(input: Tensor, repeats: Union[int, Tensor, None] = None, dim: Optional[int] = None,
                      *, output_size: Optional[int] = None) -> Tensor:
    """Each element (slice along ``dim``) repeated in place: ``[a, b] → [a, a, b, b]``.

    ``repeats`` is one count or one per element; ``dim=None`` flattens first. With only a tensor
    of counts, ``repeat_interleave(counts)`` gives the indices ``[0]*c₀ + [1]*c₁ + …``.
    """
    if repeats is None:  # repeat_interleave(counts)
        return repeat_interleave(arange(input.numel(), device=input.device), input)
    if dim is None:
        input, dim = input.reshape(-1), 0
    axis = normalize_dim(dim, input.ndim) if input.ndim else 0
    size = input.shape[axis] if input.ndim else 1
    xp = array_module(input._data)
    counts = repeats._data if isinstance(repeats, Tensor) else repeats
    if isinstance(repeats, Tensor) and repeats.ndim == 1 and repeats.numel() != size and repeats.numel() != 1:
        raise RuntimeError(
            f"repeats must have the same size as input along dim, but got repeats.size(0) = {repeats.numel()} "
            f"and input.size({axis}) = {size}"
        )
    if xp.any(xp.asarray(counts) < 0):
        raise RuntimeError("repeat_interleave: repeats can not be negative")
    positions = xp.repeat(xp.arange(size), xp.asarray(counts).reshape(-1) if xp.ndim(counts) else int(counts))
    return index_select(input.reshape(1) if input.ndim == 0 else input, axis, Tensor._wrap(positions))


class Roll(ArrayFunction):
    @staticmethod
    def forward(ctx, x, shifts, axes):
        ctx.shifts, ctx.axes = shifts, axes
        return array_module(x).roll(x, shifts, axes)

    @staticmethod
    def backward(ctx, grad):
        """d roll(x, s)/dx: roll the gradient by -s."""
        back = tuple(-s for s in ctx.shifts) if isinstance(ctx.shifts, tuple) else -ctx.shifts
        return Roll.call(grad, back, ctx.axes), None, None


def roll(input: Tensor, shifts: Union[int, Sequence[int]], dims: Union[int, Sequence[int], None] = None) -> Tensor:
    """Shift elements along ``dims`` cyclically (over the flattened tensor when ``dims`` is None)."""
    shift_list = [shifts] if isinstance(shifts, int) else list(shifts)
    if dims is None:
        if len(shift_list) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shift_list)}, dims:0")
        return Roll.apply(input.reshape(-1), shift_list[0], 0).reshape(input.shape)
    dim_list = [dims] if isinstance(dims, int) else list(dims)
    if len(shift_list) != len(dim_list):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shift_list)}, dims:{len(dim_list)}")
    axes = tuple(normalize_dim(d, input.ndim) for d in dim_list)
    return Roll.apply(input, tuple(shift_list), axes)


class Flip(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axes):
        ctx.axes = axes
        return array_module(x).flip(x, axes).copy()  # PyTorch's flip copies

    @staticmethod
    def backward(ctx, grad):
        """d flip(x)/dx: flip the gradient back."""
        return array_module(grad).flip(grad, ctx.axes), None


def flip(input: Tensor, dims: Union[int, Sequence[int]]) -> Tensor:
    """Reverse the order of elements along ``dims``."""
    dim_list = [dims] if isinstance(dims, int) else list(dims)
    axes = [normalize_dim(d, input.ndim) for d in dim_list]
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"dim {axes[0]} appears multiple times in the list of dims")
    return Flip.apply(input, tuple(axes)) if axes else input.clone()


def fliplr(input: Tensor) -> Tensor:
    """Reverse the columns (dimension 1)."""
    if input.ndim < 2:
        raise RuntimeError(f"Input must be >= 2-d, got shape {list(input.shape)}")
    return flip(input, 1)


def flipud(input: Tensor) -> Tensor:
    """Reverse the rows (dimension 0)."""
    if input.ndim < 1:
        raise RuntimeError(f"Input must be >= 1-d, got shape {list(input.shape)}")
    return flip(input, 0)


class Rot90(ArrayFunction):
    @staticmethod
    def forward(ctx, x, k, axes):
        ctx.k, ctx.axes = k, axes
        return array_module(x).rot90(x, k, axes).copy()

    @staticmethod
    def backward(ctx, grad):
        """d rot90(x, k)/dx: rotate the gradient by -k."""
        return Rot90.call(grad, -ctx.k % 4, ctx.axes), None, None


def rot90(input: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """Rotate by 90° ``k`` times in the plane of ``dims``, from the first axis towards the second."""
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    a, b = normalize_dim(dims[0], input.ndim), normalize_dim(dims[1], input.ndim)
    if a == b:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    return Rot90.apply(input, int(k) % 4, (a, b))
