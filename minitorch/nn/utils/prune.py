"""Pruning (``torch.nn.utils.prune``): zero the least important weights through a mask.

``prune.l1_unstructured(layer, "weight", amount=0.3)`` keeps the original tensor as the
parameter ``weight_orig``, adds a buffer ``weight_mask`` of 0s and 1s, and a forward pre-hook
that sets ``layer.weight = weight_orig * weight_mask`` before every call, so pruned weights stay
zero while training and get no gradient. ``amount`` is a fraction of the weights or a count;
pruning the same tensor again removes that amount of the weights still left, as in PyTorch.
``prune.remove`` makes the pruning permanent. Only unstructured pruning is here.
"""
from __future__ import annotations

import numbers
from typing import Any, Callable, Union

import numpy as np

from minitorch.nn.module import Module
from minitorch.nn.parameter import Parameter
from minitorch.random import rng_of
from minitorch.tensor import Tensor

Amount = Union[int, float]


class PruningHook:
    """The forward pre-hook: ``module.<name> = <name>_orig * <name>_mask``."""

    def __init__(self, name: str) -> None:
        self._tensor_name = name

    def apply_mask(self, module: Module) -> Tensor:
        return getattr(module, self._tensor_name + "_orig") * getattr(module, self._tensor_name + "_mask")

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self._tensor_name, self.apply_mask(module))


def _check_amount(amount: Amount) -> None:
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    if (isinstance(amount, numbers.Integral) and amount < 0) or (
            not isinstance(amount, numbers.Integral) and not 0.0 <= float(amount) <= 1.0):
        raise ValueError(f"amount={amount} should either be a float in the range [0, 1] or a non-negative integer")


def _hook_of(module: Module, name: str) -> Any:
    for hook in module._forward_pre_hooks.values():
        if isinstance(hook, PruningHook) and hook._tensor_name == name:
            return hook
    return None


def _prune(module: Module, name: str, amount: Amount, scores: Callable[[np.ndarray], np.ndarray]) -> Module:
    """Zero the ``amount`` of still-unpruned entries with the lowest ``scores``."""
    _check_amount(amount)
    hook = _hook_of(module, name)
    if hook is None:
        original = getattr(module, name)
        if not isinstance(original, Tensor):
            raise AttributeError(f"Parameter '{name}' of module {module} has to be a Tensor")
        del module._parameters[name]
        module.register_parameter(name + "_orig", original)
        module.register_buffer(name + "_mask", Tensor._wrap(np.ones(original.shape, dtype=original.dtype)).to(original.device))
        hook = PruningHook(name)
        module.register_forward_pre_hook(hook)
    original, mask = getattr(module, name + "_orig"), getattr(module, name + "_mask")
    kept = np.flatnonzero(mask.numpy().reshape(-1))
    count = amount if isinstance(amount, numbers.Integral) else round(amount * kept.size)
    if count > kept.size:
        raise ValueError(f"amount={count} should be smaller than the number of parameters to prune={kept.size}")
    if count:
        values = original.detach().numpy().reshape(-1)[kept]
        lowest = kept[np.argsort(scores(values), kind="stable")[:count]]
        new_mask = mask.numpy().reshape(-1).copy()
        new_mask[lowest] = 0
        mask._write(Tensor._wrap(new_mask.reshape(mask.shape)).to(mask.device)._data)
    setattr(module, name, hook.apply_mask(module))
    return module


def l1_unstructured(module: Module, name: str, amount: Amount, importance_scores: Any = None) -> Module:
    """Prune the ``amount`` of entries with the smallest absolute value (or ``importance_scores``)."""
    if importance_scores is not None:
        flat_scores = np.abs(importance_scores.detach().numpy()).reshape(-1)
        mask_of = getattr(module, name + "_mask", None)
        kept = np.flatnonzero(mask_of.numpy().reshape(-1)) if mask_of is not None else slice(None)
        return _prune(module, name, amount, lambda values: flat_scores[kept])
    return _prune(module, name, amount, np.abs)


def random_unstructured(module: Module, name: str, amount: Amount) -> Module:
    """Prune the ``amount`` of entries chosen at random (from minitorch's default generator)."""
    return _prune(module, name, amount, lambda values: rng_of(None).random(values.shape))


def identity(module: Module, name: str) -> Module:
    """Add the mask machinery without pruning anything (a mask of ones)."""
    return _prune(module, name, 0, np.abs)


def remove(module: Module, name: str) -> Module:
    """Make the pruning permanent: ``<name>`` becomes a plain parameter holding ``orig * mask``."""
    for key, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, PruningHook) and hook._tensor_name == name:
            weight = hook.apply_mask(module)
            if name in module.__dict__:
                delattr(module, name)
            original = module._parameters.pop(name + "_orig")
            del module._buffers[name + "_mask"]
            setattr(module, name, Parameter(weight.detach(), original.requires_grad))
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"Parameter '{name}' of module {module} has to be pruned before pruning can be removed")


def is_pruned(module: Module) -> bool:
    """Whether any module in the tree has a pruning hook."""
    return any(isinstance(hook, PruningHook) for m in module.modules() for hook in m._forward_pre_hooks.values())
