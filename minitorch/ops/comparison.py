"""Comparisons and masks: ``== < >=``, ``& | ^ ~``, ``isnan``, ``allclose``.

Their results are bool tensors (or Python bools) outside the graph: a comparison has no gradient.
"""
from __future__ import annotations

from typing import Any

from minitorch.backend import array_module
from minitorch.ops.operands import as_operand, check_broadcast
from minitorch.tensor import Tensor


def _compare(ufunc_name: str) -> Any:
    def compare(input: Tensor, other: Any) -> Tensor:
        other = as_operand(other, input)
        right = other._data if isinstance(other, Tensor) else other
        check_broadcast(ufunc_name, input, other)
        return Tensor._wrap(getattr(array_module(input._data), ufunc_name)(input._data, right))

    compare.__name__ = {"equal": "eq", "not_equal": "ne", "less": "lt", "less_equal": "le",
                        "greater": "gt", "greater_equal": "ge"}[ufunc_name]
    compare.__doc__ = f"Elementwise ``{ufunc_name.replace('_', ' ')}`` as a bool tensor (no gradient)."
    return compare


eq = _compare("equal")
ne = _compare("not_equal")
lt = _compare("less")
le = _compare("less_equal")
gt = _compare("greater")
ge = _compare("greater_equal")


def _bitwise(ufunc_name: str) -> Any:
    def bitwise(input: Tensor, other: Any) -> Tensor:
        other = as_operand(other, input)
        for value in (input, other):
            _check_integral(value, ufunc_name)
        right = other._data if isinstance(other, Tensor) else other
        return Tensor._wrap(getattr(array_module(input._data), ufunc_name)(input._data, right))

    bitwise.__name__ = ufunc_name
    bitwise.__doc__ = f"Elementwise ``{ufunc_name}`` of bool or integer tensors (``&``, ``|``, ``^``)."
    return bitwise


def _check_integral(value: Any, name: str) -> None:
    kind = value._data.dtype.kind if isinstance(value, Tensor) else ("f" if isinstance(value, float) else "i")
    if kind == "f":
        raise RuntimeError(f"{name}: only bool and integer tensors are supported, got a floating point operand")


bitwise_and = _bitwise("bitwise_and")
bitwise_or = _bitwise("bitwise_or")
bitwise_xor = _bitwise("bitwise_xor")


def bitwise_not(input: Tensor) -> Tensor:
    """``~x``: logical not of a bool tensor (a mask), bitwise not of an integer tensor."""
    _check_integral(input, "bitwise_not")
    return Tensor._wrap(array_module(input._data).invert(input._data))


def logical_not(input: Tensor) -> Tensor:
    return Tensor._wrap(array_module(input._data).logical_not(input._data))


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both tensors have the same shape and values."""
    return input.shape == other.shape and bool((input._data == other._data).all())


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> bool:
    return bool(array_module(input._data).allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isnan(input: Tensor) -> Tensor:
    return Tensor._wrap(array_module(input._data).isnan(input._data))


def isfinite(input: Tensor) -> Tensor:
    return Tensor._wrap(array_module(input._data).isfinite(input._data))
