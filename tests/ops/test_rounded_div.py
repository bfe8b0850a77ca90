"""``div(a, b, rounding_mode=...)``, ``floor_divide`` and ``//``: values, dtypes, gradients and errors as PyTorch."""
import numpy as np
import pytest

import minitorch

torch = pytest.importorskip("torch")

VALUES = [7.5, -7.5, 6.0, -6.0, 0.5, -0.5]
DIVISORS = [2.0, 2.0, -4.0, 4.0, 3.0, -3.0]


@pytest.mark.parametrize("mode", ["trunc", "floor"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_rounded_div_matches_torch(mode: str, dtype: str) -> None:
    a, b = np.array(VALUES).astype(dtype), np.array(DIVISORS).astype(dtype)
    ours = minitorch.div(minitorch.tensor(a), minitorch.tensor(b), rounding_mode=mode)
    theirs = torch.div(torch.tensor(a), torch.tensor(b), rounding_mode=mode)
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("divisor", [2, -2, 2.5])
def test_rounded_div_by_a_number_and_floordiv_operators(divisor) -> None:
    a = np.array([7, -7, 6, -1])
    for mode in ("trunc", "floor"):
        ours = minitorch.div(minitorch.tensor(a), divisor, rounding_mode=mode)
        theirs = torch.div(torch.tensor(a), divisor, rounding_mode=mode)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    np.testing.assert_array_equal((minitorch.tensor(a) // divisor).numpy(), (torch.tensor(a) // divisor).numpy())
    np.testing.assert_array_equal((10 // minitorch.tensor(a)).numpy(), (10 // torch.tensor(a)).numpy())
    np.testing.assert_array_equal(
        minitorch.floor_divide(minitorch.tensor(a), divisor).numpy(), torch.floor_divide(torch.tensor(a), divisor).numpy()
    )


def test_rounded_div_is_a_graph_node_with_zero_gradient() -> None:
    """PyTorch keeps requires_grad and defines the gradient of a step function as 0."""
    a = minitorch.tensor([3.5, -2.5], requires_grad=True)
    b = minitorch.tensor([2.0, 2.0], requires_grad=True)
    y = minitorch.div(a * 1, b, rounding_mode="floor")
    assert y.requires_grad and y.grad_fn is not None
    y.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(b.grad.numpy(), [0.0, 0.0])


def test_rounded_div_errors() -> None:
    with pytest.raises(RuntimeError, match=r"rounding_mode to be one of None, 'trunc', or 'floor'"):
        minitorch.div(minitorch.ones(2), 2, rounding_mode="round")
    with pytest.raises(RuntimeError, match=r"\[2\] and \[3\]"):  # names both shapes, not NumPy's ValueError
        minitorch.div(minitorch.ones(2), minitorch.ones(3), rounding_mode="floor")
