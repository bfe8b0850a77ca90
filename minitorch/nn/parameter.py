"""``Parameter``: a tensor that a Module registers as learnable (requires grad by default)."""
from __future__ import annotations

from typing import Any, Optional

from minitorch.creation import empty
from minitorch.tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that ``Module.parameters()`` yields; wraps ``data``'s memory without a copy."""

    __slots__ = ()

    def __init__(self, data: Optional[Tensor] = None, requires_grad: bool = True) -> None:
        if data is None:
            data = empty(0)
        array = data._data if isinstance(data, Tensor) else data
        self._init(array, requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo: dict) -> "Parameter":
        """``copy.deepcopy(model)`` works (pickling stays refused): new memory, same flags and grad."""
        copied = Parameter(self._data.copy(), self.requires_grad)
        if self.grad is not None:
            copied.grad = Tensor._wrap(self.grad._data.copy())
        memo[id(self)] = copied
        return copied

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError("minitorch saves parameters with minitorch.save (.npz), not pickle")
