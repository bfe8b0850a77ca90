"""The backward pass: walk the graph from the outputs back to the leaves.

The textbook version is recursive: visit a node only after every node that uses its outputs,
which is the reverse of a depth-first post-order (a topological sort)::

    def backward(node, grad):            # what this module computes, written naively
        for input_node, input_grad in zip(node.inputs, node.backward(grad)):
            backward(input_node, input_grad)

The naive version revisits a node once per path through it; the real one visits each node once,
after *all* of its gradients have arrived and been summed:

1. Order the nodes (:func:`topological_order`, with an explicit stack: deep graphs never hit
   Python's recursion limit).
2. Seed the outputs' gradients, then visit the nodes in that order: sum the gradients that
   arrived for each output, call the node's backward, and send each input's gradient along its
   edge — to the node that produced that input, or to a leaf.
3. Free each node's saved tensors as soon as it has run, unless ``retain_graph=True``.

With ``create_graph=True`` the same walk runs under grad mode with Tensors for gradients instead
of arrays: each node's backward is then recorded as ops of its own (``Function._backward_graph``),
so the gradients it returns have a ``grad_fn`` and can be differentiated again.

What happens at a leaf depends on the caller: ``backward()`` accumulates into ``leaf.grad``
(:class:`AccumulateIntoLeaves`); ``autograd.grad()`` collects the gradients of the tensors it
was asked about and touches no ``.grad`` (:class:`CaptureGradients`).
"""
from __future__ import annotations

from typing import Any, Iterable, Optional, Sequence

from minitorch.autograd import grad_mode
from minitorch.autograd.function import Function
from minitorch.autograd.observers import OBSERVERS, observed_backward
from minitorch.tensor import Tensor


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
        for edge in node._edges:
            if edge is not None and isinstance(edge[0], Function) and edge[0] not in visited:
                stack.append((edge[0], False))
    post_order.reverse()
    return post_order


def run_backward(
    outputs: Sequence[Tensor],
    output_grads: Sequence[Any],
    retain_graph: bool = False,
    inputs: Optional[Sequence[Tensor]] = None,
    create_graph: bool = False,
) -> Optional[list]:
    """Backpropagate ``output_grads`` from ``outputs``: arrays, or Tensors with ``create_graph``.

    Without ``inputs``, gradients accumulate into the leaves' ``.grad`` and None is returned.
    With ``inputs``, the gradients of those tensors are returned instead (one gradient or None each).
    """
    if create_graph:
        with grad_mode.enable_grad():
            return _walk(outputs, output_grads, retain_graph, inputs, True)
    return _walk(outputs, output_grads, retain_graph, inputs, False)


def _walk(outputs: Sequence[Tensor], output_grads: Sequence[Any], retain_graph: bool,
          inputs: Optional[Sequence[Tensor]], create_graph: bool) -> Optional[list]:
    order = topological_order(output.grad_fn for output in outputs if output.grad_fn is not None)
    sink = AccumulateIntoLeaves(output_grads, order, create_graph) if inputs is None else CaptureGradients(inputs)
    needed = None if inputs is None else nodes_leading_to(inputs, order)
    pending: dict = {}  # node -> the gradients arrived so far, one slot per output of the node
    for output, grad in zip(outputs, output_grads):
        _send(_edge_to(output), grad, pending, sink)
    sink.node_done(None)
    unobserved = not OBSERVERS  # no instrument watching (autograd/observers.py)

    for node in order:
        grads = pending.pop(node, None)
        if grads is not None:  # else no gradient reached this node
            if node._hooks:
                grads = _run_node_hooks(node, grads, create_graph)
            sink.node_outputs(node, grads)
            if needed is not None and node not in needed:  # no path from here to a requested input
                sink.node_done(node)
                continue
            input_grads = (node._run_backward(grads, create_graph) if unobserved
                           else observed_backward(node, grads, create_graph))
            if not retain_graph:
                node._release()
            for edge, grad in zip(node._edges, input_grads):
                if edge is not None and grad is not None:
                    _send(edge, grad, pending, sink)
        sink.node_done(node)
    return sink.results()


def nodes_leading_to(inputs: Sequence[Tensor], order: list) -> set:
    """The nodes of ``order`` with a path to some tensor of ``inputs``: the only ones whose backward
    ``autograd.grad`` (or ``backward(inputs=...)``) has to run."""
    leaves = {id(tensor) for tensor in inputs if tensor.grad_fn is None}
    producers = {tensor.grad_fn for tensor in inputs if tensor.grad_fn is not None}
    needed: set = set()
    for node in reversed(order):  # the nodes a node sends gradients to come first
        for edge in node._edges:
            if edge is None:
                continue
            target = edge[0]
            if id(target) in leaves if isinstance(target, Tensor) else (target in needed or target in producers):
                needed.add(node)
                break
    return needed


def _edge_to(tensor: Tensor) -> tuple:
    """Where a gradient for ``tensor`` goes: the node that made it (and which output), or itself."""
    return (tensor.grad_fn, tensor._output_nr) if tensor.grad_fn is not None else (tensor, 0)


def _send(edge: tuple, grad: Any, pending: dict, sink: Any) -> None:
    """Deliver ``grad`` along ``edge``: to a leaf now, or summed into the node's pending slot."""
    target, index = edge
    if isinstance(target, Tensor):
        sink.leaf(target, grad)
        return
    grads = pending.get(target)
    if grads is None:
        pending[target] = grads = [None] * (len(target._output_meta) or 1)
    grads[index] = grad if grads[index] is None else grads[index] + grad


def _run_node_hooks(node: Function, grads: list, create_graph: bool) -> list:
    """Each hook on a node's output sees that output's gradient and may replace it."""
    grads = list(grads)
    for index, hooks in node._hooks.items():
        for hook in sorted(hooks.values(), key=_retains_grad):  # retain_grad() stores it after the others
            if grads[index] is not None:
                grads[index] = _run_hook(hook, grads[index], create_graph)
    return grads


def _run_hook(hook: Any, grad: Any, create_graph: bool) -> Any:
    """A tensor hook sees the gradient as a Tensor; what it returns (if anything) replaces it."""
    replaced = hook(grad if create_graph else Tensor._wrap(grad))
    if replaced is None:
        return grad
    return replaced if create_graph else replaced._data


def _retains_grad(hook: Any) -> bool:
    return getattr(hook, "retains_grad", False)


class AccumulateIntoLeaves:
    """``backward()``'s leaves: run the tensor's hooks, then ``leaf.grad += grad``.

    The first gradient is stored without a copy when nobody else owns the array (most leaves
    receive exactly one gradient, so this saves a copy per parameter per step). Later sums are
    computed out of place: an array stored without a copy may also be on its way to other nodes
    of this graph (``x + a`` sends one array to both), and must not change.
    """

    def __init__(self, output_grads: Sequence[Any], order: list, create_graph: bool = False) -> None:
        self.handed_out = {id(g) for g in output_grads}  # arrays someone else already owns
        self.post_hooks = PostAccumulateHooks(order) if Tensor._post_accumulate_hooks_exist else None
        self.create_graph = create_graph

    def leaf(self, leaf: Tensor, grad: Any) -> None:
        for hook in (leaf._hooks or {}).values():
            grad = _run_hook(hook, grad, self.create_graph)
        if self.create_graph:  # a gradient with history: summed out of place, as PyTorch does
            leaf.grad = grad if leaf.grad is None else leaf.grad + grad
        elif leaf.grad is None:
            if id(grad) in self.handed_out or not grad.flags.owndata or not getattr(grad.flags, "writeable", True):
                grad = grad.copy(order="K")  # keeps its memory layout (a conv gradient's batch-innermost)
            self.handed_out.add(id(grad))
            leaf.grad = Tensor._wrap(grad)
        else:
            leaf.grad.data = Tensor._wrap(leaf.grad._data + grad)
        if self.post_hooks is not None:
            self.post_hooks.accumulated(leaf)

    def node_outputs(self, node: Function, grads: list) -> None:
        pass

    def node_done(self, node: Optional[Function]) -> None:
        if self.post_hooks is not None:
            self.post_hooks.node_done(node)

    def results(self) -> None:
        return None


class CaptureGradients:
    """``autograd.grad()``'s leaves: collect the gradients of the requested tensors, touch no ``.grad``.

    A requested leaf is recognised when a gradient reaches it; a requested non-leaf tensor is an
    output of some node, so its gradient is read when that node runs.
    """

    def __init__(self, inputs: Sequence[Tensor]) -> None:
        self.slots: dict = {}  # a tensor -> its positions in inputs (it may be asked for twice)
        for slot, tensor in enumerate(inputs):
            key = id(tensor) if tensor.grad_fn is None else (id(tensor.grad_fn), tensor._output_nr)
            self.slots.setdefault(key, []).append(slot)
        self.grads: list = [None] * len(inputs)

    def leaf(self, leaf: Tensor, grad: Any) -> None:
        self._add(self.slots.get(id(leaf), ()), grad)

    def node_outputs(self, node: Function, grads: list) -> None:
        for index, grad in enumerate(grads):
            if grad is not None:
                self._add(self.slots.get((id(node), index), ()), grad)

    def node_done(self, node: Optional[Function]) -> None:
        pass

    def _add(self, slots: Sequence[int], grad: Any) -> None:
        for slot in slots:
            self.grads[slot] = grad if self.grads[slot] is None else self.grads[slot] + grad

    def results(self) -> list:
        return self.grads


class PostAccumulateHooks:
    """Runs each leaf's post-accumulate-grad hooks once, after its *whole* gradient is in ``.grad``.

    A leaf used several times receives one gradient per edge, so its hooks wait until every node
    with an edge to it has run (or been skipped): a count of those edges per hooked leaf.
    """

    def __init__(self, order: list) -> None:
        self.remaining: dict = {}  # id(hooked leaf) -> edges into it from nodes that have not run yet
        self.edges: dict = {}  # node -> the hooked leaves it has edges to
        for node in order:
            for edge in node._edges:
                if edge is not None and isinstance(edge[0], Tensor) and edge[0]._post_accumulate_hooks:
                    self.edges.setdefault(node, []).append(edge[0])
                    self.remaining[id(edge[0])] = self.remaining.get(id(edge[0]), 0) + 1
        self.waiting: list = []  # hooked leaves that received a gradient, hooks not yet run

    def accumulated(self, leaf: Tensor) -> None:
        if leaf._post_accumulate_hooks and not any(leaf is waiting for waiting in self.waiting):
            self.waiting.append(leaf)

    def node_done(self, node: Optional[Function]) -> None:
        """``node`` has run or been skipped (None: the outputs were seeded); run completed leaves' hooks."""
        for leaf in self.edges.get(node, ()):
            self.remaining[id(leaf)] -= 1
        complete = [leaf for leaf in self.waiting if not self.remaining.get(id(leaf), 0)]
        if complete:
            self.waiting = [leaf for leaf in self.waiting if self.remaining.get(id(leaf), 0)]
            for leaf in complete:
                for hook in list(leaf._post_accumulate_hooks.values()):
                    hook(leaf)
