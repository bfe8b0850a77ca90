"""Norms, ``torch.linalg`` style: ``matrix_norm`` (Frobenius, nuclear, spectral, and the 1/∞
operator norms), ``norm``, which picks a vector or a matrix norm, and ``cdist``.

Each is a composition of differentiable ops (``abs``, ``sum``, ``max``, ``svdvals`` and the one
``vector_norm`` of ``ops/norms.py``), so its gradient comes from theirs.
"""
from __future__ import annotations

import math
from typing import Any, Optional, Sequence, Union

from minitorch.ops.decompositions import svdvals
from minitorch.ops.norms import vector_norm
from minitorch.ops.reduce import max as max_, min as min_, sum as sum_
from minitorch.ops.shape import permute
from minitorch.sizes import normalize_dim
from minitorch.tensor import Tensor

Dims = Union[None, int, Sequence[int]]


def _extreme(x: Tensor, dims: Optional[tuple], keepdim: bool, largest: bool) -> Tensor:
    """max/min over several dims (all when None), as PyTorch's ``amax``: tied extremes share the
    gradient equally. The dims are moved last and flattened into one, then reduced."""
    dims = tuple(range(x.ndim)) if dims is None else dims
    rest = [d for d in range(x.ndim) if d not in dims]
    moved = permute(x, rest + list(dims)).reshape(tuple(x.shape[d] for d in rest) + (-1,))
    pick = max_ if largest else min_
    top = pick(moved.detach(), -1).values.unsqueeze(-1)
    ties = (moved.detach() == top).to(moved.dtype)
    out = sum_(moved * ties, -1) / sum_(ties, -1)
    if keepdim:
        out = out.reshape(tuple(1 if d in dims else n for d, n in enumerate(x.shape)))
    return out


def matrix_norm(A: Tensor, ord: Union[str, float] = "fro", dim: tuple = (-2, -1), keepdim: bool = False,
                *, dtype: Any = None) -> Tensor:
    """A norm of each matrix over the two ``dim`` axes: 'fro', 'nuc', 2, −2, 1, −1, ∞, −∞."""
    if not isinstance(A, Tensor):
        raise TypeError(f"linalg.matrix_norm(): argument 'A' must be Tensor, not {type(A).__name__}")
    if dtype is not None:
        A = A.to(dtype)
    if A.ndim < 2:
        raise RuntimeError(f"linalg.matrix_norm: The input tensor A must have at least 2 dimensions, "
                           f"got shape {list(A.shape)}")
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {tuple(dim)}")
    rows, cols = normalize_dim(dim[0], A.ndim), normalize_dim(dim[1], A.ndim)
    if rows == cols:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        return vector_norm(A, 2, (rows, cols), keepdim)
    if ord in ("nuc", 2, -2):
        rest = [d for d in range(A.ndim) if d not in (rows, cols)]
        values = svdvals(permute(A, rest + [rows, cols]))
        out = sum_(values, -1) if ord == "nuc" else (max_ if ord == 2 else min_)(values, -1).values
        return _keep(out, A.shape, (rows, cols)) if keepdim else out
    if ord in (1, -1, math.inf, -math.inf):
        summed, over = (rows, cols) if ord in (1, -1) else (cols, rows)
        sums = sum_(A.abs(), summed, keepdim=True)
        return _extreme(sums, (over,), True, ord > 0).reshape(_kept_shape(A.shape, (rows, cols), keepdim))
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def _kept_shape(shape: tuple, dims: tuple, keepdim: bool) -> tuple:
    return tuple(1 if d in dims else n for d, n in enumerate(shape) if keepdim or d not in dims)


def _keep(out: Tensor, shape: tuple, dims: tuple) -> Tensor:
    return out.reshape(_kept_shape(shape, dims, True))


def norm(A: Tensor, ord: Any = None, dim: Dims = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """``linalg.norm``: a matrix norm when ``dim`` is a pair (or A is 2-D and ``ord`` given), else a vector norm."""
    if isinstance(dim, (tuple, list)) and len(dim) == 2 or (dim is None and ord is not None and A.ndim == 2):
        return matrix_norm(A, "fro" if ord is None else ord, tuple(dim) if dim is not None else (-2, -1),
                           keepdim, dtype=dtype)
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.norm: the {ord!r} norm is a matrix norm: pass a 2-D input or dim=(a, b)")
    if ord is not None and dim is None and A.ndim != 1:
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                           f"Got {A.ndim}D.")
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: Any = None) -> Tensor:
    """The p-norm distance between every row of ``x1`` (…, P, M) and every row of ``x2`` (…, R, M):
    shape (…, P, R). Computed directly from the differences (no ‖a‖² + ‖b‖² − 2ab shortcut)."""
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D, X2 got: {x2.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values, got {p}")
    return vector_norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, dim=-1)


def legacy_norm(input: Tensor, p: Any = "fro", dim: Dims = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
    """``torch.functional.norm`` (the older ``torch.norm``): 'fro' and numbers are vector norms over
    ``dim`` (every element when None), 'nuc' the nuclear norm of the matrices in ``dim``."""
    if p == "nuc":
        return matrix_norm(input, "nuc", tuple(dim) if dim is not None else (-2, -1), keepdim, dtype=dtype)
    return vector_norm(input, 2 if p == "fro" else p, dim, keepdim, dtype=dtype)
