"""Which array module (NumPy or CuPy) holds an array, and which device it lives on.

Every op is written once against ``xp = array_module(x)``: ``xp`` is ``numpy`` for arrays in
main memory and ``cupy`` for arrays on an NVIDIA GPU. CuPy is imported only when a GPU is
asked for, so nothing on the CPU path needs it.
"""
from __future__ import annotations

import contextlib
import functools
import importlib
from types import ModuleType
from typing import Any, Iterator, Optional, Union

import numpy as np

_cupy: Optional[ModuleType] = None


def cupy_module() -> ModuleType:
    """Import CuPy on first use, with an error that says what to install when it is missing."""
    global _cupy
    if _cupy is None:
        try:
            _cupy = importlib.import_module("cupy")
        except ImportError as error:
            raise RuntimeError(
                "CUDA tensors need CuPy: install it with `pip install -e \".[cuda]\"` "
                "(cupy-cuda12x) on a machine with an NVIDIA GPU"
            ) from error
    return _cupy


@functools.lru_cache(maxsize=None)
def cuda_is_available() -> bool:
    """True when CuPy imports and sees at least one GPU (asked once per process)."""
    try:
        return cupy_module().cuda.runtime.getDeviceCount() > 0
    except Exception:  # no CuPy, no driver or no GPU: all mean "not available"
        return False


def array_module(array: Any) -> ModuleType:
    """``numpy`` for NumPy arrays and scalars, ``cupy`` for CuPy arrays."""
    if isinstance(array, (np.ndarray, np.generic)) or _cupy is None:
        return np
    return _cupy if isinstance(array, _cupy.ndarray) else np


class device:
    """Where a tensor lives: ``device("cpu")``, ``device("cuda")``, ``device("cuda:1")``."""

    __slots__ = ("type", "index")

    def __init__(self, spec: Union[str, "device"], index: Optional[int] = None) -> None:
        if isinstance(spec, device):
            spec, index = spec.type, spec.index if index is None else index
        kind, _, number = str(spec).partition(":")
        if kind not in ("cpu", "cuda") or (number and not number.isdigit()):
            raise RuntimeError(f"Expected a device like 'cpu', 'cuda' or 'cuda:0', got {spec!r}")
        if number:
            index = int(number)
        if kind == "cpu" and index not in (None, 0):
            raise RuntimeError(f"The cpu device has no index {index}")
        self.type = kind
        self.index = None if kind == "cpu" else index

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and (self.index or 0) == (other.index or 0)

    def __hash__(self) -> int:
        return hash((self.type, self.index or 0))


CPU = device("cpu")
_default_device = CPU


def set_default_device(spec: Any) -> None:
    """Where factories (``zeros``, ``tensor``, ``randn`` ...) put tensors when no ``device=`` is given."""
    global _default_device
    _default_device = CPU if spec is None else device(spec)


def get_default_device() -> device:
    return _default_device


def device_of(array: Any) -> device:
    """The device an array lives on."""
    if array_module(array) is np:
        return CPU
    return device("cuda", array.device.id)


@contextlib.contextmanager
def array_module_on(target: device) -> Iterator[ModuleType]:
    """The array module that makes arrays on ``target``, with that GPU selected."""
    if target.type == "cpu":
        yield np
        return
    cupy = cupy_module()
    if not cuda_is_available():
        raise RuntimeError("CUDA was asked for but CuPy finds no NVIDIA GPU on this machine")
    with cupy.cuda.Device(target.index or 0):
        yield cupy


def to_device(array: Any, target: device) -> Any:
    """Move an array to ``target``; returns the same array when it is already there."""
    if target.type == "cpu":
        return array if array_module(array) is np else array.get()
    cupy = cupy_module()
    if not cuda_is_available():
        raise RuntimeError("CUDA was asked for but CuPy finds no NVIDIA GPU on this machine")
    with cupy.cuda.Device(target.index or 0):
        return cupy.asarray(array)


def scatter_add(target: Any, index: Any, values: Any) -> None:
    """``target[index] += values`` where repeated indices add up (NumPy's ``add.at``)."""
    if array_module(target) is np:
        np.add.at(target, index, values)
    else:
        importlib.import_module("cupyx").scatter_add(target, index, values)


def strided_view(array: Any, shape: tuple, strides: tuple) -> Any:
    """A view of ``array``'s memory with the given shape and byte strides (no copy, no checks).

    NumPy's ``as_strided`` costs ~10 µs of Python per call; building the view directly on the
    buffer of a C-ordered array costs ~1 µs, which matters for small batches.
    """
    if array_module(array) is np and array.flags.c_contiguous:
        return np.ndarray(shape, array.dtype, buffer=array, strides=strides)
    return array_module(array).lib.stride_tricks.as_strided(array, shape, strides)
