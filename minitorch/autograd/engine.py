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

import weakref
from typing import Any, Callable, Iterable, Optional, Sequence

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
                if post_hooks is not None:
                    post_hooks.accumulated(target)
            elif id(target) in captured:
                _collect(results, captured[id(target)], grad)
            return
        grads = pending.get(target)
        if grads is None:
            pending[target] = grads = [None] * (len(target._output_meta) or 1)
        grads[index] = grad if grads[index] is None else grads[index] + grad

    roots = [output.grad_fn for output in outputs if output.grad_fn is not None]
    order = topological_order(roots)
    post_hooks = _PostAccumulateHooks(order) if inputs is None and _post_accumulate_hooks else None
    for output, grad in zip(outputs, output_grads):
        send((output.grad_fn, output._output_nr) if output.grad_fn is not None else (output, 0), grad)
    if post_hooks is not None:
        post_hooks.visited(None)  # outputs that are leaves themselves are complete now

    for node in order:
        grads = pending.pop(node, None)
        if grads is None:
            if post_hooks is not None:
                post_hooks.visited(node)
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
        if post_hooks is not None:
            post_hooks.visited(node)
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


# ----- post-accumulate-grad hooks (Tensor.register_post_accumulate_grad_hook) -----
# hook(leaf) runs once per backward, after the leaf's whole gradient of that backward has been
# accumulated into leaf.grad: when every node that could still send it a gradient has run.
# DistributedDataParallel uses it to start averaging a bucket of gradients while backward goes on.
# The registry holds the hooks strongly and the leaves weakly: a hook should not hold its own leaf
# (or an object holding it) strongly, or the leaf lives as long as the hook is registered.

_post_accumulate_hooks: dict = {}  # id(leaf) -> (weak reference to the leaf, its hooks in order)


def register_post_accumulate_grad_hook(leaf: Any, hook: Callable[[Any], None]) -> "PostAccumulateHandle":
    """Add ``hook`` to ``leaf``'s post-accumulate-grad hooks; the handle's ``remove()`` takes it off."""
    key = id(leaf)
    if key not in _post_accumulate_hooks:
        forget = lambda _reference, key=key: _post_accumulate_hooks.pop(key, None)  # noqa: E731
        _post_accumulate_hooks[key] = (weakref.ref(leaf, forget), [])
    _post_accumulate_hooks[key][1].append(hook)
    return PostAccumulateHandle(key, hook)


class PostAccumulateHandle:
    """Returned by :meth:`Tensor.register_post_accumulate_grad_hook`; ``remove()`` unregisters."""

    def __init__(self, key: int, hook: Callable) -> None:
        self.key, self.hook = key, hook

    def remove(self) -> None:
        entry = _post_accumulate_hooks.get(self.key)
        if entry is not None and self.hook in entry[1]:
            entry[1].remove(self.hook)
            if not entry[1]:
                del _post_accumulate_hooks[self.key]


class _PostAccumulateHooks:
    """Per backward: counts, for each hooked leaf, the graph edges into it whose node has not run."""

    def __init__(self, order: list) -> None:
        Tensor = tensors.Tensor
        self.remaining: dict = {}  # id(leaf) -> edges still to come
        self.edges: dict = {}  # node -> the hooked leaves it has edges to
        self.seen: set = set()  # id(leaf) of the hooked leaves accumulated into in this backward
        for node in order:
            for edge in node.next_functions:
                if edge is not None and isinstance(edge[0], Tensor) and id(edge[0]) in _post_accumulate_hooks:
                    self.edges.setdefault(node, []).append(edge[0])
                    self.remaining[id(edge[0])] = self.remaining.get(id(edge[0]), 0) + 1
        self.waiting: list = []  # hooked leaves accumulated into whose hooks have not run yet

    def accumulated(self, leaf: Any) -> None:
        if id(leaf) in _post_accumulate_hooks and id(leaf) not in self.seen:
            self.seen.add(id(leaf))
            self.waiting.append(leaf)

    def visited(self, node: Optional[Function]) -> None:
        """``node`` has run (None: the outputs were seeded); run the hooks of leaves now complete."""
        for leaf in self.edges.get(node, ()):
            self.remaining[id(leaf)] -= 1
        complete = [leaf for leaf in self.waiting if not self.remaining.get(id(leaf), 0)]
        if complete:
            self.waiting = [leaf for leaf in self.waiting if self.remaining.get(id(leaf), 0)]
            for leaf in complete:
                entry = _post_accumulate_hooks.get(id(leaf))
                for hook in list(entry[1]) if entry is not None else ():
                    hook(leaf)
