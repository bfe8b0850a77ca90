"""``x.view(dtype)``: the same bytes, read as another dtype (no conversion, no copy).

``x.view(minitorch.int32)`` of float32 values shows their IEEE-754 bit patterns. When the two
element sizes differ, the last dimension is rescaled: a (2, 3) float32 tensor viewed as uint8 is
(2, 12), and a (2, 4) float32 tensor viewed as float64 is (2, 2). For the bytes of one row to stay
together, PyTorch requires (and so does minitorch, with the same messages) that the last
dimension be contiguous, and, when elements grow, that its size, the other strides and the start
of the tensor in its memory all be multiples of the size ratio.

The result is outside the autograd graph (bit patterns have no derivative; PyTorch's
``view(dtype)`` is not differentiable either) but shares memory, and version counter, with ``x``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minitorch import dtypes
from minitorch.backend import array_module
from minitorch.ops.layout import guard_copied_view, is_batch_innermost
from minitorch.tensor import Tensor

TORCH_NAMES = {dtypes.float16: "Half", dtypes.float32: "Float", dtypes.float64: "Double", dtypes.uint8: "Byte",
               dtypes.int8: "Char", dtypes.int16: "Short", dtypes.int32: "Int", dtypes.int64: "Long",
               dtypes.bool_: "Bool"}


def storage_offset(x: Any) -> int:
    """How many elements into its memory block ``x`` starts (PyTorch's ``storage_offset()``)."""
    if array_module(x) is np:
        owner = x
        while isinstance(owner.base, np.ndarray):
            owner = owner.base
        return (x.__array_interface__["data"][0] - owner.__array_interface__["data"][0]) // x.itemsize
    return (x.data.ptr - x.data.mem.ptr) // x.itemsize


def check_reinterpretable(x: Any, dtype: np.dtype) -> None:
    """PyTorch's conditions for reading ``x`` as ``dtype`` of another element size."""
    what = f"to view {TORCH_NAMES[x.dtype]} as {TORCH_NAMES[dtype]} (different element sizes)"
    if x.ndim == 0:
        raise RuntimeError(f"self.dim() cannot be 0 {what}")
    strides = [step // x.itemsize for step in x.strides]
    if strides[-1] != 1:
        raise RuntimeError(f"self.stride(-1) must be 1 {what}, but got {strides[-1]}")
    if dtype.itemsize < x.itemsize:
        return
    ratio = dtype.itemsize // x.itemsize
    if x.shape[-1] % ratio:
        raise RuntimeError(f"self.size(-1) must be divisible by {ratio} {what}, but got {x.shape[-1]}")
    offset = storage_offset(x)
    if offset % ratio:
        raise RuntimeError(f"self.storage_offset() must be divisible by {ratio} {what}, but got {offset}")
    for dim, stride in enumerate(strides[:-1]):
        if stride % ratio:
            raise RuntimeError(f"self.stride({dim}) must be divisible by {ratio} {what}, but got {stride}")


def view_dtype(input: Tensor, dtype: Any) -> Tensor:
    """``input``'s bytes as ``dtype``; the caller (``ops/shape.py``'s ``view``) links the versions.

    A conv/pool output is C-contiguous in PyTorch but batch-innermost here (``ops/layout.py``),
    so when the element size changes it is read from a C-ordered copy, which refuses writes.
    """
    dtype = dtypes.as_dtype(dtype)
    x = input._data
    if dtype.itemsize == x.itemsize:
        return Tensor._wrap(x.view(dtype))
    copied = is_batch_innermost(x)
    if copied:
        x = array_module(x).ascontiguousarray(x)
    check_reinterpretable(x, dtype)
    out = Tensor._wrap(x.view(dtype))
    return guard_copied_view(out, input) if copied else out
