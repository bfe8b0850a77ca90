"""Matrix decompositions and solvers: ``inv``, ``det``, ``slogdet``, ``solve``, ``cholesky``,
``eigh``, ``svd``, ``svdvals``, ``pinv`` (with gradients of every order), and ``qr`` (forward only).

Every function works on a matrix or a batch of them (leading dimensions), as ``torch.linalg``'s
do. The backward formulas are the classic matrix-calculus ones (Giles, "An extended collection
of matrix derivative results", 2008), written for real matrices.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from minitorch import dtypes
from minitorch.autograd.function import ArrayFunction
from minitorch.autograd.grad_mode import is_grad_enabled
from minitorch.backend import array_module
from minitorch.ops.broadcast import unbroadcast
from minitorch.tensor import Tensor


def _mT(a: Any) -> Any:
    return array_module(a).swapaxes(a, -1, -2)


def _square(name: str, A: Tensor) -> None:
    if not isinstance(A, Tensor):
        raise TypeError(f"linalg.{name}(): argument 'A' must be Tensor, not {type(A).__name__}")
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.{name}: A must be batches of square matrices, but they are "
                           f"{' by '.join(map(str, A.shape[-2:])) if A.ndim >= 2 else A.ndim} matrices "
                           f"(shape {list(A.shape)})")
    if A._data.dtype.kind != "f":
        raise RuntimeError(f"linalg.{name}: Expected a floating point tensor as input. Got {A.dtype}")


def _call(name: str, function: Any, *arrays: Any) -> Any:
    """Run a NumPy/CuPy linalg routine; a singular matrix becomes PyTorch's error type."""
    xp = array_module(arrays[0])
    try:
        return function(xp)(*arrays)
    except xp.linalg.LinAlgError as error:
        raise RuntimeError(f"linalg.{name}: {error} (the input is singular or not positive-definite)") from None


class Inv(ArrayFunction):
    @staticmethod
    def forward(ctx, a):
        inverse = _call("inv", lambda xp: xp.linalg.inv, a)
        ctx.save_for_backward(inverse)
        return inverse

    @staticmethod
    def backward(ctx, grad):
        """d(A⁻¹) = −A⁻¹ dA A⁻¹, so dL/dA = −A⁻ᵀ G A⁻ᵀ."""
        (inverse,) = ctx.saved_tensors
        return -(_mT(inverse) @ grad @ _mT(inverse))


class Det(ArrayFunction):
    @staticmethod
    def forward(ctx, a):
        determinant = array_module(a).linalg.det(a)
        ctx.save_for_backward(a, determinant)
        return determinant

    @staticmethod
    def backward(ctx, grad):
        """d det(A)/dA = det(A) A⁻ᵀ (A invertible)."""
        a, determinant = ctx.saved_tensors
        return (grad * determinant)[..., None, None] * _mT(_call("det", lambda xp: xp.linalg.inv, a))


class SlogDet(ArrayFunction):
    @staticmethod
    def forward(ctx, a):
        sign, logabsdet = array_module(a).linalg.slogdet(a)
        ctx.save_for_backward(a)
        return sign, logabsdet

    @staticmethod
    def backward(ctx, grad_sign, grad_logabsdet):
        """d log|det A| / dA = A⁻ᵀ; the sign is piecewise constant (its gradient is zero)."""
        (a,) = ctx.saved_tensors
        return grad_logabsdet[..., None, None] * _mT(_call("slogdet", lambda xp: xp.linalg.inv, a))


class Solve(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b, vector):
        rhs = b[..., None] if vector else b
        x = _call("solve", lambda xp: xp.linalg.solve, a, rhs)
        out = x[..., 0] if vector else x
        ctx.vector, ctx.b_shape = vector, b.shape
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        """X = A⁻¹B: dL/dB = A⁻ᵀ G, dL/dA = −(dL/dB) Xᵀ (broadcast batch dims summed back)."""
        a, out = ctx.saved_tensors
        x, g = (out[..., None], grad[..., None]) if ctx.vector else (out, grad)
        grad_b = array_module(a).linalg.solve(_mT(a), g)
        grad_a = unbroadcast(-(grad_b @ _mT(x)), a.shape) if ctx.needs_input_grad[0] else None
        grad_b = unbroadcast(grad_b[..., 0] if ctx.vector else grad_b, ctx.b_shape)
        return grad_a, grad_b, None


class Cholesky(ArrayFunction):
    @staticmethod
    def forward(ctx, a, upper):
        lower = _call("cholesky", lambda xp: xp.linalg.cholesky, a)
        out = _mT(lower) if upper else lower
        ctx.upper = upper
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        """A = LLᵀ: dL/dA = sym(L⁻ᵀ Φ(Lᵀ Ḡ) L⁻¹), Φ = lower triangle with the diagonal halved."""
        (out,) = ctx.saved_tensors
        xp = array_module(out)
        lower, g = (_mT(out), _mT(grad)) if ctx.upper else (out, grad)
        phi = xp.tril(_mT(lower) @ g)
        phi = phi - 0.5 * xp.eye(lower.shape[-1], dtype=lower.dtype) * phi
        inverse = xp.linalg.inv(lower)
        grad_a = _mT(inverse) @ phi @ inverse
        return 0.5 * (grad_a + _mT(grad_a)), None


class Eigh(ArrayFunction):
    @staticmethod
    def forward(ctx, a, upper):
        values, vectors = array_module(a).linalg.eigh(a, UPLO="U" if upper else "L")
        ctx.save_for_backward(values, vectors)
        return values, vectors

    @staticmethod
    def backward(ctx, grad_values, grad_vectors):
        """A = V diag(λ) Vᵀ: dL/dA = V (diag(ḡλ) + F ∘ (Vᵀ ḡV)) Vᵀ, F_ij = 1/(λ_j − λ_i) off the
        diagonal (distinct eigenvalues), symmetrised."""
        values, vectors = ctx.saved_tensors
        xp = array_module(values)
        gaps = values[..., None, :] - values[..., :, None]
        n = values.shape[-1]
        off = ~xp.eye(n, dtype=bool)
        f = xp.where(off, 1.0 / xp.where(off, gaps, 1.0), 0.0)  # inf for repeated eigenvalues, as in PyTorch
        inner = f * (_mT(vectors) @ grad_vectors) + grad_values[..., None, :] * xp.eye(n, dtype=values.dtype)
        grad_a = vectors @ inner @ _mT(vectors)
        return 0.5 * (grad_a + _mT(grad_a)), None


class SVD(ArrayFunction):
    """A = U diag(s) Vᵀ (k = min(m, n) singular values, descending; U and Vᵀ square when
    ``full_matrices``). ``svdvals`` is its middle output: U and V are outputs too, so a second
    derivative can follow them."""

    @staticmethod
    def forward(ctx, a, full_matrices=False):
        u, s, vt = array_module(a).linalg.svd(a, full_matrices=full_matrices)
        ctx.save_for_backward(u, s, vt)
        return u, s, vt

    @staticmethod
    def backward(ctx, grad_u, grad_s, grad_vt):
        """dL/dA = U [F∘(J − Jᵀ) S + S F∘(K − Kᵀ) + diag(ḡs)] Vᵀ + (I − UUᵀ) ḡU S⁻¹ Vᵀ
        + U S⁻¹ ḡVᵀ (I − VVᵀ), J = Uᵀ ḡU, K = Vᵀ ḡV, F_ij = 1/(s_j² − s_i²) off the diagonal
        (Townsend 2016; the last two terms vanish for a square A)."""
        u, s, vt = ctx.saved_tensors
        xp = array_module(s)
        m, n, k = u.shape[-2], vt.shape[-1], s.shape[-1]
        if u.shape[-1] > k:  # full_matrices: the extra columns are any basis of the rest (no gradient, as PyTorch)
            u, grad_u = u[..., :k], grad_u[..., :k]
        if vt.shape[-2] > k:
            vt, grad_vt = vt[..., :k, :], grad_vt[..., :k, :]
        j, kk = _mT(u) @ grad_u, vt @ _mT(grad_vt)
        squares = s * s
        off = xp.eye(k, dtype=bool) == 0
        f = xp.where(off, 1.0 / xp.where(off, squares[..., None, :] - squares[..., :, None], 1.0), 0.0)
        inner = f * ((j - _mT(j)) * s[..., None, :] + s[..., :, None] * (kk - _mT(kk)))
        inner = inner + grad_s[..., None, :] * xp.eye(k, dtype=s.dtype)
        if m > k:  # U has fewer columns than rows: the part of ḡU outside U's span
            gu_scaled = grad_u / s[..., None, :]
            return (u @ inner + gu_scaled - u @ (_mT(u) @ gu_scaled)) @ vt, None
        if n > k:  # likewise for V
            gvt_scaled = grad_vt / s[..., :, None]
            return u @ (inner @ vt + gvt_scaled - (gvt_scaled @ _mT(vt)) @ vt), None
        return u @ inner @ vt, None


class PseudoInverse(ArrayFunction):
    @staticmethod
    def forward(ctx, a, rtol, hermitian):
        xp = array_module(a)
        pinv = xp.linalg.pinv(a, rcond=rtol, hermitian=True) if hermitian and xp is np else xp.linalg.pinv(a, rcond=rtol)
        ctx.save_for_backward(a, pinv)
        return pinv

    @staticmethod
    def backward(ctx, grad):
        """X = A⁺ (constant rank): dL/dA = −Xᵀ G Xᵀ + (I − AX) Gᵀ X Xᵀ + Xᵀ X Gᵀ (I − XA)."""
        a, x = ctx.saved_tensors
        xp = array_module(a)
        left = xp.eye(a.shape[-2], dtype=a.dtype) - a @ x
        right = xp.eye(a.shape[-1], dtype=a.dtype) - x @ a
        return -_mT(x) @ grad @ _mT(x) + left @ _mT(grad) @ x @ _mT(x) + _mT(x) @ x @ _mT(grad) @ right, None, None


# ----- the functions -----
SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])
EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
QRResult = namedtuple("QRResult", ["Q", "R"])
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])
LstsqResult = namedtuple("LstsqResult", ["solution", "residuals", "rank", "singular_values"])


def inv(A: Tensor) -> Tensor:
    """The inverse matrix; RuntimeError when A is singular."""
    _square("inv", A)
    return Inv.apply(A)


def det(A: Tensor) -> Tensor:
    _square("det", A)
    return Det.apply(A)


def slogdet(A: Tensor) -> SlogdetResult:
    """The sign and log |det A| (steady where det itself would under- or overflow)."""
    _square("slogdet", A)
    return SlogdetResult(*SlogDet.apply(A))


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """X with A X = B (B a vector, or a matrix of right-hand sides; batches broadcast)."""
    _square("solve", A)
    if not left:
        return solve(A.mT, B.mT).mT
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    rows = B.shape[-1] if vector else (B.shape[-2] if B.ndim >= 2 else -1)
    if rows != A.shape[-1]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({'x'.join(map(str, A.shape))} and {'x'.join(map(str, B.shape))})")
    if B.dtype != A.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type {A.dtype} "
                           f"and B of type {B.dtype} instead")
    return Solve.apply(A, B, vector)


def cholesky(A: Tensor, *, upper: bool = False) -> Tensor:
    """L lower-triangular with A = L Lᵀ (A symmetric positive-definite)."""
    _square("cholesky", A)
    return Cholesky.apply(A, upper)


def eigh(A: Tensor, UPLO: str = "L") -> EighResult:
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix."""
    _square("eigh", A)
    return EighResult(*Eigh.apply(A, UPLO == "U"))


def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:
    return eigh(A, UPLO).eigenvalues


def svdvals(A: Tensor) -> Tensor:
    """Singular values, descending."""
    _matrix("svdvals", A)
    return SVD.apply(A, False)[1]


def pinv(A: Tensor, *, rtol: Any = None, hermitian: bool = False) -> Tensor:
    """The Moore–Penrose pseudo-inverse."""
    _matrix("pinv", A)
    if rtol is None:
        rtol = max(A.shape[-2:]) * _eps(A)
    return PseudoInverse.apply(A, rtol, hermitian)


def lstsq(A: Tensor, B: Tensor, rcond: Any = None, *, driver: Any = None) -> LstsqResult:
    """The least-squares solution of A X = B (as A⁺ B, so it has a gradient); residuals and rank
    are left empty, as PyTorch's default CPU driver ('gelsy') leaves them."""
    _matrix("lstsq", A)
    if B.ndim < 2 or B.shape[-2] != A.shape[-2]:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-2), "
                           f"got shapes {list(A.shape)} and {list(B.shape)}")
    solution = pinv(A) @ B
    empty = A.new_zeros(0)
    return LstsqResult(solution, empty, A.new_zeros(0, dtype=dtypes.int64), empty)


def qr(A: Tensor, mode: str = "reduced") -> QRResult:
    """A = QR, Q orthonormal columns, R upper-triangular (no gradient in minitorch)."""
    _matrix("qr", A)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
                           "'r', or 'complete'")
    xp = array_module(A._data)
    q, r = xp.linalg.qr(A._data, mode="complete" if mode == "complete" else "reduced")
    _no_gradient("qr", A)
    return QRResult(Tensor._wrap(q if mode != "r" else xp.zeros(0, A._data.dtype)), Tensor._wrap(r))


def svd(A: Tensor, full_matrices: bool = True) -> SVDResult:
    """A = U diag(S) Vh. U and Vh are unique up to the signs of their columns (rows), so a loss
    should not depend on those signs; the gradient ignores the extra columns ``full_matrices`` adds."""
    _matrix("svd", A)
    return SVDResult(*SVD.apply(A, full_matrices))


def _matrix(name: str, A: Tensor) -> None:
    if not isinstance(A, Tensor):
        raise TypeError(f"linalg.{name}(): argument 'A' must be Tensor, not {type(A).__name__}")
    if A.ndim < 2:
        raise RuntimeError(f"linalg.{name}: The input tensor A must have at least 2 dimensions, got shape {list(A.shape)}")
    if A._data.dtype.kind != "f":
        raise RuntimeError(f"linalg.{name}: Expected a floating point tensor as input. Got {A.dtype}")


def _no_gradient(name: str, A: Tensor) -> None:
    if A.requires_grad and is_grad_enabled():
        raise NotImplementedError(f"linalg.{name}: minitorch has no gradient for {name}; use svd, eigh, "
                                  "pinv or lstsq, which do, or call it on A.detach()")


def _eps(A: Tensor) -> float:
    return float(np.finfo(A._data.dtype).eps)


# the older ``torch.*`` spellings
inverse = inv
pinverse = pinv


def logdet(A: Tensor) -> Tensor:
    """log det A (NaN when det A < 0, as in PyTorch)."""
    sign, logabsdet = slogdet(A)
    return _logdet(sign, logabsdet)


def _logdet(sign: Tensor, logabsdet: Tensor) -> Tensor:
    xp = array_module(sign._data)
    nan_where_negative = Tensor._wrap(xp.where(sign._data < 0, xp.nan, 0.0).astype(logabsdet._data.dtype))
    return logabsdet + nan_where_negative
