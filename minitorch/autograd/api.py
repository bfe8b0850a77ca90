"""The user-facing autograd calls: ``backward`` and ``grad``."""
from __future__ import annotations

from typing import Any, Optional, Sequence, Union

from minitorch.autograd.engine import run_backward
from minitorch.backend import array_module
from minitorch.tensor import Tensor

Tensors = Union[Tensor, Sequence[Tensor]]


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, Tensor) else list(value)


def _seed_gradients(outputs: list, gradients: list) -> list:
    """The gradient each output starts from: given, or 1 for a scalar output."""
    seeds = []
    for i, output in enumerate(outputs):
        if not output.requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        gradient = gradients[i] if i < len(gradients) else None
        if gradient is None:
            if output.numel() != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs; this output has shape "
                    f"{list(output.shape)}: pass backward(gradient=...) of that shape"
                )
            seeds.append(array_module(output._data).ones_like(output._data))
            continue
        gradient = gradient._data if isinstance(gradient, Tensor) else gradient
        if gradient.shape != output.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {list(gradient.shape)} and output[{i}] "
                f"has a shape of {list(output.shape)}."
            )
        seeds.append(gradient)
    return seeds


def _check_create_graph(create_graph: bool) -> None:
    if create_graph:
        raise NotImplementedError(
            "create_graph=True (higher-order gradients) is not supported: minitorch's backward "
            "formulas run on raw arrays, outside the graph"
        )


def backward(tensors: Tensors, grad_tensors: Optional[Tensors] = None, retain_graph: Optional[bool] = None,
             create_graph: bool = False, inputs: Optional[Tensors] = None) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the leaves (or of ``inputs``)."""
    _check_create_graph(create_graph)
    outputs = _as_list(tensors)
    seeds = _seed_gradients(outputs, _as_list(grad_tensors) if not isinstance(grad_tensors, Tensor) else [grad_tensors])
    if inputs is None:
        run_backward(outputs, seeds, retain_graph=bool(retain_graph))
        return
    wanted = _as_list(inputs)
    grads = run_backward(outputs, seeds, retain_graph=bool(retain_graph), inputs=wanted)
    for tensor, grad in zip(wanted, grads):
        if grad is not None:
            tensor.grad = Tensor._wrap(grad.copy()) if tensor.grad is None else tensor.grad + Tensor._wrap(grad)


def grad(outputs: Tensors, inputs: Tensors, grad_outputs: Optional[Tensors] = None,
         retain_graph: Optional[bool] = None, create_graph: bool = False,
         allow_unused: bool = False) -> tuple:
    """The gradients of ``outputs`` with respect to ``inputs``, returned (no ``.grad`` is touched)."""
    _check_create_graph(create_graph)
    outputs, wanted = _as_list(outputs), _as_list(inputs)
    for i, tensor in enumerate(wanted):
        if not tensor.requires_grad:
            raise RuntimeError(f"One of the differentiated Tensors (input {i}) does not require grad")
    seeds = _seed_gradients(outputs, _as_list(grad_outputs) if not isinstance(grad_outputs, Tensor) else [grad_outputs])
    grads = run_backward(outputs, seeds, retain_graph=bool(retain_graph), inputs=wanted)
    if not allow_unused and any(g is None for g in grads):
        raise RuntimeError(
            "One of the differentiated Tensors appears to not have been used in the graph. "
            "Set allow_unused=True if this is the desired behavior."
        )
    return tuple(None if g is None else Tensor._wrap(g) for g in grads)
