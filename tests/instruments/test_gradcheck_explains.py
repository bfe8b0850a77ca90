"""gradcheck that explains: which input and element, both values, kinks and ties; fast_mode."""
import re
import warnings

import pytest

import minitorch


def leaf(values, backend="cpu"):
    return minitorch.tensor(values, dtype=minitorch.float64, requires_grad=True, device=backend)


class WrongCube(minitorch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x * x  # should be 3x²


def test_failure_names_input_element_and_values(backend: str) -> None:
    x, y = leaf([1.0, 2.0], backend), leaf([[0.5, -1.0], [2.0, 3.0]], backend)
    with pytest.raises(minitorch.autograd.GradcheckError) as caught:
        minitorch.gradcheck(lambda a, b: a.sum() + WrongCube.apply(b), (x, y))
    message = str(caught.value)
    assert "with respect to input 1" in message
    assert "d output0[1, 1] / d input1[1, 1] at input1[1, 1] = 3" in message
    assert re.search(r"analytic 18 vs numerical 27", message), message
    assert "kink" not in message


def test_kinks_and_ties_are_named() -> None:
    x = leaf([0.0, 1.0, -2.0])  # relu has no derivative at 0: the central difference says 0.5
    with pytest.warns(RuntimeWarning, match=r"input0\[0\] = 0 sits at a kink or a tie"):
        with pytest.raises(minitorch.autograd.GradcheckError, match="finite differences are meaningless"):
            minitorch.gradcheck(minitorch.relu, (x,))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert minitorch.gradcheck(minitorch.relu, (x,), raise_exception=False) is False
    assert any("kink" in str(w.message) for w in caught)


def test_fast_mode_agrees_with_pytorch_and_explains_a_failure(backend: str) -> None:
    torch = pytest.importorskip("torch")
    values = [[0.3, 1.0], [-2.0, 4.0]]
    fn = lambda t: (t * t).tanh() @ t  # noqa: E731
    assert minitorch.gradcheck(fn, (leaf(values, backend),), fast_mode=True)
    assert torch.autograd.gradcheck(fn, (torch.tensor(values, dtype=torch.float64, requires_grad=True),),
                                    fast_mode=True)
    with pytest.raises(minitorch.autograd.GradcheckError) as caught:
        minitorch.gradcheck(WrongCube.apply, (leaf(values, backend),), fast_mode=True)
    message = str(caught.value)
    assert "in fast mode" in message and "v·J·u" in message
    assert "the full check (fast_mode=False) says" in message and "analytic 32 vs numerical 48" in message
    quiet = minitorch.gradcheck(WrongCube.apply, (leaf(values, backend),), fast_mode=True, raise_exception=False)
    assert quiet is False


def test_fast_mode_leaves_the_inputs_unchanged() -> None:
    x = leaf([0.25, -0.5, 2.0])
    before = x.tolist()
    minitorch.gradcheck(lambda t: t.exp(), (x,), fast_mode=True)
    assert x.tolist() == before
