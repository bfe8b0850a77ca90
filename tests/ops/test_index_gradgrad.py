"""Second derivatives the op table cannot check against PyTorch (those cases say ``gradgrad=False``).

* ``scatter_reduce(..., "prod")`` at zeros: the table's tied inputs put two ``src`` zeros in one
  slot, where PyTorch's double backward raises. Here the zeros are placed: a lone zero (in the
  input, in ``src``, or one of each in a slot) must match PyTorch's second derivative, and two
  ``src`` zeros in a slot must raise as PyTorch does.
* ``embedding_bag``: PyTorch has no double backward; ``embedding(scale_grad_by_freq=True)``:
  PyTorch's double backward forgets the division by the counts. Ours is checked by finite
  differences of the first derivative (``gradgradcheck``).
* The in-place index and shape ops (``index_add_``, ``scatter_``, ``x[i] = v``, ``t_`` ...), which
  have no case in the table: their nodes must work on the second pass, version checks included.
"""
import numpy as np
import pytest

import minitorch
from minitorch.testing import as_leaf
from tests.parity import check_double_backward

torch = pytest.importorskip("torch")

# Row 0: slots 0 and 2 get two src values each, slot 1 one, slot 3 none; row 1 likewise.
INDEX = np.array([[0, 0, 1, 2, 2], [3, 1, 1, 0, 3]])


def prod(lib, x, index, src, include_self):
    return lib.scatter_reduce(x, 1, index, src, "prod", include_self=include_self)


def placed_zeros(where: str) -> tuple:
    rng = np.random.default_rng(7)
    x, src = rng.uniform(0.5, 2.0, (2, 4)), -rng.uniform(0.5, 2.0, (2, 5))
    if where in ("self", "both"):
        x[0, 0] = x[1, 1] = x[1, 2] = 0.0  # x[1, 2] is sent nothing: a zero that is no member
    if where in ("src", "both"):
        src[0, 1] = src[1, 2] = 0.0  # one zero in row 0's slot 0 and in row 1's slot 1
    return x, src


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("where", ["self", "src", "both"])
def test_lone_zeros_match_pytorch(backend, where, include_self):
    x, src = placed_zeros(where)
    check_double_backward(lambda lib, x, i, s: prod(lib, x, i, s, include_self), [x, INDEX, src],
                          [True, False, True], np.random.default_rng(0), backend)


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("where", ["self", "src", "both"])
def test_lone_zeros_gradgradcheck(where, include_self):
    x, src = placed_zeros(where)
    inputs = [as_leaf(x, "cpu", True), minitorch.tensor(INDEX), as_leaf(src, "cpu", True)]
    assert minitorch.gradgradcheck(lambda x, i, s: prod(minitorch, x, i, s, include_self), inputs)


def test_two_src_zeros_in_a_slot_raise_on_double_backward():
    x, src = placed_zeros("none")
    src[0, 0] = src[0, 1] = 0.0
    for lib in (minitorch, torch):
        x_leaf, src_leaf = lib.tensor(x, requires_grad=True), lib.tensor(src, requires_grad=True)
        out = prod(lib, x_leaf, lib.tensor(INDEX), src_leaf, True)
        (first,) = lib.autograd.grad(out.sum(), [src_leaf], create_graph=True)
        assert float(first[0, 0].detach()) == 0.0 and float(first[0, 1].detach()) == 0.0  # the first derivative is fine
        with pytest.raises(RuntimeError, match="Double backward is unsupported for src"):
            first.sum().backward()


EMBEDDING_CASES = {
    "freq": lambda w, s: minitorch.nn.functional.embedding(minitorch.tensor([0, 0, 2, 0]), w, scale_grad_by_freq=True),
    "freq_padding": lambda w, s: minitorch.nn.functional.embedding(minitorch.tensor([[0, 0], [2, 1]]), w, padding_idx=2,
                                                                   scale_grad_by_freq=True),
    "bag_2d_mean": lambda w, s: minitorch.nn.functional.embedding_bag(minitorch.tensor([[0, 2], [1, 1]]), w),
    "bag_offsets_sum": lambda w, s: minitorch.nn.functional.embedding_bag(
        minitorch.tensor([0, 2, 1, 1, 2]), w, minitorch.tensor([0, 2, 2]), mode="sum"),
    "bag_mean_padding": lambda w, s: minitorch.nn.functional.embedding_bag(
        minitorch.tensor([0, 2, 1, 1, 2]), w, minitorch.tensor([0, 3]), mode="mean", padding_idx=1),
    "bag_weights": lambda w, s: minitorch.nn.functional.embedding_bag(
        minitorch.tensor([0, 2, 1]), w, minitorch.tensor([0, 1]), mode="sum", per_sample_weights=s),
}


@pytest.mark.parametrize("name", EMBEDDING_CASES)
def test_embedding_gradgradcheck(name):
    rng = np.random.default_rng(3)
    weight, weights = as_leaf(rng.standard_normal((3, 2)), "cpu", True), as_leaf(rng.standard_normal(3), "cpu", True)
    assert minitorch.gradgradcheck(EMBEDDING_CASES[name], [weight, weights])


def _on(lib, like, values):
    return lib.tensor(values, device=like.device)


def _assign(target, index, value):
    target[index] = value
    return target


IN_PLACE = {
    "copy_": lambda lib, x, y: (x * 1).copy_(y ** 2) * x,
    "fill_": lambda lib, x, y: (x * 1).fill_(2.0) * x + y.sum(),
    "index_add_": lambda lib, x, y: (x * x).index_add_(0, _on(lib, x, [1, 0, 1]), y ** 2),
    "index_copy_": lambda lib, x, y: (x * x).index_copy_(0, _on(lib, x, [2, 0, 1]), y ** 2) * x,
    "index_fill_": lambda lib, x, y: (x * x).index_fill_(1, _on(lib, x, [1]), 3.0) * y,
    "scatter_": lambda lib, x, y: (x * x).scatter_(1, _on(lib, x, [[0, 1, 2]] * 3), y ** 2) * x,
    "scatter_add_": lambda lib, x, y: (x * x).scatter_add_(0, _on(lib, x, [[0, 1, 0]] * 3), y * x),
    "scatter_reduce_": lambda lib, x, y: (x * x).scatter_reduce_(0, _on(lib, x, [[0, 1, 0]] * 3), y * x, "prod"),
    "masked_fill_": lambda lib, x, y: (x * x).masked_fill_(_on(lib, x, [[True, False, True]] * 3), 1.5) * y,
    "masked_scatter_": lambda lib, x, y: (x * x).masked_scatter_(_on(lib, x, [[True, False, True]] * 3), y ** 3) * x,
    "setitem_rows": lambda lib, x, y: _assign(x * x, _on(lib, x, [0, 2]), y[:2] ** 2) * x,
    "setitem_column": lambda lib, x, y: _assign(x * x, (slice(None), 1), (y[0] * x[0]) ** 2) * y,
    "unsqueeze_": lambda lib, x, y: (x * y).unsqueeze_(0) ** 2,
    "squeeze_": lambda lib, x, y: (x * y).unsqueeze(1).squeeze_(1) ** 2,
    "t_": lambda lib, x, y: (x * y).t_() ** 2 * x,
    "transpose_": lambda lib, x, y: (x * y).transpose_(0, 1) ** 2 * x,
}


@pytest.mark.parametrize("name", IN_PLACE)
def test_in_place_ops_match_pytorch(backend, name):
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0.5, 1.5, (3, 3)), rng.uniform(0.5, 1.5, (3, 3))
    check_double_backward(IN_PLACE[name], [x, y], [True, True], rng, backend)


def test_second_pass_sees_in_place_change_of_a_saved_input():
    for lib in (minitorch, torch):
        x = lib.tensor(np.array([[1.0, 2, 3], [4, 5, 6]]), requires_grad=True)
        a = x * 1
        out = a.scatter_reduce(1, lib.tensor([[0, 0, 1], [1, 2, 2]]), a * 2, "prod")
        (first,) = lib.autograd.grad(out.sum(), [x], create_graph=True)
        a.mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            first.sum().backward()
