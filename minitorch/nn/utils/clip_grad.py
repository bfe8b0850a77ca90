"""Gradient clipping: keep one bad batch from throwing the parameters far away.

``clip_grad_norm_`` treats all the gradients as one long vector g and, if its norm is above
``max_norm``, scales every gradient by max_norm / (‖g‖ + 1e-6), keeping the direction of the
step. ``clip_grad_value_`` clamps each gradient element to [−clip_value, clip_value]. Call
either between ``loss.backward()`` and ``optimizer.step()``::

    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()

``foreach`` (PyTorch's choice of a batched kernel) is accepted and changes nothing here.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Iterable, List, Optional, Union

import numpy as np

from minitorch.backend import array_module
from minitorch.tensor import Tensor

Tensors = Union[Tensor, Iterable[Tensor]]


def _as_list(tensors: Tensors) -> List[Tensor]:
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def _norm(array: Any, norm_type: float) -> Any:
    """‖array‖ of order ``norm_type`` as a 0-d array of the array's dtype."""
    xp = array_module(array)
    size = xp.abs(array)
    if norm_type == math.inf:
        return size.max() if size.size else xp.zeros((), array.dtype)
    if norm_type == -math.inf:
        return size.min() if size.size else xp.asarray(xp.inf, array.dtype)
    if norm_type == 0:
        return xp.asarray((size != 0).sum(), dtype=array.dtype)
    if norm_type == 1:
        return size.sum()
    if norm_type == 2:
        return xp.sqrt((array * array).sum())
    return ((size ** norm_type).sum() ** (1.0 / norm_type)).astype(array.dtype)


def get_total_norm(tensors: Tensors, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: Optional[bool] = None) -> Tensor:
    """The norm of the norms of ``tensors``: their norm as if concatenated into one vector."""
    arrays = [t._data for t in _as_list(tensors)]
    norm_type = float(norm_type)
    if not arrays:
        return Tensor._wrap(np.array(0.0, dtype=np.float32))
    norms = [_norm(a, norm_type) for a in arrays]
    xp = array_module(arrays[0])
    total = _norm(xp.stack([xp.asarray(n) for n in norms]), norm_type)
    if error_if_nonfinite and not bool(xp.isfinite(total)):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot "
            "be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    return Tensor._wrap(xp.asarray(total))


def clip_grads_with_norm_(parameters: Tensors, max_norm: float, total_norm: Tensor,
                          foreach: Optional[bool] = None) -> None:
    """Scale every gradient by min(1, max_norm / (total_norm + 1e-6)), in place."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return
    total = total_norm._data
    xp = array_module(total)
    with np.errstate(invalid="ignore", divide="ignore"):
        coefficient = xp.minimum(xp.asarray(float(max_norm), total.dtype) / (total + 1e-6), 1.0).astype(total.dtype)
    for grad in grads:
        data = grad._data
        grad._write(xp.multiply(data, coefficient.astype(data.dtype), out=data))


def clip_grad_norm_(parameters: Tensors, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach: Optional[bool] = None) -> Tensor:
    """Rescale the gradients so that their total norm is at most ``max_norm``; returns the norm before."""
    parameters = _as_list(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_norm(parameters: Tensors, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: Optional[bool] = None) -> Tensor:
    """The old name of :func:`clip_grad_norm_` (deprecated, as in PyTorch)."""
    warnings.warn(
        "`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
        FutureWarning, stacklevel=2,
    )
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters: Tensors, clip_value: float, foreach: Optional[bool] = None) -> None:
    """Clamp every gradient element to [−clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    for p in _as_list(parameters):
        if p.grad is not None:
            data = p.grad._data
            p.grad._write(array_module(data).clip(data, -clip_value, clip_value, out=data))
