"""Broadcasting in reverse: a gradient is summed back to the shape of the input it belongs to."""
from __future__ import annotations

from typing import Any


def unbroadcast(grad: Any, shape: tuple) -> Any:
    """Sum ``grad`` over the dimensions that broadcasting stretched, to get back ``shape``."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    stretched = tuple(range(extra)) + tuple(
        extra + i for i, size in enumerate(shape) if size == 1 and grad.shape[extra + i] != 1
    )
    summed = grad.sum(axis=stretched, keepdims=True) if stretched else grad
    return summed.reshape(shape)


def broadcast_shapes(op: str, a: tuple, b: tuple) -> tuple:
    """The shape ``a`` and ``b`` broadcast to, or a RuntimeError naming both shapes."""
    result = []
    for i in range(1, max(len(a), len(b)) + 1):
        size_a = a[-i] if i <= len(a) else 1
        size_b = b[-i] if i <= len(b) else 1
        if size_a != size_b and size_a != 1 and size_b != 1:
            raise RuntimeError(
                f"{op}: the size of tensor a ({size_a}) must match the size of tensor b ({size_b}) "
                f"at non-singleton dimension {max(len(a), len(b)) - i}; shapes {list(a)} and {list(b)} "
                "do not broadcast"
            )
        result.append(max(size_a, size_b) if size_a and size_b else 0)
    return tuple(reversed(result))
