"""The dtypes a tensor can hold, and PyTorch's rules for combining them.

minitorch's dtypes are NumPy's dtype objects, so ``x.dtype == minitorch.float32`` and
``x.numpy().dtype`` agree. Promotion follows PyTorch, not NumPy: Python floats make integer
tensors float32 (the default dtype), integer division gives float32, and a 0-dim tensor never
widens a dimensioned tensor of the same kind (``float32 vector * float64 0-dim`` stays float32).
"""
from __future__ import annotations

from typing import Any

import numpy as np

float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
uint8 = np.dtype(np.uint8)
int8 = np.dtype(np.int8)
int16 = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
bool_ = np.dtype(np.bool_)

default_float = float32
SUPPORTED = (float16, float32, float64, uint8, int8, int16, int32, int64, bool_)
_PYTHON_TYPES = {float: default_float, int: int64, bool: bool_}
_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def as_dtype(spec: Any) -> np.dtype:
    """Turn ``minitorch.float32``, ``np.float32``, ``'float32'`` or ``float`` into a supported dtype."""
    if spec in _PYTHON_TYPES:
        return _PYTHON_TYPES[spec]
    try:
        dtype = np.dtype(spec)
    except TypeError:
        raise TypeError(f"{spec!r} is not a dtype; use e.g. minitorch.float32 or minitorch.int64") from None
    if dtype not in SUPPORTED:
        names = ", ".join(map(str, SUPPORTED))
        raise TypeError(f"dtype {dtype} is not supported; choose one of {names}")
    return dtype


def promote(a: np.dtype, a_ndim: int, b: np.dtype, b_ndim: int) -> np.dtype:
    """Result dtype of a binary op on two tensors, by PyTorch's rules.

    The higher category (bool < integer < float) wins: ``int64 + float16`` is float16, not
    NumPy's float64. Within one category a dimensioned tensor beats a 0-dim one
    (``float32 vector * float64 0-dim`` stays float32); otherwise the wider dtype wins.
    """
    if a == b:
        return a
    if _CATEGORY[a.kind] != _CATEGORY[b.kind]:
        return a if _CATEGORY[a.kind] > _CATEGORY[b.kind] else b
    if (a_ndim == 0) != (b_ndim == 0):
        return a if b_ndim == 0 else b
    return np.promote_types(a, b)


def promote_with_scalar(a: np.dtype, scalar: Any) -> np.dtype:
    """Result dtype of ``tensor op python_number``: the number only decides the kind."""
    if isinstance(scalar, bool):
        return a
    if isinstance(scalar, float) and a.kind != "f":
        return default_float
    if isinstance(scalar, int) and a.kind == "b":
        return int64
    return a
