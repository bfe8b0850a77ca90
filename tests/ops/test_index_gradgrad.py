"""Second derivatives the op table cannot check against PyTorch (those cases say ``gradgrad=False``).

* ``scatter_reduce(..., "prod")`` at zeros: the table's tied inputs put two ``src`` zeros in one
  slot, where PyTorch's double backward raises. Here the zeros are placed: a lone zero (in the
  input, in ``src``, or one of each in a slot) must match PyTorch's second derivative, and two
  ``src`` zeros in a slot must raise as PyTorch does.
* ``embedding_bag``: PyTorch has no double backward; ``embedding(scale_grad_by_freq=True)``:
  PyTorch's double backward forgets the division by the counts. Ours is checked by finite
  differences of the first derivative (``gradgradcheck``).
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
