"""Saving and loading a module's state: ``state_dict()`` and ``load_state_dict()``.

A state dict maps dotted names (``conv1.weight``, ``bn.running_mean``) to tensors: every
parameter and persistent buffer of the module tree, in PyTorch's order and with PyTorch's key
names, so weights load both ways. (Writing it to a file is ``minitorch.save``.)
"""
from __future__ import annotations

from collections import OrderedDict, namedtuple
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

import numpy as np

from minitorch.autograd.grad_mode import no_grad
from minitorch.backend import array_module
from minitorch.tensor import Tensor


class IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: the keys it expected but missed, and those it did not know."""

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()


def own_state(module: Any) -> Iterator[Tuple[str, Tensor]]:
    """A module's own parameters, then its persistent buffers (not its children's)."""
    for name, param in module._parameters.items():
        if param is not None:
            yield name, param
    for name, buffer in module._buffers.items():
        if buffer is not None and name not in module._non_persistent_buffers:
            yield name, buffer


def state_dict(module: Any, destination: Optional[Dict[str, Any]] = None, prefix: str = "",
               keep_vars: bool = False) -> "OrderedDict[str, Tensor]":
    """Every parameter and persistent buffer by dotted name (tensors sharing the module's memory)."""
    if destination is None:
        destination = OrderedDict()
    for name, submodule in module.named_modules(prefix=prefix.rstrip("."), remove_duplicate=False):
        module_prefix = f"{name}." if name else ""
        for key, value in own_state(submodule):
            destination[module_prefix + key] = value if keep_vars else value.detach()
    return destination


def load_state_dict(module: Any, state: Mapping[str, Any], strict: bool = True, assign: bool = False) -> IncompatibleKeys:
    """Copy values (minitorch tensors, NumPy arrays, anything ``np.asarray`` takes) into the
    parameters and buffers of the same names.

    Shapes must match. With ``strict`` (the default) missing and unexpected keys are errors
    too; either way they are returned as ``(missing_keys, unexpected_keys)``. ``assign=True``
    puts the given tensors themselves into the module (parameters keep their ``requires_grad``)
    instead of copying their values: e.g. to fill a model built without memory.
    """
    if not isinstance(state, Mapping):
        raise TypeError(f"Expected state_dict to be dict-like, got {type(state)}.")
    expected = state_dict(module, keep_vars=True)
    missing = [key for key in expected if key not in state]
    unexpected = [key for key in state if key not in expected]
    errors = []
    owners = _owners(module) if assign else {}
    for key, target in expected.items():
        if key in state:
            error = _assign(owners[key], target, state[key], key) if assign else _copy_into(target, state[key], key)
            if error:
                errors.append(error)
    if strict:
        if unexpected:
            errors.insert(0, f"Unexpected key(s) in state_dict: {_quoted(unexpected)}. ")
        if missing:
            errors.insert(0, f"Missing key(s) in state_dict: {_quoted(missing)}. ")
    if errors:
        raise RuntimeError(f"Error(s) in loading state_dict for {type(module).__name__}:\n\t" + "\n\t".join(errors))
    return IncompatibleKeys(missing, unexpected)


def _copy_into(target: Tensor, value: Any, key: str) -> Optional[str]:
    """Copy ``value`` into ``target``'s memory (casting dtype, moving device); an error text or None."""
    if isinstance(value, Tensor):
        array = value._data
    else:  # a CuPy array stays where it is (np.asarray would refuse it); anything else goes through NumPy
        array = value if array_module(value) is not np else np.asarray(value)
    if tuple(array.shape) != target.shape:
        return (
            f"size mismatch for {key}: copying a param with shape {_torch_size(array.shape)} from checkpoint, "
            f"the shape in current model is {_torch_size(target.shape)}."
        )
    with no_grad():
        target.copy_(Tensor._wrap(array))
    return None


def _owners(module: Any) -> Dict[str, Tuple[Any, str]]:
    """Each state-dict key's module and attribute name."""
    owners = {}
    for prefix, submodule in module.named_modules(remove_duplicate=False):
        for name, _ in own_state(submodule):
            owners[f"{prefix}.{name}" if prefix else name] = (submodule, name)
    return owners


def _assign(owner: Tuple[Any, str], target: Tensor, value: Any, key: str) -> Optional[str]:
    """Put ``value`` itself in ``target``'s place (a Parameter keeps ``requires_grad``)."""
    module, name = owner
    value = value if isinstance(value, Tensor) else Tensor._wrap(np.asarray(value))
    if value.shape != target.shape:
        return (
            f"size mismatch for {key}: copying a param with shape {_torch_size(value.shape)} from checkpoint, "
            f"the shape in current model is {_torch_size(target.shape)}."
        )
    if name in module._parameters:
        module._parameters[name] = type(target)(value.detach(), requires_grad=target.requires_grad)
    else:
        module._buffers[name] = value
    return None


def _quoted(keys: List[str]) -> str:
    return ", ".join(f'"{key}"' for key in keys)


def _torch_size(shape: tuple) -> str:
    return f"torch.Size({list(shape)})"
