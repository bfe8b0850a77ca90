"""``repr(tensor)`` in PyTorch's format: ``tensor([1., 2.], requires_grad=True)``.

Floats print with 4 decimals (``1.5000``), integral floats as ``1.``, and in scientific
notation when the magnitudes span more than 3 decades, as PyTorch chooses.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minitorch import dtypes

_SHOWN_DTYPES = {dtypes.float32, dtypes.int64, dtypes.bool_}


def tensor_repr(tensor: Any) -> str:
    values = tensor._cpu_array()
    extras = []
    if tensor.is_cuda:
        extras.append(f"device='{tensor.device}'")
    if values.size == 0:  # no values to infer the dtype from: show it unless it is the default float
        body = "[]"
        if values.ndim != 1:
            extras.append(f"size={values.shape}")
        if values.dtype != dtypes.default_float:
            extras.append(f"dtype={dtypes.of(values.dtype)}")
    else:
        body = np.array2string(
            values, separator=", ", prefix="tensor(", threshold=1000, edgeitems=3, precision=4,
            floatmode=_float_mode(values),
        )
        if values.dtype not in _SHOWN_DTYPES:
            extras.append(f"dtype={dtypes.of(values.dtype)}")
    if tensor.grad_fn is not None:
        extras.append(f"grad_fn=<{tensor.grad_fn.name()}>")
    elif tensor.requires_grad:
        extras.append("requires_grad=True")
    return "tensor(" + ", ".join([body] + extras) + ")"


def _float_mode(values: np.ndarray) -> str:
    """``'fixed'`` (always 4 decimals) unless every value is an integer printed plainly."""
    if values.dtype.kind != "f":
        return "maxprec"
    finite = values[np.isfinite(values)]
    magnitudes = np.abs(finite[finite != 0])
    if magnitudes.size == 0:
        return "maxprec"
    scientific = magnitudes.max() / magnitudes.min() > 1000 or magnitudes.max() > 1e8 or magnitudes.min() < 1e-4
    integral = bool((finite == np.round(finite)).all())
    return "maxprec" if integral and not scientific else "fixed"
