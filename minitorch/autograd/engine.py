"""The backward pass: walk the graph from the outputs back to the leaves.

1. Order the nodes so each comes after every node that consumes its outputs (a reversed
   depth-first post-order, built with an explicit stack: deep graphs never hit Python's
   recursion limit).
2. Seed the outputs' gradients, then visit the nodes in that order: sum the gradients that
   arrived for each output, call the node's backward, and pass each input's gradient along its
   edge — to the node that produced that input, or into a leaf's ``.grad``.
3. Free each node's saved tensors as soon as it has run, unless ``retain_graph=True``.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional, Sequence

import minitorch.tensor as tensors
from minitorch.autograd.function import Function


def topological_order(roots: Iterable[Function]) -> list:
    """Nodes reachable from ``roots``, each listed before the nodes it sends gradients to."""
    post_order: list = []
    visited: set = set()
    stack = [(root, False) for root in roots]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            post_order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        for edge in node.next_functions:
            if edge is not None and isinstance(edge[0], Function) and edge[0] not in visited:
                stack.append((edge[0], False))
    post_order.reverse()
    return post_order


def run_backward(
    outputs: Sequence[Any],
    output_grads: Sequence[Any],
    retain_graph: bool = False,
    inputs: Optional[Sequence[Any]] = None,
) -> Optional[list]:
    """Backpropagate ``output_grads`` (arrays) from ``outputs`` (Tensors).

    Without ``inputs``, gradients accumulate into the leaves' ``.grad``. With ``inputs``, the
    gradients of those tensors are returned instead and no ``.grad`` is touched
    (this is :func:`minitorch.autograd.grad`).
    """
    Tensor = tensors.Tensor
    pending: dict = {}  # node -> list of the gradients arrived so far, one per output of the node
    captured = _capture_slots(inputs)
    results: list = [None] * len(inputs) if inputs is not None else []
    handed_out = {id(g) for g in output_grads}  # arrays someone else already owns

    def send(edge: tuple, grad: Any) -> None:
        target, index = edge
        if isinstance(target, Tensor):  # a leaf
            if inputs is None:
                _accumulate_into_leaf(target, grad, handed_out)
            elif id(target) in captured:
                _collect(results, captured[id(target)], grad)
            return
        grads = pending.get(target)
        if grads is None:
            pending[target] = grads = [None] * (len(target._output_meta) or 1)
        grads[index] = grad if grads[index] is None else grads[index] + grad

    roots = []
    for output, grad in zip(outputs, output_grads):
        send((output.grad_fn, output._output_nr) if output.grad_fn is not None else (output, 0), grad)
        if output.grad_fn is not None:
            roots.append(output.grad_fn)

    for node in topological_order(roots):
        grads = pending.pop(node, None)
        if grads is None:
            continue
        if node._hooks:
            grads = _run_node_hooks(node, grads)
        if captured:
            for index, grad in enumerate(grads):
                slot = captured.get((id(node), index))
                if slot is not None and grad is not None:
                    _collect(results, slot, grad)
        input_grads = node._run_backward(grads)
        if not retain_graph:
            node._release()
        for edge, grad in zip(node.next_functions, input_grads):
            if edge is not None and grad is not None:
                send(edge, grad)
    return results if inputs is not None else None


def _collect(results: list, slot: int, grad: Any) -> None:
    results[slot] = grad if results[slot] is None else results[slot] + grad


def _capture_slots(inputs: Optional[Sequence[Any]]) -> dict:
    """Where each requested input's gradient is collected: leaves by id, others by (node, output)."""
    if inputs is None:
        return {}
    slots = {}
    for slot, tensor in enumerate(inputs):
        key = id(tensor) if tensor.grad_fn is None else (id(tensor.grad_fn), tensor._output_nr)
        slots[key] = slot
    return slots


def _accumulate_into_leaf(leaf: Any, grad: Any, handed_out: set) -> None:
    """``leaf.grad += grad``; the first gradient is stored without a copy when nobody else owns it.

    The sum is computed out of place: an array stored without a copy may also be on its way
    to other nodes of this graph (``x + a`` sends one array to both), and must not change.
    """
    Tensor = tensors.Tensor
    for hook in leaf._hooks or ():
        replaced = hook(Tensor(grad))
        if replaced is not None:
            grad = replaced._data
    if leaf.grad is None:
        if id(grad) in handed_out or not grad.flags.owndata or not getattr(grad.flags, "writeable", True):
            grad = grad.copy()
        handed_out.add(id(grad))
        leaf.grad = Tensor(grad)
    else:
        leaf.grad.data = Tensor(leaf.grad._data + grad)  # a new array: the old one may be on its way elsewhere


def _retains_grad(hook: Any) -> bool:
    return getattr(hook, "retains_grad", False)


def _run_node_hooks(node: Function, grads: list) -> list:
    Tensor = tensors.Tensor
    grads = list(grads)
    for index, hooks in node._hooks.items():
        for hook in sorted(hooks, key=_retains_grad):  # retain_grad() stores the grad after the other hooks
            if grads[index] is not None:
                replaced = hook(Tensor(grads[index]))
                if replaced is not None:
                    grads[index] = replaced._data
    return grads
