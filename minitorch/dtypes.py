"""The dtypes a tensor can hold, and PyTorch's rules for combining them.

A minitorch dtype prints as PyTorch's does (``print(x.dtype)`` shows ``torch.float32``) and is
also accepted wherever NumPy takes a dtype: ``np.dtype(minitorch.float32)``,
``array.astype(minitorch.int64)``, ``minitorch.float32 == np.dtype('float32')``. It carries the
NumPy dtype in ``.dtype`` (NumPy's protocol for "this object stands for a dtype"); the arrays
inside tensors keep plain NumPy dtypes, so ops never pay for the wrapper.

Promotion follows PyTorch, not NumPy: Python floats make integer tensors float32 (the default
dtype), integer division gives float32, and a 0-dim tensor never widens a dimensioned tensor of
the same kind (``float32 vector * float64 0-dim`` stays float32).
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np


class dtype:
    """An element type: ``minitorch.float32``, ``minitorch.int64``, ``minitorch.bool`` ...

    Compares equal (and hashes equal) to the NumPy dtype it stands for, so dicts and ``in``
    checks work with either; ``.is_floating_point``, ``.itemsize`` as in PyTorch.
    """

    __slots__ = ("_numpy", "_name", "is_floating_point", "is_complex", "is_signed", "itemsize")

    def __init__(self, numpy_dtype: Optional[np.dtype], name: str, itemsize: int = 0) -> None:
        self._numpy = numpy_dtype  # None: a dtype minitorch knows by name but cannot store (bfloat16)
        self._name = name
        self.is_floating_point = name.startswith(("float", "bfloat"))
        self.is_complex = False
        self.is_signed = name != "uint8" and name != "bool"
        self.itemsize = numpy_dtype.itemsize if numpy_dtype is not None else itemsize

    @property
    def dtype(self) -> np.dtype:
        """The NumPy dtype (NumPy reads this attribute when given a minitorch dtype)."""
        if self._numpy is None:
            raise TypeError(f"{self} has no NumPy equivalent: minitorch cannot store it")
        return self._numpy

    def __repr__(self) -> str:
        return f"torch.{self._name}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, dtype):
            return self is other
        if isinstance(other, np.dtype) or (isinstance(other, type) and issubclass(other, np.generic)):
            return self._numpy is not None and self._numpy == np.dtype(other)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self._numpy) if self._numpy is not None else hash(self._name)

    def __getattr__(self, name: str) -> Any:  # kind, char, type, name ... of the NumPy dtype
        if name.startswith("__") or self._numpy is None:
            raise AttributeError(f"{self!r} has no attribute {name!r}")
        return getattr(self._numpy, name)

    def __copy__(self) -> "dtype":
        return self

    def __deepcopy__(self, memo: dict) -> "dtype":
        return self

    def __reduce__(self) -> str:
        return _MODULE_NAMES[self._name]


float16 = dtype(np.dtype(np.float16), "float16")
float32 = dtype(np.dtype(np.float32), "float32")
float64 = dtype(np.dtype(np.float64), "float64")
bfloat16 = dtype(None, "bfloat16", itemsize=2)
uint8 = dtype(np.dtype(np.uint8), "uint8")
int8 = dtype(np.dtype(np.int8), "int8")
int16 = dtype(np.dtype(np.int16), "int16")
int32 = dtype(np.dtype(np.int32), "int32")
int64 = dtype(np.dtype(np.int64), "int64")
bool_ = dtype(np.dtype(np.bool_), "bool")
_MODULE_NAMES = {d._name: name for name, d in list(globals().items()) if isinstance(d, dtype)}

default_float = float32
SUPPORTED = (float16, float32, float64, uint8, int8, int16, int32, int64, bool_)
_BY_NUMPY = {d._numpy: d for d in SUPPORTED}
_PYTHON_TYPES = {float: default_float, int: int64, bool: bool_}
_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def of(numpy_dtype: np.dtype) -> Any:
    """The minitorch dtype of an array's NumPy dtype (the NumPy dtype itself if minitorch has none)."""
    return _BY_NUMPY.get(numpy_dtype, numpy_dtype)


def as_dtype(spec: Any) -> np.dtype:
    """The NumPy dtype for ``minitorch.float32``, ``np.float32``, ``'float32'`` or ``float``."""
    if spec in _PYTHON_TYPES:
        return _PYTHON_TYPES[spec].dtype
    if isinstance(spec, dtype) and spec._numpy is None:
        raise TypeError(
            f"dtype {spec} is not supported: minitorch stores tensors in NumPy/CuPy arrays, which "
            "have no bfloat16; use minitorch.float16 or minitorch.float32"
        )
    try:
        numpy_dtype = np.dtype(spec)
    except TypeError:
        raise TypeError(f"{spec!r} is not a dtype; use e.g. minitorch.float32 or minitorch.int64") from None
    if numpy_dtype not in _BY_NUMPY:
        names = ", ".join(map(str, SUPPORTED))
        raise TypeError(f"dtype {numpy_dtype} is not supported; choose one of {names}")
    return numpy_dtype


def set_default_dtype(d: Any) -> None:
    """The dtype of Python floats in new tensors (``float32`` unless changed)."""
    global default_float
    chosen = of(as_dtype(d))
    if not chosen.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {chosen}")
    default_float = _PYTHON_TYPES[float] = chosen


def get_default_dtype() -> dtype:
    return default_float


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
