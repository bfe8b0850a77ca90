"""Third derivatives of the reductions and scans against PyTorch (the op table checks up to the second).

A backward that is itself an op (prod's products of the others, cumprod's written-out products at
zeros, sort's and cummax's gather) must be differentiable again: here the gradient of
``Σ u·∂(Σ w·g)/∂x`` with ``g = vᵀ·∂f/∂x``, every step with ``create_graph=True``, on the CPU and
on the CuPy stand-in.
"""
import numpy as np
import pytest

import minitorch

torch = pytest.importorskip("torch")

MATRIX = np.array([[0.7, -1.3, 2.1, 0.4], [1.6, 0.9, -0.5, -2.2], [-1.1, 1.9, 0.3, 1.4]])
WITH_ZEROS = np.array([[1.5, 0.0, 2.0, 0.0, 3.0], [0.0, 1.0, -2.0, 0.5, 0.0], [0.8, -1.2, 0.0, 1.1, 2.4]])

CASES = {
    "std_dim": (lambda lib, x: x.std(1), MATRIX),
    "std": (lambda lib, x: x.std(), MATRIX),
    "prod_dim": (lambda lib, x: x.prod(1), MATRIX),
    "prod_dim_zeros": (lambda lib, x: x.prod(1), WITH_ZEROS),
    "prod_zeros": (lambda lib, x: x.prod(), WITH_ZEROS[:2, :3]),
    "cumprod": (lambda lib, x: x.cumprod(1), MATRIX),
    "cumprod_zeros": (lambda lib, x: x.cumprod(1), WITH_ZEROS),
    "cumprod_zeros_dim0": (lambda lib, x: x.cumprod(0), WITH_ZEROS),
    "logsumexp": (lambda lib, x: lib.logsumexp(x, 1), MATRIX),
    "vector_norm_3": (lambda lib, x: lib.linalg.vector_norm(x, 3, dim=1), MATRIX),
    "vector_norm_2": (lambda lib, x: x.norm(dim=0), MATRIX),
    "max_dim_cubed": (lambda lib, x: x.max(1).values ** 3, MATRIX),
    "amax_cubed": (lambda lib, x: x.amax(0) ** 3, MATRIX),
    "sort_cubed": (lambda lib, x: x.sort(1).values ** 3, MATRIX),
    "topk_cubed": (lambda lib, x: x.topk(2, 0).values ** 3, MATRIX),
    "median_cubed": (lambda lib, x: x.median(1).values ** 3, MATRIX),
    "cummax_cubed": (lambda lib, x: x.cummax(1).values ** 3, MATRIX),
}


def third_derivative(lib, fn, x0, device=None):
    rng = np.random.default_rng(3)
    make = (lambda a, **kw: lib.tensor(a, device=device, **kw)) if lib is minitorch else lib.tensor
    x = make(x0, requires_grad=True)
    y = fn(lib, x)
    v, w, u = (make(rng.standard_normal(tuple(shape))) for shape in (y.shape, x0.shape, x0.shape))
    (g,) = lib.autograd.grad(y, x, v, create_graph=True)
    (h,) = lib.autograd.grad((g * w).sum(), x, create_graph=True)
    (t,) = lib.autograd.grad((h * u).sum(), x)
    return h, t


@pytest.mark.parametrize("name", CASES)
def test_third_derivative_matches_pytorch(name, backend):
    fn, x0 = CASES[name]
    ours_h, ours_t = third_derivative(minitorch, fn, x0, backend)
    theirs_h, theirs_t = third_derivative(torch, fn, x0)
    for ours, theirs in ((ours_h, theirs_h), (ours_t, theirs_t)):
        np.testing.assert_allclose(ours.detach().cpu().numpy(), theirs.detach().numpy(force=True),
                                   rtol=1e-7, atol=1e-10)
