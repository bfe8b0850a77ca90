"""The saved-memory ledger: how many bytes each op of a graph keeps alive for backward.

Why does a bigger batch run out of memory? Not because of the weights: because every op keeps
some of its inputs or outputs until backward (``relu`` keeps its output, ``linear`` its input,
``conv2d`` its input), and those activations grow with the batch. The ledger walks a graph and
lists, op by op, the arrays its node holds (``save_for_backward`` and arrays kept as attributes,
e.g. the indices of a max), each counted once even when several nodes share it::

    loss = criterion(model(x), y)
    print(minitorch.autograd.saved_memory(loss, model).table())

Leaf tensors (parameters, inputs) are listed but counted apart: they live anyway. Give the model
and run its forward inside ``layer_scope(model)`` to also get the totals per layer.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from minitorch.autograd import observers
from minitorch.autograd.engine import topological_order
from minitorch.tensor import Tensor


class layer_scope(observers.Observer):
    """Tag every node recorded inside the ``with`` block with the model layer that created it."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.stack: list = []
        self.handles: list = []

    def __enter__(self) -> "layer_scope":
        for name, module in self.model.named_modules():
            self.handles.append(module.register_forward_pre_hook(self._enter_layer(name)))
            self.handles.append(module.register_forward_hook(self._leave_layer))
        observers.OBSERVERS.append(self)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        observers.OBSERVERS.remove(self)
        for handle in self.handles:
            handle.remove()
        self.handles.clear()

    def _enter_layer(self, name: str) -> Callable[..., None]:
        def hook(module: Any, inputs: Any) -> None:
            self.stack.append(name or type(module).__name__)
        return hook

    def _leave_layer(self, module: Any, inputs: Any, output: Any) -> None:
        self.stack.pop()

    def forward(self, op: type, args: tuple, run: Callable[[], Any]) -> Any:
        outputs = run()
        node = observers.node_of(outputs)
        if node is not None and self.stack:
            node._layer = self.stack[-1]
        return outputs


class SavedMemory:
    """The ledger: ``rows`` (one per node, in forward order), ``table()``, ``by_layer()``, totals."""

    def __init__(self, rows: list) -> None:
        self.rows = rows  # dicts: op, layer, tensors [(what, shape, dtype, bytes, leaf)], bytes
        self.total_bytes = sum(row["bytes"] for row in rows)
        self.leaf_bytes = sum(t[3] for row in rows for t in row["tensors"] if t[4])

    def by_layer(self) -> dict:
        """Bytes kept for backward by the ops of each layer (ops outside any layer under '')."""
        totals: dict = {}
        for row in self.rows:
            totals[row["layer"]] = totals.get(row["layer"], 0) + row["bytes"]
        return totals

    def table(self, row_limit: int = 100) -> str:
        lines = [f"{'#':>3}  {'op':<24}{'layer':<16}{'kept for backward':>18}  saved tensors", "-" * 100]
        for number, row in enumerate(self.rows[:row_limit], 1):
            saved = ", ".join(f"{what}{list(shape)} {dtype}" + (" (leaf)" if leaf else "")
                              for what, shape, dtype, _, leaf in row["tensors"])
            lines.append(f"{number:>3}  {row['op']:<24}{row['layer']:<16}{format_bytes(row['bytes']):>18}  {saved}")
        lines.append("-" * 100)
        if any(row["layer"] for row in self.rows):
            for layer, size in self.by_layer().items():
                lines.append(f"     {'layer ' + (layer or '(none)'):<40}{format_bytes(size):>18}")
            lines.append("-" * 100)
        lines.append(f"     {'total kept for backward':<40}{format_bytes(self.total_bytes):>18}")
        lines.append(f"     {'leaves saved (alive anyway)':<40}{format_bytes(self.leaf_bytes):>18}")
        return "\n".join(lines)

    __str__ = table


def saved_memory(output: Tensor, model: Optional[Any] = None) -> SavedMemory:
    """The ledger of ``output``'s graph: the bytes each node keeps alive for backward."""
    if output.grad_fn is None:
        raise RuntimeError("saved_memory: the tensor has no grad_fn (it is a leaf, or was made without grad)")
    nodes = list(reversed(topological_order([output.grad_fn])))  # forward order
    names = {id(p._data): name for name, p in model.named_parameters()} if model is not None else {}
    leaves = {id(_root(edge[0]._data)): edge[0] for node in nodes for edge in node._edges
              if edge is not None and isinstance(edge[0], Tensor)}
    counted: set = set()
    rows = []
    for node in nodes:
        tensors, size = [], 0
        for what, array in _kept_arrays(node):
            memory = _root(array)
            leaf = id(memory) in leaves
            if id(memory) in counted:
                continue
            counted.add(id(memory))
            what = names.get(id(memory), what)
            tensors.append((what, tuple(array.shape), str(array.dtype), int(memory.nbytes), leaf))
            size += 0 if leaf else int(memory.nbytes)
        rows.append({"op": node.name(), "layer": getattr(node, "_layer", ""), "tensors": tensors, "bytes": size})
    return SavedMemory(rows)


def _kept_arrays(node: Any) -> list:
    """(label, array) for each array a node holds: saved tensors, then array attributes."""
    found = []
    for index, value in enumerate(node._saved):
        for array in _arrays_in(value):
            found.append((f"saved{index}", array))
    for name, value in vars(node).items():
        if not name.startswith("_") and _is_array(value):
            found.append((name, value))
    return found


def _arrays_in(value: Any) -> list:
    """The arrays inside a saved value (an array, a Tensor, or what a pack hook returned)."""
    if isinstance(value, Tensor):
        return [value._data]
    if _is_array(value):
        return [value]
    if isinstance(value, (tuple, list)):
        return [array for item in value for array in _arrays_in(item)]
    return []


def _is_array(value: Any) -> bool:
    return hasattr(value, "nbytes") and hasattr(value, "shape") and hasattr(value, "dtype") and value.ndim >= 0


def _root(array: Any) -> Any:
    """The array that owns the memory a view looks into."""
    while getattr(array, "base", None) is not None and _is_array(array.base):
        array = array.base
    return array


def format_bytes(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"
