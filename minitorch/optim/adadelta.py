"""``Adadelta``: steps in the units of the parameter, from running means of g² and of past steps².

Per element, with decay ρ, for step t::

    g ← ∇f + λθ                           (weight decay; g ← −g first when maximizing)
    v ← ρ·v + (1 − ρ)·g²
    Δ ← √(u + ε)/√(v + ε) · g              (u: the running mean of past Δ²)
    u ← ρ·u + (1 − ρ)·Δ²
    θ ← θ − γ·Δ                            (γ = 1 by default: no learning rate to tune)

Operations in PyTorch's order (``torch.optim.adadelta._single_tensor_adadelta``).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional

from minitorch.backend import array_module
from minitorch.optim.optimizer import Optimizer, ParamsT, check_hyperparameter, scalar_state
from minitorch.tensor import Tensor


class Adadelta(Optimizer):
    """θ ← θ − γ·√(E[Δ²] + ε)/√(E[g²] + ε)·g (PyTorch's ``torch.optim.Adadelta``)."""

    def __init__(
        self, params: ParamsT, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6, weight_decay: float = 0,
        foreach: Optional[bool] = None, *, capturable: bool = False, maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_hyperparameter("learning rate", lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_hyperparameter("epsilon value", eps)
        check_hyperparameter("weight_decay value", weight_decay)
        defaults = dict(
            lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize, capturable=capturable,
            foreach=foreach, differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter whose ``.grad`` is not None."""
        return self._update_each(closure, _adadelta_update)


def _adadelta_update(p: Tensor, grad: Any, state: Dict[str, Any], group: Dict[str, Any]) -> None:
    param = p._data
    xp = array_module(param)
    lr, rho, eps, weight_decay = (float(group[k]) for k in ("lr", "rho", "eps", "weight_decay"))
    if not state:
        state["step"] = scalar_state(0.0)
        state["square_avg"] = Tensor._wrap(xp.zeros_like(param))
        state["acc_delta"] = Tensor._wrap(xp.zeros_like(param))
    state["step"]._data += 1
    if group["maximize"]:
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * param
    square_avg, acc_delta = state["square_avg"]._data, state["acc_delta"]._data
    square_avg *= rho
    square_avg += grad * (1 - rho) * grad
    std = xp.sqrt(square_avg + eps)
    delta = xp.sqrt(acc_delta + eps)
    delta /= std
    delta *= grad
    acc_delta *= rho
    acc_delta += delta * (1 - rho) * delta
    p._write(xp.add(param, -lr * delta, out=param))
