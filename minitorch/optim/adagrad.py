"""``Adagrad``: per-element step sizes that shrink with the sum of all squared gradients so far.

Per element, for step t (learning-rate decay η)::

    g ← ∇f + λθ                         (weight decay; g ← −g first when maximizing)
    s ← s + g²                          (starts at ``initial_accumulator_value``)
    θ ← θ − γ/(1 + (t − 1)·η) · g/(√s + ε)

Elements with large past gradients take small steps; rare features keep large ones. The state
exists from construction on, as in PyTorch (``torch.optim.adagrad._single_tensor_adagrad``).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional

from minitorch.backend import array_module
from minitorch.optim.optimizer import Optimizer, ParamsT, check_hyperparameter, scalar_state
from minitorch.tensor import Tensor


class Adagrad(Optimizer):
    """θ ← θ − γ·g/(√Σg² + ε) (PyTorch's ``torch.optim.Adagrad``)."""

    def __init__(
        self, params: ParamsT, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
        initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: Optional[bool] = None, *,
        maximize: bool = False, differentiable: bool = False, fused: Optional[bool] = None,
    ) -> None:
        check_hyperparameter("learning rate", lr)
        check_hyperparameter("lr_decay value", lr_decay)
        check_hyperparameter("weight_decay value", weight_decay)
        check_hyperparameter("initial_accumulator_value value", initial_accumulator_value)
        check_hyperparameter("epsilon value", eps)
        defaults = dict(
            lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
            differentiable=differentiable, fused=fused,
        )
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = scalar_state(0.0)
                state["sum"] = Tensor._wrap(array_module(p._data).full_like(p._data, group["initial_accumulator_value"]))

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter whose ``.grad`` is not None."""
        return self._update_each(closure, _adagrad_update)


def _adagrad_update(p: Tensor, grad: Any, state: Dict[str, Any], group: Dict[str, Any]) -> None:
    param = p._data
    xp = array_module(param)
    lr, lr_decay, eps, weight_decay = (float(group[k]) for k in ("lr", "lr_decay", "eps", "weight_decay"))
    state["step"]._data += 1
    step = float(state["step"]._data)
    if group["maximize"]:
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * param
    clr = lr / (1 + (step - 1) * lr_decay)
    total = state["sum"]._data
    total += grad * grad
    std = xp.sqrt(total)
    std += eps
    update = grad * -clr
    update /= std
    p._write(xp.add(param, update, out=param))
