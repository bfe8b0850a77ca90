"""``gradgradcheck``: second derivatives from double backward against finite differences of the
first derivative, with PyTorch's name and arguments; and the core pieces the double backward rests on."""
import numpy as np
import pytest

import minitorch
from minitorch.autograd.gradcheck import GradcheckError

torch = pytest.importorskip("torch")


class CubeWrongSecond(minitorch.autograd.Function):
    """x³ whose backward is right at first order (3x²·g) but whose second derivative is wrong:
    it reads x² from a constant (detached) copy, so d/dx of its backward misses the 6x·g term."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 3 * (x * x).detach() * grad


class Cube(minitorch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 3 * x * x * grad


def leaf(values):
    return minitorch.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def test_gradgradcheck_passes_a_right_double_backward_and_agrees_with_pytorch():
    x = leaf([0.3, -1.2, 2.0])
    assert minitorch.autograd.gradgradcheck(lambda t: (t.tanh() * t).sum(), [x])
    assert minitorch.gradgradcheck(Cube.apply, (x,))
    assert minitorch.autograd.gradgradcheck(Cube.apply, (x,), fast_mode=True)
    reference = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradgradcheck(lambda t: (t.tanh() * t).sum(), [reference])


def test_gradgradcheck_catches_a_wrong_second_derivative():
    x = leaf([0.3, -1.2, 2.0])
    assert minitorch.gradcheck(CubeWrongSecond.apply, (x,))  # first order is right
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        minitorch.autograd.gradgradcheck(CubeWrongSecond.apply, (x,))
    assert not minitorch.autograd.gradgradcheck(CubeWrongSecond.apply, (x,), raise_exception=False)


def test_gradgradcheck_takes_given_and_non_contiguous_upstream_gradients():
    x = leaf([[0.5, 1.5], [-0.5, 2.0]])
    v = minitorch.tensor(np.array([[1.0, -2.0], [0.5, 3.0]]), requires_grad=True)
    assert minitorch.autograd.gradgradcheck(lambda t: t.sin() * t, (x,), grad_outputs=(v,))
    assert minitorch.autograd.gradgradcheck(lambda t: t.sin() * t, (x,), gen_non_contig_grad_outputs=True)


def test_gradgradcheck_needs_a_differentiable_input():
    with pytest.raises(ValueError, match="requires_grad=True"):
        minitorch.autograd.gradgradcheck(lambda t: t * 2, (minitorch.tensor([1.0], dtype=minitorch.float64),))


def test_a_saved_zero_dim_output_stays_wired_to_its_node():
    """exp of a 0-d tensor: NumPy returns a scalar, which the op saved; the saved output must
    still be recognised as the output, or its second derivative would vanish."""
    x = minitorch.tensor(0.5, dtype=minitorch.float64, requires_grad=True)
    (g,) = minitorch.autograd.grad(x.exp(), x, create_graph=True)
    (h,) = minitorch.autograd.grad(g, x)
    assert h.item() == pytest.approx(np.exp(0.5))


def test_call_runs_an_op_on_arrays_unrecorded_and_on_tensors_recorded():
    from minitorch.ops.arithmetic import Mul
    a, b = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    assert isinstance(Mul.call(a, b), np.ndarray)
    x = leaf([1.0, 2.0])
    out = Mul.call(x, b)
    assert isinstance(out, minitorch.Tensor) and out.grad_fn is not None


def test_array_module_of_a_tensor_is_the_differentiable_namespace():
    from minitorch.backend import array_module
    x = leaf([1.0, -2.0])
    xp = array_module(x)
    assert xp is not np and xp.float64 is np.float64
    y = xp.where(x > 0, x, 0.0)
    assert y.grad_fn is not None
    with pytest.raises(AttributeError, match="no differentiable Tensor version"):
        xp.polyfit
