"""Joining and cutting by NumPy's conventions: hstack, vstack, dstack, column_stack, atleast_nd,
tensor_split, hsplit, vsplit, meshgrid.

They are :func:`cat`/``split`` with a rule for which dimension to use (``hstack``: along columns
for matrices, along the only axis for vectors), so their gradients come from those ops.
"""
from __future__ import annotations

import warnings
from typing import Any, Sequence, Union

from minitorch.ops.shape import cat, expand, reshape, split
from minitorch.sizes import normalize_dim, numpy_names
from minitorch.tensor import Tensor


def _at_least(ndim: int, tensors: tuple) -> Any:
    """Each tensor with at least ``ndim`` dims (NumPy's placement of the new size-1 dims)."""
    single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    items = list(tensors[0]) if len(tensors) == 1 and not single else list(tensors)
    out = []
    for t in items:
        shape = t.shape
        if len(shape) < ndim:
            if ndim == 3 and len(shape) == 2:
                shape = shape + (1,)
            elif ndim == 3 and len(shape) == 1:
                shape = (1,) + shape + (1,)
            else:
                shape = (1,) * (ndim - len(shape)) + shape
        out.append(reshape(t, shape) if shape != t.shape else t)
    return out[0] if single else tuple(out)


def atleast_1d(*tensors: Any) -> Any:
    return _at_least(1, tensors)


def atleast_2d(*tensors: Any) -> Any:
    return _at_least(2, tensors)


def atleast_3d(*tensors: Any) -> Any:
    """Each tensor as at least 3-D: a vector (n,) becomes (1, n, 1), a matrix (m, n) becomes (m, n, 1)."""
    return _at_least(3, tensors)


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along columns: dimension 1, or 0 for vectors."""
    tensors = atleast_1d(tuple(tensors))
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along rows (dimension 0), vectors becoming rows."""
    return cat(atleast_2d(tuple(tensors)), 0)


row_stack = vstack


def dstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along depth (dimension 2)."""
    return cat(atleast_3d(tuple(tensors)), 2)


def column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """Vectors become columns, then everything is joined along dimension 1."""
    columns = [reshape(t, (t.numel(), 1)) if t.ndim <= 1 else t for t in tensors]
    return cat(columns, 1)


@numpy_names
def tensor_split(input: Tensor, indices_or_sections: Union[int, Sequence[int], Tensor], dim: int = 0) -> tuple:
    """Cut into ``n`` nearly equal pieces (the first ``size % n`` one longer), or at the given indices."""
    axis = normalize_dim(dim, input.ndim)
    length = input.shape[axis]
    if isinstance(indices_or_sections, Tensor):
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, int):
        sections = indices_or_sections
        if sections <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
        base, extra = divmod(length, sections)
        sizes = [base + 1] * extra + [base] * (sections - extra)
    else:
        bounds = [min(max(i if i >= 0 else i + length, 0), length) for i in indices_or_sections]
        edges = [0] + bounds + [length]
        sizes = [max(b - a, 0) for a, b in zip(edges[:-1], edges[1:])]
        starts = edges[:-1]
        return tuple(input[(slice(None),) * axis + (slice(s, s + n),)] for s, n in zip(starts, sizes))
    return split(input, sizes, axis)


def _split_along(name: str, input: Tensor, sections: Any, axis: int) -> tuple:
    if isinstance(sections, int) and input.shape[axis] % sections:
        raise RuntimeError(
            f"torch.{name} attempted to split along dimension {axis}, but the size of the dimension "
            f"{input.shape[axis]} is not divisible by the split_size {sections}!"
        )
    return tensor_split(input, sections, axis)


def hsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    """Split along columns (dimension 1, or 0 for vectors)."""
    if input.ndim < 1:
        raise RuntimeError("torch.hsplit requires a tensor with at least 1 dimension, but got a tensor with 0 dimensions!")
    return _split_along("hsplit", input, indices_or_sections, 1 if input.ndim > 1 else 0)


def vsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    """Split along rows (dimension 0)."""
    if input.ndim < 2:
        raise RuntimeError(
            f"torch.vsplit requires a tensor with at least 2 dimension, but got a tensor with {input.ndim} dimensions!"
        )
    return _split_along("vsplit", input, indices_or_sections, 0)


def dsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    if input.ndim < 3:
        raise RuntimeError(
            f"torch.dsplit requires a tensor with at least 3 dimension, but got a tensor with {input.ndim} dimensions!"
        )
    return _split_along("dsplit", input, indices_or_sections, 2)


def meshgrid(*tensors: Any, indexing: Any = None) -> tuple:
    """Coordinate grids: output ``i`` varies along dimension ``i`` (``indexing='ij'``, the default)
    or, with ``'xy'``, the first two dimensions are swapped (NumPy's and Matplotlib's convention)."""
    if len(tensors) == 1 and not isinstance(tensors[0], Tensor):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got shape {list(t.shape)}")
    sizes = [t.numel() for t in tensors]
    order = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        order[0], order[1] = 1, 0  # x varies along columns, y along rows
    shape = [sizes[i] for i in order]
    grids = []
    for i, t in enumerate(tensors):
        where = order.index(i)
        grids.append(expand(reshape(t, [-1 if d == where else 1 for d in range(len(tensors))]), shape))
    return tuple(grids)
