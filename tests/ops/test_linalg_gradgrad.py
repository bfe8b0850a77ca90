"""Higher-order gradients of the linear-algebra ops beyond the op table's second-order column:

* third derivatives against PyTorch: each decomposition's backward is written with differentiable
  ops (``xp.linalg.inv``/``solve``, the SVD's and eigh's outputs), so it can be differentiated twice;
* ``pdist`` and ``cdist`` to second order by finite differences (``gradgradcheck``), since
  PyTorch has no double backward for them to compare with.
"""
import numpy as np
import pytest

import minitorch

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)
SQUARE = RNG.uniform(-0.4, 0.4, (3, 3))
TALL = RNG.uniform(-0.4, 0.4, (4, 3))
RHS = RNG.standard_normal((3, 2))
ROWS = RNG.standard_normal((4, 3))


def dominant(lib, a):
    return a + 4 * lib.eye(3, dtype=a.dtype)


def spd(lib, a):
    """Symmetric positive-definite, eigenvalues near 9, 5 and 1."""
    return a + a.mT + lib.tensor([[9.0, 0, 0], [0, 5, 0], [0, 0, 1]], dtype=a.dtype)


def separated(lib, a):
    """4x3 with singular values near 6, 3 and 1."""
    return a + lib.tensor([[6.0, 0, 0], [0, 3, 0], [0, 0, 1], [0, 0, 0]], dtype=a.dtype)


def polar_factor(usv):
    """U·Vh, which the signs of U's columns and Vh's rows do not change."""
    return usv.U @ usv.Vh


THIRD_ORDER = {
    "inv": (lambda lib, a: lib.linalg.inv(dominant(lib, a)), [SQUARE]),
    "det": (lambda lib, a: lib.linalg.det(dominant(lib, a)), [SQUARE]),
    "slogdet": (lambda lib, a: lib.linalg.slogdet(dominant(lib, a)).logabsdet, [SQUARE]),
    "solve": (lambda lib, a, b: lib.linalg.solve(dominant(lib, a), b), [SQUARE, RHS]),
    "cholesky": (lambda lib, a: lib.linalg.cholesky(spd(lib, a)), [SQUARE]),
    "cholesky_upper": (lambda lib, a: lib.linalg.cholesky(spd(lib, a), upper=True), [SQUARE]),
    "eigh": (lambda lib, a: lib.linalg.eigh(spd(lib, a)).eigenvectors ** 2 + lib.linalg.eigvalsh(spd(lib, a)),
             [SQUARE]),
    "svdvals_tall": (lambda lib, a: lib.linalg.svdvals(separated(lib, a)), [TALL]),
    "svdvals_wide": (lambda lib, a: lib.linalg.svdvals(separated(lib, a).mT), [TALL]),
    "svd_polar_factor": (lambda lib, a: polar_factor(lib.linalg.svd(separated(lib, a), full_matrices=False)), [TALL]),
    "pinv": (lambda lib, a: lib.linalg.pinv(separated(lib, a)), [TALL]),
    "matrix_norm_nuc": (lambda lib, a: lib.linalg.matrix_norm(separated(lib, a), "nuc"), [TALL]),
    "normalize": (lambda lib, x: lib.nn.functional.normalize(x), [ROWS]),
    "normalize_p3": (lambda lib, x: lib.nn.functional.normalize(x, p=3.0, dim=0), [ROWS]),
    "pairwise_distance": (lambda lib, x, y: lib.nn.functional.pairwise_distance(x, y), [ROWS, TALL]),
    "cross": (lambda lib, x, y: lib.linalg.cross(x * x, y), [ROWS, TALL]),
}


def third_derivative(lib, fn, arrays):
    """d/dx Σ h², h = d/dx Σ g², g = d/dx Σ w·fn(x, ...): three backward passes, two with create_graph."""
    xs = [lib.tensor(a, requires_grad=True) for a in arrays]
    y = fn(lib, *xs)
    w = lib.tensor(np.linspace(-1.0, 1.0, y.numel()).reshape(tuple(y.shape)))
    (g,) = lib.autograd.grad((y * w).sum(), xs[:1], create_graph=True)
    (h,) = lib.autograd.grad((g * g).sum(), xs[:1], create_graph=True)
    (t,) = lib.autograd.grad((h * h).sum(), xs[:1])
    return t.detach().numpy()


@pytest.mark.parametrize("name", THIRD_ORDER)
def test_third_derivative_matches_pytorch(name):
    fn, arrays = THIRD_ORDER[name]
    np.testing.assert_allclose(third_derivative(minitorch, fn, arrays), third_derivative(torch, fn, arrays),
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0])
def test_pdist_and_cdist_second_order_by_finite_differences(p):
    """PyTorch raises "the derivative for '_pdist_backward' / '_cdist_backward' is not implemented";
    minitorch's are compositions of differentiable ops, so they have one."""
    x = minitorch.tensor(ROWS, requires_grad=True)
    a = minitorch.tensor(RNG.standard_normal((2, 3, 2)), requires_grad=True)
    b = minitorch.tensor(RNG.standard_normal((2, 4, 2)), requires_grad=True)
    assert minitorch.gradgradcheck(lambda x: minitorch.nn.functional.pdist(x, p), [x])
    assert minitorch.gradgradcheck(lambda a, b: minitorch.cdist(a, b, p), [a, b])
