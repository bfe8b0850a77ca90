"""Products built from ``matmul`` and ``einsum``: ``outer``, ``inner``, ``mv``, ``addmm``,
``addmv``, ``baddbmm``, ``tensordot``, ``kron``, ``matrix_power``, ``cross``. Each is a few lines over the
differentiable ops, so its gradient comes from theirs."""
from __future__ import annotations

import string
from typing import Any, Optional, Sequence, Union

import numpy as np

from minitorch.backend import array_module
from minitorch.ops.einsum import einsum
from minitorch.ops.linalg import bmm, matmul, mm
from minitorch.ops.sampling import Sample
from minitorch.sizes import normalize_dim
from minitorch.tensor import Tensor


def _check_dims(name: str, **tensors: Any) -> None:
    for label, (tensor, ndim) in tensors.items():
        if not isinstance(tensor, Tensor):
            raise TypeError(f"{name}(): argument '{label}' must be Tensor, not {type(tensor).__name__}")
        if tensor.ndim != ndim:
            raise RuntimeError(f"{name}: {label} must be a {ndim}-D tensor, got shape {list(tensor.shape)}")


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """``input[i] * vec2[j]``."""
    _check_dims("outer", input=(input, 1), vec2=(vec2, 1))
    return einsum("i,j->ij", input, vec2)


ger = outer


def inner(input: Tensor, other: Tensor) -> Tensor:
    """Sum over the last dimension of both (scalars multiply)."""
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(
            f"inner() the last dimension must match on both input tensors but got shapes "
            f"{list(input.shape)} and {list(other.shape)}"
        )
    return tensordot(input, other, dims=([input.ndim - 1], [other.ndim - 1]))


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix × vector."""
    _check_dims("mv", input=(input, 2), vec=(vec, 1))
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0]}x{input.shape[1]}), vec ({vec.shape[0]})")
    return matmul(input, vec)


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)`` (``input`` broadcast)."""
    return _scaled_sum(input, mm(mat1, mat2), beta, alpha)


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    return _scaled_sum(input, mv(mat, vec), beta, alpha)


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    return _scaled_sum(input, bmm(batch1, batch2), beta, alpha)


def _scaled_sum(input: Tensor, product: Tensor, beta: float, alpha: float) -> Tensor:
    """``beta * input + alpha * product``; beta = 0 ignores ``input`` (NaNs included), as in PyTorch."""
    product = product if alpha == 1 else product * alpha
    if beta == 0:
        return product.expand(_broadcast(input.shape, product.shape)) if input.ndim > product.ndim else product
    return (input if beta == 1 else input * beta) + product


def _broadcast(a: tuple, b: tuple) -> tuple:
    return tuple(max(m, n) for m, n in zip((1,) * (len(b) - len(a)) + tuple(a), (1,) * (len(a) - len(b)) + tuple(b)))


def tensordot(a: Tensor, b: Tensor, dims: Union[int, Sequence] = 2) -> Tensor:
    """Contract the last ``dims`` dims of ``a`` with the first of ``b`` (or the listed dim pairs)."""
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    letters = iter(string.ascii_letters)
    sa = [next(letters) for _ in range(a.ndim)]
    sb = [next(letters) for _ in range(b.ndim)]
    for i, j in zip(dims_a, dims_b):
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {a.shape[i]} in dim {i} "
                f"and second has size {b.shape[j]} in dim {j}"
            )
        sb[j % b.ndim] = sa[i % a.ndim]
    kept = [c for k, c in enumerate(sa) if k % a.ndim not in {d % a.ndim for d in dims_a}]
    kept += [c for k, c in enumerate(sb) if k % b.ndim not in {d % b.ndim for d in dims_b}]
    return einsum("".join(sa) + "," + "".join(sb) + "->" + "".join(kept), a, b)


def kron(input: Tensor, other: Tensor) -> Tensor:
    """The Kronecker product: block (i, j) is ``input[i, j] * other``."""
    ndim = max(input.ndim, other.ndim)
    a = input.reshape((1,) * (ndim - input.ndim) + tuple(input.shape))
    b = other.reshape((1,) * (ndim - other.ndim) + tuple(other.shape))
    sa, sb = string.ascii_lowercase[:ndim], string.ascii_uppercase[:ndim]
    out = einsum(f"{sa},{sb}->" + "".join(x + y for x, y in zip(sa, sb)), a, b)
    return out.reshape(tuple(m * n for m, n in zip(a.shape, b.shape)))


def matrix_power(input: Tensor, n: int) -> Tensor:
    """``input @ input @ ... `` (n times) by repeated squaring; n = 0 gives the identity."""
    if input.ndim < 2 or input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"matrix_power: expected a batch of square matrices, but got shape {list(input.shape)}")
    if n < 0:
        raise NotImplementedError("matrix_power with a negative exponent needs a matrix inverse (torch.linalg.inv)")
    result = None
    square = input
    while n:
        if n & 1:
            result = square if result is None else matmul(result, square)
        n >>= 1
        if n:
            square = matmul(square, square)
    if result is None:  # the identity, still attached to the graph (with a zero gradient), as in PyTorch
        xp = array_module(input._data)
        eye = xp.broadcast_to(xp.eye(input.shape[-1], dtype=input._data.dtype), input.shape).copy()
        return Sample.apply(Tensor._wrap(eye), input)
    return result


def cross(input: Tensor, other: Tensor, dim: Optional[int] = None) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (default: the first dim of size 3, as
    ``torch.cross`` does): ``(a × b)_i = ε_ijk a_j b_k``, with ε the Levi-Civita symbol."""
    if input.ndim != other.ndim:
        raise RuntimeError(f"linalg.cross: inputs must have the same number of dimensions, got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    if dim is None:
        dim = next((d for d, (m, n) in enumerate(zip(input.shape, other.shape)) if m == 3 and n == 3), -1)
    axis = normalize_dim(dim, input.ndim)
    if input.shape[axis] != 3 or other.shape[axis] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[axis]} "
                           f"and {other.shape[axis]}")
    levi_civita = np.zeros((3, 3, 3))
    for i, j, k in ((0, 1, 2), (1, 2, 0), (2, 0, 1)):
        levi_civita[i, j, k], levi_civita[i, k, j] = 1.0, -1.0
    xp = array_module(input._data)
    epsilon = Tensor._wrap(xp.asarray(levi_civita, dtype=input._data.dtype))
    moved = einsum("ijk,...j,...k->...i", epsilon, input.transpose(axis, -1), other.transpose(axis, -1))
    return moved.transpose(axis, -1)


def linalg_cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """``torch.linalg.cross``: as :func:`cross`, along the last dim by default."""
    return cross(input, other, dim)
