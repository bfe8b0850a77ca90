"""Moving a tensor to another device or dtype: ``x.to(...)``, ``x.cuda()``, ``x.float()`` ...

A move between devices is a differentiable op (the gradient moves back); a dtype change is the
``Cast`` op of :mod:`minitorch.ops.cast`.
"""
from __future__ import annotations

from typing import Any, Optional, Union

import numpy as np

from minitorch import dtypes
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import CPU, array_module_on, device, device_of, to_device
from minitorch.ops.cast import cast
from minitorch.tensor import Tensor


class ToDevice(ArrayFunction):
    @staticmethod
    def forward(ctx, x, target):
        ctx.source = device_of(x)
        return to_device(x, target)

    @staticmethod
    def backward(ctx, grad):
        """d to(x, device)/dx = 1, on x's device (a move back, itself differentiable)."""
        return ToDevice.call(grad, ctx.source), None


def parse_to_args(args: tuple, kwargs: dict) -> tuple:
    """Sort ``to(...)``'s arguments into a target device and a target dtype (either may be None)."""
    target_device = kwargs.pop("device", None)
    target_dtype = kwargs.pop("dtype", None)
    kwargs.pop("non_blocking", None)
    kwargs.pop("copy", None)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    for arg in args:
        if isinstance(arg, Tensor):
            target_device, target_dtype = arg.device, arg.dtype
        elif isinstance(arg, (str, device)):
            target_device = arg
        else:
            target_dtype = arg
    return (
        None if target_device is None else device(target_device),
        None if target_dtype is None else dtypes.as_dtype(target_dtype),
    )


def to(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """``to(device)``, ``to(dtype)``, ``to(device, dtype)`` or ``to(other_tensor)``; ``input`` itself
    when nothing changes."""
    target_device, target_dtype = parse_to_args(args, kwargs)
    out = input
    if target_dtype is not None and target_dtype != input.dtype:
        out = cast(out, target_dtype)
    if target_device is not None and target_device != input.device:
        out = ToDevice.apply(out, target_device)
    return out


def cpu(input: Tensor) -> Tensor:
    return to(input, CPU)


def cuda(input: Tensor, device_index: Optional[Union[int, str]] = None) -> Tensor:
    if device_index is None:
        return to(input, device("cuda"))
    return to(input, device(device_index if isinstance(device_index, str) else f"cuda:{device_index}"))


def _to_dtype(dtype: Any, name: str) -> Any:
    def method(input: Tensor) -> Tensor:
        return to(input, dtype)

    method.__name__ = name
    method.__doc__ = f"``x.to({dtype})``."
    return method


float = _to_dtype(dtypes.float32, "float")
double = _to_dtype(dtypes.float64, "double")
half = _to_dtype(dtypes.float16, "half")
long = _to_dtype(dtypes.int64, "long")
int = _to_dtype(dtypes.int32, "int")
short = _to_dtype(dtypes.int16, "short")
char = _to_dtype(dtypes.int8, "char")
byte = _to_dtype(dtypes.uint8, "byte")
bool = _to_dtype(dtypes.bool_, "bool")


def type_as(input: Tensor, other: Tensor) -> Tensor:
    return to(input, other.dtype)


# ----- DLPack: sharing memory with other array libraries (PyTorch, CuPy, JAX ...) without a copy -----
DLPACK_CPU, DLPACK_CUDA = 1, 2  # DLDeviceType codes


def to_dlpack(input: Tensor, **options: Any) -> Any:
    """``x.__dlpack__()``: a capsule of this tensor's memory, for ``torch.from_dlpack(x)`` and the like."""
    if input.requires_grad:
        raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
    return input._data.__dlpack__(**{key: value for key, value in options.items() if value is not None})


def dlpack_device(input: Tensor) -> tuple:
    """``x.__dlpack_device__()``: (DLPack device type, index): (1, 0) on the CPU, (2, i) on cuda:i."""
    return input._data.__dlpack_device__()


def from_dlpack(ext_tensor: Any) -> Tensor:
    """A tensor sharing memory with any DLPack producer, on the producer's device (no copy)."""
    kind, index = ext_tensor.__dlpack_device__()
    if kind == DLPACK_CPU:
        return Tensor._wrap(np.from_dlpack(ext_tensor))
    if kind == DLPACK_CUDA:
        with array_module_on(device("cuda", index)) as xp:
            return Tensor._wrap(xp.from_dlpack(ext_tensor))
    raise RuntimeError(f"from_dlpack: unsupported DLPack device type {kind} (minitorch has cpu and cuda)")
