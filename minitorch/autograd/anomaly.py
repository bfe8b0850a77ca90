"""Anomaly detection, as in PyTorch: find the op whose backward produced NaN.

A NaN in a gradient usually shows up far from where it was made: ``loss.backward()`` runs, and
some ``weight.grad`` is NaN. With anomaly mode on, every node remembers the Python traceback of
the forward call that created it, and each node's gradients are checked right after its
backward runs: the first one that produced NaN (or inf) raises ``RuntimeError`` naming the node,
after a warning that prints where, in *your* code, that op was called::

    with minitorch.autograd.detect_anomaly():
        loss = minitorch.log(x - x).sum()   # log(0) = -inf, and its backward 1/0 ...
        loss.backward()                     # RuntimeError: Function 'LogBackward0' returned ...
"""
from __future__ import annotations

import os
import traceback
import warnings
from typing import Any, Callable

from minitorch.autograd import observers
from minitorch.backend import array_module

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_HIDDEN = tuple(os.path.join(_PACKAGE, part) for part in ("autograd" + os.sep, "ops" + os.sep, "tensor_methods.py"))
_state = {"observer": None, "check_nan": True}


class _AnomalyObserver(observers.Observer):
    """Stamps each new node with its forward traceback; checks each node's gradients."""

    def forward(self, op: type, args: tuple, run: Callable[[], Any]) -> Any:
        outputs = run()
        node = observers.node_of(outputs)
        if node is not None:
            node._anomaly_trace = _forward_trace()
        return outputs

    def backward(self, node: Any, grads: list, run: Callable[[], tuple]) -> tuple:
        input_grads = run()
        if _state["check_nan"]:
            for index, grad in enumerate(input_grads):
                kind = _bad_values(grad)
                if kind:
                    trace = getattr(node, "_anomaly_trace", None)
                    if trace is not None:
                        warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that "
                                      f"caused the error:\n{trace}", UserWarning, stacklevel=2)
                    raise RuntimeError(f"Function '{node.name()}' returned {kind} values in its {index}th output.")
        return input_grads


def _forward_trace() -> str:
    """The current Python stack, less the frames of autograd and of the ops themselves (PyTorch's
    C++ layer), so that it ends at the line that called the op."""
    frames = [frame for frame in traceback.extract_stack() if not frame.filename.startswith(_HIDDEN)]
    return "".join(traceback.format_list(frames))


def _bad_values(grad: Any) -> str:
    """'nan' or 'inf' when the array holds such values, else ''."""
    if grad is None or not hasattr(grad, "dtype") or grad.dtype.kind not in "fc":
        return ""
    xp = array_module(grad)
    if bool(xp.isnan(grad).any()):
        return "nan"
    if bool(xp.isinf(grad).any()):
        return "inf"
    return ""


def is_anomaly_enabled() -> bool:
    return _state["observer"] is not None


def is_anomaly_check_nan_enabled() -> bool:
    return _state["check_nan"]


def _set(mode: bool, check_nan: bool) -> None:
    observer = _state["observer"]
    if mode and observer is None:
        _state["observer"] = _AnomalyObserver()
        observers.OBSERVERS.append(_state["observer"])
    elif not mode and observer is not None:
        observers.OBSERVERS.remove(observer)
        _state["observer"] = None
    _state["check_nan"] = bool(check_nan)


class set_detect_anomaly:
    """Turn anomaly mode on or off: at once (as a call), or for a ``with`` block."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.previous = (is_anomaly_enabled(), is_anomaly_check_nan_enabled())
        _set(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc_info: Any) -> None:
        _set(*self.previous)


class detect_anomaly:
    """Anomaly mode inside a ``with`` block (or a decorated function). Slow: for debugging."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should "
                      "only be enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self) -> None:
        self.previous = (is_anomaly_enabled(), is_anomaly_check_nan_enabled())
        _set(True, self.check_nan)

    def __exit__(self, *exc_info: Any) -> None:
        _set(*self.previous)

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return function(*args, **kwargs)
        return wrapper
