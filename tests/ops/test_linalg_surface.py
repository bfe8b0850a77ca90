"""torch.linalg, einsum and the products: errors (PyTorch's exception types, messages naming
shapes and dtypes), forward-only decompositions, and namespaces."""
import math

import numpy as np
import pytest

import minitorch

torch = pytest.importorskip("torch")


def both(call):
    return call(minitorch), call(torch)


@pytest.mark.parametrize("call, error, pattern", [
    (lambda lib: lib.linalg.inv(lib.zeros(2, 3)), RuntimeError, r"square matrices.*\[2, 3\]"),
    (lambda lib: lib.linalg.inv(lib.zeros(3)), RuntimeError, "square"),
    (lambda lib: lib.linalg.inv(lib.zeros(2, 2)), RuntimeError, "singular"),
    (lambda lib: lib.linalg.inv(lib.eye(2, dtype=lib.int64)), RuntimeError, "floating point.*int64"),
    (lambda lib: lib.linalg.inv([[1.0]]), TypeError, "must be Tensor"),
    (lambda lib: lib.linalg.cholesky(-lib.eye(2)), RuntimeError, "positive-definite"),
    (lambda lib: lib.linalg.solve(lib.eye(3), lib.ones(2)), RuntimeError, r"Incompatible shapes.*3x3 and 2"),
    (lambda lib: lib.linalg.solve(lib.eye(2), lib.ones(2, dtype=lib.float64)), RuntimeError, "same dtype"),
    (lambda lib: lib.linalg.pinv(lib.ones(3)), RuntimeError, "at least 2 dimensions"),
    (lambda lib: lib.linalg.qr(lib.ones(2, 2), mode="full"), RuntimeError, "unrecognized mode"),
    (lambda lib: lib.linalg.matrix_norm(lib.ones(2, 2), 3), RuntimeError, "Order 3 not supported"),
    (lambda lib: lib.linalg.matrix_norm(lib.ones(3)), RuntimeError, "at least 2 dimensions"),
    (lambda lib: lib.linalg.vector_norm(lib.ones(2, dtype=lib.int64)), RuntimeError, "floating point"),
    (lambda lib: lib.linalg.vector_norm(lib.ones(0), math.inf), RuntimeError, "empty"),
    (lambda lib: lib.linalg.norm(lib.ones(2, 2, 2), 2), RuntimeError, "must be 1D or 2D"),
    (lambda lib: lib.einsum("ij,jk->ik", lib.ones(2, 3), lib.ones(4, 5)), RuntimeError, r"\[2, 3\], \[4, 5\]"),
    (lambda lib: lib.einsum("ijk->i", lib.ones(2, 3)), RuntimeError, r"number of subscripts.*\(3\).*\(2\)"),
    (lambda lib: lib.einsum("i,j->ij", lib.ones(2)), RuntimeError, "2 operands"),
    (lambda lib: lib.outer(lib.ones(2, 2), lib.ones(2)), RuntimeError, r"1-D tensor, got shape \[2, 2\]"),
    (lambda lib: lib.mv(lib.ones(2, 3), lib.ones(4)), RuntimeError, r"size mismatch.*2x3.*4"),
    (lambda lib: lib.inner(lib.ones(2, 3), lib.ones(2)), RuntimeError, r"last dimension must match.*\[2, 3\] and \[2\]"),
    (lambda lib: lib.tensordot(lib.ones(2, 3), lib.ones(2, 3), dims=1), RuntimeError, "contracted dimensions need to match"),
    (lambda lib: lib.matrix_power(lib.ones(2, 3), 2), RuntimeError, r"square.*\[2, 3\]"),
    (lambda lib: lib.cross(lib.ones(2, 2), lib.ones(2, 2), dim=1), RuntimeError, "must have length 3"),
    (lambda lib: lib.cdist(lib.ones(2, 3), lib.ones(2, 4)), RuntimeError, "same number of columns"),
    (lambda lib: lib.cdist(lib.ones(3), lib.ones(2, 3)), RuntimeError, "at least 2D"),
])
def test_errors_match_pytorch_types(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call(minitorch)
    with pytest.raises(error):
        call(torch)


def test_qr_and_svd_forward_reconstruct_like_pytorch():
    a = np.random.default_rng(0).standard_normal((2, 4, 3))
    q, r = minitorch.linalg.qr(minitorch.tensor(a))
    tq, tr = torch.linalg.qr(torch.tensor(a))
    assert q.shape == tuple(tq.shape) and r.shape == tuple(tr.shape)
    np.testing.assert_allclose((q @ r).numpy(), a, atol=1e-12)
    np.testing.assert_allclose(np.abs(r.numpy()), np.abs(tr.numpy()), atol=1e-12)  # signs may differ
    u, s, vh = minitorch.linalg.svd(minitorch.tensor(a), full_matrices=False)
    tu, ts, tvh = torch.linalg.svd(torch.tensor(a), full_matrices=False)
    assert u.shape == tuple(tu.shape) and vh.shape == tuple(tvh.shape)
    np.testing.assert_allclose(s.numpy(), ts.numpy(), atol=1e-12)
    np.testing.assert_allclose((u * s.unsqueeze(-2)) @ vh, a, atol=1e-12)
    full = minitorch.linalg.svd(minitorch.tensor(a[0]))
    assert full.U.shape == (4, 4) and full.Vh.shape == (3, 3)
    assert minitorch.linalg.qr(minitorch.tensor(a[0]), mode="complete").Q.shape == (4, 4)


def test_qr_refuses_to_drop_a_gradient():
    x = minitorch.ones(3, 2, requires_grad=True)
    with pytest.raises(NotImplementedError, match="no gradient"):
        minitorch.linalg.qr(x)
    with minitorch.no_grad():
        minitorch.linalg.qr(x)


def test_lstsq_result_fields_and_addmm_beta_zero_ignores_nan():
    a, b = minitorch.eye(3), minitorch.ones(3, 2)
    result = minitorch.linalg.lstsq(a, b)
    assert result.solution.shape == (3, 2) and result.residuals.numel() == 0 and result.rank.dtype is minitorch.int64
    nan = minitorch.full((2, 2), float("nan"))
    out = minitorch.addmm(nan, minitorch.eye(2), minitorch.eye(2), beta=0)
    assert out.tolist() == torch.addmm(torch.full((2, 2), float("nan")), torch.eye(2), torch.eye(2), beta=0).tolist()


def test_names_and_methods():
    x = minitorch.randn(3, 3)
    assert minitorch.inverse is minitorch.linalg.inv and minitorch.pinverse is minitorch.linalg.pinv
    assert minitorch.linalg.matrix_power(x, 2).shape == (3, 3) and x.mv(minitorch.ones(3)).shape == (3,)
    assert x.outer(minitorch.ones(2)).shape == (3, 2) if x.ndim == 1 else True
    assert minitorch.ger(minitorch.ones(2), minitorch.ones(3)).shape == (2, 3)
    assert minitorch.linalg.multi_dot([x, x, x]).shape == (3, 3)
    assert repr(minitorch.linalg.eigh(x + x.mT)).startswith("EighResult(eigenvalues=")


def test_einsum_promotes_dtypes_and_keeps_float32():
    a, b = minitorch.ones(2, 3), minitorch.ones(3, dtype=minitorch.float64)
    assert minitorch.einsum("ij,j->i", a, b).dtype is minitorch.float64
    assert minitorch.einsum("ij->j", a).dtype is minitorch.float32
    assert minitorch.einsum("i j , j -> i", a, a[0]).tolist() == [3.0, 3.0]
