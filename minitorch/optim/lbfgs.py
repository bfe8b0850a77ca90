"""``LBFGS``: a quasi-Newton method that needs a ``closure`` re-evaluating the loss.

L-BFGS estimates the inverse Hessian from the last ``history_size`` pairs (s, y) of parameter
steps and gradient changes, and turns the gradient into a direction d = −H·g with the
*two-loop recursion* (no matrix is ever formed). Each ``step(closure)`` runs up to
``max_iter`` such iterations on all the parameters as one flat vector::

    def closure():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        return loss
    optimizer.step(closure)

The step length is ``lr`` (or the first time min(1, 1/‖g‖₁)·lr), or is found by a line search
satisfying the strong Wolfe conditions (``line_search_fn="strong_wolfe"``, in
``lbfgs_line_search.py``). The iteration follows PyTorch's ``torch.optim.LBFGS`` step by step,
with its scalars as NumPy scalars of the parameters' dtype, as PyTorch keeps them as 0-d tensors.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from minitorch.autograd.grad_mode import no_grad
from minitorch.backend import array_module
from minitorch.optim.lbfgs_line_search import strong_wolfe
from minitorch.optim.optimizer import Optimizer, ParamsT
from minitorch.tensor import Tensor

_VECTORS = ("d", "prev_flat_grad")
_VECTOR_LISTS = ("old_dirs", "old_stps")


class LBFGS(Optimizer):
    """Limited-memory BFGS (PyTorch's ``torch.optim.LBFGS``); one parameter group only."""

    def __init__(
        self, params: ParamsT, lr: float = 1, max_iter: int = 20, max_eval: Optional[int] = None,
        tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9, history_size: int = 100,
        line_search_fn: Optional[str] = None,
    ) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(
            lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
            tolerance_change=tolerance_change, history_size=history_size, line_search_fn=line_search_fn,
        )
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params: List[Tensor] = self.param_groups[0]["params"]

    # ----- all the parameters as one flat vector -----
    def _gather_flat_grad(self) -> Any:
        xp = array_module(self._params[0]._data)
        return xp.concatenate([
            xp.zeros(p.numel(), p.dtype) if p.grad is None else p.grad._data.reshape(-1) for p in self._params
        ])

    def _add_grad(self, step_size: Any, update: Any) -> None:
        """θ ← θ + step_size·update, the flat update cut back into the parameters' shapes."""
        offset = 0
        for p in self._params:
            count = p.numel()
            piece = update[offset:offset + count].reshape(p.shape)
            p._write(array_module(p._data).add(p._data, step_size * piece, out=p._data))
            offset += count

    def _clone_params(self) -> List[Any]:
        return [p._data.copy() for p in self._params]

    def _set_params(self, arrays: List[Any]) -> None:
        for p, array in zip(self._params, arrays):
            p._write(array)

    def _directional_evaluate(self, closure: Callable[[], Any], x: List[Any], t: Any, d: Any) -> tuple:
        """The loss and flat gradient at x + t·d (the parameters are put back to x afterwards)."""
        self._add_grad(t, d)
        loss = float(self._evaluate(closure))
        flat_grad = self._gather_flat_grad()
        self._set_params(x)
        return loss, flat_grad

    def step(self, closure: Callable[[], Any]) -> Any:  # type: ignore[override]
        """Up to ``max_iter`` L-BFGS iterations; returns the loss of the first closure call."""
        with no_grad():
            return self._step(closure)

    def _step(self, closure: Callable[[], Any]) -> Any:
        group = self.param_groups[0]
        lr, max_iter, max_eval = float(group["lr"]), group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        history_size = group["history_size"]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        orig_loss = self._evaluate(closure)
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        xp = array_module(flat_grad)
        if xp.abs(flat_grad).max() <= tolerance_grad:
            return orig_loss
        memory = _unpack(state)
        d, t, old_dirs, old_stps, ro = memory["d"], memory["t"], memory["old_dirs"], memory["old_stps"], memory["ro"]
        H_diag, prev_flat_grad, prev_loss = memory["H_diag"], memory["prev_flat_grad"], memory["prev_loss"]
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro, H_diag = [], [], [], 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y.dot(s)
                if ys > 1e-10:  # keep the pair only if the curvature is positive
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / y.dot(y)
                d = _two_loop(state, flat_grad, old_dirs, old_stps, ro, H_diag, history_size)
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            t = min(1.0, 1.0 / xp.abs(flat_grad).sum()) * lr if state["n_iter"] == 1 else lr
            gtd = flat_grad.dot(d)
            if gtd > -tolerance_change:  # not a descent direction
                break
            evals = 0
            if group["line_search_fn"] is not None:
                if group["line_search_fn"] != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = self._clone_params()
                loss, flat_grad, t, evals = strong_wolfe(
                    lambda x, step, direction: self._directional_evaluate(closure, x, step, direction),
                    x_init, t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals,
                )
                self._add_grad(t, d)
                opt_cond = xp.abs(flat_grad).max() <= tolerance_grad
            else:
                self._add_grad(t, d)
                opt_cond = False
                if n_iter != max_iter:
                    loss = float(self._evaluate(closure))
                    flat_grad = self._gather_flat_grad()
                    opt_cond = xp.abs(flat_grad).max() <= tolerance_grad
                    evals = 1
            current_evals += evals
            state["func_evals"] += evals
            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if xp.abs(d * t).max() <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
                break
        _pack(state, d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=H_diag,
              prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        return orig_loss


def _two_loop(state: Dict[str, Any], flat_grad: Any, old_dirs: list, old_stps: list, ro: list, H_diag: Any,
              history_size: int) -> Any:
    """d = −H·g by the two-loop recursion over the stored (s, y) pairs, H₀ = H_diag·I."""
    if "al" not in state:
        state["al"] = [None] * history_size
    al = state["al"]
    q = -flat_grad
    for i in range(len(old_dirs) - 1, -1, -1):
        al[i] = old_stps[i].dot(q) * ro[i]
        q += -al[i] * old_dirs[i]
    r = q * H_diag
    for i in range(len(old_dirs)):
        be_i = old_dirs[i].dot(r) * ro[i]
        r += (al[i] - be_i) * old_stps[i]
    return r


def _unpack(state: Dict[str, Any]) -> Dict[str, Any]:
    """The saved iteration state, with vectors as arrays (None before the first step)."""
    memory = {key: state.get(key) for key in ("d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad",
                                              "prev_loss")}
    for key in _VECTORS:
        if memory[key] is not None:
            memory[key] = memory[key]._data
    for key in _VECTOR_LISTS:
        if memory[key] is not None:
            memory[key] = [vector._data for vector in memory[key]]
    return memory


def _pack(state: Dict[str, Any], **memory: Any) -> None:
    """Keep the iteration state, vectors as Tensors (so state dicts save and move them)."""
    for key in _VECTORS:
        memory[key] = Tensor._wrap(memory[key])
    for key in _VECTOR_LISTS:
        memory[key] = [Tensor._wrap(vector) for vector in memory[key]]
    state.update(memory)
