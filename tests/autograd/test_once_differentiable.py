"""``@once_differentiable`` against PyTorch's: first-order use unchanged, the backward runs without
recording, and a second derivative through it raises PyTorch's error."""
import numpy as np
import pytest

import minitorch
from minitorch.testing import assert_close

torch = pytest.importorskip("torch")

LIBS = [minitorch, torch]
MESSAGE = "trying to differentiate twice a function that was marked with @once_differentiable"


def square(lib, record=None):
    """x² with a backward that leaves the graph (as a NumPy or hand-written kernel would)."""
    class Square(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @lib.autograd.function.once_differentiable
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            if record is not None:
                record.append((lib.is_grad_enabled(), grad.requires_grad))
            return 2 * x * grad

    return Square


def leaf(lib):
    return lib.tensor(np.array([1.0, -2.0, 0.5]), requires_grad=True)


@pytest.mark.parametrize("lib", LIBS, ids=["minitorch", "torch"])
def test_first_order_use_is_unchanged(lib):
    x = leaf(lib)
    (square(lib).apply(x) * 3).sum().backward()
    assert_close(x.grad, np.array([6.0, -12.0, 3.0]))


@pytest.mark.parametrize("lib", LIBS, ids=["minitorch", "torch"])
def test_the_backward_runs_without_recording(lib):
    seen = []
    x = leaf(lib)
    (g,) = lib.autograd.grad(square(lib, seen).apply(x).sum(), x, create_graph=True)
    assert seen == [(False, False)]
    assert not g.requires_grad  # nothing upstream required grad: a plain result, as without the decorator


@pytest.mark.parametrize("lib", LIBS, ids=["minitorch", "torch"])
def test_differentiating_twice_raises(lib):
    seen = []
    x = leaf(lib)
    y = square(lib, seen).apply(x)
    (g,) = lib.autograd.grad((y ** 2).sum(), x, create_graph=True)  # the upstream gradient 2y requires grad
    assert seen == [(False, True)]
    assert g.requires_grad and g.grad_fn is not None
    assert_close(g.detach(), 4 * x.detach() ** 3)
    with pytest.raises(RuntimeError, match=MESSAGE):
        g.sum().backward()


@pytest.mark.parametrize("lib", LIBS, ids=["minitorch", "torch"])
def test_other_paths_still_differentiate(lib):
    """Only the gradient that flowed through the marked backward is refused; a second derivative
    that never meets it is fine."""
    x, w = leaf(lib), leaf(lib)
    y = (square(lib).apply(x) + w ** 3).sum()
    gx, gw = lib.autograd.grad(y, (x, w), create_graph=True)
    assert not gx.requires_grad
    (hw,) = lib.autograd.grad(gw.sum(), w)
    assert_close(hw, 6 * w.detach())


def test_importable_from_both_places():
    from minitorch.autograd.function import once_differentiable
    from minitorch.autograd.once_differentiable import once_differentiable as same
    assert once_differentiable is same


@pytest.mark.parametrize("lib", LIBS, ids=["minitorch", "torch"])
def test_called_under_no_grad_the_result_stays_plain(lib):
    op, x = square(lib), leaf(lib)
    y = op.apply(x)
    with lib.no_grad():
        result = op.backward(y.grad_fn, lib.ones(3, dtype=lib.float64, requires_grad=True))
    assert not result.requires_grad and result.grad_fn is None
