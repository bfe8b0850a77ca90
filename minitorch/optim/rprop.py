"""``Rprop``: each element's step size grows while its gradient keeps its sign and shrinks when it flips.

Only the sign of the gradient is used. Per element, for step t::

    s ← clamp(s·η₊, lo, hi)   where g·g_prev > 0   (same direction: speed up)
    s ← clamp(s·η₋, lo, hi)   where g·g_prev < 0   (overshot: slow down, and skip this step: g ← 0)
    θ ← θ − sign(g)·s;        g_prev ← g

Meant for full-batch training (noisy mini-batch signs confuse it). Operations in PyTorch's
order (``torch.optim.rprop._single_tensor_rprop``).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Tuple

from minitorch.backend import array_module
from minitorch.optim.optimizer import Optimizer, ParamsT, check_hyperparameter, scalar_state
from minitorch.tensor import Tensor


class Rprop(Optimizer):
    """Resilient backpropagation (PyTorch's ``torch.optim.Rprop``)."""

    def __init__(
        self, params: ParamsT, lr: float = 1e-2, etas: Tuple[float, float] = (0.5, 1.2),
        step_sizes: Tuple[float, float] = (1e-6, 50), *, capturable: bool = False, foreach: Optional[bool] = None,
        maximize: bool = False, differentiable: bool = False,
    ) -> None:
        check_hyperparameter("learning rate", lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(
            lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes), foreach=foreach, maximize=maximize,
            differentiable=differentiable, capturable=capturable,
        )
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter whose ``.grad`` is not None."""
        return self._update_each(closure, _rprop_update)


def _rprop_update(p: Tensor, grad: Any, state: Dict[str, Any], group: Dict[str, Any]) -> None:
    param = p._data
    xp = array_module(param)
    eta_minus, eta_plus = (float(eta) for eta in group["etas"])
    smallest, largest = (float(size) for size in group["step_sizes"])
    if not state:
        state["step"] = scalar_state(0.0)
        state["prev"] = Tensor._wrap(xp.zeros_like(param))
        state["step_size"] = Tensor._wrap(xp.full_like(grad, float(group["lr"])))
    if group["maximize"]:
        grad = -grad
    state["step"]._data += 1
    prev, step_size = state["prev"]._data, state["step_size"]._data
    sign = xp.sign(grad * prev)
    factor = xp.where(sign > 0, eta_plus, xp.where(sign < 0, eta_minus, 1.0)).astype(step_size.dtype)
    step_size *= factor
    xp.clip(step_size, smallest, largest, out=step_size)
    grad = xp.where(factor == factor.dtype.type(eta_minus), 0, grad).astype(grad.dtype, copy=False)
    p._write(xp.add(param, -1.0 * xp.sign(grad) * step_size, out=param))
    prev[...] = grad
