"""``ParameterList`` and ``ParameterDict``: a list or dict of parameters that a module registers.

A plain list of ``Parameter``s assigned to a module is invisible to ``parameters()`` and the
optimizer; these containers register each entry (named ``"0"``, ``"1"``, ... or by its key), as
PyTorch does. A plain tensor put in is made a ``Parameter``.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping, Optional, Tuple, Union

from minitorch.nn.module import Module
from minitorch.nn.parameter import Parameter
from minitorch.tensor import Tensor

_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
               "int64": "LongTensor", "int32": "IntTensor", "uint8": "ByteTensor", "bool": "BoolTensor"}


def _as_parameter(value: Any) -> Any:
    return Parameter(value) if isinstance(value, Tensor) and not isinstance(value, Parameter) else value


def _describe(value: Any, type_name: bool) -> str:
    """``Parameter containing: [float32 of size 2x3]``, as PyTorch's containers print entries."""
    if not isinstance(value, Tensor):
        return f"Object of type: {type(value).__name__}"
    name = value._data.dtype.name
    dtype = f"torch.{_TYPE_NAMES.get(name, name)}" if type_name else str(value.dtype)  # str: torch.float32
    device = f" ({value.device})" if value.device.type == "cuda" else ""
    size = "x".join(str(side) for side in value.shape)
    return f"{'Parameter' if isinstance(value, Parameter) else 'Tensor'} containing: [{dtype} of size {size}{device}]"


class ParameterList(Module):
    """A list of parameters: ``nn.ParameterList([nn.Parameter(torch.randn(3)) for _ in range(4)])``."""

    def __init__(self, values: Optional[Iterable[Any]] = None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self += values

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))

    def __getitem__(self, index: Union[int, slice]) -> Any:
        if isinstance(index, slice):
            return ParameterList(list(self)[index])
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} is out of range")
        return getattr(self, str(index % len(self)))

    def __setitem__(self, index: int, value: Any) -> None:
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} is out of range")
        setattr(self, str(index % len(self)), _as_parameter(value))

    def __iadd__(self, values: Iterable[Any]) -> "ParameterList":
        return self.extend(values)

    def append(self, value: Any) -> "ParameterList":
        self._size += 1
        self[self._size - 1] = value
        return self

    def extend(self, values: Iterable[Any]) -> "ParameterList":
        if isinstance(values, Tensor) or not hasattr(values, "__iter__"):
            raise TypeError("ParameterList.extend should be called with an iterable, but got " + type(values).__name__)
        for value in values:
            self.append(value)
        return self

    def extra_repr(self) -> str:
        return "\n".join(f"  ({i}): {_describe(value, type_name=False)}" for i, value in enumerate(self))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ParameterList should not be called.")


class ParameterDict(Module):
    """A dict of parameters, each registered under its key (insertion order kept)."""

    def __init__(self, parameters: Optional[Union[Mapping[str, Any], Iterable[Tuple[str, Any]]]] = None) -> None:
        super().__init__()
        self._keys: dict = {}
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys:
            raise KeyError(key)
        return getattr(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        self._keys[key] = None
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __reversed__(self) -> Iterator[str]:
        return reversed(list(self._keys))

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def keys(self) -> Iterable[str]:
        return self._keys.keys()

    def items(self) -> Iterable[Tuple[str, Any]]:
        return ((key, self[key]) for key in self._keys)

    def values(self) -> Iterable[Any]:
        return (self[key] for key in self._keys)

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def pop(self, key: str) -> Any:
        value = self[key]
        del self[key]
        return value

    def popitem(self) -> Tuple[str, Any]:
        key = list(self._keys)[-1]
        return key, self.pop(key)

    def clear(self) -> None:
        for key in list(self._keys):
            del self[key]

    def copy(self) -> "ParameterDict":
        return ParameterDict(list(self.items()))

    def fromkeys(self, keys: Iterable[str], default: Any = None) -> "ParameterDict":
        return ParameterDict((key, default) for key in keys)

    def update(self, parameters: Union[Mapping[str, Any], Iterable[Tuple[str, Any]]]) -> None:
        pairs = parameters.items() if hasattr(parameters, "items") else parameters
        for index, pair in enumerate(pairs):
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise ValueError(
                    f"ParameterDict update sequence element #{index} has length "
                    f"{len(pair) if hasattr(pair, '__len__') else 'unknown'}; 2 is required"
                )
            self[pair[0]] = pair[1]

    def __or__(self, other: "ParameterDict") -> "ParameterDict":
        merged = self.copy()
        merged.update(other)
        return merged

    def extra_repr(self) -> str:
        return "\n".join(f"  ({key}): {_describe(value, type_name=True)}" for key, value in self.items())

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ParameterDict should not be called.")
