"""Op-table cases of tensor surface B: einsum, the products built on it and on matmul, and
torch.linalg (inputs built to be well-conditioned: diagonally dominant, well-separated spectra)."""
from __future__ import annotations

import math
import warnings

import numpy as np

from tests.ops.cases.base import OpCase, args, floats, matmul_pair

SMALL_ENTRIES = dict(min_value=-0.4, max_value=0.4)


def _dominant(lib, a):
    """A well-conditioned square matrix: small entries plus 4 on the diagonal."""
    return a + 4 * lib.eye(a.shape[-1], dtype=a.dtype, device=a.device)


def _spd(lib, a):
    """Symmetric positive-definite with eigenvalues near 9, 5 and 1 (well apart)."""
    return a + a.mT + lib.tensor([[9.0, 0, 0], [0, 5, 0], [0, 0, 1]], dtype=a.dtype, device=a.device)


def _cross_default(lib, a, b):
    """``cross`` without ``dim`` (PyTorch warns that this default will change; minitorch keeps it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return lib.cross(a, b)


def _untied_sums(shape, summed, over):
    """Entries whose absolute sums over axis ``summed`` are well apart along axis ``over``: the 1- and
    ∞-norms pick the largest (smallest) sum, and their gradient jumps where two sums tie."""
    def apart(inputs):
        sums = np.sort(np.abs(inputs[0]).sum(axis=summed), axis=over)
        return bool((np.diff(sums, axis=over) > 1e-2).all())
    return args(floats(shape, distinct=True, avoid=(0.0,))).filter(apart)


def _sign_free(usv, columns=None):
    """What of an SVD does not depend on the signs of U's columns and Vh's rows: their squares,
    S, and U·Vh (the two signs cancel); ``columns``: the k columns of U that are not arbitrary."""
    u, s, vh = usv
    u = u if columns is None else u[:, :columns]
    return u ** 2, s, vh ** 2, u @ vh


def _separated(lib, a):
    """A 4x3 matrix whose singular values sit near 6, 3 and 1."""
    return a + lib.tensor([[6.0, 0, 0], [0, 3, 0], [0, 0, 1], [0, 0, 0]], dtype=a.dtype, device=a.device)

CASES = [
    OpCase("einsum_matmul", lambda lib, a, b: lib.einsum("ij,jk->ik", a, b), matmul_pair("nk", "km")),
    OpCase("einsum_implicit", lambda lib, a, b: lib.einsum("ij,jk", a, b), matmul_pair("nk", "km")),
    OpCase("einsum_batched", lambda lib, a, b: lib.einsum("bij,bjk->bik", a, b), matmul_pair("bnk", "bkm")),
    OpCase("einsum_ellipsis", lambda lib, a, b: lib.einsum("...ij,...jk->...ik", a, b), matmul_pair("bnk", "km")),
    OpCase("einsum_trace", lambda lib, x: lib.einsum("ii", x), args(floats((3, 3)))),
    OpCase("einsum_diagonal", lambda lib, x: lib.einsum("ii->i", x), args(floats((3, 3)))),
    OpCase("einsum_batch_diagonal_times", lambda lib, x, v: lib.einsum("bii,i->bi", x, v),
           args(floats((2, 3, 3)), floats((3,)))),
    OpCase("einsum_sum_out", lambda lib, x: lib.einsum("abc->ca", x), args(floats((2, 3, 4)))),
    OpCase("einsum_three", lambda lib, a, b, c: lib.einsum("ij,jk,kl->il", a, b, c),
           args(floats((2, 3)), floats((3, 2)), floats((2, 2)))),
    OpCase("einsum_broadcast_one", lambda lib, a, b: lib.einsum("ij,kj->ik", a, b),
           args(floats((2, 3)), floats((1, 3)))),
    OpCase("einsum_list", lambda lib, a, b: lib.einsum("i,j->ij", [a, b]), args(floats((3,)), floats((2,)))),
    OpCase("outer", lambda lib, a, b: lib.outer(a, b), args(floats((3,)), floats((2,)))),
    OpCase("inner", lambda lib, a, b: lib.inner(a, b), args(floats((2, 3)), floats((4, 3)))),
    OpCase("inner_scalar", lambda lib, a, b: lib.inner(a, b), args(floats(()), floats((2,)))),
    OpCase("mv", lambda lib, m, v: lib.mv(m, v), matmul_pair("nk", "k")),
    OpCase("addmm", lambda lib, c, a, b: lib.addmm(c, a, b), args(floats((3,)), floats((2, 4)), floats((4, 3)))),
    OpCase("addmm_scaled", lambda lib, c, a, b: c.addmm(a, b, beta=0.5, alpha=-2.0),
           args(floats((2, 3)), floats((2, 4)), floats((4, 3)))),
    OpCase("addmv", lambda lib, c, m, v: lib.addmv(c, m, v, alpha=3.0), args(floats((2,)), floats((2, 3)), floats((3,)))),
    OpCase("baddbmm", lambda lib, c, a, b: lib.baddbmm(c, a, b, beta=2.0),
           args(floats((1, 2, 3)), floats((2, 2, 4)), floats((2, 4, 3)))),
    OpCase("tensordot_int", lambda lib, a, b: lib.tensordot(a, b, dims=2), args(floats((2, 3, 4)), floats((3, 4, 2)))),
    OpCase("tensordot_lists", lambda lib, a, b: lib.tensordot(a, b, dims=([0, 2], [1, 0])),
           args(floats((2, 3, 4)), floats((4, 2)))),
    OpCase("kron", lambda lib, a, b: lib.kron(a, b), args(floats((2, 3)), floats((2, 2)))),
    OpCase("kron_mixed_dims", lambda lib, a, b: lib.kron(a, b), args(floats((3,)), floats((2, 2)))),
    OpCase("matrix_power_3", lambda lib, x: lib.matrix_power(x, 3), args(floats((3, 3), min_value=-1, max_value=1))),
    OpCase("matrix_power_batched", lambda lib, x: x.matrix_power(2), args(floats((2, 2, 2)))),
    OpCase("matrix_power_0", lambda lib, x: lib.linalg.matrix_power(x, 0), args(floats((2, 2))), gradcheck=False),
    OpCase("linalg_inv", lambda lib, a: lib.linalg.inv(_dominant(lib, a)), args(floats((3, 3), **SMALL_ENTRIES))),
    OpCase("linalg_inv_batched", lambda lib, a: lib.inverse(_dominant(lib, a)), args(floats((2, 3, 3), **SMALL_ENTRIES))),
    OpCase("linalg_det", lambda lib, a: lib.linalg.det(_dominant(lib, a)), args(floats((2, 3, 3), **SMALL_ENTRIES))),
    OpCase("linalg_slogdet", lambda lib, a: lib.linalg.slogdet(a - 4 * lib.eye(3, dtype=a.dtype, device=a.device)).logabsdet,
           args(floats((3, 3), **SMALL_ENTRIES))),
    OpCase("linalg_slogdet_both", lambda lib, a: lib.slogdet(a - 4 * lib.eye(3, dtype=a.dtype, device=a.device)),
           args(floats((3, 3), **SMALL_ENTRIES)), grad=(), gradcheck=False),
    OpCase("logdet", lambda lib, a: lib.logdet(_spd(lib, a)), args(floats((3, 3), **SMALL_ENTRIES))),
    OpCase("linalg_solve_matrix", lambda lib, a, b: lib.linalg.solve(_dominant(lib, a), b),
           args(floats((3, 3), **SMALL_ENTRIES), floats((3, 2)))),
    OpCase("linalg_solve_vector", lambda lib, a, b: lib.linalg.solve(_dominant(lib, a), b),
           args(floats((3, 3), **SMALL_ENTRIES), floats((3,)))),
    OpCase("linalg_solve_broadcast", lambda lib, a, b: lib.linalg.solve(_dominant(lib, a), b),
           args(floats((3, 3), **SMALL_ENTRIES), floats((2, 3, 2)))),
    OpCase("linalg_solve_batched_a", lambda lib, a, b: lib.linalg.solve(_dominant(lib, a), b),
           args(floats((2, 3, 3), **SMALL_ENTRIES), floats((3, 2)))),  # B's gradient summed over A's batch
    OpCase("linalg_solve_right", lambda lib, a, b: lib.linalg.solve(_dominant(lib, a), b, left=False),
           args(floats((3, 3), **SMALL_ENTRIES), floats((2, 3)))),
    OpCase("linalg_cholesky", lambda lib, a: lib.linalg.cholesky(_spd(lib, a)), args(floats((3, 3), **SMALL_ENTRIES))),
    OpCase("linalg_cholesky_upper", lambda lib, a: lib.linalg.cholesky(_spd(lib, a), upper=True),
           args(floats((3, 3), **SMALL_ENTRIES))),
    OpCase("linalg_eigh_values", lambda lib, a: lib.linalg.eigh(_spd(lib, a)).eigenvalues,
           args(floats((3, 3), **SMALL_ENTRIES))),
    OpCase("linalg_eigh_vectors_squared", lambda lib, a: lib.linalg.eigh(_spd(lib, a))[1] ** 2,
           args(floats((3, 3), **SMALL_ENTRIES)), rtol=1e-6, atol=1e-9),
    OpCase("linalg_eigvalsh", lambda lib, a: lib.linalg.eigvalsh(_spd(lib, a)), args(floats((3, 3), **SMALL_ENTRIES))),
    OpCase("linalg_svdvals", lambda lib, a: lib.linalg.svdvals(_separated(lib, a)), args(floats((4, 3), **SMALL_ENTRIES))),
    # U and Vh are unique up to column (row) signs, which NumPy and PyTorch may pick differently: sign-free functions
    OpCase("linalg_svd_reduced", lambda lib, a: _sign_free(lib.linalg.svd(_separated(lib, a), full_matrices=False)),
           args(floats((4, 3), **SMALL_ENTRIES))),
    OpCase("linalg_svd_full", lambda lib, a: _sign_free(lib.linalg.svd(_separated(lib, a)), columns=3),
           args(floats((4, 3), **SMALL_ENTRIES))),
    OpCase("linalg_svd_wide", lambda lib, a: _sign_free(lib.linalg.svd(_separated(lib, a).mT, full_matrices=False)),
           args(floats((4, 3), **SMALL_ENTRIES))),
    OpCase("linalg_pinv", lambda lib, a: lib.linalg.pinv(_separated(lib, a)), args(floats((4, 3), **SMALL_ENTRIES)),
           rtol=1e-6, atol=1e-9),
    OpCase("pinverse_wide", lambda lib, a: lib.pinverse(_separated(lib, a).mT), args(floats((4, 3), **SMALL_ENTRIES)),
           rtol=1e-6, atol=1e-9),
    OpCase("linalg_lstsq", lambda lib, a, b: lib.linalg.lstsq(_separated(lib, a), b).solution,
           args(floats((4, 3), **SMALL_ENTRIES), floats((4, 2))), rtol=1e-6, atol=1e-9),
    OpCase("linalg_matrix_norm_fro", lambda lib, a: lib.linalg.matrix_norm(a), args(floats((2, 3, 4), avoid=(0.0,)))),
    OpCase("linalg_matrix_norm_nuc", lambda lib, a: lib.linalg.matrix_norm(_separated(lib, a), "nuc"),
           args(floats((4, 3), **SMALL_ENTRIES))),
    OpCase("linalg_matrix_norm_2", lambda lib, a: lib.linalg.matrix_norm(_separated(lib, a), 2, keepdim=True),
           args(floats((4, 3), **SMALL_ENTRIES))),
    OpCase("linalg_matrix_norm_minus2", lambda lib, a: lib.linalg.matrix_norm(_separated(lib, a), -2),
           args(floats((4, 3), **SMALL_ENTRIES))),
    OpCase("linalg_matrix_norm_1", lambda lib, a: lib.linalg.matrix_norm(a, 1), _untied_sums((3, 4), 0, 0)),
    OpCase("linalg_matrix_norm_inf_dims", lambda lib, a: lib.linalg.matrix_norm(a, -math.inf, dim=(0, 2), keepdim=True),
           _untied_sums((3, 2, 4), 2, 0)),
    OpCase("linalg_norm_default", lambda lib, a: lib.linalg.norm(a), args(floats((2, 3, 2), avoid=(0.0,)))),
    OpCase("linalg_norm_matrix_ord", lambda lib, a: lib.linalg.norm(a, "fro"), args(floats((3, 2), avoid=(0.0,)))),
    OpCase("linalg_vector_norm_3", lambda lib, a: lib.linalg.vector_norm(a, 3, dim=1), args(floats((2, 3), avoid=(0.0,)))),
    OpCase("linalg_vector_norm_1", lambda lib, a: lib.linalg.vector_norm(a, 1, dim=(0, 2), keepdim=True),
           args(floats((2, 3, 2), avoid=(0.0,)))),
    OpCase("linalg_vector_norm_inf", lambda lib, a: lib.linalg.vector_norm(a, math.inf),
           args(floats((2, 3), min_value=0.5, distinct=True))),
    OpCase("linalg_vector_norm_0", lambda lib, a: lib.linalg.vector_norm(a, 0), args(floats((2, 3))), gradcheck=False),
    OpCase("linalg_multi_dot", lambda lib, a, b, c: lib.linalg.multi_dot([a, b, c]),
           args(floats((3,)), floats((3, 2)), floats((2, 4)))),
    OpCase("cross_default_dim", lambda lib, a, b: _cross_default(lib, a, b), args(floats((2, 3)), floats((2, 3)))),
    OpCase("cross_dim0", lambda lib, a, b: a.cross(b, dim=0), args(floats((3, 2)), floats((3, 2)))),
    OpCase("linalg_cross", lambda lib, a, b: lib.linalg.cross(a, b), args(floats((2, 3)), floats((1, 3)))),
    # cdist: PyTorch has no double backward ("the derivative for '_cdist_backward' is not implemented")
    OpCase("cdist_2", lambda lib, a, b: lib.cdist(a, b), args(floats((3, 2), distinct=True), floats((4, 2), distinct=True)),
           gradgrad=False),
    OpCase("cdist_1_batched", lambda lib, a, b: lib.cdist(a, b, p=1),
           args(floats((2, 3, 2), distinct=True), floats((2, 2, 2), distinct=True)), gradgrad=False),
]
