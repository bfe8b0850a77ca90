"""``Adam`` and ``AdamW``: per-element step sizes from running moments of the gradient.

Adam keeps two running averages per parameter element: m of the gradient (its direction) and
v of its square (its scale). Dividing one by the square root of the other gives every element
a step of about γ, whatever the size of its gradient. Both averages start at zero, so early on
they are too small; dividing by 1 − βᵗ (the *bias correction*) undoes that. For step t::

    g ← ∇f + λθ                     (Adam's L2 weight decay; g ← −g first when maximizing)
    θ ← θ·(1 − γλ)                  (AdamW instead: decay the weights, not the gradient)
    m ← m + (1 − β₁)·(g − m)        (= β₁·m + (1 − β₁)·g)
    v ← β₂·v + (1 − β₂)·g²
    θ ← θ − γ/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)

with v replaced by its running maximum under ``amsgrad``. The operations, and their order, are
PyTorch's (``torch.optim.adam._single_tensor_adam``), so float32 results agree to rounding.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Tuple

import numpy as np

from minitorch.autograd.grad_mode import no_grad
from minitorch.backend import array_module
from minitorch.optim.optimizer import Optimizer, ParamsT
from minitorch.tensor import Tensor


class Adam(Optimizer):
    """θ ← θ − γ·m̂/(√v̂ + ε) with bias-corrected moments m̂, v̂ (PyTorch's ``torch.optim.Adam``)."""

    def __init__(
        self, params: ParamsT, lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
        foreach: Optional[bool] = None, maximize: bool = False, capturable: bool = False,
        differentiable: bool = False, fused: Optional[bool] = None, decoupled_weight_decay: bool = False,
    ) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        for index, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {index}: {beta}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(
            lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
            maximize=maximize, foreach=foreach, capturable=capturable, differentiable=differentiable,
            fused=fused, decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter whose ``.grad`` is not None."""
        loss = self._evaluate(closure)
        with no_grad():
            for group in self.param_groups:
                options = _options(group)
                for p in group["params"]:
                    if p.grad is not None:
                        _adam_update(p, p.grad._data, self._state_of(p, group["amsgrad"]), **options)
        return loss

    def _state_of(self, p: Tensor, amsgrad: bool) -> Dict[str, Any]:
        """The parameter's step count and moments, created (as zeros) on its first update."""
        state = self.state[p]
        if not state:
            xp = array_module(p._data)
            state["step"] = Tensor._wrap(np.array(0.0, dtype=np.float32))  # on the CPU, as in PyTorch
            state["exp_avg"] = Tensor._wrap(xp.zeros_like(p._data))
            state["exp_avg_sq"] = Tensor._wrap(xp.zeros_like(p._data))
            if amsgrad:
                state["max_exp_avg_sq"] = Tensor._wrap(xp.zeros_like(p._data))
        return state


class AdamW(Adam):
    """Adam with decoupled weight decay θ ← θ·(1 − γλ) (PyTorch's ``torch.optim.AdamW``)."""

    def __init__(
        self, params: ParamsT, lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False,
        foreach: Optional[bool] = None, capturable: bool = False, differentiable: bool = False,
        fused: Optional[bool] = None,
    ) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
            capturable=capturable, differentiable=differentiable, fused=fused, decoupled_weight_decay=True,
        )


def _options(group: Dict[str, Any]) -> Dict[str, Any]:
    """A group's hyperparameters as Python floats (a NumPy float64 would promote float32 math)."""
    beta1, beta2 = group["betas"]
    return dict(
        lr=float(group["lr"]), beta1=float(beta1), beta2=float(beta2), eps=float(group["eps"]),
        weight_decay=float(group["weight_decay"]), amsgrad=group["amsgrad"],
        maximize=group["maximize"], decoupled=group["decoupled_weight_decay"],
    )


def _adam_update(
    p: Tensor, grad: Any, state: Dict[str, Any], *, lr: float, beta1: float, beta2: float,
    eps: float, weight_decay: float, amsgrad: bool, maximize: bool, decoupled: bool,
) -> None:
    """One Adam step for one parameter, in place, in PyTorch's order of operations."""
    param, m, v = p._data, state["exp_avg"]._data, state["exp_avg_sq"]._data
    xp = array_module(param)
    if maximize:
        grad = -grad
    state["step"]._data += 1
    step = float(state["step"]._data)
    if weight_decay != 0:
        if decoupled:
            param *= 1 - lr * weight_decay
        else:
            grad = grad + weight_decay * param
    scratch = grad - m
    scratch *= 1 - beta1
    m += scratch
    xp.multiply(grad, 1 - beta2, out=scratch)
    scratch *= grad
    v *= beta2
    v += scratch
    if amsgrad:
        v = xp.maximum(state["max_exp_avg_sq"]._data, v, out=state["max_exp_avg_sq"]._data)
    denom = xp.sqrt(v, out=scratch)
    denom /= (1 - beta2 ** step) ** 0.5
    denom += eps
    update = m * (-lr / (1 - beta1 ** step))
    update /= denom
    p._write(xp.add(param, update, out=param))
