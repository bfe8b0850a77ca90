"""``out=``: PyTorch's functions can write their result into an existing tensor,
``torch.matmul(a, b, out=c)``. :func:`with_out` gives a function that keyword; the result is
computed as usual, then copied into ``out`` (resized when its shape differs, as PyTorch does).
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from minitorch import dtypes
from minitorch.autograd import grad_mode
from minitorch.backend import array_module
from minitorch.tensor import Tensor


def with_out(function: Callable) -> Callable:
    """``function`` with an ``out=`` keyword. As in PyTorch, ``out=`` takes no part in autograd:
    it is refused while an input requires grad and grad mode is on."""

    @functools.wraps(function)
    def wrapper(*args: Any, out: Any = None, **kwargs: Any) -> Any:
        if out is None:
            return function(*args, **kwargs)
        if grad_mode.is_grad_enabled() and (out.requires_grad or _any_requires_grad(args, kwargs)):
            raise RuntimeError(
                f"{function.__name__}(): functions with out=... arguments don't support automatic "
                "differentiation, but one of the arguments requires grad."
            )
        if isinstance(out, (tuple, list)):
            results = function(*args, **kwargs)
            for target, result in zip(out, results):
                _store(function.__name__, target, result)
            return out
        _store(function.__name__, out, function(*args, **kwargs))
        return out

    return wrapper


def _any_requires_grad(args: tuple, kwargs: dict) -> bool:
    values = list(args) + list(kwargs.values())
    values += [v for value in values if isinstance(value, (list, tuple)) for v in value]
    return any(isinstance(value, Tensor) and value.requires_grad for value in values)


def _store(name: str, out: Tensor, result: Tensor) -> None:
    """Copy ``result`` into ``out``: new memory of the right shape if needed, ``out``'s dtype kept."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if dtypes._CATEGORY[result._data.dtype.kind] > dtypes._CATEGORY[out._data.dtype.kind]:
        raise RuntimeError(f"result type {result.dtype} can't be cast to the desired output type {out.dtype}")
    if out.shape != result.shape:
        out._data = array_module(out._data).empty(result.shape, dtype=out._data.dtype)
    out._write(result._data.astype(out._data.dtype, copy=False))
