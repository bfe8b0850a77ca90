"""Draw the backward graph of a tensor, as torchviz does, with shapes on the edges.

``draw_graph(loss, params=dict(model.named_parameters()))`` returns a :class:`GraphDrawing`:

* grey boxes are the graph's nodes, named as ``grad_fn`` prints them (``AddmmBackward0``);
* blue boxes are leaf tensors (named from ``params`` when given), green the output;
* each edge carries the shape and dtype of the tensor flowing along it;
* with ``show_saved=True``, orange boxes show what each node keeps for backward, and its size.

The DOT source (``.source``) needs nothing; ``.render("graph.png")``, ``.pipe("svg")`` and the
inline picture in Jupyter need the ``graphviz`` Python package and its ``dot`` program
(``pip install minitorch[viz]`` and e.g. ``apt-get install graphviz``).

The shapes of inner edges are not stored in the graph (that would cost every op something);
the drawing finds them by a dry backward pass of zeros through the nodes, which runs no hooks and
changes nothing. After ``backward()`` has freed the graph, inner edges are drawn without shapes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Sequence, Union

import numpy as np

from minitorch.autograd.engine import topological_order
from minitorch.autograd.function import Function
from minitorch.autograd.saved_memory import _kept_arrays, format_bytes
from minitorch.backend import array_module
from minitorch.tensor import Tensor

STYLES = {
    "op": 'shape=box, style=filled, fillcolor="lightgrey"',
    "leaf": 'shape=box, style=filled, fillcolor="lightblue"',
    "output": 'shape=box, style=filled, fillcolor="darkolivegreen1"',
    "saved": 'shape=box, style=filled, fillcolor="orange", fontsize=10',
}


class GraphDrawing:
    """A drawn graph: ``nodes`` {id: (kind, label)}, ``edges`` [(from, to, label, saved)], ``source`` (DOT).

    An edge with ``saved`` true (dashed) links a tensor to a node that keeps it for backward.
    """

    def __init__(self, nodes: dict, edges: list) -> None:
        self.nodes = nodes
        self.edges = edges

    @property
    def source(self) -> str:
        lines = ["digraph {", '    graph [rankdir=TB, fontname="Helvetica"]',
                 '    node [fontname="Helvetica", fontsize=11]', '    edge [fontname="Helvetica", fontsize=9]']
        for name, (kind, label) in self.nodes.items():
            lines.append(f'    {name} [label="{_escape(label)}", {STYLES[kind]}]')
        for tail, head, label, saved in self.edges:
            style = ", style=dashed" if saved else ""
            lines.append(f'    {tail} -> {head} [label="{_escape(label)}"{style}]')
        lines.append("}")
        return "\n".join(lines) + "\n"

    def labels(self, kind: Optional[str] = None) -> list:
        """The labels of the boxes (of one kind: 'op', 'leaf', 'output', 'saved')."""
        return [label for k, label in self.nodes.values() if kind is None or k == kind]

    def pipe(self, format: str = "svg") -> bytes:
        """The picture as bytes (``svg``, ``png``, ``pdf`` ...), drawn by Graphviz's ``dot``."""
        return _graphviz().Source(self.source).pipe(format=format)

    def render(self, filename: Union[str, Path], format: Optional[str] = None) -> Path:
        """Write the picture to ``filename``; the format comes from its suffix unless given."""
        path = Path(filename)
        format = format or path.suffix.lstrip(".") or "png"
        path.write_bytes(self.pipe(format))
        return path

    def save(self, filename: Union[str, Path]) -> Path:
        """Write the DOT source (no Graphviz needed)."""
        path = Path(filename)
        path.write_text(self.source)
        return path

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        """Jupyter shows the SVG when Graphviz is installed, else the DOT source."""
        try:
            return {"image/svg+xml": self.pipe("svg").decode()}
        except Exception:  # no graphviz package or no dot program: show what can be shown
            return {"text/plain": self.source}

    def __repr__(self) -> str:
        return f"GraphDrawing({len(self.nodes)} boxes, {len(self.edges)} edges)"


def draw_graph(output: Union[Tensor, Sequence[Tensor]], params: Optional[dict] = None,
               show_saved: bool = False) -> GraphDrawing:
    """Draw the backward graph that ends at ``output`` (a tensor or several)."""
    outputs = [output] if isinstance(output, Tensor) else list(output)
    names = {}
    for name, tensor in (params or {}).items():
        names[id(tensor)] = name
        names[id(tensor._data)] = name
    roots = [out.grad_fn for out in outputs if out.grad_fn is not None]
    order = topological_order(roots)
    shapes = _edge_shapes(outputs, order)
    ids = {}
    nodes, edges = {}, []
    leaf_arrays: dict = {}  # id(array) -> the leaf tensor that holds it

    def box(key: int, kind: str, label: str) -> str:
        if key not in ids:
            ids[key] = f"n{len(ids)}"
            nodes[ids[key]] = (kind, label)
        return ids[key]

    for number, out in enumerate(outputs):
        name = "output" if len(outputs) == 1 else f"output {number}"
        head = box(id(out), "output", f"{name}\n{_describe(out._data)}")
        tail = box(id(out.grad_fn), "op", out.grad_fn.name()) if out.grad_fn is not None else \
            box(id(out), "leaf", _leaf_label(out, names))
        if tail != head:
            edges.append((tail, head, _describe(out._data), False))
    for node in order:
        head = box(id(node), "op", node.name())
        for index, edge in enumerate(node._edges):
            if edge is None:
                continue
            source = edge[0]
            if isinstance(source, Tensor):
                tail, label = box(id(source), "leaf", _leaf_label(source, names)), _describe(source._data)
            else:
                tail, label = box(id(source), "op", source.name()), shapes.get((id(node), index), "")
            edges.append((tail, head, label, False))
            if isinstance(source, Tensor):
                leaf_arrays[id(source._data)] = source
        if show_saved:
            for what, array in _kept_arrays(node):
                if id(array) in leaf_arrays:  # a leaf kept as it is: link the leaf itself
                    edges.append((ids[id(leaf_arrays[id(array)])], head, "", True))
                    continue
                tail = box(id(array), "saved", f"{what}\n{_describe(array)}\n{format_bytes(array.nbytes)}")
                edges.append((tail, head, "", True))
    return GraphDrawing(nodes, edges)


def _edge_shapes(outputs: list, order: list) -> dict:
    """(id(node), input index) -> 'shape dtype' of the gradient along that edge, by a dry backward of zeros."""
    pending: dict = {}
    for out in outputs:
        if out.grad_fn is not None:
            slots = pending.setdefault(out.grad_fn, [None] * (len(out.grad_fn._output_meta) or 1))
            slots[out._output_nr] = array_module(out._data).zeros_like(out._data)
    shapes = {}
    for node in order:
        grads = pending.pop(node, None)
        if grads is None or all(g is None for g in grads):
            continue
        try:
            with np.errstate(all="ignore"):
                input_grads = node._run_backward(list(grads))
        except Exception:  # a freed graph, a tensor changed in place: no shapes past this node
            continue
        for index, (edge, grad) in enumerate(zip(node._edges, input_grads)):
            if edge is None or grad is None:
                continue
            shapes[(id(node), index)] = _describe(grad)
            if isinstance(edge[0], Function):
                slots = pending.setdefault(edge[0], [None] * (len(edge[0]._output_meta) or 1))
                if slots[edge[1]] is None:
                    slots[edge[1]] = grad
    return shapes


def _describe(array: Any) -> str:
    return f"({', '.join(map(str, array.shape))}) {array.dtype}"


def _leaf_label(tensor: Tensor, names: dict) -> str:
    name = names.get(id(tensor), names.get(id(tensor._data)))
    return f"{name}\n{_describe(tensor._data)}" if name else _describe(tensor._data)


def _escape(label: str) -> str:
    return label.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _graphviz() -> Any:
    try:
        import graphviz  # optional extra: pip install minitorch[viz]
    except ImportError as error:
        raise ImportError("drawing needs the graphviz package and the dot program: pip install minitorch[viz] "
                          "(and e.g. apt-get install graphviz); GraphDrawing.source works without them") from error
    return graphviz
