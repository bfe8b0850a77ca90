"""``Variable``: PyTorch's pre-0.4 wrapper that made a tensor part of the graph. Tensors do that
themselves now, so ``Variable(x)`` is just ``x`` (a detached alias), requiring grad if asked."""
from __future__ import annotations

from minitorch.tensor import Tensor


class _VariableMeta(type):
    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(x, requires_grad=True)``: returns a tensor; ``isinstance(t, Variable)`` holds for any tensor."""

    def __new__(cls, data: Tensor, requires_grad: bool = False, volatile: bool = False) -> Tensor:  # type: ignore[misc]
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return data.detach().requires_grad_(requires_grad)
