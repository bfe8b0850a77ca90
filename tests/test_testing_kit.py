"""minitorch.testing: the strategies draw what they promise, and assert_close judges correctly."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

import minitorch
from minitorch.testing import (
    arrays, assert_close, broadcastable_shapes, dtype_name, integer_arrays, shapes, tensors, to_numpy,
)

torch = pytest.importorskip("torch")

SEARCH = settings(max_examples=300, database=None)


# ----- shapes -----
@given(shapes(min_dims=1, max_dims=3, min_side=2, max_side=4))
def test_shapes_respect_their_bounds(shape):
    assert 1 <= len(shape) <= 3 and all(2 <= n <= 4 for n in shape)


def test_shapes_include_scalars_and_empty_tensors():
    assert find(shapes(), lambda s: s == (), settings=SEARCH) == ()
    assert 0 in find(shapes(min_side=0), lambda s: 0 in s, settings=SEARCH)


@given(broadcastable_shapes(num_shapes=3))
def test_broadcastable_shapes_broadcast(drawn):
    assert len(drawn) == 3
    np.broadcast_shapes(*drawn)


def test_broadcastable_shapes_exercise_both_kinds_of_broadcasting():
    stretched = find(broadcastable_shapes(), lambda pair: len(pair[0]) == len(pair[1]) and pair[0] != pair[1],
                     settings=SEARCH)
    assert 1 in stretched[0] + stretched[1]
    find(broadcastable_shapes(), lambda pair: len(pair[0]) != len(pair[1]), settings=SEARCH)
    find(broadcastable_shapes(), lambda pair: () in pair, settings=SEARCH)


# ----- arrays -----
@given(arrays((2, 3), min_value=-1.0, max_value=0.5))
def test_arrays_have_the_shape_dtype_and_range_asked_for(array):
    assert array.shape == (2, 3) and array.dtype == np.float64
    assert np.all((-1.0 <= array) & (array <= 0.5)) and np.all(np.isfinite(array))


@given(arrays(shapes(), dtype=np.float32))
def test_arrays_in_float32(array):
    assert array.dtype == np.float32


@given(arrays((4, 3), avoid=(0.0, 1.0), margin=0.1))
def test_arrays_avoid_points(array):
    assert np.all(np.abs(array) > 0.1) and np.all(np.abs(array - 1.0) > 0.1)


@given(arrays(shapes(min_dims=1, max_side=4), distinct=True, min_value=-2.0, max_value=2.0))
def test_distinct_arrays_have_no_near_ties(array):
    values = np.sort(array.reshape(-1))
    assert np.all(np.diff(values) >= 4.0 / (2 * values.size) - 1e-12)
    assert np.all((-2.0 <= values) & (values <= 2.0))


def test_arrays_come_in_several_memory_layouts():
    strategy = arrays(shapes(min_dims=2, min_side=2))
    find(strategy, lambda a: a.flags.c_contiguous, settings=SEARCH)
    find(strategy, lambda a: not a.flags.c_contiguous and a.flags.f_contiguous, settings=SEARCH)
    find(strategy, lambda a: any(s < 0 for s in a.strides), settings=SEARCH)
    find(strategy, lambda a: a.strides[-1] == 2 * a.itemsize, settings=SEARCH)


@given(arrays(shapes(min_dims=2), contiguous=True))
def test_contiguous_arrays(array):
    assert array.flags.c_contiguous


def test_arrays_refuse_integer_dtypes():
    with pytest.raises(ValueError, match="floating-point"):
        arrays((2,), dtype=np.int64)


@given(integer_arrays((10,), -2, 3))
def test_integer_arrays(array):
    assert array.dtype == np.int64 and np.all((-2 <= array) & (array <= 3))


# ----- tensors -----
@given(tensors(shape=shapes(min_dims=1)))
def test_tensors_are_float64_leaves_requiring_grad(x):
    assert isinstance(x, minitorch.Tensor)
    assert x.dtype == minitorch.float64 and x.requires_grad and x.is_leaf and x.grad is None


@given(tensors(shape=(3,), requires_grad=False, dtype=np.float32))
def test_tensors_without_grad(x):
    assert not x.requires_grad and x.dtype == minitorch.float32


def test_tensors_keep_the_memory_layout():
    find(tensors(shape=shapes(min_dims=2, min_side=2)), lambda x: not x.is_contiguous(), settings=SEARCH)


@settings(max_examples=10)
@given(tensors(min_value=0.1, max_value=3.0))
def test_docstring_example_gradient_check(x):
    assert minitorch.gradcheck(minitorch.log, (x,))


@settings(max_examples=10)
@given(st.data())
def test_drawing_a_broadcast_pair_of_tensors(data):
    shape_a, shape_b = data.draw(broadcastable_shapes())
    a, b = data.draw(tensors(shape_a)), data.draw(tensors(shape_b, avoid=(0.0,), margin=0.5))
    assert minitorch.gradcheck(lambda x, y: x / y, (a, b))


def test_importing_minitorch_does_not_import_hypothesis():
    code = "import sys, minitorch; assert 'hypothesis' not in sys.modules and 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])


# ----- assert_close -----
def test_assert_close_accepts_equal_values_from_any_library():
    values = np.array([1.0, 2.0], dtype=np.float32)
    assert_close(minitorch.tensor(values), torch.tensor(values))
    assert_close(minitorch.tensor(values), values)
    assert_close(minitorch.tensor(values), minitorch.tensor(values + 1e-7))  # within float32's default tolerance
    assert_close(minitorch.tensor(3), 3)
    assert_close(minitorch.tensor([float("nan")]), torch.tensor([float("nan")]))


@pytest.mark.parametrize("actual, expected, message", [
    (minitorch.zeros(2, 3), torch.zeros(3, 2), "shapes differ"),
    (minitorch.zeros(2), torch.zeros(2, dtype=torch.float64), "dtypes differ: float32 vs float64"),
    (minitorch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.1]), "Not equal to tolerance"),
    (minitorch.tensor([1, 2]), torch.tensor([1, 3]), "Not equal to tolerance"),
])
def test_assert_close_reports_differences(actual, expected, message):
    with pytest.raises(AssertionError, match=message):
        assert_close(actual, expected)


def test_assert_close_options():
    assert_close(minitorch.zeros(2), torch.zeros(2, dtype=torch.float64), check_dtype=False)
    assert_close(minitorch.tensor([1.0]), np.array([1.05], dtype=np.float32), rtol=0.1)
    with pytest.raises(AssertionError, match="gradient of x"):
        assert_close(minitorch.tensor([1.0]), np.array([2.0], dtype=np.float32), msg="gradient of x")


def test_to_numpy_and_dtype_name():
    x = minitorch.tensor([1.0], requires_grad=True)
    assert to_numpy(x).tolist() == [1.0]
    assert to_numpy(torch.tensor([1.0], requires_grad=True)).tolist() == [1.0]
    assert dtype_name(x) == dtype_name(torch.tensor([1.0])) == "float32"
    assert dtype_name(minitorch.tensor([True])) == dtype_name(torch.tensor([True])) == "bool"
