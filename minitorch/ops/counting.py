"""Counting and binning: unique, unique_consecutive, bincount, histc, searchsorted, bucketize.

None of these is differentiable (their results are counts, positions and distinct values), so
they work on the arrays directly and return tensors outside the graph.

* ``unique`` returns the distinct values in ascending order (PyTorch sorts on the CPU whatever
  ``sorted`` says), with, on request, where each input element went (``inverse``) and how
  often each value occurs (``counts``); NaNs are all distinct, as NaN ≠ NaN.
* ``searchsorted(boundaries, v)`` is the position where ``v`` would be inserted to keep the
  boundaries sorted; ``bucketize(v, boundaries)`` is the same question asked the other way round.
"""
from __future__ import annotations

from typing import Any, Optional, Union

import numpy as np

from minitorch import dtypes
from minitorch.backend import array_module
from minitorch.creation import tensor
from minitorch.sizes import normalize_dim
from minitorch.tensor import Tensor


def _results(values: Any, inverse: Any, counts: Any, return_inverse: bool, return_counts: bool) -> Any:
    out = [Tensor._wrap(values)]
    if return_inverse:
        out.append(Tensor._wrap(inverse.astype(dtypes.int64, copy=False)))
    if return_counts:
        out.append(Tensor._wrap(counts.astype(dtypes.int64, copy=False)))
    return out[0] if len(out) == 1 else tuple(out)


def _rows(data: Any, axis: int) -> Any:
    """The slices along ``axis`` as the rows of a matrix (unique over ``dim`` compares whole slices)."""
    xp = array_module(data)
    return xp.moveaxis(data, axis, 0).reshape(data.shape[axis], -1)


def _unrows(rows: Any, data: Any, axis: int) -> Any:
    xp = array_module(rows)
    moved = xp.moveaxis(data, axis, 0).shape
    return xp.moveaxis(rows.reshape((rows.shape[0],) + moved[1:]), 0, axis)


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
           dim: Optional[int] = None) -> Any:
    """The distinct values (or distinct slices along ``dim``) in ascending order."""
    data = input._data
    xp = array_module(data)
    if dim is None:
        flat = data.reshape(-1)
        order = xp.argsort(flat, kind="stable")
        ranked = flat[order]
        starts = xp.concatenate([xp.ones(min(flat.size, 1), bool), ranked[1:] != ranked[:-1]])  # NaN ≠ NaN: each its own
        values = ranked[starts]
        group = xp.cumsum(starts) - 1
        inverse = xp.empty_like(group)
        inverse[order] = group
        counts = xp.diff(xp.append(xp.nonzero(starts)[0], flat.size))
        return _results(values, inverse.reshape(data.shape), counts, return_inverse, return_counts)
    axis = normalize_dim(dim, input.ndim)
    rows = _rows(data, axis)
    values, inverse, counts = np.unique(xp.asnumpy(rows) if xp is not np else rows, axis=0, return_inverse=True,
                                        return_counts=True)
    values, inverse, counts = (xp.asarray(a) for a in (values, inverse.reshape(-1), counts))
    return _results(_unrows(values, data, axis), inverse, counts, return_inverse, return_counts)


def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim: Optional[int] = None) -> Any:
    """Collapse each run of equal consecutive values (or slices along ``dim``) to one."""
    data = input._data
    xp = array_module(data)
    axis = None if dim is None else normalize_dim(dim, input.ndim)
    rows = data.reshape(-1, 1) if axis is None else _rows(data, axis)
    n = rows.shape[0]
    changed = (rows[1:] != rows[:-1]).any(axis=1)
    starts = xp.concatenate([xp.ones(min(n, 1), bool), changed])
    inverse = xp.cumsum(starts) - 1
    counts = xp.diff(xp.append(xp.nonzero(starts)[0], n))
    kept = rows[starts]
    values = kept.reshape(-1) if axis is None else _unrows(kept, data, axis)
    return _results(values, inverse.reshape(data.shape) if axis is None else inverse, counts,
                    return_inverse, return_counts)


def bincount(input: Tensor, weights: Optional[Tensor] = None, minlength: int = 0) -> Tensor:
    """How often each of 0, 1, 2, … occurs in a 1-D tensor of non-negative integers (or the sum
    of ``weights`` at each); int64 counts, or the weights' dtype (float32 weights give float32)."""
    data = input._data
    if input.dtype.kind not in "iub":
        raise NotImplementedError(f'"bincount" is not implemented for {input.dtype}: it counts integers')
    if input.ndim != 1 or (data.size and int(data.min()) < 0):
        raise RuntimeError(f"bincount only supports 1-d non-negative integral inputs (got shape {list(input.shape)}).")
    xp = array_module(data)
    if weights is None:
        return Tensor._wrap(xp.bincount(data, minlength=minlength).astype(dtypes.int64))
    if weights.shape != input.shape:
        raise RuntimeError(f"weights should be 1-d and have the same length as input (got {list(weights.shape)})")
    dtype = weights.dtype if weights.dtype == dtypes.float32 else dtypes.float64
    return Tensor._wrap(xp.bincount(data, weights=weights._data, minlength=minlength).astype(dtype))


def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
    """Counts in ``bins`` equal-width bins over [min, max] (the data's range when both are 0);
    elements outside the range (and NaN) are not counted; the last bin includes ``max``."""
    if input.dtype.kind != "f":
        raise NotImplementedError(f'"histc" is not implemented for {input.dtype}: it needs a floating point tensor')
    if bins <= 0:
        raise RuntimeError(f"torch.histc(): bins must be > 0, but got {bins}")
    data = input._data.reshape(-1)
    xp = array_module(data)
    low, high = float(min), float(max)
    if low == high and data.size:
        low, high = float(data.min()), float(data.max())
    if not (np.isfinite(low) and np.isfinite(high)):
        raise RuntimeError(f"torch.histc: range of [{low}, {high}] is not finite")
    if low == high:
        low, high = low - 1, high + 1
    if low > high:
        raise RuntimeError(f"torch.histc(): max must be larger than min, got min {min} and max {max}")
    inside = (data >= low) & (data <= high)
    with np.errstate(invalid="ignore"):
        position = ((data[inside] - low) * bins / (high - low)).astype(xp.int64)
    counts = xp.bincount(xp.minimum(position, bins - 1), minlength=bins)
    return Tensor._wrap(counts.astype(input.dtype))


def searchsorted(sorted_sequence: Tensor, input: Union[Tensor, int, float], *, out_int32: bool = False,
                 right: bool = False, side: Optional[str] = None, sorter: Optional[Tensor] = None) -> Tensor:
    """Where each value of ``input`` would go in the sorted innermost rows of ``sorted_sequence``
    to keep them sorted: the first such place (``right=True``/``side='right'``: the last)."""
    if side is not None:
        if side not in ("left", "right") or (side == "left" and right):
            raise RuntimeError(
                f"torch.searchsorted(): side can only be 'left' or 'right' and must agree with right, got {side!r}"
            )
        right = side == "right"
    scalar = not isinstance(input, Tensor)
    values = tensor(input, device=sorted_sequence.device)._data if scalar else input._data
    boundaries = sorted_sequence._data
    xp = array_module(boundaries)
    if sorter is not None:
        boundaries = xp.take_along_axis(boundaries, sorter._data, -1)
    mode = "right" if right else "left"
    if boundaries.ndim <= 1:
        found = xp.searchsorted(boundaries, values, side=mode)
    else:
        if boundaries.shape[:-1] != values.shape[:-1]:
            raise RuntimeError(
                f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of "
                f"boundaries tensor and input value tensor must match, but we got boundaries tensor "
                f"{list(sorted_sequence.shape)} and input value tensor {list(values.shape)}"
            )
        # one sorted row per batch entry: the insertion point is the number of boundaries below v (≤ v for right)
        below = values[..., :, None] >= boundaries[..., None, :] if right else values[..., :, None] > boundaries[..., None, :]
        found = below.sum(axis=-1)
    return Tensor._wrap(xp.asarray(found).astype(dtypes.int32 if out_int32 else dtypes.int64))


def bucketize(input: Union[Tensor, int, float], boundaries: Tensor, *, out_int32: bool = False,
              right: bool = False) -> Tensor:
    """The index of the bucket each value falls in, for 1-D sorted ``boundaries``:
    ``boundaries[i-1] < v ≤ boundaries[i]`` (``right=True``: ``boundaries[i-1] ≤ v < boundaries[i]``)."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)
