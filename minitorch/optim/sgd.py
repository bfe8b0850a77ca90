"""``SGD``: stochastic gradient descent, with momentum, Nesterov momentum and weight decay.

The update is PyTorch's, operation for operation, so a model trained with either library follows
the same trajectory. For each parameter θ with gradient ∇f, learning rate γ::

    g ← ∇f + λθ                   (weight decay λ; g ← −g first when maximizing)
    b ← g                         on the first step (a copy: no zeros, no dampening)
    b ← μ·b + (1 − τ)·g           afterwards (momentum μ, dampening τ)
    g ← g + μ·b   if nesterov  else  g ← b
    θ ← θ − γ·g

It is the hot loop of every training step, so it works on the raw arrays with in-place
operators (``buf *= μ`` is one ufunc call writing into ``buf``): in the common case
(momentum, no weight decay) that is three array ops per parameter and a single temporary.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional

from minitorch.autograd.grad_mode import no_grad
from minitorch.backend import array_module
from minitorch.optim.optimizer import Optimizer, ParamsT
from minitorch.tensor import Tensor


class SGD(Optimizer):
    """θ ← θ − γ·b with momentum buffer b ← μ·b + (1 − τ)·g (PyTorch's ``torch.optim.SGD``)."""

    def __init__(
        self, params: ParamsT, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
        weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
        foreach: Optional[bool] = None, differentiable: bool = False, fused: Optional[bool] = None,
    ) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(
            lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
            nesterov=nesterov, maximize=maximize, foreach=foreach, differentiable=differentiable, fused=fused,
        )
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter whose ``.grad`` is not None."""
        loss = self._evaluate(closure)
        with no_grad():
            for group in self.param_groups:
                self._update_group(group)
        return loss

    def _update_group(self, group: Dict[str, Any]) -> None:
        # float(): hyperparameters may arrive as NumPy float64 scalars, which would make NumPy
        # compute a float32 parameter's update in float64
        lr, momentum, dampening = float(group["lr"]), float(group["momentum"]), float(group["dampening"])
        weight_decay, nesterov, maximize = float(group["weight_decay"]), group["nesterov"], group["maximize"]
        for p in group["params"]:
            if p.grad is None:
                continue
            grad = p.grad._data
            if maximize:
                grad = -grad
            if weight_decay != 0:
                grad = grad + weight_decay * p._data
            if momentum != 0:
                grad = _momentum(self.state[p], grad, momentum, dampening, nesterov)
            p._write(array_module(grad).subtract(p._data, lr * grad, out=p._data))


def _momentum(state: Dict[str, Any], grad: Any, momentum: float, dampening: float, nesterov: bool) -> Any:
    """b ← μ·b + (1 − τ)·g, with b ← g on the first step; returns b, or g + μ·b for Nesterov."""
    buf = state.get("momentum_buffer")
    if buf is None:
        buf = state["momentum_buffer"] = Tensor._wrap(grad.copy())
    else:
        buf._data *= momentum
        buf._data += grad if dampening == 0 else (1 - dampening) * grad
    return grad + momentum * buf._data if nesterov else buf._data
