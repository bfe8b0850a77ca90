"""``pin_memory=True``: stage batches in page-locked host memory, so copies to the GPU are faster.

A GPU copies from page-locked ("pinned") host memory by DMA, without the extra staging copy
the driver makes from ordinary memory. With CuPy and a GPU, the loader thread copies each
array of a batch into a pinned buffer; ``batch.to("cuda")`` then reads from there. Without
a GPU the option is accepted and does nothing (PyTorch warns in that case; so do we, once).
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from minitorch.creation import from_numpy
from minitorch.tensor import Tensor
from minitorch.backend import cuda_is_available, cupy_module


def pinning_available() -> bool:
    """True when batches can be pinned (CuPy and a GPU); warns once when they cannot."""
    if cuda_is_available():
        return True
    warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned memory "
                  "won't be used.", stacklevel=3)
    return False


def pin_memory(batch: Any) -> Any:
    """The batch with every CPU Tensor copied into pinned host memory (same structure)."""
    if isinstance(batch, Tensor) and not batch.is_cuda:
        return from_numpy(_pinned_copy(batch.numpy()))
    if isinstance(batch, Mapping):
        return {key: pin_memory(value) for key, value in batch.items()}
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return type(batch)(*(pin_memory(value) for value in batch))
    if isinstance(batch, (tuple, list)):
        return type(batch)(pin_memory(value) for value in batch)
    return batch


def _pinned_copy(array: np.ndarray) -> np.ndarray:
    memory = cupy_module().cuda.alloc_pinned_memory(max(array.nbytes, 1))
    pinned = np.frombuffer(memory, dtype=array.dtype, count=array.size).reshape(array.shape)  # keeps `memory` alive
    pinned[...] = array
    return pinned
