"""Testing helpers: ``assert_close`` and Hypothesis strategies for property tests.

``minitorch.testing`` needs the test extra (``pip install -e ".[test]"``, for Hypothesis);
``import minitorch`` alone does not import it. A gradient check in a few lines::

    from hypothesis import given
    from minitorch.testing import tensors
    import minitorch

    @given(tensors(min_value=0.1))
    def test_log_gradient(x):
        assert minitorch.gradcheck(minitorch.log, (x,))
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from minitorch.tensor import Tensor
from minitorch.testing.strategies import (
    arrays, as_leaf, broadcastable_shapes, integer_arrays, shapes, tensors,
)

# (rtol, atol) by dtype, as torch.testing.assert_close chooses them
_TOLERANCES = {"float16": (1e-3, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}


def assert_close(actual: Any, expected: Any, *, rtol: Optional[float] = None, atol: Optional[float] = None,
                 equal_nan: bool = True, check_dtype: bool = True, msg: str = "") -> None:
    """Raise AssertionError unless ``actual`` and ``expected`` have equal shapes, dtypes and close values.

    Either side may be a minitorch Tensor, a NumPy array, a number or a PyTorch tensor (for parity
    tests). Tolerances default by dtype, as in ``torch.testing.assert_close``::

        assert_close(minitorch.exp(x), torch.exp(torch.tensor(x.numpy())))
    """
    actual_array, expected_array = to_numpy(actual), to_numpy(expected)
    where = f"{msg}: " if msg else ""
    if actual_array.shape != expected_array.shape:
        raise AssertionError(f"{where}shapes differ: {actual_array.shape} vs {expected_array.shape}")
    if check_dtype and dtype_name(actual) != dtype_name(expected):
        raise AssertionError(f"{where}dtypes differ: {dtype_name(actual)} vs {dtype_name(expected)}")
    default_rtol, default_atol = _TOLERANCES.get(str(actual_array.dtype), (0.0, 0.0))
    np.testing.assert_allclose(
        actual_array, expected_array, equal_nan=equal_nan, err_msg=msg,
        rtol=default_rtol if rtol is None else rtol, atol=default_atol if atol is None else atol,
    )


def to_numpy(value: Any) -> np.ndarray:
    """The values of a minitorch Tensor, a PyTorch tensor, an array or a number, as a NumPy array."""
    if isinstance(value, Tensor):
        return value.detach()._cpu_array()
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a PyTorch tensor (duck-typed: no import)
        return value.detach().cpu().numpy(force=True)  # force: PyTorch's double backward may give a ZeroTensor
    return np.asarray(value)


def dtype_name(value: Any) -> str:
    """``'float32'``, ``'int64'``, ``'bool'``... for minitorch and PyTorch tensors alike."""
    dtype = value.dtype if hasattr(value, "dtype") else np.asarray(value).dtype
    return str(dtype).removeprefix("torch.")


__all__ = [
    "assert_close", "to_numpy", "dtype_name",
    "arrays", "as_leaf", "broadcastable_shapes", "integer_arrays", "shapes", "tensors",
]
