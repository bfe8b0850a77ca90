"""Collate: turn a list of samples into one batch with the same structure as a sample."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from minitorch.creation import from_numpy
from minitorch.ops.shape import stack
from minitorch.tensor import Tensor

_NUMERIC_KINDS = "biuf"  # NumPy dtype kinds of bool, signed and unsigned int, float


def default_collate(samples: list) -> Any:
    """Stack a list of samples into one batch with the same structure as a sample.

    As ``torch.utils.data.default_collate``: Tensors and NumPy arrays are stacked
    along a new first dimension; Python ints become an int64 Tensor, floats a
    float64 Tensor, bools a bool Tensor; strings stay a list; dicts, tuples,
    namedtuples and lists are collated field by field, to any depth. (PyTorch returns
    a list for tuple samples; minitorch keeps the tuple.) PIL images, which PyTorch
    refuses, become a uint8 (N, C, H, W) Tensor, as ``PILToTensor`` would make each.
    """
    first = samples[0]
    if isinstance(first, Tensor):
        return stack(samples, dim=0)
    if isinstance(first, (np.ndarray, np.generic)):
        return _stack_arrays(samples)
    if isinstance(first, (bool, int, float)):  # bool before int: True is an int in Python
        dtype = np.bool_ if isinstance(first, bool) else np.int64 if isinstance(first, int) else np.float64
        return from_numpy(np.array(samples, dtype=dtype))
    if isinstance(first, (str, bytes)):
        return list(samples)
    if isinstance(first, Mapping):
        return {key: default_collate([sample[key] for sample in samples]) for key in first}
    if isinstance(first, (tuple, list)):
        return _collate_sequences(samples)
    if _is_pil(first):
        arrays = [np.asarray(image) for image in samples]
        stacked = _stack_arrays(arrays).numpy()
        return from_numpy(np.ascontiguousarray(stacked[:, None] if stacked.ndim == 3 else np.moveaxis(stacked, -1, 1)))
    raise TypeError(
        "default_collate: samples must be Tensors, NumPy arrays, numbers, strings, dicts, "
        f"tuples, lists or PIL images; got {type(first).__name__}"
    )


def default_convert(data: Any) -> Any:
    """What ``batch_size=None`` does to each sample: NumPy arrays become Tensors, containers are walked."""
    if isinstance(data, np.ndarray) and data.dtype.kind in _NUMERIC_KINDS:
        return from_numpy(data)
    if isinstance(data, Mapping):
        return {key: default_convert(value) for key, value in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(value) for value in data))
    if isinstance(data, (tuple, list)):
        return type(data)(default_convert(value) for value in data)
    return data


def as_tensors(batch: Any) -> Any:
    """Turn the NumPy arrays in a batch returned by ``__getitems__`` into Tensors."""
    if isinstance(batch, np.ndarray):
        return from_numpy(np.ascontiguousarray(batch))
    if isinstance(batch, Mapping):
        return {key: as_tensors(value) for key, value in batch.items()}
    if isinstance(batch, (tuple, list)):
        return type(batch)(as_tensors(value) for value in batch)
    return batch


def _is_pil(sample: Any) -> bool:
    return type(sample).__module__.startswith("PIL.") and hasattr(sample, "getbands")


def _stack_arrays(arrays: list) -> Any:
    dtype = np.asarray(arrays[0]).dtype
    if dtype.kind not in _NUMERIC_KINDS:
        raise TypeError(f"default_collate: cannot make a Tensor from NumPy arrays of dtype {dtype}")
    return from_numpy(np.stack(arrays))


def _collate_sequences(samples: list) -> Any:
    first = samples[0]
    if any(len(sample) != len(first) for sample in samples):
        lengths = sorted({len(sample) for sample in samples})
        raise ValueError(f"default_collate: all samples must have the same number of fields, got lengths {lengths}")
    fields = [default_collate(list(field)) for field in zip(*samples)]
    if hasattr(first, "_fields"):  # a namedtuple: rebuild the same type
        return type(first)(*fields)
    return tuple(fields) if isinstance(first, tuple) else fields
