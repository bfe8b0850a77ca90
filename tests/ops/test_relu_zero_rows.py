"""relu on large CPU arrays: compared with rows of zeros in memory order (``unary.max_with_zero``).

The op table's tensors are small, so they take the plain ``maximum(x, 0)``; these cases are large
enough for the zero-row path and check it against PyTorch in every layout it meets: C-ordered,
batch-innermost (a conv/pool output), a strided slice (the fallback), and a size that leaves a
partial row — with NaN, ±inf and ±0 among the values. PyTorch passes the gradient on at NaN (its
backward zeroes it only where y ≤ 0); it keeps -0.0 where NumPy's maximum gives 0.0, an equal
value (checked by name below).
"""
import numpy as np
import pytest

import minitorch
from minitorch.ops import unary
from minitorch.ops.layout import is_batch_innermost

torch = pytest.importorskip("torch")

SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-45, -1e-45]


def values(shape, dtype, seed=0):
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    flat = x.reshape(-1)
    flat[:len(SPECIAL)] = SPECIAL
    flat[-len(SPECIAL):] = SPECIAL
    return x


def c_ordered(dtype):
    return values((4, 8, 33, 37), dtype)  # 39,072 elements: 9 rows of zeros and a partial one


def batch_innermost(dtype):
    return values((8, 32, 32, 16), dtype).transpose(3, 0, 1, 2)  # (N, C, H, W) view of (C, H, W, N)


def strided_slice(dtype):
    return values((16, 8, 32, 64), dtype)[:, :, :, ::2]  # gaps in memory: the plain maximum


def small(dtype):
    return values((3, 5, 7), dtype)  # below ZERO_ROWS_FROM: the plain maximum


LAYOUTS = {"c_ordered": c_ordered, "batch_innermost": batch_innermost, "strided_slice": strided_slice,
           "small": small}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_relu_matches_pytorch_values_signs_and_gradient_at_nan_inf_and_signed_zeros(layout, dtype):
    data = LAYOUTS[layout](dtype)
    assert (data.size >= unary.ZERO_ROWS_FROM) == (layout != "small")
    x = minitorch.from_numpy(data).requires_grad_()
    theirs_x = torch.from_numpy(np.ascontiguousarray(data)).requires_grad_()
    y, theirs = x.relu(), torch.relu(theirs_x)
    np.testing.assert_array_equal(y.detach().numpy(), theirs.detach().numpy())  # -0.0 == 0.0
    upstream = np.random.default_rng(1).standard_normal(data.shape).astype(dtype)
    y.backward(minitorch.from_numpy(upstream))
    theirs.backward(torch.from_numpy(upstream))
    np.testing.assert_array_equal(x.grad.numpy(), theirs_x.grad.numpy())


def test_relu_keeps_a_batch_innermost_input_batch_innermost():
    """The next conv or pool then reads relu's output without a copy."""
    y = minitorch.from_numpy(batch_innermost(np.float32)).relu()
    assert is_batch_innermost(y._data)


def test_zero_row_path_agrees_with_plain_maximum_on_every_layout():
    for make in LAYOUTS.values():
        data = make(np.float32)
        out = unary.max_with_zero(data)
        np.testing.assert_array_equal(out, np.maximum(data, 0))
        assert out.strides == np.maximum(data, 0).strides


def test_relu_of_negative_zero_is_an_unsigned_zero_equal_to_pytorchs():
    """The one difference from PyTorch: relu(-0.0) is 0.0 here (NumPy's maximum), -0.0 there.
    The values compare equal, and the gradient there is 0 in both."""
    for size in (3, unary.ZERO_ROWS_FROM):  # the plain maximum and the zero-row path
        x = minitorch.tensor(np.full(size, -0.0, dtype=np.float32), requires_grad=True)
        y = x.relu()
        assert (y.detach().numpy() == 0).all() and not np.signbit(y.detach().numpy()).any()
        y.sum().backward()
        assert (x.grad.numpy() == 0).all()
