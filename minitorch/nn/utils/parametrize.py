"""Parametrizations: make a module's ``weight`` a function of other tensors (``torch.nn.utils.parametrize``).

After ``register_parametrization(layer, "weight", P())`` the layer no longer stores ``weight``:
it stores the *original* tensor(s) in ``layer.parametrizations.weight.original`` (or
``original0``, ``original1``, ... when ``P.right_inverse`` splits it into several), and reading
``layer.weight`` computes ``P(original)`` afresh, so gradients flow to the originals. The module's
class is swapped for a subclass (``ParametrizedLinear``) whose ``weight`` is that property, as in
PyTorch; ``remove_parametrizations`` undoes it.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Dict, Iterator, Optional, Sequence, Tuple

from minitorch.autograd.grad_mode import no_grad
from minitorch.nn.containers import ModuleDict, ModuleList
from minitorch.nn.module import Module
from minitorch.nn.parameter import Parameter
from minitorch.tensor import Tensor

_cache: Optional[Dict[Tuple[int, str], Tensor]] = None  # active inside ``cached()``


@contextmanager
def cached() -> Iterator[None]:
    """Compute each parametrized tensor once inside the block (e.g. a weight shared by an RNN's steps)."""
    global _cache
    outer = _cache
    _cache = {} if outer is None else outer
    try:
        yield
    finally:
        _cache = outer


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, applied in order, and the original tensor(s) they start from."""

    def __init__(self, modules: Sequence[Module], original: Tensor, unsafe: bool = False) -> None:
        super().__init__(modules)
        self.unsafe = unsafe
        with no_grad():
            new = original
            for module in reversed(list(self)):
                if hasattr(module, "right_inverse"):
                    new = module.right_inverse(new)
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor:
            if new is not original:
                with no_grad():
                    original.copy_(new)
            _register(self, "original", original)
        else:
            for index, value in enumerate(new):
                if isinstance(original, Parameter):
                    value = Parameter(value.detach(), original.requires_grad)
                _register(self, f"original{index}", value)

    def right_inverse(self, value: Tensor) -> None:
        """Set the originals so that the parametrized tensor becomes ``value``."""
        with no_grad():
            for module in reversed(list(self)):
                if hasattr(module, "right_inverse"):
                    value = module.right_inverse(value)
            if self.is_tensor:
                self.original.copy_(value)
            else:
                for index, part in enumerate(value):
                    getattr(self, f"original{index}").copy_(part)

    def forward(self) -> Tensor:  # type: ignore[override]
        modules = list(self)
        if self.is_tensor:
            x = modules[0](self.original)
        else:
            x = modules[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for module in modules[1:]:
            x = module(x)
        return x

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward()


def _register(module: Module, name: str, value: Tensor) -> None:
    if isinstance(value, Parameter):
        module.register_parameter(name, value)
    else:
        module.register_buffer(name, value)


def _parametrized_getter(name: str) -> property:
    def get(self: Module) -> Tensor:
        if _cache is None:
            return self.parametrizations[name]()
        key = (id(self), name)
        if key not in _cache:
            _cache[key] = self.parametrizations[name]()
        return _cache[key]

    def set_(self: Module, value: Tensor) -> None:
        self.parametrizations[name].right_inverse(value)

    return property(get, set_)


def is_parametrized(module: Module, tensor_name: Optional[str] = None) -> bool:
    """Whether ``module`` has parametrizations (on ``tensor_name``, if given)."""
    parametrizations = module.__dict__.get("_modules", {}).get("parametrizations")
    if not isinstance(parametrizations, ModuleDict):
        return False
    return len(parametrizations) > 0 if tensor_name is None else tensor_name in parametrizations


def register_parametrization(module: Module, tensor_name: str, parametrization: Module, *,
                             unsafe: bool = False) -> Module:
    """Replace ``module.<tensor_name>`` by ``parametrization(original)`` (see the module docstring)."""
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        module.parametrizations[tensor_name].append(parametrization)
        return module
    if tensor_name not in module._parameters and tensor_name not in module._buffers:
        raise ValueError(
            f"Module '{module}' does not have a parameter, a buffer, or a parametrized element with name "
            f"'{tensor_name}'"
        )
    original = getattr(module, tensor_name)
    parametrizations = ParametrizationList([parametrization], original, unsafe=unsafe)
    delattr(module, tensor_name)
    if not is_parametrized(module):
        base = type(module)
        module.__class__ = type(f"Parametrized{base.__name__}", (base,), {"_unparametrized_class": base})
        module.parametrizations = ModuleDict()
    setattr(type(module), tensor_name, _parametrized_getter(tensor_name))
    module.parametrizations[tensor_name] = parametrizations
    return module


def remove_parametrizations(module: Module, tensor_name: str, leave_parametrized: bool = True) -> Module:
    """Put a plain tensor back: the current parametrized value (or the original, if not ``leave_parametrized``)."""
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    parametrizations = module.parametrizations[tensor_name]
    if parametrizations.is_tensor:
        original = parametrizations.original
        if leave_parametrized:
            with no_grad():
                value = getattr(module, tensor_name)
                original.copy_(value)
    else:
        if not leave_parametrized:
            raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is "
                             "parametrized in terms of a sequence of tensors.")
        with no_grad():
            value = getattr(module, tensor_name)
        requires_grad = parametrizations.original0.requires_grad
        original = Parameter(value.detach(), requires_grad) if isinstance(parametrizations.original0, Parameter) \
            else value.detach()
    delattr(type(module), tensor_name)
    del module.parametrizations[tensor_name]
    _register(module, tensor_name, original)
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = module._unparametrized_class
    return module
