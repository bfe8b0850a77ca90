"""``@once_differentiable``: a backward that can be run, but not differentiated again.

A user-defined ``Function`` whose ``backward`` is written in Tensor ops is twice differentiable
for free: with ``create_graph=True`` its backward is recorded like any other computation. A
backward that leaves the graph (NumPy on ``.numpy()``, a hand-written kernel) is not, and a
second derivative through it would silently come out as zero. Decorating that backward::

    class MyOp(Function):
        @staticmethod
        @once_differentiable
        def backward(ctx, grad):
            ...

runs it under ``no_grad`` (nothing is recorded), and when a second derivative could be asked for
(grad mode on and some incoming gradient requires grad) ties its results to a node that raises
as soon as a gradient reaches it, as PyTorch's decorator does. The node is a view of the
detached result with a hook that raises (this file needs nothing from ``function.py``, so that
file can re-export the decorator without an import cycle).
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from minitorch.autograd import grad_mode
from minitorch.tensor import Tensor

MESSAGE = "trying to differentiate twice a function that was marked with @once_differentiable"


def once_differentiable(backward: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``backward(ctx, *grads)`` without recording it; differentiating its result raises."""

    @functools.wraps(backward)
    def wrapper(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        with grad_mode.no_grad():
            outputs = backward(ctx, *args, **kwargs)
        if not grad_mode.is_grad_enabled():
            return outputs
        if not any(isinstance(arg, Tensor) and arg.requires_grad for arg in args):
            return outputs
        if not isinstance(outputs, tuple):
            return _refuse_second_derivative(outputs)
        return tuple(_refuse_second_derivative(output) for output in outputs)

    return wrapper


def _refuse_second_derivative(value: Any) -> Any:
    """``value`` as a Tensor with a ``grad_fn`` whose gradient, when one arrives, raises."""
    if not isinstance(value, Tensor):
        return value  # None, or a number: no gradient can flow through it
    tied = value.detach().requires_grad_()
    tied = tied.view_as(tied)
    tied.register_hook(_raise)
    return tied


def _raise(grad: Any) -> None:
    raise RuntimeError(MESSAGE)
