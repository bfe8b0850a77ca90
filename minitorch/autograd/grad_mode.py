"""Grad mode: the one piece of global state. ``with no_grad():`` records no graph.

Each class works as a context manager and as a decorator, as in PyTorch.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_grad_enabled = True


def is_grad_enabled() -> bool:
    return _grad_enabled


class set_grad_enabled:
    """Turn graph recording on or off; restores the previous mode on exit."""

    def __init__(self, mode: bool) -> None:
        global _grad_enabled
        self.previous = _grad_enabled
        self.mode = bool(mode)
        _grad_enabled = self.mode

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc_info: Any) -> None:
        global _grad_enabled
        _grad_enabled = self.previous


class _GradModeContext:
    mode = True

    def __enter__(self) -> None:
        global _grad_enabled
        self.previous = _grad_enabled
        _grad_enabled = self.mode

    def __exit__(self, *exc_info: Any) -> None:
        global _grad_enabled
        _grad_enabled = self.previous

    def __call__(self, function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__():
                return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeContext):
    """Record no graph: for evaluation and for optimizer updates."""

    mode = False


class enable_grad(_GradModeContext):
    """Record the graph again inside a ``no_grad`` block."""

    mode = True
