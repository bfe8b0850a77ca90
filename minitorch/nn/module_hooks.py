"""Module hooks: code that runs around a module's ``forward`` and its backward.

* forward pre-hooks ``hook(module, args)`` (or ``hook(module, args, kwargs)`` with ``with_kwargs``)
  run before ``forward`` and may replace its arguments;
* forward hooks ``hook(module, args, output)`` run after it and may replace the output;
* full backward pre-hooks ``hook(module, grad_output)`` run when the gradients of the outputs are
  known, and may replace them;
* full backward hooks ``hook(module, grad_input, grad_output)`` run when the gradients of the
  inputs are known, and may replace those.

The backward hooks work by passing the module's tensor inputs and outputs through two identity
nodes of the graph (:class:`_InputsSeen`, :class:`_OutputsSeen`): the engine hands each node the
gradients flowing through it, which are exactly ``grad_input`` and ``grad_output``.
"""
from __future__ import annotations

import warnings
from collections import OrderedDict
from typing import Any, Callable, Dict, Optional, Tuple

from minitorch.autograd import grad_mode
from minitorch.autograd.function import Function
from minitorch.hooks import RemovableHandle
from minitorch.tensor import Tensor


def _register(hooks: "OrderedDict[int, Any]", hook: Callable, prepend: bool) -> RemovableHandle:
    handle = RemovableHandle(hooks, hook)
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


class ModuleHooks:
    """The hook half of ``Module`` (a mixin: ``Module`` keeps the registries in ``__init__``)."""

    _forward_pre_hooks: "OrderedDict[int, Callable]"
    _forward_hooks: "OrderedDict[int, Callable]"
    _backward_hooks: "OrderedDict[int, Callable]"
    _backward_pre_hooks: "OrderedDict[int, Callable]"
    _hooks_with_kwargs: Dict[int, bool]
    _hooks_always_called: Dict[int, bool]

    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """``hook(module, args)`` (``hook(module, args, kwargs)`` with ``with_kwargs``) runs before
        ``forward``; it may return replacement args (or an ``(args, kwargs)`` pair)."""
        handle = _register(self._forward_pre_hooks, hook, prepend)
        if with_kwargs:
            self._hooks_with_kwargs[handle.id] = True
        return handle

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False,
                              always_call: bool = False) -> RemovableHandle:
        """``hook(module, args, output)`` (``hook(module, args, kwargs, output)`` with ``with_kwargs``)
        runs after ``forward``; it may return a replacement output. ``always_call`` hooks also run
        (with output None) when ``forward`` raises."""
        handle = _register(self._forward_hooks, hook, prepend)
        if with_kwargs:
            self._hooks_with_kwargs[handle.id] = True
        if always_call:
            self._hooks_always_called[handle.id] = True
        return handle

    def register_full_backward_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """``hook(module, grad_output)`` runs when the outputs' gradients are known; it may return new ones."""
        return _register(self._backward_pre_hooks, hook, prepend)

    def register_full_backward_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """``hook(module, grad_input, grad_output)`` runs when the inputs' gradients are known; it may
        return new ``grad_input``. Inputs that need no gradient get ``None``."""
        return _register(self._backward_hooks, hook, prepend)

    def _call_with_hooks(self, args: tuple, kwargs: Dict[str, Any]) -> Any:
        for key, hook in list(self._forward_pre_hooks.items()):
            if key in self._hooks_with_kwargs:
                changed = hook(self, args, kwargs)
                if changed is not None:
                    if not (isinstance(changed, tuple) and len(changed) == 2):
                        raise RuntimeError(
                            "forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                            f"but got {changed}."
                        )
                    args, kwargs = changed
            else:
                changed = hook(self, args)
                if changed is not None:
                    args = changed if isinstance(changed, tuple) else (changed,)
        seen = _BackwardHookState(self) if (self._backward_hooks or self._backward_pre_hooks) else None
        if seen is not None:
            args = seen.wrap_inputs(args)
        try:
            output = self.forward(*args, **kwargs)
        except Exception:
            for key, hook in list(self._forward_hooks.items()):
                if key in self._hooks_always_called:
                    self._run_forward_hook(key, hook, args, kwargs, None)
            raise
        for key, hook in list(self._forward_hooks.items()):
            changed = self._run_forward_hook(key, hook, args, kwargs, output)
            if changed is not None:
                output = changed
        return output if seen is None else seen.wrap_outputs(output)

    def _run_forward_hook(self, key: int, hook: Callable, args: tuple, kwargs: Dict[str, Any], output: Any) -> Any:
        if key in self._hooks_with_kwargs:
            return hook(self, args, kwargs, output)
        return hook(self, args, output)


class _BackwardHookState:
    """One forward call's link between its input and output identity nodes."""

    def __init__(self, module: Any) -> None:
        self.module = module
        self.input_count = 0
        self.inputs_need_grad = False
        self.grad_output: Tuple[Optional[Tensor], ...] = ()

    def wrap_inputs(self, args: tuple) -> tuple:
        positions = [i for i, arg in enumerate(args) if isinstance(arg, Tensor)]
        self.input_count = len(positions)
        self.inputs_need_grad = grad_mode.is_grad_enabled() and any(args[i].requires_grad for i in positions)
        if not self.inputs_need_grad:
            return args
        seen = _InputsSeen.apply(self, *(args[i] for i in positions))
        args = list(args)
        for i, tensor in zip(positions, seen):
            args[i] = tensor
        return tuple(args)

    def wrap_outputs(self, output: Any) -> Any:
        single = isinstance(output, Tensor)
        outputs = (output,) if single else output
        if not isinstance(outputs, tuple) or not any(isinstance(o, Tensor) and o.requires_grad for o in outputs):
            return output
        positions = [i for i, o in enumerate(outputs) if isinstance(o, Tensor)]
        seen = _OutputsSeen.apply(self, *(outputs[i] for i in positions))
        outputs = list(outputs)
        for i, tensor in zip(positions, seen):
            outputs[i] = tensor
        return outputs[0] if single else tuple(outputs)

    def outputs_backward(self, grads: tuple) -> tuple:
        for hook in list(self.module._backward_pre_hooks.values()):
            changed = hook(self.module, grads)
            if changed is not None:
                grads = tuple(changed) if isinstance(changed, (tuple, list)) else (changed,)
        self.grad_output = grads
        if not self.inputs_need_grad and self.module._backward_hooks:
            warnings.warn(
                "Full backward hook is firing when gradients are computed with respect to module outputs since "
                "no inputs require gradients. See https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                "#torch.nn.Module.register_full_backward_hook for more details.", stacklevel=2,
            )
            self.inputs_backward((None,) * max(self.input_count, 1))
        return grads

    def inputs_backward(self, grads: tuple) -> tuple:
        for hook in list(self.module._backward_hooks.values()):
            changed = hook(self.module, grads, self.grad_output)
            if changed is not None:
                grads = tuple(changed) if isinstance(changed, (tuple, list)) else (changed,)
        return grads


def _identity(ctx: Function, tensors: tuple) -> tuple:
    ctx.needs = tuple(t.requires_grad for t in tensors)
    return tuple(Tensor._wrap(t._data.view()) for t in tensors)


class _OutputsSeen(Function):
    """Identity on the module's outputs; its backward sees ``grad_output``."""

    @staticmethod
    def forward(ctx, state, *tensors):
        ctx.state = state
        return _identity(ctx, tensors)

    @staticmethod
    def backward(ctx, *grads):
        return (None,) + tuple(ctx.state.outputs_backward(grads))


class _InputsSeen(Function):
    """Identity on the module's tensor inputs; its backward sees ``grad_input``."""

    @staticmethod
    def forward(ctx, state, *tensors):
        ctx.state = state
        return _identity(ctx, tensors)

    @staticmethod
    def backward(ctx, *grads):
        grads = tuple(g if need else None for g, need in zip(grads, ctx.needs))
        return (None,) + tuple(ctx.state.inputs_backward(grads))
