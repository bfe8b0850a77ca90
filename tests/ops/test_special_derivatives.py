"""Higher derivatives of the special functions: ψ⁽ⁿ⁾ (polygamma) in NumPy, and third derivatives of
elementwise ops through the graph (each derivative is itself a differentiable op)."""
import math

import numpy as np
import pytest

import minitorch
from minitorch.ops.special import polygamma_array
from minitorch.testing import assert_close

torch = pytest.importorskip("torch")

ZETA_3 = 1.2020569031595942


@pytest.mark.parametrize("n, x, expected", [
    (1, 1.0, math.pi**2 / 6),  # ψ'(1) = ζ(2)
    (1, 0.5, math.pi**2 / 2),
    (2, 1.0, -2 * ZETA_3),  # ψ''(1) = -2ζ(3)
    (3, 1.0, math.pi**4 / 15),  # ψ'''(1) = 6ζ(4)
    (1, -0.5, math.pi**2 / 2 + 4),  # ψ'(x) = ψ'(x+1) + 1/x²
    (2, -0.5, -14 * ZETA_3 + 16),  # ψ''(x) = ψ''(x+1) - 2/x³, ψ''(½) = -14ζ(3)
])
def test_polygamma_known_values(n, x, expected):
    assert polygamma_array(n, np.array([x]))[0] == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_polygamma_matches_pytorch(n):
    x = np.concatenate([np.linspace(-3.95, -0.05, 40), np.linspace(0.05, 40, 80), [1e3, 1e6]])
    # PyTorch's trigamma keeps three Bernoulli terms (relative error ~1e-10); n ≥ 2 goes through zeta
    assert_close(polygamma_array(n, x), torch.polygamma(n, torch.tensor(x)), rtol=1e-9 if n == 1 else 1e-11, atol=0)


def test_polygamma_poles():
    assert np.all(polygamma_array(2, np.array([0.0, -1.0, -3.0])) == -np.inf)
    assert np.all(polygamma_array(3, np.array([0.0, -2.0])) == np.inf)
    assert polygamma_array(1, np.array([0.0]))[0] == np.inf


def test_polygamma_keeps_float32():
    assert polygamma_array(2, np.array([1.5, 2.5], dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize("name", ["digamma", "lgamma", "erf", "erfinv", "tanh", "sigmoid", "atan2", "logaddexp", "pow"])
def test_third_derivative_matches_pytorch(name):
    ops = {"digamma": lambda t: t.digamma(), "lgamma": lambda t: (t.abs() + 0.2).lgamma(), "erf": lambda t: t.erf(),
           "erfinv": lambda t: (t / 3).erfinv(), "tanh": lambda t: t.tanh(), "sigmoid": lambda t: t.sigmoid(),
           "atan2": lambda t: t.atan2(t * t + 1), "logaddexp": lambda t: t.logaddexp(t * t),
           "pow": lambda t: (t.abs() + 0.5) ** t}

    def derivatives(lib):
        x = lib.tensor(np.array([0.3, 1.7, 2.5, -0.6]), requires_grad=True)
        first, = lib.autograd.grad(ops[name](x).sum(), [x], create_graph=True)
        second, = lib.autograd.grad(first.sum(), [x], create_graph=True)
        third, = lib.autograd.grad(second.sum(), [x])
        return first, second, third

    for ours, theirs in zip(derivatives(minitorch), derivatives(torch)):
        assert_close(ours, theirs, rtol=1e-8, atol=1e-12)


def test_digamma_gradgradcheck_is_a_third_derivative_check():
    x = minitorch.tensor(np.array([0.4, 1.3, 3.2, -1.7]), requires_grad=True)
    assert minitorch.gradgradcheck(lambda t: minitorch.autograd.grad(t.digamma().sum(), [t], create_graph=True)[0], [x])
