"""The float64 shadow: how much rounding does each float32 op introduce?

Inside ``with minitorch.autograd.shadow() as report:`` every op also runs a second time, in
float64, on float64 copies of its inputs, and its float32 result is compared with that shadow.
Two errors are listed per op, in execution order, each the largest error relative to the
largest value of the exact result (:func:`relative_error`):

* **this op**: the shadow ran on the *same* values the op saw, so the error is the op's own
  rounding (a sum of many terms, ``exp`` overflowing to inf ...);
* **carried**: the shadow ran on the shadows of the inputs, a float64 run of the whole program so
  far, so the error is everything float32 lost up to here — this is where cancellation shows,
  as in ``E[x²] − E[x]²``, whose subtraction is exact but subtracts two rounded numbers.

After ``backward()`` the report also has, per op, the error of each input gradient against the
shadow node's float64 backward fed the same upstream gradient. It is a debugging mode: each op
runs three times, but the float32 results are untouched::

    with minitorch.autograd.shadow() as report:
        loss = model(x).logsumexp(1).mean()
        loss.backward()
    print(report.table())
"""
from __future__ import annotations

import contextlib
import weakref
from typing import Any, Callable, Iterator

import numpy as np

from minitorch.autograd import grad_mode, observers
from minitorch.backend import array_module
from minitorch.random import default_generator
from minitorch.tensor import Tensor


def relative_error(approx: Any, exact: Any) -> float:
    """The largest error, relative to the largest exact value: max |approx − exact| / max |exact|.

    Measured against the tensor's scale, not element by element, so a value that happens to be
    near zero (``x − mean(x)``) does not turn a tiny absolute error into a huge relative one.
    Equal infinities count as exact; an inf or NaN where the shadow has none is inf or NaN.
    """
    xp = array_module(exact)
    approx, exact = xp.asarray(approx, dtype=np.float64), xp.asarray(exact, dtype=np.float64)
    if approx.size == 0:
        return 0.0
    if bool((xp.isnan(approx) != xp.isnan(exact)).any()):
        return float("nan")
    with np.errstate(all="ignore"):
        same = (approx == exact) | (xp.isnan(approx) & xp.isnan(exact))
        worst = float(xp.where(same, 0.0, xp.abs(approx - exact)).max())
        scale = float(xp.where(xp.isfinite(exact), xp.abs(exact), 0.0).max())
    if worst == 0.0:
        return 0.0
    return worst / scale if scale > 0 else float("inf")


class ShadowReport(observers.Observer):
    """Per op in execution order: ``rows`` of dicts, and :meth:`table`."""

    def __init__(self) -> None:
        self.rows: list = []
        self._carried: dict = {}  # id(tensor) -> (weakref to it, its float64 shadow)
        self._nodes: dict = {}  # id(node) -> (row, the shadow node)

    def forward(self, op: type, args: tuple, run: Callable[[], Any]) -> Any:
        outputs = run()
        results = outputs if type(outputs) is tuple else (outputs,)
        if not any(isinstance(r, Tensor) and _is_float(r._data) for r in results):
            return outputs
        local_args = tuple(self._copy(a, carried=False) for a in args)
        carried_args = tuple(self._copy(a, carried=True) for a in args)
        row = {"op": op.__name__, "shape": list(results[0].shape), "dtype": str(results[0]._data.dtype),
               "forward": float("nan"), "carried": float("nan"), "grads": []}
        try:
            local = _as_tuple(_run_unobserved(op, local_args))
            with grad_mode.no_grad():
                carried = _as_tuple(_run_unobserved(op, carried_args))
        except Exception as error:  # an op that refuses float64: say so, do not stop the program
            row["note"] = f"no float64 shadow ({type(error).__name__})"
            self.rows.append(row)
            return outputs
        row["forward"] = _worst(results, local)
        row["carried"] = _worst(results, carried)
        for result, shadow in zip(results, carried):
            if isinstance(result, Tensor) and isinstance(shadow, Tensor):
                self._carried[id(result)] = (self._forget_with(result, self._carried), shadow._data)
        node, shadow_node = observers.node_of(outputs), observers.node_of(tuple(local))
        if node is not None and shadow_node is not None:
            self._nodes[id(node)] = (row, shadow_node, self._forget_with(node, self._nodes))
        self.rows.append(row)
        return outputs

    def backward(self, node: Any, grads: list, run: Callable[[], tuple]) -> tuple:
        input_grads = run()
        entry = self._nodes.pop(id(node), None)
        if entry is not None:
            row, shadow_node, _ = entry
            wide = [None if g is None else g.astype(np.float64) if _is_float(g) else g for g in grads]
            with _unobserved():
                shadow_grads = shadow_node._run_backward(wide)
            shadow_node._release()
            row["grads"] = [None if g is None or s is None else relative_error(g, s)
                            for g, s in zip(input_grads, shadow_grads)]
        return input_grads

    @staticmethod
    def _forget_with(owner: Any, table: dict) -> weakref.ref:
        """A weak reference to ``owner`` that drops its entry from ``table`` when it dies (no leak)."""
        key = id(owner)
        return weakref.ref(owner, lambda _: table.pop(key, None))

    def _copy(self, value: Any, carried: bool) -> Any:
        """A float64 copy of a float tensor (its carried shadow if asked and known); other tensors copied."""
        if not isinstance(value, Tensor):
            return value
        data = value._data
        if carried and id(value) in self._carried:
            ref, shadow = self._carried[id(value)]
            if ref() is value:
                data = shadow
        copy = data.astype(np.float64) if _is_float(data) else data.copy()
        return Tensor._wrap(copy, value.requires_grad and _is_float(data) and not carried)

    def table(self, row_limit: int = 200) -> str:
        """One line per op: output, the op's own forward error, the carried error, gradient errors."""
        header = f"{'#':>4}  {'op':<22}{'output':<22}{'fwd (this op)':>14}{'fwd (carried)':>15}"
        lines = [header + "  grad (this op, per input)",
                 "-" * 104]
        for number, row in enumerate(self.rows[:row_limit], 1):
            output = f"{row['shape']} {row['dtype'].replace('float', 'f')}"
            grads = ", ".join("-" if g is None else _format(g) for g in row["grads"]) or row.get("note", "")
            lines.append(f"{number:>4}  {row['op']:<22}{output:<22}{_format(row['forward']):>14}"
                         f"{_format(row['carried']):>15}  {grads}")
        lines.append("relative errors against float64; float32 rounds to about 6e-08")
        return "\n".join(lines)

    __str__ = table


@contextlib.contextmanager
def shadow() -> Iterator[ShadowReport]:
    """Run every op also in float64 and report each op's rounding error (see the module docstring)."""
    report = ShadowReport()
    with observers.watching(report):
        yield report


@contextlib.contextmanager
def _unobserved() -> Iterator[None]:
    """No instrument sees what runs inside (the shadow's own ops), and the default RNG is untouched."""
    saved, state = list(observers.OBSERVERS), default_generator.get_state()
    observers.OBSERVERS.clear()
    try:
        yield
    finally:
        observers.OBSERVERS[:] = saved
        default_generator.set_state(state)


def _run_unobserved(op: type, args: tuple) -> Any:
    with _unobserved():
        return op.apply(*args)


def _is_float(array: Any) -> bool:
    return getattr(array, "dtype", None) is not None and array.dtype.kind in "fc"


def _as_tuple(outputs: Any) -> tuple:
    return outputs if type(outputs) is tuple else (outputs,)


def _worst(results: tuple, shadows: tuple) -> float:
    errors = [relative_error(r._data, s._data) for r, s in zip(results, shadows)
              if isinstance(r, Tensor) and isinstance(s, Tensor) and _is_float(r._data)]
    return max(errors, key=lambda e: (e != e, e)) if errors else float("nan")


def _format(error: float) -> str:
    if error != error:
        return "nan"
    return "0" if error == 0 else "inf" if error == float("inf") else f"{error:.1e}"
