"""``RAdam``: Adam whose adaptive step is switched on only once the variance estimate is reliable.

ρ∞ = 2/(1 − β₂) − 1 and ρₜ = ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ) measure how many gradients v has effectively
averaged. Per element, for step t::

    g ← ∇f + λθ                 (or θ ← θ·(1 − γλ) with ``decoupled_weight_decay``)
    m ← m + (1 − β₁)·(g − m);   v ← β₂·v + (1 − β₂)·g²;   m̂ = m/(1 − β₁ᵗ)
    θ ← θ − γ·m̂·√(1 − β₂ᵗ)/(√v + ε)·r   where ρₜ > 5, r = √((ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ))
    θ ← θ − γ·m̂                           otherwise (plain momentum SGD while v is unreliable)

Operations in PyTorch's order (``torch.optim.radam._single_tensor_radam``).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Tuple

from minitorch.backend import array_module
from minitorch.optim.adamax import check_betas
from minitorch.optim.optimizer import Optimizer, ParamsT, check_hyperparameter, scalar_state
from minitorch.tensor import Tensor


class RAdam(Optimizer):
    """Rectified Adam (PyTorch's ``torch.optim.RAdam``)."""

    def __init__(
        self, params: ParamsT, lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
        weight_decay: float = 0, decoupled_weight_decay: bool = False, *, foreach: Optional[bool] = None,
        maximize: bool = False, capturable: bool = False, differentiable: bool = False,
    ) -> None:
        check_hyperparameter("learning rate", lr)
        check_hyperparameter("epsilon value", eps)
        check_betas(betas)
        check_hyperparameter("weight_decay value", weight_decay)
        defaults = dict(
            lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, maximize=maximize, foreach=foreach,
            capturable=capturable, decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter whose ``.grad`` is not None."""
        return self._update_each(closure, _radam_update)


def _radam_update(p: Tensor, grad: Any, state: Dict[str, Any], group: Dict[str, Any]) -> None:
    param = p._data
    xp = array_module(param)
    lr, eps, weight_decay = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
    beta1, beta2 = (float(beta) for beta in group["betas"])
    if not state:
        state["step"] = scalar_state(0.0)
        state["exp_avg"] = Tensor._wrap(xp.zeros_like(param))
        state["exp_avg_sq"] = Tensor._wrap(xp.zeros_like(param))
    if group["maximize"]:
        grad = -grad
    state["step"]._data += 1
    step = float(state["step"]._data)
    if weight_decay != 0:
        if group["decoupled_weight_decay"]:
            param *= 1 - lr * weight_decay
        else:
            grad = grad + weight_decay * param
    exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
    exp_avg += (grad - exp_avg) * (1 - beta1)
    exp_avg_sq *= beta2
    exp_avg_sq += grad * (1 - beta2) * grad
    bias_correction1 = 1 - beta1 ** step
    bias_correction2 = 1 - beta2 ** step
    corrected = exp_avg / bias_correction1
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
    update = corrected * lr
    if rho_t > 5.0:
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        root = xp.sqrt(exp_avg_sq)
        root += eps
        update *= xp.reciprocal(root) * (bias_correction2 ** 0.5)  # PyTorch's number / tensor
        update *= rect
    p._write(xp.subtract(param, update, out=param))
