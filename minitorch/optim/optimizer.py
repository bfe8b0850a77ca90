"""``Optimizer``: the base class that owns parameter groups and per-parameter state.

An optimizer holds a list of *parameter groups*: dicts with a ``'params'`` list and the options
(``lr``, ``momentum``, ...) for those parameters. Options missing from a group fall back to the
optimizer's ``defaults``, so ``SGD([{'params': a}, {'params': b, 'lr': 0.1}], lr=0.01)`` trains
``a`` at 0.01 and ``b`` at 0.1. ``state`` maps each parameter to its running buffers (momentum,
moment estimates ...), which ``state_dict()`` saves with parameters replaced by their position,
exactly in PyTorch's layout::

    {'state': {0: {'momentum_buffer': tensor(...)}, ...},
     'param_groups': [{'lr': 0.01, 'momentum': 0.9, ..., 'params': [0, 1, 2]}]}

Subclasses implement ``step()``: it reads each parameter's ``.grad`` and writes the update into
the parameter's memory in place.
"""
from __future__ import annotations

import copy
import warnings
from collections import defaultdict
from itertools import chain
from typing import Any, Callable, Dict, Iterable, List, Optional, Union

import numpy as np

from minitorch.autograd.grad_mode import enable_grad, no_grad
from minitorch.backend import CPU, to_device
from minitorch.tensor import Tensor

ParamsT = Union[Iterable[Tensor], Iterable[Dict[str, Any]]]
StateDict = Dict[str, Any]


class Optimizer:
    """Base class of all optimizers: parameter groups, state, ``zero_grad`` and state dicts."""

    def __init__(self, params: ParamsT, defaults: Dict[str, Any]) -> None:
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, "
                f"but got {type(params).__name__}; wrap it in a list: [tensor]"
            )
        self.defaults = defaults
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: List[Dict[str, Any]] = []
        groups = _ordered(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        text = f"{type(self).__name__} ("
        for index, group in enumerate(self.param_groups):
            text += f"\nParameter Group {index}\n"
            text += "".join(f"    {key}: {group[key]}\n" for key in sorted(group) if key != "params")
        return text + ")"

    def add_param_group(self, param_group: Dict[str, Any]) -> None:
        """Add a group of parameters with its own options (e.g. unfreezing layers while training)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        param_group["params"] = params = [params] if isinstance(params, Tensor) else _ordered(params)
        for param in params:
            _check_can_optimize(param)
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        if len({id(p) for p in params}) != len(params):
            warnings.warn("optimizer contains a parameter group with duplicate parameters", stacklevel=3)
        taken = {id(p) for group in self.param_groups for p in group["params"]}
        if any(id(p) in taken for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: drop them (default, frees memory) or fill them with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.detach_().zero_()

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """Update every parameter that has a gradient; returns ``closure()``'s loss if given."""
        raise NotImplementedError

    def _update_each(self, closure: Optional[Callable[[], Any]], update: Callable[..., None]) -> Any:
        """Run ``closure``, then ``update(p, grad, state, group)`` (grad as an array) for every
        parameter that has a gradient, outside the graph; returns the closure's loss."""
        loss = self._evaluate(closure)
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        update(p, p.grad._data, self.state[p], group)
        return loss

    def _evaluate(self, closure: Optional[Callable[[], Any]]) -> Any:
        """Run ``closure`` (which recomputes the loss and its gradients) with grad mode on."""
        if closure is None:
            return None
        with enable_grad():
            return closure()

    # ----- saving and restoring -----
    def state_dict(self) -> StateDict:
        """The optimizer's state and options, with each parameter replaced by its position."""
        index: Dict[int, int] = {}
        for p in chain.from_iterable(group["params"] for group in self.param_groups):
            index.setdefault(id(p), len(index))

        def pack(group: Dict[str, Any]) -> Dict[str, Any]:
            packed = {key: value for key, value in group.items() if key != "params"}
            packed["params"] = [index[id(p)] for p in group["params"]]
            return packed

        state = {index[id(p)] if isinstance(p, Tensor) else p: value for p, value in self.state.items()}
        return {"state": state, "param_groups": [pack(group) for group in self.param_groups]}

    def load_state_dict(self, state_dict: StateDict) -> None:
        """Restore what ``state_dict()`` returned; state tensors are copied to each parameter's device."""
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= state_dict.keys():
            raise ValueError("an optimizer state_dict is a dict with keys 'state' and 'param_groups'")
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"loaded state dict has a different number of parameter groups "
                f"({len(saved_groups)}) than the optimizer ({len(self.param_groups)})"
            )
        for group, saved in zip(self.param_groups, saved_groups):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError(
                    f"loaded state dict contains a parameter group of {len(saved['params'])} parameters "
                    f"that doesn't match the size of optimizer's group ({len(group['params'])})"
                )
        params = dict(zip(
            chain.from_iterable(g["params"] for g in saved_groups),
            chain.from_iterable(g["params"] for g in self.param_groups),
        ))
        self.state = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in params:
                self.state[params[key]] = {k: _copy_state(params[key], k, v) for k, v in value.items()}
            else:
                self.state[key] = value
        for group, saved in zip(self.param_groups, saved_groups):
            saved["params"] = group["params"]
        self.param_groups = saved_groups


def scalar_state(value: float) -> Tensor:
    """A 0-d float32 tensor on the CPU: how PyTorch keeps ``step`` counters and other scalar state.

    Being float32 matters: PyTorch reads such values back with ``.item()``, so e.g. ASGD's ``eta``
    is rounded to float32 even when the parameters are float64, and so it is here.
    """
    return Tensor._wrap(np.array(value, dtype=np.float32))


def check_hyperparameter(name: str, value: float, low: float = 0.0, high: float = float("inf")) -> None:
    """A ValueError in PyTorch's words unless low ≤ value (< high)."""
    if not low <= value or (high != float("inf") and not value < high):
        raise ValueError(f"Invalid {name}: {value}")


def _ordered(params: Iterable[Any]) -> List[Any]:
    """``params`` as a list; a set is refused, as its order (hence the state_dict's) varies between runs."""
    if isinstance(params, (set, frozenset)):
        raise TypeError(
            "optimizer parameters need to be organized in ordered collections, but the ordering "
            "of tensors in sets will change between runs. Please use a list instead."
        )
    return list(params)


def _check_can_optimize(param: Any) -> None:
    if not isinstance(param, Tensor):
        raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(param).__name__}")
    if not param.is_leaf:
        raise ValueError(
            "can't optimize a non-leaf Tensor (one computed from others); "
            "optimize the leaf it came from, or call .detach().requires_grad_()"
        )


_FLAT_STATE = ("d", "prev_flat_grad", "old_dirs", "old_stps")  # LBFGS: vectors over all the parameters


def _copy_state(param: Tensor, key: str, value: Any) -> Any:
    """A copy of a saved state value, with tensors moved to ``param``'s device and float dtype.

    ``'step'`` counters stay on the CPU, as in PyTorch; every other state tensor takes the
    parameter's float dtype (so a float32 ``mu_product`` becomes float64 for float64 parameters,
    as in PyTorch) and, unless 0-d, must have the parameter's shape.
    """
    if isinstance(value, dict):
        return {k: _copy_state(param, k, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_copy_state(param, key, v) for v in value)
    if not isinstance(value, Tensor):
        return copy.deepcopy(value)
    if key == "step":
        return Tensor._wrap(to_device(value._data, CPU).copy())
    if value.ndim and value.shape != param.shape and key not in _FLAT_STATE:  # 0-d values (NAdam's mu_product, ASGD's eta) are per parameter
        raise ValueError(
            f"loaded optimizer state {key!r} has shape {tuple(value.shape)}, but its parameter has "
            f"shape {tuple(param.shape)}: was the state_dict saved from a different model?"
        )
    dtype = param.dtype if param.dtype.kind == "f" else value.dtype
    return Tensor._wrap(to_device(value._data.astype(dtype), param.device))
