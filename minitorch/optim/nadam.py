"""``NAdam``: Adam with Nesterov momentum (the step looks one momentum update ahead).

Per element, for step t, with the momentum schedule μₜ = β₁·(1 − ½·0.96^(t·ψ)) (ψ the
``momentum_decay``) and their running product Πₜ = μ₁···μₜ::

    g ← ∇f + λθ                 (or θ ← θ·(1 − γλ) with ``decoupled_weight_decay``)
    m ← m + (1 − β₁)·(g − m);   v ← β₂·v + (1 − β₂)·g²
    d ← √(v/(1 − β₂ᵗ)) + ε
    θ ← θ − γ·(1 − μₜ)/(1 − Πₜ) · g/d − γ·μₜ₊₁/(1 − Πₜ·μₜ₊₁) · m/d

Πₜ is kept as a float32 tensor (``mu_product``), as PyTorch keeps it; operations in PyTorch's
order (``torch.optim.nadam._single_tensor_nadam``).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Tuple

from minitorch.backend import array_module
from minitorch.optim.adamax import check_betas
from minitorch.optim.optimizer import Optimizer, ParamsT, check_hyperparameter, scalar_state
from minitorch.tensor import Tensor


class NAdam(Optimizer):
    """Adam with Nesterov momentum (PyTorch's ``torch.optim.NAdam``)."""

    def __init__(
        self, params: ParamsT, lr: float = 2e-3, betas: Tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
        weight_decay: float = 0, momentum_decay: float = 4e-3, decoupled_weight_decay: bool = False, *,
        foreach: Optional[bool] = None, maximize: bool = False, capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_hyperparameter("learning rate", lr)
        check_hyperparameter("epsilon value", eps)
        check_betas(betas)
        check_hyperparameter("weight_decay value", weight_decay)
        check_hyperparameter("momentum_decay value", momentum_decay)
        defaults = dict(
            lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay, maximize=maximize, foreach=foreach,
            capturable=capturable, differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter whose ``.grad`` is not None."""
        return self._update_each(closure, _nadam_update)


def _nadam_update(p: Tensor, grad: Any, state: Dict[str, Any], group: Dict[str, Any]) -> None:
    param = p._data
    xp = array_module(param)
    lr, eps, weight_decay = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
    beta1, beta2 = (float(beta) for beta in group["betas"])
    momentum_decay = float(group["momentum_decay"])
    if not state:
        state["step"] = scalar_state(0.0)
        state["mu_product"] = scalar_state(1.0)
        state["exp_avg"] = Tensor._wrap(xp.zeros_like(param))
        state["exp_avg_sq"] = Tensor._wrap(xp.zeros_like(param))
    if group["maximize"]:
        grad = -grad
    state["step"]._data += 1
    step = float(state["step"]._data)
    bias_correction2 = 1 - beta2 ** step
    if weight_decay != 0:
        if group["decoupled_weight_decay"]:
            param *= 1 - lr * weight_decay
        else:
            grad = grad + weight_decay * param
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
    state["mu_product"]._data *= mu
    mu_product = float(state["mu_product"]._data)
    exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
    exp_avg += (grad - exp_avg) * (1 - beta1)
    exp_avg_sq *= beta2
    exp_avg_sq += grad * (1 - beta2) * grad
    denom = xp.sqrt(exp_avg_sq / bias_correction2)
    denom += eps
    mu_product_next = mu_product * mu_next
    xp.add(param, grad * (-lr * (1.0 - mu) / (1.0 - mu_product)) / denom, out=param)
    p._write(xp.add(param, exp_avg * ((-lr * mu_next) / (1.0 - mu_product_next)) / denom, out=param))
