"""Shape ops: reshape/view, permute/transpose, expand, squeeze/unsqueeze, flatten, cat/stack.

They move no numbers (most return views), so their backward only moves the gradient back into
the input's shape: the inverse reshape, the inverse permutation, a sum over expanded axes,
a split for ``cat``.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.broadcast import unbroadcast
from minitorch.ops.dtype_view import view_dtype
from minitorch.ops.layout import guard_copied_view, is_batch_innermost
from minitorch.ops.operands import promote_operands
from minitorch.sizes import normalize_dim, numpy_names, size_from_args
from minitorch.tensor import Tensor


def share_version(out: Tensor, input: Tensor) -> Tensor:
    """A view shares its base's version counter: writing through one is writing to both."""
    if array_module(out._data).may_share_memory(out._data, input._data):
        out._version_counter = input._version_counter
        out._base = input if input._base is None else input._base
    return out


def infer_shape(shape: tuple, numel: int, current: tuple) -> tuple:
    """Resolve one ``-1`` in ``shape``; a RuntimeError when the sizes cannot match."""
    if any(not isinstance(n, int) or isinstance(n, bool) for n in shape):
        raise TypeError(f"shape must be a sequence of ints, got {shape}")
    unknown = [i for i, n in enumerate(shape) if n == -1]
    if len(unknown) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if any(n < -1 for n in shape):
        raise RuntimeError(f"invalid shape dimension {min(shape)}")
    known = math.prod(n for n in shape if n != -1)
    if unknown:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = shape[: unknown[0]] + (numel // known,) + shape[unknown[0] + 1:]
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel} (input shape {list(current)})")
    return shape


class Reshape(ArrayFunction):
    @staticmethod
    def forward(ctx, x, shape):
        ctx.input_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        """d reshape(x)/dx: reshape the gradient back."""
        return grad.reshape(ctx.input_shape), None


def has_view(x: Any, shape: tuple) -> bool:
    """Whether ``x``'s memory can be read in ``shape`` without a copy (the same rule as PyTorch's)."""
    try:
        x.view().shape = shape
    except AttributeError:
        return False
    return True


def reshape(input: Tensor, *shape: Any) -> Tensor:
    """The same elements in a new shape (a view when possible, else a copy); one size may be -1."""
    shape = infer_shape(size_from_args(shape), input._data.size, input.shape)
    return share_version(Reshape.apply(input, shape), input)


def view(input: Tensor, *shape: Any, dtype: Any = None) -> Tensor:
    """A view with a new shape (one size may be -1), or of the same bytes as another ``dtype``.

    Fails (like PyTorch) when the memory layout does not allow a view. A conv/pool output,
    batch-innermost in memory, is the exception: PyTorch's would be contiguous, so the view must
    work, and it is a copy that refuses in-place writes (see ``ops/layout.py``).
    """
    if dtype is None and len(shape) == 1 and not isinstance(shape[0], (int, tuple, list)):
        dtype = shape[0]
    if dtype is not None:
        return share_version(view_dtype(input, dtype), input)
    shape = infer_shape(size_from_args(shape), input._data.size, input.shape)
    if has_view(input._data, shape):
        return share_version(Reshape.apply(input, shape), input)
    if is_batch_innermost(input._data):
        return guard_copied_view(Reshape.apply(input, shape), input)
    raise RuntimeError(
        f"view size is not compatible with input tensor's size and stride (shape {list(input.shape)} -> "
        f"{list(shape)}); at least one dimension spans across two contiguous subspaces. "
        "Use .reshape(...) instead."
    )


def view_as(input: Tensor, other: Tensor) -> Tensor:
    return view(input, other.shape)


def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    return reshape(input, other.shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions ``start_dim..end_dim`` into one."""
    if input.ndim == 0:
        return reshape(input, 1)
    start, end = normalize_dim(start_dim, input.ndim), normalize_dim(end_dim, input.ndim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = input.shape
    return reshape(input, shape[:start] + (math.prod(shape[start:end + 1]),) + shape[end + 1:])


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    axis = normalize_dim(dim, input.ndim)
    return reshape(input, input.shape[:axis] + tuple(sizes) + input.shape[axis + 1:])


@numpy_names
def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """Drop dimensions of size 1 (only ``dim`` when given)."""
    shape = input.shape
    if dim is None:
        axes = {i for i, n in enumerate(shape) if n == 1}
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        axes = {normalize_dim(d, input.ndim) for d in dims if input.ndim}
        if input.ndim and len(axes) != len(dims):
            raise RuntimeError(f"squeeze: dim {list(dims)} names a dimension more than once")
        axes = {i for i in axes if shape[i] == 1}
    return reshape(input, tuple(n for i, n in enumerate(shape) if i not in axes))


@numpy_names
def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a dimension of size 1 at ``dim``."""
    axis = normalize_dim(dim, input.ndim + 1)
    shape = input.shape
    return reshape(input, shape[:axis] + (1,) + shape[axis:])


class Permute(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axes):
        ctx.axes = axes
        return x.transpose(axes)

    @staticmethod
    def backward(ctx, grad):
        """d permute(x)/dx: apply the inverse permutation to the gradient."""
        inverse = [0] * len(ctx.axes)
        for position, axis in enumerate(ctx.axes):
            inverse[axis] = position
        return array_module(grad).transpose(grad, inverse), None


def permute(input: Tensor, *dims: Any) -> Tensor:
    """Reorder the dimensions: ``x.permute(2, 0, 1)``."""
    dims = size_from_args(dims)
    if len(dims) != input.ndim:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the length "
            f"of the desired ordering of dimensions i.e. input.dim() = {input.ndim} is not equal to "
            f"len(dims) = {len(dims)}".replace("(sparse_coo)", "")
        )
    axes = tuple(normalize_dim(d, input.ndim) for d in dims)
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"permute(): duplicate dims are not allowed, got {list(dims)}")
    return share_version(Permute.apply(input, axes), input)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions."""
    if input.ndim == 0:
        return input
    axes = list(range(input.ndim))
    a, b = normalize_dim(dim0, input.ndim), normalize_dim(dim1, input.ndim)
    axes[a], axes[b] = axes[b], axes[a]
    return share_version(Permute.apply(input, tuple(axes)), input)


swapaxes = transpose


def t(input: Tensor) -> Tensor:
    """Transpose a matrix (0-D and 1-D tensors are returned as they are)."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return transpose(input, 0, 1) if input.ndim == 2 else input


def T(input: Tensor) -> Tensor:
    """All dimensions reversed (``x.T``)."""
    return share_version(Permute.apply(input, tuple(reversed(range(input.ndim)))), input)


def mT(input: Tensor) -> Tensor:
    """The last two dimensions swapped: a batch of transposed matrices."""
    if input.ndim < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {input.ndim}-D tensor.")
    return transpose(input, -2, -1)


class Expand(ArrayFunction):
    @staticmethod
    def forward(ctx, x, shape):
        ctx.input_shape = x.shape
        return array_module(x).broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        """d expand(x)/dx: sum the gradient over the expanded dimensions."""
        return unbroadcast(grad, ctx.input_shape), None


def expand(input: Tensor, *sizes: Any) -> Tensor:
    """A broadcast view of ``input`` with ``sizes`` (-1 keeps a dimension as it is)."""
    sizes = size_from_args(sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError(
            f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal to the number "
            f"of dimensions in the tensor ({input.ndim})"
        )
    offset = len(sizes) - input.ndim
    shape = []
    for i, size in enumerate(sizes):
        current = input.shape[i - offset] if i >= offset else None
        if size == -1:
            if current is None:
                raise RuntimeError(f"expand: -1 is not allowed in a leading, non-existing dimension {i}")
            size = current
        elif current is not None and current != 1 and current != size:
            raise RuntimeError(
                f"The expanded size of the tensor ({size}) must match the existing size ({current}) at "
                f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(input.shape)}"
            )
        shape.append(size)
    return share_version(Expand.apply(input, tuple(shape)), input)


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return expand(input, other.shape)


def broadcast_to(input: Tensor, shape: Sequence[int]) -> Tensor:
    return expand(input, tuple(shape))


class Contiguous(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        return array_module(x).ascontiguousarray(x)

    @staticmethod
    def backward(ctx, grad):
        """d contiguous(x)/dx = 1."""
        return grad


def contiguous(input: Tensor) -> Tensor:
    """``input`` itself when its memory is already C-ordered, else a C-ordered copy."""
    return input if input._data.flags.c_contiguous else Contiguous.apply(input)


def is_contiguous(input: Tensor) -> bool:
    return bool(input._data.flags.c_contiguous)


class Cat(ArrayFunction):
    @staticmethod
    def forward(ctx, axis, *arrays):
        ctx.axis = axis
        ctx.sizes = [a.shape[axis] for a in arrays]
        return array_module(arrays[0]).concatenate(arrays, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        """d cat(xs)/dxᵢ: the slice of the gradient where xᵢ was placed."""
        grads, start = [None], 0
        index = [slice(None)] * grad.ndim
        for size, needed in zip(ctx.sizes, ctx.needs_input_grad[1:]):
            index[ctx.axis] = slice(start, start + size)
            grads.append(grad[tuple(index)] if needed else None)
            start += size
        return tuple(grads)


@numpy_names
def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension."""
    tensors = _check_joinable("cat", tensors)
    axis = normalize_dim(dim, tensors[0].ndim)
    reference = tensors[0].shape
    for i, tensor in enumerate(tensors):
        if tensor.ndim != len(reference) or any(
            a != b for d, (a, b) in enumerate(zip(tensor.shape, reference)) if d != axis
        ):
            raise RuntimeError(
                f"Sizes of tensors must match except in dimension {axis}. Expected {list(reference)} "
                f"(tensor 0) but got {list(tensor.shape)} for tensor number {i} in the list."
            )
    return Cat.apply(axis, *tensors)


concat = concatenate = cat


@numpy_names
def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join same-shape tensors along a new dimension."""
    tensors = _check_joinable("stack", tensors)
    for i, tensor in enumerate(tensors):
        if tensor.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at entry 0 "
                f"and {list(tensor.shape)} at entry {i}"
            )
    axis = normalize_dim(dim, tensors[0].ndim + 1)
    return cat([unsqueeze(tensor, axis) for tensor in tensors], axis)


def _check_joinable(name: str, tensors: Sequence[Tensor]) -> list:
    tensors = list(tensors)
    if not tensors:
        raise ValueError(f"{name}(): expected a non-empty list of Tensors")
    if not all(isinstance(tensor, Tensor) for tensor in tensors):
        raise TypeError(f"{name}(): expected a sequence of Tensors")
    dtype = tensors[0].dtype
    for tensor in tensors[1:]:
        if tensor.dtype != dtype:
            dtype = promote_operands(tensors[0].to(dtype), tensor)[0].dtype
    return [tensor.to(dtype) for tensor in tensors]


@numpy_names
def split(input: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple:
    """Cut into pieces of a given size (the last may be smaller) or of the given sizes."""
    axis = normalize_dim(dim, input.ndim)
    length = input.shape[axis]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step < 0 or (step == 0 and length != 0):
            raise RuntimeError(
                f"split expects split_size be non-negative, and 0 only for an empty dimension, but got "
                f"split_size={step} for dimension {axis} of size {length}"
            )
        sizes = [min(step, length - start) for start in range(0, length, step)] or [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != length:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {length} (input tensor's size at "
                f"dimension {axis}), but got split_sizes={sizes}"
            )
    pieces, start = [], 0
    for size in sizes:
        index = (slice(None),) * axis + (slice(start, start + size),)
        pieces.append(input[index])
        start += size
    return tuple(pieces)


@numpy_names
def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Split into ``chunks`` pieces of (nearly) equal size."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    length = input.shape[normalize_dim(dim, input.ndim)]
    return split(input, max(1, -(-length // chunks)), dim)


@numpy_names
def unbind(input: Tensor, dim: int = 0) -> tuple:
    axis = normalize_dim(dim, input.ndim)
    return tuple(squeeze(piece, axis) for piece in split(input, 1, axis))
