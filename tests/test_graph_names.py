"""grad_fn names and next_functions as PyTorch prints and walks them."""
import re

import numpy as np
import pytest

import minitorch

torch = pytest.importorskip("torch")


def structure(edge_or_node, depth=3):
    """A node's name and its edges' names, recursively (leaves: AccumulateGrad + the leaf's shape)."""
    if edge_or_node is None:
        return None
    name = re.match(r"<(\w+) object at", repr(edge_or_node)).group(1)
    if name == "AccumulateGrad":
        return (name, tuple(edge_or_node.variable.shape))
    if depth == 0:
        return name
    return (name, tuple((structure(node, depth - 1), nr) for node, nr in edge_or_node.next_functions))


def both(build):
    """Run ``build(lib, leaves)`` with the same leaf values in minitorch and torch."""
    rng = np.random.default_rng(0)
    values = [rng.standard_normal(shape).astype(np.float32) for shape in build.shapes]
    ours = build(minitorch, [minitorch.tensor(v, requires_grad=True) for v in values])
    theirs = build(torch, [torch.tensor(v, requires_grad=True) for v in values])
    return ours, theirs


def graph(shapes):
    def decorate(function):
        function.shapes = shapes
        return function
    return decorate


GRAPHS = {
    "mul scalar": graph([(3,)])(lambda lib, v: v[0] * 2),
    "sum": graph([(3,)])(lambda lib, v: (v[0] * 2 + 1).relu().sum()),
    "mean of product": graph([(3,), (3,)])(lambda lib, v: (v[0] * v[1]).mean()),
    "linear with bias": graph([(2, 3), (4, 3), (4,)])(lambda lib, v: lib.nn.functional.linear(v[0].detach(), v[1], v[2])),
    "mse": graph([(2, 3), (2, 3)])(lambda lib, v: lib.nn.functional.mse_loss(v[0], v[1].detach())),
    "exp log tanh sigmoid": graph([(3,)])(lambda lib, v: v[0].exp().log().tanh().sigmoid()),
    "matmul": graph([(2, 3), (3, 4)])(lambda lib, v: v[0] @ v[1]),
    "conv2d": graph([(1, 2, 5, 5), (3, 2, 3, 3), (3,)])(lambda lib, v: lib.nn.functional.conv2d(v[0], v[1], v[2])),
    "max_pool2d": graph([(1, 1, 4, 4)])(lambda lib, v: lib.nn.functional.max_pool2d(v[0], 2)),
    "sum over a dim": graph([(2, 3)])(lambda lib, v: v[0].sum(1).mean(0)),
    "sub div neg": graph([(3,), (3,)])(lambda lib, v: -(v[0] - v[1]) / v[1]),
}


@pytest.mark.parametrize("build", GRAPHS.values(), ids=GRAPHS.keys())
def test_graph_names_and_edges_match_pytorch(build):
    ours, theirs = both(build)
    assert structure(ours.grad_fn) == structure(theirs.grad_fn)


def test_grad_fn_repr_and_tensor_suffix():
    x = minitorch.ones(2, requires_grad=True)
    y = (x * 2).sum()
    assert re.fullmatch(r"<SumBackward0 object at 0x[0-9a-f]+>", repr(y.grad_fn))
    assert repr(y) == repr((torch.ones(2, requires_grad=True) * 2).sum())


def test_accumulate_grad_holds_the_leaf_and_constants_are_none():
    x = minitorch.ones(2, requires_grad=True)
    (leaf, nr), constant = (x * 3).grad_fn.next_functions
    assert leaf.variable is x and nr == 0 and constant == (None, 0) and leaf.next_functions == ()


def test_names_for_losses_and_user_functions():
    logits = minitorch.randn(2, 3, requires_grad=True)
    loss = minitorch.nn.functional.cross_entropy(logits, minitorch.tensor([0, 2]))
    assert loss.grad_fn.name() == "NllLossBackward0"
    assert minitorch.nn.functional.nll_loss(logits, minitorch.tensor([0, 2])).grad_fn.name() == "NllLossBackward0"

    class MyReLU(minitorch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.clamp(min=0)

        @staticmethod
        def backward(ctx, grad):
            return grad

    assert MyReLU.apply(logits).grad_fn.name() == "MyReLUBackward"  # as PyTorch names custom Functions
