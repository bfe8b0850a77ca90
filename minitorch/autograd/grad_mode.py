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


class _GradModeContext:
    """Sets grad mode to ``self.mode`` inside a ``with`` block or a decorated function."""

    mode = True

    def __enter__(self) -> None:
        global _grad_enabled
        self.previous = _grad_enabled
        _grad_enabled = self.mode

    def __exit__(self, *exc_info: Any) -> None:
        global _grad_enabled
        _grad_enabled = self.previous

    def __call__(self, function: F) -> F:
        mode = self.mode

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class set_grad_enabled(_GradModeContext):
    """Turn graph recording on or off: at once (as a call), in a ``with`` block, or as a decorator.

    The call itself switches the mode, as in PyTorch; leaving the ``with`` block restores it.
    """

    def __init__(self, mode: bool) -> None:
        global _grad_enabled
        self.previous = _grad_enabled
        self.mode = bool(mode)
        _grad_enabled = self.mode

    def __enter__(self) -> None:
        pass

    def __call__(self, function: F) -> F:
        self.__exit__()  # used as a decorator: the mode applies only inside the function
        return super().__call__(function)


class _NoArgumentContext(_GradModeContext):
    """Also a decorator without parentheses: ``@no_grad`` as well as ``@no_grad()``."""

    def __new__(cls, function: Any = None) -> Any:
        if function is None:
            return super().__new__(cls)
        return cls()(function)


class no_grad(_NoArgumentContext):
    """Record no graph: for evaluation and for optimizer updates."""

    mode = False


class enable_grad(_NoArgumentContext):
    """Record the graph again inside a ``no_grad`` block."""

    mode = True
