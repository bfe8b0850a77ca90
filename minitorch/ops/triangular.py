"""Triangles and diagonals of matrices: tril, triu, diagonal, diag_embed, diag, trace.

``tril``/``triu`` keep the lower/upper triangle (the causal mask of attention is a ``tril`` of
ones); their backward keeps the same triangle of the gradient. ``diagonal`` reads a diagonal
and ``diag_embed`` writes one into a zero matrix: each is the other's backward. All of them
work on the last two dimensions (``dim1``, ``dim2`` for the diagonal ops) of a batch.
"""
from __future__ import annotations

from typing import Any

from minitorch import dtypes
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.reduce import sum as reduce_sum
from minitorch.sizes import normalize_dim
from minitorch.tensor import Tensor


class Triangle(ArrayFunction):
    @staticmethod
    def forward(ctx, x, diagonal, lower):
        ctx.diagonal, ctx.lower = diagonal, lower
        xp = array_module(x)
        return xp.tril(x, diagonal) if lower else xp.triu(x, diagonal)

    @staticmethod
    def backward(ctx, grad):
        """d tril(x)/dx keeps the gradient's lower triangle (upper for triu)."""
        xp = array_module(grad)
        return (xp.tril(grad, ctx.diagonal) if ctx.lower else xp.triu(grad, ctx.diagonal)), None, None


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle (on and below the ``diagonal``-th diagonal) of the last two dims; zeros above."""
    return _triangle(input, diagonal, True, "tril")


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle (on and above the ``diagonal``-th diagonal) of the last two dims; zeros below."""
    return _triangle(input, diagonal, False, "triu")


def _triangle(input: Tensor, diagonal: int, lower: bool, name: str) -> Tensor:
    if input.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions, got shape {list(input.shape)}")
    return Triangle.apply(input, int(diagonal), lower)


def _diagonal_positions(xp: Any, rows: int, cols: int, offset: int) -> tuple:
    """Row and column indices of the ``offset``-th diagonal of a rows × cols matrix."""
    length = max(0, min(rows + min(offset, 0), cols - max(offset, 0)))
    steps = xp.arange(length)
    return steps - min(offset, 0), steps + max(offset, 0)


def _write_diagonal(values: Any, shape: tuple, offset: int, dim1: int, dim2: int) -> Any:
    """A zero array of ``shape`` whose ``offset``-th diagonal in (dim1, dim2) holds ``values``
    (its last axis runs along the diagonal, as ``diagonal`` returns it)."""
    xp = array_module(values)
    full = xp.zeros(shape, dtype=values.dtype)
    moved = xp.moveaxis(full, (dim1, dim2), (-2, -1))  # a view: writing into it writes into ``full``
    rows, cols = _diagonal_positions(xp, shape[dim1], shape[dim2], offset)
    moved[..., rows, cols] = values
    return full


class Diagonal(ArrayFunction):
    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        ctx.shape, ctx.where = x.shape, (offset, dim1, dim2)
        return array_module(x).diagonal(x, offset, dim1, dim2).copy()

    @staticmethod
    def backward(ctx, grad):
        """d diagonal(x)/dx puts the gradient back on the diagonal of a zero tensor."""
        return WriteDiagonal.call(grad, ctx.shape, *ctx.where), None, None, None


class WriteDiagonal(ArrayFunction):
    """Diagonal's backward as an op of its own: ``values`` on a diagonal of zeros of ``shape``."""

    @staticmethod
    def forward(ctx, values, shape, offset, dim1, dim2):
        ctx.where = (offset, dim1, dim2)
        return _write_diagonal(values, shape, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, grad):
        """Writing a diagonal is linear in the values: its derivative reads that diagonal back."""
        return Diagonal.call(grad, *ctx.where), None, None, None, None


class DiagEmbed(ArrayFunction):
    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        ctx.where = (offset, dim1, dim2)
        n = x.shape[-1] + abs(offset)
        shape = list(x.shape[:-1])
        for axis in sorted((dim1, dim2)):
            shape.insert(axis, n)
        return _write_diagonal(x, tuple(shape), offset, dim1, dim2)

    @staticmethod
    def backward(ctx, grad):
        """d diag_embed(x)/dx reads the gradient's diagonal."""
        return Diagonal.call(grad, *ctx.where), None, None, None


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The ``offset``-th diagonal of the (dim1, dim2) matrices, as a new last dimension (a copy)."""
    a, b = normalize_dim(dim1, input.ndim), normalize_dim(dim2, input.ndim)
    if a == b:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, int(offset), a, b)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices whose ``offset``-th diagonal holds ``input``'s last dimension, zeros elsewhere."""
    a, b = normalize_dim(dim1, input.ndim + 1), normalize_dim(dim2, input.ndim + 1)
    if a == b:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return DiagEmbed.apply(input, int(offset), a, b)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A vector → the square matrix with it on the ``diagonal``-th diagonal; a matrix → that diagonal."""
    if input.ndim == 1:
        return DiagEmbed.apply(input, int(diagonal), 0, 1)
    if input.ndim == 2:
        return Diagonal.apply(input, int(diagonal), 0, 1)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D (shape {list(input.shape)})")


def trace(input: Tensor) -> Tensor:
    """The sum of a matrix's main diagonal (int64 for integer matrices)."""
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim} (shape {list(input.shape)})")
    total = reduce_sum(Diagonal.apply(input, 0, 0, 1))
    return total if input.dtype.kind == "f" else total.to(dtypes.int64)
