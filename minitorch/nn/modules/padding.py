"""Padding layers: ``ZeroPad2d``, ``ConstantPad2d``, ``ReflectionPad2d``, ``ReplicationPad2d``
(and the 1-D ``ReflectionPad1d``, ``ReplicationPad1d``, ``ConstantPad1d``), each ``F.pad`` with
a fixed amount and mode. An int pads every side; a tuple is (left, right[, top, bottom])."""
from __future__ import annotations

from typing import Any, Sequence, Union

from minitorch.nn import functional as F
from minitorch.nn.module import Module
from minitorch.tensor import Tensor


class _Pad(Module):
    mode = "constant"
    sides = 4

    def __init__(self, padding: Union[int, Sequence[int]], value: float = 0.0) -> None:
        super().__init__()
        self.padding = (padding,) * self.sides if isinstance(padding, int) else tuple(padding)
        if len(self.padding) != self.sides:
            raise ValueError(f"{type(self).__name__}: padding must be an int or {self.sides} ints, got {padding}")
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        if self.mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ConstantPad2d(_Pad):
    """Pad the last two dims with ``value``."""

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding, value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(ConstantPad2d):
    """Pad the last dim with ``value``."""

    sides = 2


class ZeroPad2d(_Pad):
    """Pad the last two dims with zeros."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)


class ReflectionPad2d(_Pad):
    """Pad the last two dims with the mirror image at each edge (the edge itself not repeated)."""

    mode = "reflect"


class ReflectionPad1d(ReflectionPad2d):
    sides = 2


class ReplicationPad2d(_Pad):
    """Pad the last two dims by repeating the edge pixels."""

    mode = "replicate"


class ReplicationPad1d(ReplicationPad2d):
    sides = 2
