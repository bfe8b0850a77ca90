"""``inference_mode``: ``no_grad`` for code that will never need a gradient (evaluation, serving).

PyTorch also marks tensors made inside it as "inference tensors" that may never enter a graph
later; minitorch only switches graph recording off, as ``no_grad`` does.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from minitorch.autograd import grad_mode

_inference_enabled = False


def is_inference_mode_enabled() -> bool:
    return _inference_enabled


class inference_mode:
    """``with inference_mode():``, ``@inference_mode`` or ``@inference_mode()``: no graph is recorded.
    ``inference_mode(False)`` turns it (and ``no_grad``) off again, as in PyTorch."""

    def __new__(cls, mode: Any = True) -> Any:
        if callable(mode):  # used bare as a decorator: @inference_mode
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        self.mode = bool(mode)

    def __enter__(self) -> None:
        global _inference_enabled
        self.previous = (grad_mode._grad_enabled, _inference_enabled)
        grad_mode._grad_enabled, _inference_enabled = not self.mode, self.mode

    def __exit__(self, *exc_info: Any) -> None:
        global _inference_enabled
        grad_mode._grad_enabled, _inference_enabled = self.previous

    def __call__(self, function: Callable) -> Callable:
        mode = self.mode

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with inference_mode(mode):
                return function(*args, **kwargs)

        return wrapper
