"""Operands of elementwise ops: numbers stay numbers, dtypes promote and shapes broadcast as PyTorch.

``binary(Add, a, b)`` is how every two-operand op starts: turn ``b`` into a tensor or a plain
number, cast both to the dtype PyTorch would compute in, check that the shapes broadcast (a
RuntimeError naming both shapes if not), then apply the op. Python numbers are passed through
as constants: they need no gradient and keep float32 tensors float32.
"""
from __future__ import annotations

from typing import Any, Union

import numpy as np

from minitorch import dtypes
from minitorch.backend import array_module
from minitorch.creation import tensor
from minitorch.ops.broadcast import broadcast_shapes
from minitorch.ops.cast import cast
from minitorch.tensor import Tensor

Number = Union[int, float, bool]
Operand = Union[Tensor, Number]


def as_operand(value: Any, like: Tensor) -> Operand:
    """Python numbers stay numbers; NumPy scalars become numbers; arrays and lists become tensors."""
    if isinstance(value, np.generic):  # first: np.float64 is also a Python float
        return value.item()
    if isinstance(value, (Tensor, int, float)):
        return value
    if isinstance(value, (np.ndarray, list, tuple)) or array_module(value) is not np:  # NumPy or CuPy
        return tensor(value, device=like.device)
    raise TypeError(f"unsupported operand type {type(value).__name__} for a Tensor op")


def plain(value: Any) -> Any:
    """A one-element tensor or NumPy scalar as a Python number (bounds, fill values)."""
    return value.item() if isinstance(value, (Tensor, np.generic)) else value


def promote_operands(a: Tensor, b: Operand) -> tuple:
    """Cast ``a`` (and ``b``) to the dtype PyTorch would compute ``a op b`` in."""
    if isinstance(b, Tensor):
        if a._data.dtype == b._data.dtype:
            return a, b
        dtype = dtypes.promote(a._data.dtype, a._data.ndim, b._data.dtype, b._data.ndim)
        return cast(a, dtype), cast(b, dtype)
    dtype = dtypes.promote_with_scalar(a._data.dtype, b)
    return (a if dtype == a._data.dtype else cast(a, dtype)), b


def check_broadcast(name: str, a: Operand, b: Operand) -> None:
    """A RuntimeError naming both shapes when ``a`` and ``b`` do not broadcast together."""
    shape_a, shape_b = shape_of(a), shape_of(b)
    if shape_a != shape_b and shape_a and shape_b:
        broadcast_shapes(name, shape_a, shape_b)


def binary(op: type, a: Any, b: Any, reflected: bool = False, floating: bool = False, **options: Any) -> Tensor:
    """Apply a binary op (``b op a`` when ``reflected``) after promotion and the shape check.

    ``floating``: the result is a float even for integer operands (true division). ``options``
    are passed to the op after the two operands.
    """
    b = as_operand(b, a)
    a, b = promote_operands(a, b)
    if floating and a._data.dtype.kind != "f":
        a, b = promote_operands(cast(a, dtypes.default_float), b)
    left, right = (b, a) if reflected else (a, b)
    check_broadcast(op.__name__.lower(), left, right)
    return op.apply(left, right, *options.values())


def shape_of(value: Any) -> tuple:
    """The shape of a tensor or an array; ``()`` for a number."""
    return getattr(value, "shape", ())
