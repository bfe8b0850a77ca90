"""``Adamax``: Adam with the infinity norm in place of the root-mean-square.

Per element, for step t::

    g ← ∇f + λθ                         (weight decay; g ← −g first when maximizing)
    m ← m + (1 − β₁)·(g − m)
    u ← max(β₂·u, |g| + ε)              (a decaying running maximum of |g|)
    θ ← θ − γ/(1 − β₁ᵗ) · m/u

Operations in PyTorch's order (``torch.optim.adamax._single_tensor_adamax``).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Tuple

from minitorch.backend import array_module
from minitorch.optim.optimizer import Optimizer, ParamsT, check_hyperparameter, scalar_state
from minitorch.tensor import Tensor


def check_betas(betas: Tuple[float, float]) -> None:
    for index, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {index}: {beta}")


class Adamax(Optimizer):
    """θ ← θ − γ/(1 − β₁ᵗ)·m/u, u the running max of |g| (PyTorch's ``torch.optim.Adamax``)."""

    def __init__(
        self, params: ParamsT, lr: float = 2e-3, betas: Tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
        weight_decay: float = 0, foreach: Optional[bool] = None, *, maximize: bool = False,
        differentiable: bool = False, capturable: bool = False,
    ) -> None:
        check_hyperparameter("learning rate", lr)
        check_hyperparameter("epsilon value", eps)
        check_betas(betas)
        check_hyperparameter("weight_decay value", weight_decay)
        defaults = dict(
            lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, foreach=foreach, maximize=maximize,
            differentiable=differentiable, capturable=capturable,
        )
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter whose ``.grad`` is not None."""
        return self._update_each(closure, _adamax_update)


def _adamax_update(p: Tensor, grad: Any, state: Dict[str, Any], group: Dict[str, Any]) -> None:
    param = p._data
    xp = array_module(param)
    lr, eps, weight_decay = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
    beta1, beta2 = (float(beta) for beta in group["betas"])
    if not state:
        state["step"] = scalar_state(0.0)
        state["exp_avg"] = Tensor._wrap(xp.zeros_like(param))
        state["exp_inf"] = Tensor._wrap(xp.zeros_like(param))
    if group["maximize"]:
        grad = -grad
    state["step"]._data += 1
    if weight_decay != 0:
        grad = grad + weight_decay * param
    exp_avg, exp_inf = state["exp_avg"]._data, state["exp_inf"]._data
    exp_avg += (grad - exp_avg) * (1 - beta1)
    exp_inf *= beta2
    xp.maximum(exp_inf, xp.abs(grad) + eps, out=exp_inf)
    clr = lr / (1 - beta1 ** float(state["step"]._data))
    update = exp_avg * -clr
    update /= exp_inf
    p._write(xp.add(param, update, out=param))
