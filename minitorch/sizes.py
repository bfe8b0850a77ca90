"""Sizes and dimensions: reading ``f(2, 3)`` or ``f((2, 3))``, and negative dims counted from the end.

Every op that takes a size or a ``dim`` goes through these few functions, so they all accept
the same spellings and fail with the same PyTorch messages.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np

Dims = Union[None, int, Sequence[int]]


def size_from_args(args: tuple) -> tuple:
    """Accept both ``f(2, 3)`` and ``f((2, 3))``; every size an int (NumPy ints too)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    for position, n in enumerate(args):
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise TypeError(
                f"a size must be a tuple of ints, but found element of type {type(n).__name__} at pos {position}"
            )
    return tuple(int(n) for n in args)


def new_size(args: tuple) -> tuple:
    """The size of a tensor about to be made: as :func:`size_from_args`, and no negative sizes."""
    size = size_from_args(args)
    for n in size:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {list(size)}")
    return size


def normalize_dim(dim: int, ndim: int) -> int:
    """A dimension index in ``[0, ndim)``; negative counts from the end (as in PyTorch)."""
    low, high = (-ndim, ndim - 1) if ndim > 0 else (-1, 0)
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"a dimension must be an int, got {type(dim).__name__}")
    if not low <= dim <= high:
        raise IndexError(f"Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})")
    return int(dim) % max(ndim, 1)


def normalize_dims(dim: Dims, ndim: int) -> Optional[tuple]:
    """``dim`` (an int or a sequence) as a sorted tuple of non-negative axes; None means every axis."""
    if dim is None:
        return None
    if not isinstance(dim, (int, tuple, list)):
        raise TypeError(f"dim must be an int or a tuple of ints, got {type(dim).__name__}")
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if not dims:
        return None
    axes = tuple(sorted({normalize_dim(d, ndim) for d in dims}))
    if len(axes) != len(dims):
        raise RuntimeError(f"dim {list(dims)} appears multiple times in the list of dims")
    return axes if ndim else None  # a 0-d tensor accepts dim 0 or -1: it reduces over nothing


class Size(tuple):
    """A tensor's shape: a tuple of ints that prints as ``torch.Size([2, 3])`` (``x.shape``, ``x.size()``)."""

    __slots__ = ()

    def __new__(cls, sizes: Sequence[int] = ()) -> "Size":
        sizes = tuple(sizes)
        for position, n in enumerate(sizes):
            if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
                raise TypeError(
                    f"torch.Size() takes an iterable of 'int' (item {position} is '{type(n).__name__}')"
                )
        return tuple.__new__(cls, (int(n) for n in sizes))

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def __getitem__(self, index: Union[int, slice]) -> Union[int, "Size"]:
        item = tuple.__getitem__(self, index)
        return tuple.__new__(Size, item) if isinstance(index, slice) else item

    def __add__(self, other: tuple) -> "Size":
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(self) + other)

    def numel(self) -> int:
        """How many elements a tensor of this size holds."""
        count = 1
        for n in self:
            count *= n
        return count

    def __reduce__(self) -> tuple:
        return Size, (tuple(self),)


def as_size(shape: tuple) -> Size:
    """An array's shape as a :class:`Size`, without re-checking it (the fast path for ``x.shape``)."""
    return tuple.__new__(Size, shape)


def numpy_names(function: Callable) -> Callable:
    """Accept NumPy's spellings ``axis=`` for ``dim=`` and ``keepdims=`` for ``keepdim=``, as
    PyTorch does for every op that has a ``dim``/``keepdim`` argument (``x.sum(axis=0)``)."""

    @functools.wraps(function)
    def accepting_numpy_names(*args: Any, **kwargs: Any) -> Any:
        for alias, name in (("axis", "dim"), ("keepdims", "keepdim")):
            if alias in kwargs:
                if name in kwargs:
                    raise TypeError(f"{function.__name__}() got both '{name}' and its alias '{alias}'")
                kwargs[name] = kwargs.pop(alias)
        return function(*args, **kwargs)

    return accepting_numpy_names
