"""draw_graph: the boxes and edges of a known graph, and a rendered picture where Graphviz is installed."""
import re
import shutil

import pytest

import minitorch
from minitorch import nn
from minitorch.viz import draw_graph


def _edges_by_label(drawing) -> list:
    return sorted((drawing.nodes[tail][1].split("\n")[0], drawing.nodes[head][1].split("\n")[0], label)
                  for tail, head, label, saved in drawing.edges if not saved)


def _name(node_name: str) -> str:
    return re.sub(r"Backward\d*$", "Backward", node_name)  # AddmmBackward0 and AddmmBackward read the same here


def test_structure_of_a_small_network(backend: str) -> None:
    minitorch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU()).to(backend)
    loss = model(minitorch.randn(5, 4, device=backend)).sum()
    drawing = draw_graph(loss, params=dict(model.named_parameters()))
    assert sorted(map(_name, drawing.labels("op"))) == ["AddmmBackward", "ReluBackward", "SumBackward"]
    assert sorted(drawing.labels("leaf")) == ["0.bias\n(3) float32", "0.weight\n(3, 4) float32"]
    assert drawing.labels("output") == ["output\n() float32"]
    edges = [(_name(a), _name(b), label) for a, b, label in _edges_by_label(drawing)]
    assert sorted(edges) == sorted([
        ("0.weight", "AddmmBackward", "(3, 4) float32"),
        ("0.bias", "AddmmBackward", "(3) float32"),
        ("AddmmBackward", "ReluBackward", "(5, 3) float32"),  # found by the dry backward
        ("ReluBackward", "SumBackward", "(5, 3) float32"),
        ("SumBackward", "output", "() float32"),
    ])
    assert loss.grad_fn is not None and all(p.grad is None for p in model.parameters())  # nothing ran


def test_saved_tensors_and_names_in_the_dot_source() -> None:
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp() * 3
    drawing = draw_graph(y, params={"x": x}, show_saved=True)
    saved = drawing.labels("saved")
    assert saved == ["saved0\n(2) float32\n8 B"]  # exp's output; mul's own operand is a constant
    source = drawing.source
    assert source.startswith("digraph {") and source.rstrip().endswith("}")
    assert 'label="x\\n(2) float32"' in source and "style=dashed" in source
    assert "MulBackward" in source and "ExpBackward" in source


def test_a_freed_graph_is_drawn_without_inner_shapes() -> None:
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward()
    drawing = draw_graph(y)
    labels = {(_name(a), _name(b)): label for a, b, label in _edges_by_label(drawing)}
    assert labels[("ExpBackward", "MulBackward")] == ""
    assert labels[("(2) float32", "ExpBackward")] == "(2) float32"


def test_several_outputs_and_a_leaf_output() -> None:
    x = minitorch.tensor([1.0], requires_grad=True)
    drawing = draw_graph([x * 2, x])
    assert sorted(drawing.labels("output")) == ["output 0\n(1) float32", "output 1\n(1) float32"]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program is not installed")
def test_renders_png_and_svg(tmp_path) -> None:
    pytest.importorskip("graphviz")
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    drawing = draw_graph((x * x).sum(), params={"x": x}, show_saved=True)
    path = drawing.render(tmp_path / "graph.png")
    assert path.read_bytes().startswith(b"\x89PNG")
    svg = drawing._repr_mimebundle_()["image/svg+xml"]
    assert "<svg" in svg and "MulBackward" in svg


def test_dot_source_without_graphviz(tmp_path) -> None:
    x = minitorch.tensor([1.0], requires_grad=True)
    path = draw_graph(x * 2).save(tmp_path / "graph.dot")
    assert path.read_text().startswith("digraph")
