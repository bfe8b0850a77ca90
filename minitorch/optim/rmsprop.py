"""``RMSprop``: divide each step by a running root-mean-square of the gradient.

Per element, with smoothing constant α, for step t::

    g ← ∇f + λθ                      (weight decay; g ← −g first when maximizing)
    v ← α·v + (1 − α)·g²             (running mean of the squared gradient)
    ḡ ← ḡ + (1 − α)·(g − ḡ)          (centered only: running mean of the gradient)
    s ← √(v − ḡ²) + ε                (√v + ε when not centered)
    b ← μ·b + g/s;  θ ← θ − γ·b      (with momentum μ > 0)
    θ ← θ − γ·g/s                    (without)

Operations in PyTorch's order (``torch.optim.rmsprop._single_tensor_rmsprop``).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional

from minitorch.backend import array_module
from minitorch.optim.optimizer import Optimizer, ParamsT, check_hyperparameter, scalar_state
from minitorch.tensor import Tensor


class RMSprop(Optimizer):
    """θ ← θ − γ·g/(√v + ε), v a running mean of g² (PyTorch's ``torch.optim.RMSprop``)."""

    def __init__(
        self, params: ParamsT, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0,
        momentum: float = 0, centered: bool = False, capturable: bool = False, foreach: Optional[bool] = None,
        maximize: bool = False, differentiable: bool = False,
    ) -> None:
        check_hyperparameter("learning rate", lr)
        check_hyperparameter("epsilon value", eps)
        check_hyperparameter("momentum value", momentum)
        check_hyperparameter("weight_decay value", weight_decay)
        check_hyperparameter("alpha value", alpha)
        defaults = dict(
            lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered, weight_decay=weight_decay,
            capturable=capturable, foreach=foreach, maximize=maximize, differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter whose ``.grad`` is not None."""
        return self._update_each(closure, _rmsprop_update)


def _rmsprop_update(p: Tensor, grad: Any, state: Dict[str, Any], group: Dict[str, Any]) -> None:
    param = p._data
    xp = array_module(param)
    lr, alpha, eps = float(group["lr"]), float(group["alpha"]), float(group["eps"])
    weight_decay, momentum = float(group["weight_decay"]), float(group["momentum"])
    if not state:
        state["step"] = scalar_state(0.0)
        state["square_avg"] = Tensor._wrap(xp.zeros_like(param))
        if momentum > 0:
            state["momentum_buffer"] = Tensor._wrap(xp.zeros_like(param))
        if group["centered"]:
            state["grad_avg"] = Tensor._wrap(xp.zeros_like(param))
    if group["maximize"]:
        grad = -grad
    state["step"]._data += 1
    if weight_decay != 0:
        grad = grad + weight_decay * param
    square_avg = state["square_avg"]._data
    square_avg *= alpha
    square_avg += grad * (1 - alpha) * grad
    if group["centered"]:
        grad_avg = state["grad_avg"]._data
        grad_avg += (grad - grad_avg) * (1 - alpha)
        avg = xp.sqrt(square_avg + -1.0 * grad_avg * grad_avg)
    else:
        avg = xp.sqrt(square_avg)
    avg += eps
    if momentum > 0:
        buf = state["momentum_buffer"]._data
        buf *= momentum
        buf += grad / avg
        p._write(xp.add(param, -lr * buf, out=param))
    else:
        update = grad * -lr
        update /= avg
        p._write(xp.add(param, update, out=param))
