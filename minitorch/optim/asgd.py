"""``ASGD``: SGD with a decaying step size, plus a running average of the iterates.

Per element, for step t (the scalars η, μ are float32 tensors in the state, as in PyTorch)::

    g ← ∇f + λ_wd·θ
    θ ← θ·(1 − λη) − η·g            (λ = ``lambd``, a decay towards 0)
    a ← a + μ·(θ − a)               (a = θ itself while μ = 1, i.e. before step t₀)
    η ← γ/(1 + λγt)^α;   μ ← 1/max(1, t − t₀)

After training, the average ``optimizer.state[p]['ax']`` is often a better model than θ.
Operations in PyTorch's order (``torch.optim.asgd._single_tensor_asgd``).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional

import numpy as np

from minitorch.backend import array_module
from minitorch.optim.optimizer import Optimizer, ParamsT, check_hyperparameter, scalar_state
from minitorch.tensor import Tensor


class ASGD(Optimizer):
    """Averaged stochastic gradient descent (PyTorch's ``torch.optim.ASGD``)."""

    def __init__(
        self, params: ParamsT, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75, t0: float = 1e6,
        weight_decay: float = 0, foreach: Optional[bool] = None, maximize: bool = False,
        differentiable: bool = False, capturable: bool = False,
    ) -> None:
        check_hyperparameter("learning rate", lr)
        check_hyperparameter("weight_decay value", weight_decay)
        defaults = dict(
            lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, foreach=foreach, maximize=maximize,
            differentiable=differentiable, capturable=capturable,
        )
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter whose ``.grad`` is not None."""
        return self._update_each(closure, _asgd_update)


def _asgd_update(p: Tensor, grad: Any, state: Dict[str, Any], group: Dict[str, Any]) -> None:
    param = p._data
    xp = array_module(param)
    lr, lambd, alpha, t0 = (float(group[k]) for k in ("lr", "lambd", "alpha", "t0"))
    weight_decay = float(group["weight_decay"])
    if not state:
        state["step"] = scalar_state(0.0)
        state["eta"] = scalar_state(lr)
        state["mu"] = scalar_state(1.0)
        state["ax"] = Tensor._wrap(xp.zeros_like(param))
    if group["maximize"]:
        grad = -grad
    state["step"]._data += 1
    if weight_decay != 0:
        grad = grad + weight_decay * param
    eta = float(state["eta"]._data)
    param *= 1 - lambd * eta
    xp.add(param, -eta * grad, out=param)
    p._write(param)
    ax, mu = state["ax"]._data, float(state["mu"]._data)
    if mu != 1:
        ax += (param - ax) * mu
    else:
        ax[...] = param
    step = float(state["step"]._data)
    state["eta"]._data[...] = np.float32(lr / ((1 + lambd * lr * step) ** alpha))
    state["mu"]._data[...] = np.float32(1 / max(1, step - t0))
