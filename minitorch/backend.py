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
from typing import Any, Callable, Iterator, Optional, Union

import numpy as np

_cupy: Optional[ModuleType] = None
_cupyx: Optional[ModuleType] = None


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


def cupyx_module() -> ModuleType:
    """CuPy's companion ``cupyx`` (``scatter_add``), imported on first use."""
    global _cupyx
    if _cupyx is None:
        cupy_module()
        _cupyx = importlib.import_module("cupyx")
    return _cupyx


def cupy_module_if_loaded() -> Optional[ModuleType]:
    """The module playing CuPy if one was imported or installed, else None (imports nothing)."""
    return _cupy


def use_cuda_modules(cupy: Optional[ModuleType], cupyx: Optional[ModuleType] = None) -> tuple:
    """Let ``cupy`` and ``cupyx`` play CuPy for "cuda" tensors; returns the previous pair, to put back.

    The test suite installs a CPU stand-in this way (``tests/fakecuda``), so every "cuda" code path
    runs on machines without a GPU. ``use_cuda_modules(None)`` goes back to importing the real CuPy.
    """
    global _cupy, _cupyx
    previous = (_cupy, _cupyx)
    _cupy, _cupyx = cupy, cupyx
    cuda_is_available.cache_clear()
    return previous


@functools.lru_cache(maxsize=None)
def cuda_is_available() -> bool:
    """True when CuPy imports and sees at least one GPU (asked once per process)."""
    try:
        return cupy_module().cuda.runtime.getDeviceCount() > 0
    except Exception:  # no CuPy, no driver or no GPU: all mean "not available"
        return False


_tensor_type: Optional[type] = None
_tensor_namespace: Optional[Callable[[ModuleType], Any]] = None


def register_tensor_namespace(tensor_type: type, namespace_for: Callable[[ModuleType], Any]) -> None:
    """Let ``array_module(tensor)`` return ``namespace_for(module of its array)``: NumPy's names for
    differentiable ops, which backward formulas use under ``create_graph`` (``ops/namespace.py``)."""
    global _tensor_type, _tensor_namespace
    _tensor_type, _tensor_namespace = tensor_type, namespace_for


def array_module(array: Any) -> Any:
    """``numpy`` for NumPy arrays and scalars, ``cupy`` for CuPy arrays; for a Tensor, the namespace
    of differentiable ops with NumPy's names (a backward formula running under ``create_graph``)."""
    if isinstance(array, (np.ndarray, np.generic)):
        return np
    if _tensor_type is not None and isinstance(array, _tensor_type):
        return _tensor_namespace(array_module(array._data))
    if _cupy is None:
        if type(array).__module__ != "cupy":  # not a CuPy array: no reason to import CuPy
            return np
        cupy_module()
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
        if array_module(array) is np:
            return array
        raise_device_asserts()
        return array.get()
    cupy = cupy_module()
    if not cuda_is_available():
        raise RuntimeError("CUDA was asked for but CuPy finds no NVIDIA GPU on this machine")
    with cupy.cuda.Device(target.index or 0):
        if isinstance(array, cupy.ndarray) and array.device.id != (target.index or 0):
            return cupy.array(array, copy=True)  # GPU to GPU (asarray would leave it where it is)
        return cupy.asarray(array)


_pending_asserts: list = []  # (0-d boolean device array, function making the error), not yet read
MAX_PENDING_ASSERTS = 64  # then they are read (one sync), so a loop that never reads stays bounded


def device_assert(failed: Any, error: Callable[[], Exception]) -> None:
    """Raise ``error()`` if ``failed`` (a 0-d boolean array) is true: now on the CPU; on a GPU at the
    next read of values on the host (``item``, ``tolist``, ``.cpu()``), as CUDA's device-side asserts
    surface at the next synchronisation, so that checking costs no sync of its own."""
    if array_module(failed) is np:
        if failed:
            raise error()
        return
    _pending_asserts.append((failed, error))
    if len(_pending_asserts) > MAX_PENDING_ASSERTS:
        raise_device_asserts()


def raise_device_asserts() -> None:
    """Raise the first failed device-side assert not yet read (called where the host reads values).

    The flags of one GPU are read together: one sync, however many checks are pending."""
    if not _pending_asserts:
        return
    pending = _pending_asserts[:]
    _pending_asserts.clear()
    for index in sorted({flag.device.id for flag, _ in pending}):
        here = [(flag, error) for flag, error in pending if flag.device.id == index]
        with cupy_module().cuda.Device(index):
            failed = cupy_module().stack([flag for flag, _ in here]).get()
        for flag, (_, error) in zip(failed, here):
            if flag:
                raise error()


def scatter_add(target: Any, index: Any, values: Any) -> None:
    """``target[index] += values`` where repeated indices add up (NumPy's ``add.at``)."""
    if array_module(target) is np:
        np.add.at(target, index, values)
    else:
        cupyx_module().scatter_add(target, index, values)


def strided_view(array: Any, shape: tuple, strides: tuple) -> Any:
    """A view of ``array``'s memory with the given shape and byte strides (no copy, no checks).

    NumPy's ``as_strided`` costs ~10 µs of Python per call; building the view directly on the
    buffer of a C-ordered array costs ~1 µs, which matters for small batches.
    """
    if array_module(array) is np and array.flags.c_contiguous:
        return np.ndarray(shape, array.dtype, buffer=array, strides=strides)
    return array_module(array).lib.stride_tricks.as_strided(array, shape, strides)
