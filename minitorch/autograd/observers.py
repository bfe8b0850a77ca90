"""The one door through which instruments watch autograd: a list of observers.

The profiler, anomaly mode, the float64 shadow, saved-tensor hooks and the layer tracker all
need to see each op as it runs forward and each node as it runs backward. Rather than each
adding its own code to the hot path, the core has exactly two hook points, each a single test
of the list below, which is empty unless an instrument is on:

* ``Function.apply`` (function.py): ``if OBSERVERS and not take_pass(): return observed_apply(...)``;
  ``observed_apply`` wraps the observers around the op and re-enters ``apply`` with a one-time
  pass, so the op itself runs the ordinary code;
* ``run_backward`` (engine.py) looks once per backward: when observed, each node's
  ``_run_backward`` goes through :func:`observed_backward`.

(Saved-tensor hooks also need ``Function.saved_tensors`` to unpack: a ``None`` test per read.)

An observer is any object with two methods, each wrapping the next one (like a decorator)::

    def forward(self, op, args, run):        # run() does the op; return its outputs
    def backward(self, node, grads, run):    # run() computes the input gradients; return them

Instruments live in higher modules and add themselves with :func:`watching`, so the core never
imports them.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Any, Callable, Iterator

OBSERVERS: list = []  # the active observers, outermost first; shared (mutated in place, never rebound)
_local = threading.local()  # .passing: set just before re-entering apply, "this call is the observed op itself"


@contextlib.contextmanager
def watching(observer: Any) -> Iterator[Any]:
    """Add ``observer`` for the duration of a ``with`` block."""
    OBSERVERS.append(observer)
    try:
        yield observer
    finally:
        OBSERVERS.remove(observer)


def take_pass() -> bool:
    """True once after :func:`observed_apply` re-enters ``apply`` to run the op itself."""
    if getattr(_local, "passing", False):
        _local.passing = False
        return True
    return False


def observed_apply(op: type, args: tuple) -> Any:
    """Run ``op.apply(*args)`` with every observer wrapped around it, outermost first."""
    observers = list(OBSERVERS)

    def run_op() -> Any:
        _local.passing = True  # the next apply on this thread (this very op) goes straight to its body
        return op.apply(*args)

    return _chain(observers, "forward", (op, args), run_op)()


def observed_backward(node: Any, grads: list, create_graph: bool = False) -> tuple:
    """Run ``node._run_backward(grads, create_graph)`` with every observer wrapped around it."""
    return _chain(list(OBSERVERS), "backward", (node, grads), lambda: node._run_backward(grads, create_graph))()


def _chain(observers: list, method: str, call: tuple, innermost: Callable[[], Any]) -> Callable[[], Any]:
    run = innermost
    for observer in reversed(observers):
        run = _wrap(getattr(observer, method), call, run)
    return run


def _wrap(method: Callable[..., Any], call: tuple, inner: Callable[[], Any]) -> Callable[[], Any]:
    return lambda: method(*call, inner)


class Observer:
    """A do-nothing observer to subclass: override ``forward`` and/or ``backward``."""

    def forward(self, op: type, args: tuple, run: Callable[[], Any]) -> Any:
        return run()

    def backward(self, node: Any, grads: list, run: Callable[[], tuple]) -> tuple:
        return run()


def node_of(outputs: Any) -> Any:
    """The graph node an op's outputs were recorded in, or None (nothing recorded)."""
    for output in outputs if type(outputs) is tuple else (outputs,):
        node = getattr(output, "grad_fn", None)
        if node is not None:
            return node
    return None
