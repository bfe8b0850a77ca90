"""``Module``: the base class of every layer and model.

A module is a tree. Assigning an attribute sorts it into one of three ordered dictionaries:

* ``self.weight = Parameter(...)`` → ``_parameters`` (what the optimizer updates),
* ``self.register_buffer("running_mean", t)`` → ``_buffers`` (state that is saved but not learned),
* ``self.conv1 = nn.Conv2d(...)`` → ``_modules`` (children, each a tree of its own).

Everything else — ``parameters()``, ``state_dict()``, ``to(device)``, ``train()`` — is a walk
over that tree. The walk visits a module's own entries first, then its children in the order
they were assigned, so names and order match PyTorch's for the same model
(``conv1.weight, conv1.bias, conv2.weight, ...``), and so do ``state_dict`` keys.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Set, Tuple

from minitorch import dtypes
from minitorch.backend import to_device
from minitorch.nn.module_hooks import ModuleHooks
from minitorch.nn import state_dict as state_dict_io
from minitorch.nn.parameter import Parameter
from minitorch.ops.transfer import parse_to_args
from minitorch.tensor import Tensor


class Module(ModuleHooks):
    """Base class for layers and models: subclass it, assign layers in ``__init__``, define ``forward``.

    Example::

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 2)

            def forward(self, x):
                return self.fc(x)
    """

    training: bool

    def __init__(self) -> None:
        set_plain = super().__setattr__
        set_plain("training", True)
        set_plain("_parameters", OrderedDict())
        set_plain("_buffers", OrderedDict())
        set_plain("_non_persistent_buffers", set())
        set_plain("_modules", OrderedDict())
        set_plain("_forward_pre_hooks", OrderedDict())
        set_plain("_forward_hooks", OrderedDict())
        set_plain("_backward_pre_hooks", OrderedDict())
        set_plain("_backward_hooks", OrderedDict())
        set_plain("_hooks_with_kwargs", {})
        set_plain("_hooks_always_called", {})

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward``, with the hooks around it if any were registered (``module_hooks.py``)."""
        if not (self._forward_pre_hooks or self._forward_hooks or self._backward_hooks or self._backward_pre_hooks):
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    # ----- registration -----
    def __setattr__(self, name: str, value: Any) -> None:
        """Sort ``value`` into parameters, buffers or sub-modules (see the module docstring)."""
        parameters = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if parameters is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget_elsewhere(name, parameters)
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            if parameters is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget_elsewhere(name, self._modules)
            self._modules[name] = value
        elif parameters is not None and name in parameters:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                    "(torch.nn.Parameter or None expected)"
                )
            parameters[name] = None
        elif name in self.__dict__.get("_modules", {}):
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as child module '{name}' "
                    "(torch.nn.Module or None expected)"
                )
            self._modules[name] = None
        elif name in self.__dict__.get("_buffers", {}):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as buffer '{name}' (torch.Tensor or None expected)"
                )
            self._buffers[name] = value
        else:
            super().__setattr__(name, value)

    def _forget_elsewhere(self, name: str, kept: Dict[str, Any]) -> None:
        """Unregister ``name`` everywhere but ``kept``, where re-assigning keeps its place in the order."""
        self.__dict__.pop(name, None)
        for registry in (self._parameters, self._buffers, self._modules):
            if registry is not kept:
                registry.pop(name, None)
        self._non_persistent_buffers.discard(name)

    def __getattr__(self, name: str) -> Any:
        """Called only when normal lookup fails: look in the three registries."""
        registries = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            entries = registries.get(registry)
            if entries is not None and name in entries:
                return entries[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                self._non_persistent_buffers.discard(name)
                return
        super().__delattr__(name)

    def __dir__(self) -> List[str]:
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules))

    def register_parameter(self, name: str, param: Optional[Parameter]) -> None:
        """Add a parameter (or a ``None`` placeholder, e.g. ``bias=False``) under ``name``."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        self._check_new_name(name, self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                "(torch.nn.Parameter or None required)"
            )
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Optional[Tensor], persistent: bool = True) -> None:
        """Add state that is not learned (e.g. BatchNorm's running mean); saved in ``state_dict``
        unless ``persistent=False``, and moved by ``to(device)``."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        self._check_new_name(name, self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' (torch Tensor or None required)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: Optional["Module"]) -> None:
        """Add a child module under ``name`` (what ``self.name = module`` does)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_new_name(name, self._modules)
        self._modules[name] = module

    register_module = add_module

    def _check_new_name(self, name: str, registry: Dict[str, Any]) -> None:
        if not isinstance(name, str):
            raise TypeError(f"name should be a string. Got {type(name).__name__}")
        if name == "" or "." in name:
            raise KeyError(f'name can\'t be empty or contain ".", got: {name!r}')
        registered_elsewhere = any(
            name in other for other in (self._parameters, self._buffers, self._modules) if other is not registry
        )
        if name in self.__dict__ or registered_elsewhere:
            raise KeyError(f"attribute '{name}' already exists")

    def get_submodule(self, target: str) -> "Module":
        """The module at a dotted path such as ``"features.0"`` ("" is this module)."""
        module = self
        for part in target.split(".") if target else []:
            if part not in module._modules:
                raise AttributeError(f"{module._get_name()} has no attribute `{part}`")
            module = module._modules[part]
        return module

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at a dotted path such as ``"features.0.weight"``."""
        return self._get_member(target, "_parameters", "nn.Parameter")

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at a dotted path such as ``"bn.running_mean"``."""
        return self._get_member(target, "_buffers", "buffer")

    def _get_member(self, target: str, registry: str, kind: str) -> Any:
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(f"{module._get_name()} has no attribute `{name}`")
        if name not in getattr(module, registry):
            raise AttributeError(f"`{name}` is not an {kind}")
        return getattr(module, registry)[name]

    # ----- walking the tree -----
    def named_modules(self, memo: Optional[Set["Module"]] = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[Tuple[str, "Module"]]:
        """This module and every module below it, depth first, each once, with its dotted name."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if self in memo:
                return
            memo.add(self)
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(memo, f"{prefix}.{name}" if prefix else name, remove_duplicate)

    def modules(self) -> Iterator["Module"]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[Tuple[str, "Module"]]:
        """The direct sub-modules, each once."""
        seen = set()
        for name, child in self._modules.items():
            if child is not None and child not in seen:
                seen.add(child)
                yield name, child

    def children(self) -> Iterator["Module"]:
        for _, child in self.named_children():
            yield child

    def _named_members(self, registry: str, prefix: str, recurse: bool,
                       remove_duplicate: bool = True) -> Iterator[Tuple[str, Any]]:
        """(dotted name, entry) for one registry of every module, each tensor once."""
        seen = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in getattr(module, registry).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[Tuple[str, Parameter]]:
        """``("conv1.weight", Parameter), ...`` in PyTorch's order; a shared parameter appears once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every learnable tensor: what you hand to an optimizer."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[Tuple[str, Tensor]]:
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def apply(self, fn: Callable[["Module"], None]) -> "Module":
        """Call ``fn`` on every sub-module (children first), then on this one; e.g. custom init."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ----- modes and gradients -----
    def train(self, mode: bool = True) -> "Module":
        """Training mode (Dropout drops, BatchNorm uses batch statistics) for the whole tree."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for child in self.children():
            child.train(mode)
        return self

    def eval(self) -> "Module":
        """Evaluation mode: ``train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        """Freeze (False) or unfreeze every parameter."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of the last backward (by dropping them, or filling them with 0)."""
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                param.grad.detach_().zero_()

    # ----- devices and dtypes -----
    def to(self, *args: Any, **kwargs: Any) -> "Module":
        """Move (``to("cuda")``) and/or cast (``to(torch.float64)``) parameters and buffers in place.

        Parameters stay the same objects (only their arrays change), so an optimizer built
        before the move still holds them. Casts apply to floating-point tensors only.
        """
        target_device, target_dtype = parse_to_args(args, dict(kwargs))
        if target_dtype is not None and target_dtype.kind != "f":
            raise TypeError(f"nn.Module.to only accepts floating point dtypes, but got desired dtype={target_dtype}")

        def convert(array: Any) -> Any:
            if target_dtype is not None and array.dtype.kind == "f":
                array = array.astype(target_dtype, copy=False)
            return array if target_device is None else to_device(array, target_device)

        return self._apply(convert)

    def _apply(self, convert: Callable[[Any], Any]) -> "Module":
        for module in self.modules():
            for tensor in list(module._parameters.values()) + list(module._buffers.values()):
                if tensor is None:
                    continue
                tensor.data = Tensor._wrap(convert(tensor._data))  # the same Parameter object, new memory
                if tensor.grad is not None:
                    tensor.grad.data = Tensor._wrap(convert(tensor.grad._data))
        return self

    def cuda(self, device: Any = None) -> "Module":
        return self.to("cuda" if device is None else (device if isinstance(device, str) else f"cuda:{device}"))

    def cpu(self) -> "Module":
        return self.to("cpu")

    def float(self) -> "Module":
        return self.to(dtypes.float32)

    def double(self) -> "Module":
        return self.to(dtypes.float64)

    def half(self) -> "Module":
        return self.to(dtypes.float16)

    def type(self, dst_type: Any) -> "Module":
        """Cast every parameter and buffer (floating or not) to ``dst_type``: a dtype or a name
        such as ``"torch.DoubleTensor"``."""
        dtype = _TENSOR_TYPES.get(dst_type, dst_type) if isinstance(dst_type, str) else dst_type
        return self._apply(lambda array: array.astype(dtype, copy=False))

    # ----- saving and loading (minitorch/nn/state_dict.py) -----
    def state_dict(self, destination: Optional[Dict[str, Any]] = None, prefix: str = "",
                   keep_vars: bool = False) -> "OrderedDict[str, Tensor]":
        """Every parameter and persistent buffer by dotted name (tensors sharing the module's memory)."""
        return state_dict_io.state_dict(self, destination, prefix, keep_vars)

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True,
                        assign: bool = False) -> state_dict_io.IncompatibleKeys:
        """Copy values into the parameters and buffers of the same names (``assign=True``: take the
        given tensors themselves instead); see :mod:`minitorch.nn.state_dict`."""
        return state_dict_io.load_state_dict(self, state_dict, strict, assign)

    # ----- printing -----
    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        """The layer's settings, shown inside the parentheses of its repr (override in layers)."""
        return ""

    def __repr__(self) -> str:
        """``Name(settings)``, or one indented line per child: the same text as PyTorch prints."""
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): {indent(repr(child), 2)}" for name, child in self._modules.items()]
        lines = extra_lines + child_lines
        body = ""
        if len(extra_lines) == 1 and not child_lines:
            body = extra_lines[0]
        elif lines:
            body = "\n  " + "\n  ".join(lines) + "\n"
        return f"{self._get_name()}({body})"


_TENSOR_TYPES = {
    "torch.FloatTensor": dtypes.float32, "torch.DoubleTensor": dtypes.float64, "torch.HalfTensor": dtypes.float16,
    "torch.LongTensor": dtypes.int64, "torch.IntTensor": dtypes.int32,
}


def indent(text: str, spaces: int) -> str:
    """Indent every line but the first (blank lines stay empty), for nested reprs."""
    first, *rest = text.split("\n")
    return "\n".join([first] + [" " * spaces + line if line.strip() else "" for line in rest])
