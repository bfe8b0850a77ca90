"""The user-facing autograd calls: ``backward`` and ``grad``.

``create_graph=True`` records the backward pass itself, so the gradients it returns (or leaves in
``.grad``) have a ``grad_fn`` and can be differentiated again: Hessians, gradient penalties,
Newton's method. ``retain_graph`` then defaults to True, as in PyTorch. ``is_grads_batched`` is
not supported.
"""
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


def _seed_gradients(outputs: list, gradients: list, create_graph: bool = False) -> list:
    """The gradient each output starts from: given, or 1 for a scalar output; arrays, or Tensors
    (which may themselves require grad, as in a Hessian-vector product) with ``create_graph``."""
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
            ones = array_module(output._data).ones_like(output._data)
            seeds.append(Tensor._wrap(ones) if create_graph else ones)
            continue
        if create_graph:
            seeds.append(gradient if isinstance(gradient, Tensor) else Tensor._wrap(gradient))
            _check_seed_shape(i, seeds[-1], output)
            continue
        gradient = gradient._data if isinstance(gradient, Tensor) else gradient
        _check_seed_shape(i, gradient, output)
        seeds.append(gradient)
    return seeds


def _check_seed_shape(i: int, gradient: Any, output: Tensor) -> None:
    if tuple(gradient.shape) != tuple(output.shape):
        raise RuntimeError(
            f"Mismatch in shape: grad_output[{i}] has a shape of {list(gradient.shape)} and output[{i}] "
            f"has a shape of {list(output.shape)}."
        )


def _retain(retain_graph: Optional[bool], create_graph: bool) -> bool:
    return create_graph if retain_graph is None else bool(retain_graph)


def backward(tensors: Tensors, grad_tensors: Optional[Tensors] = None, retain_graph: Optional[bool] = None,
             create_graph: bool = False, inputs: Optional[Tensors] = None) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the leaves (or of ``inputs``)."""
    outputs = _as_list(tensors)
    given = _as_list(grad_tensors) if not isinstance(grad_tensors, Tensor) else [grad_tensors]
    seeds = _seed_gradients(outputs, given, create_graph)
    retain = _retain(retain_graph, create_graph)
    if inputs is None:
        run_backward(outputs, seeds, retain_graph=retain, create_graph=create_graph)
        return
    wanted = _as_list(inputs)
    grads = run_backward(outputs, seeds, retain_graph=retain, inputs=wanted, create_graph=create_graph)
    for tensor, grad in zip(wanted, grads):
        if grad is None:
            continue
        if not create_graph:
            grad = Tensor._wrap(grad.copy() if tensor.grad is None else grad)
        tensor.grad = grad if tensor.grad is None else tensor.grad + grad


def grad(outputs: Tensors, inputs: Tensors, grad_outputs: Optional[Tensors] = None,
         retain_graph: Optional[bool] = None, create_graph: bool = False,
         allow_unused: Optional[bool] = None, is_grads_batched: bool = False,
         materialize_grads: bool = False) -> tuple:
    """The gradients of ``outputs`` with respect to ``inputs``, returned (no ``.grad`` is touched).

    ``allow_unused``: an input the outputs do not depend on gets None instead of an error;
    ``materialize_grads`` gives it zeros instead (and implies ``allow_unused``).
    """
    if is_grads_batched:
        raise NotImplementedError("autograd.grad(is_grads_batched=True) is not supported by minitorch")
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, "
                         "but got: allow_unused=False.")
    outputs, wanted = _as_list(outputs), _as_list(inputs)
    for i, tensor in enumerate(wanted):
        if not tensor.requires_grad:
            raise RuntimeError(f"One of the differentiated Tensors (input {i}) does not require grad")
    given = _as_list(grad_outputs) if not isinstance(grad_outputs, Tensor) else [grad_outputs]
    seeds = _seed_gradients(outputs, given, create_graph)
    grads = run_backward(outputs, seeds, retain_graph=_retain(retain_graph, create_graph), inputs=wanted,
                         create_graph=create_graph)
    if not (allow_unused or materialize_grads) and any(g is None for g in grads):
        unused = next(i for i, g in enumerate(grads) if g is None)
        raise RuntimeError(
            f"The differentiated Tensor at index {unused} appears to not have been used in the graph. "
            "Set allow_unused=True if this is the desired behavior."
        )
    results = []
    for tensor, g in zip(wanted, grads):
        if g is None and materialize_grads:  # zeros that, under create_graph, can be differentiated (as PyTorch)
            g = Tensor._wrap(array_module(tensor._data).zeros_like(tensor._data), requires_grad=create_graph)
        results.append(g if g is None or isinstance(g, Tensor) else Tensor._wrap(g))
    return tuple(results)
