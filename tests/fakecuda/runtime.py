"""The stand-in's modules: ``cupy`` (with ``cuda``, ``random``, ``linalg``, ``lib``) and ``cupyx``.

Each offers exactly the names of ``names.py``; a name is NumPy's function run through
:func:`tests.fakecuda.array.call` (stand-in arrays in and out, NumPy arrays refused), except the
few that cross between host and device, written out below.
"""
from __future__ import annotations

import contextlib
import types
from typing import Any, Iterator

import numpy as np

from tests.fakecuda import ledger
from tests.fakecuda.array import DeviceSynchronized, allow_sync, call, current_device, ndarray, sync, wrap
from tests.fakecuda.names import CUPY, CUPYX, GENERATOR, LINALG, RANDOM

DEVICE_COUNT = 2  # two stand-in GPUs, so that "cuda:1" means something


class Namespace(types.ModuleType):
    """A module whose names are NumPy's, wrapped on first use, limited to an allow-list."""

    def __init__(self, name: str, source: Any, allowed: frozenset) -> None:
        super().__init__(name)
        self._source, self._allowed = source, allowed

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name not in self._allowed or not hasattr(self._source, name):
            raise AttributeError(f"module '{self.__name__}' has no attribute '{name}'")
        value = _wrapped(getattr(self._source, name), name)
        setattr(self, name, value)
        return value


def _wrapped(value: Any, name: str) -> Any:
    if isinstance(value, np.ufunc):
        return Ufunc(value)
    if callable(value) and not isinstance(value, type):
        return lambda *args, **kwargs: call(value, args, kwargs, name=name)
    return value  # dtypes (cupy.float32 is numpy.float32), constants, exception classes


class Ufunc:
    """An elementwise kernel: NumPy's ufunc with C-ordered outputs."""

    def __init__(self, ufunc: np.ufunc) -> None:
        self._ufunc, self.__name__ = ufunc, ufunc.__name__
        self.nin, self.nout, self.types = ufunc.nin, ufunc.nout, ufunc.types

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return call(self._ufunc, args, kwargs, name=self.__name__, order_c=True)

    def __getattr__(self, method: str) -> Any:  # reduce, accumulate, outer, at, reduceat
        function = getattr(self._ufunc, method)
        return lambda *args, **kwargs: call(function, args, kwargs, name=f"{self.__name__}.{method}")


# ----- host <-> device -----
def asarray(a: Any, dtype: Any = None, order: Any = None, *, blocking: bool = False) -> Any:
    if isinstance(a, ndarray):
        if a._device != current_device[-1]:
            return a  # CuPy keeps an array where it is (the copy is the caller's job)
        return call(np.asarray, (a,), {"dtype": dtype, "order": order}, name="asarray")
    ledger.count("upload", "asarray")
    return wrap(np.array(_host(a), dtype=dtype, order=order or "K", copy=True))


def array(obj: Any, dtype: Any = None, copy: bool = True, order: str = "K", subok: bool = False,
          ndmin: int = 0, *, blocking: bool = False) -> Any:
    if isinstance(obj, ndarray):
        result = call(np.array, (obj,), {"dtype": dtype, "copy": copy, "order": order, "ndmin": ndmin}, name="array")
        result._device = current_device[-1]
        return result
    ledger.count("upload", "array")
    return wrap(np.array(_host(obj), dtype=dtype, order=order, ndmin=ndmin, copy=True))


def _host(value: Any) -> Any:
    """Host data for an upload: lists of stand-in arrays are not (CuPy refuses them too)."""
    if isinstance(value, (list, tuple)) and any(isinstance(v, ndarray) for v in value):
        raise TypeError("Unsupported type: a list of cupy arrays (use cupy.stack)")
    return value


def asnumpy(a: Any, stream: Any = None, order: str = "C", out: Any = None, *, blocking: bool = True) -> np.ndarray:
    if isinstance(a, ndarray):
        return a.get(order=order)
    return np.asarray(a, order=order)


def get_array_module(*args: Any) -> Any:
    return cupy if any(isinstance(a, ndarray) for a in args) else np


def from_dlpack(x: Any) -> ndarray:
    if isinstance(x, ndarray):
        return wrap(x._a, x._device)
    device_type, device_id = x.__dlpack_device__()
    if device_type != 2:
        raise RuntimeError("cupy.from_dlpack: the array is not on a CUDA device")
    return wrap(np.from_dlpack(x), device_id)


def ascontiguousarray(a: Any, dtype: Any = None) -> ndarray:
    if not isinstance(a, ndarray):
        raise TypeError(f"Unsupported type {type(a)}")
    return call(np.ascontiguousarray, (a,), {"dtype": dtype}, name="ascontiguousarray")


# ----- cupy.cuda -----
class Device:
    """``cupy.cuda.Device(i)``: ``with Device(1):`` makes new arrays on stand-in GPU 1."""

    def __init__(self, device: Any = None) -> None:
        self.id = current_device[-1] if device is None else int(device)
        if not 0 <= self.id < DEVICE_COUNT:
            raise RuntimeError(f"cudaErrorInvalidDevice: invalid device ordinal {self.id}")

    def __enter__(self) -> "Device":
        current_device.append(self.id)
        return self

    def __exit__(self, *exc: Any) -> None:
        current_device.pop()

    def use(self) -> None:
        current_device[0] = self.id

    def synchronize(self) -> None:
        sync("Device.synchronize")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self) -> int:
        return self.id

    def __repr__(self) -> str:
        return f"<CUDA Device {self.id}>"


class Stream:
    null = None

    def __init__(self, non_blocking: bool = False) -> None:
        pass

    def synchronize(self) -> None:
        sync("Stream.synchronize")

    def __enter__(self) -> "Stream":
        return self

    def __exit__(self, *exc: Any) -> None:
        pass


cuda = types.ModuleType("cupy.cuda")
cuda.Device, cuda.Stream = Device, Stream
cuda.runtime = types.SimpleNamespace(getDeviceCount=lambda: DEVICE_COUNT, CUDARuntimeError=RuntimeError)
cuda.alloc_pinned_memory = lambda size: bytearray(size)
cuda.get_current_stream = lambda: Stream()
cuda.is_available = lambda: True


# ----- cupy.random: NumPy's legacy generator and Generator, results on the device -----
class Generator:
    """``cupy.random.default_rng()``: only the methods CuPy's Generator has."""

    def __init__(self, seed: Any = None) -> None:
        self._rng = np.random.default_rng(seed)

    def __getattr__(self, name: str) -> Any:
        if name not in GENERATOR:
            raise AttributeError(f"'cupy.random.Generator' object has no attribute '{name}'")
        method = getattr(self._rng, name)
        return lambda *args, **kwargs: call(method, args, kwargs, name=f"random.{name}")


_state = np.random.RandomState(0)
random = Namespace("cupy.random", _state, RANDOM)
random.seed = lambda seed=None: _state.seed(seed)
random.default_rng = Generator
random.Generator = Generator

linalg = Namespace("cupy.linalg", np.linalg, LINALG)
lib = types.ModuleType("cupy.lib")
lib.stride_tricks = types.SimpleNamespace(
    as_strided=lambda x, shape=None, strides=None: wrap(np.lib.stride_tricks.as_strided(x._a, shape, strides), x._device),
    sliding_window_view=lambda x, *args, **kwargs: wrap(
        np.lib.stride_tricks.sliding_window_view(x._a, *args, **kwargs), x._device),
)


class _Kernel:
    """``ElementwiseKernel``/``RawKernel``: CUDA C++ cannot run here; code must keep a NumPy reference."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.name = kwargs.get("name", args[-1] if args else "kernel")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"the stand-in GPU cannot run the CUDA kernel {self.name!r}")


cupy = Namespace("cupy", np, CUPY)
for _name, _value in dict(ndarray=ndarray, asarray=asarray, array=array, asnumpy=asnumpy, cuda=cuda, random=random,
                          linalg=linalg, lib=lib, get_array_module=get_array_module, from_dlpack=from_dlpack,
                          ascontiguousarray=ascontiguousarray, ElementwiseKernel=_Kernel, RawKernel=_Kernel,
                          ReductionKernel=_Kernel, RawModule=_Kernel, fuse=lambda *a, **k: (lambda f: f)).items():
    setattr(cupy, _name, _value)
cupy.__fake__ = True  # what minitorch.backend.cuda_module_is_stand_in() looks for


# ----- cupyx -----
def _scatter(ufunc: np.ufunc) -> Any:
    def scatter(a: ndarray, slices: Any, value: Any) -> None:
        call(ufunc.at, (a, slices, value), {}, name=f"scatter_{ufunc.__name__}")
        ledger.count("launch", f"scatter_{ufunc.__name__}")
    return scatter


@contextlib.contextmanager
def allow_synchronize(allow: bool) -> Iterator[None]:
    allow_sync.append(allow)
    try:
        yield
    finally:
        allow_sync.pop()


cupyx = Namespace("cupyx", types.SimpleNamespace(), CUPYX)
cupyx.scatter_add, cupyx.scatter_max, cupyx.scatter_min = _scatter(np.add), _scatter(np.maximum), _scatter(np.minimum)
cupyx.allow_synchronize, cupyx.DeviceSynchronized = allow_synchronize, DeviceSynchronized
cupyx.errstate = lambda **kwargs: contextlib.nullcontext()
cupyx.rsqrt = lambda x, **kwargs: call(lambda v, **k: 1 / np.sqrt(v, **k), (x,), kwargs, name="rsqrt")
