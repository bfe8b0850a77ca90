"""Double backward of nn ops that PyTorch cannot differentiate twice, and triple backward of the fused
cross-entropy.

PyTorch raises "derivative for aten::hardsigmoid_backward / multi_margin_loss_backward /
multilabel_margin_loss_backward is not implemented", so the op table opts those cases out of its
second-order column. Here the reference is the same function composed of PyTorch ops that it can
differentiate twice (clamp, gather, sums), away from the kinks.
"""
import numpy as np
import pytest

import minitorch
from minitorch.testing import assert_close
from tests.parity import check_double_backward

torch = pytest.importorskip("torch")


def _composite_or(fn_minitorch, fn_torch):
    return lambda lib, *xs: fn_torch(*xs) if lib is torch else fn_minitorch(*xs)


def test_hardsigmoid_double_backward_is_zero_off_the_kinks():
    x = np.array([-4.0, -2.5, -0.3, 0.0, 1.7, 2.9, 5.0])
    fn = _composite_or(minitorch.nn.functional.hardsigmoid, lambda x: (x / 6 + 0.5).clamp(0, 1))
    check_double_backward(fn, [x], [True], np.random.default_rng(0))


def _multi_margin_by_hand(x, t, p, margin, weight, reduction):
    rows = x.reshape(-1, x.shape[-1])
    targets = t.reshape(-1)
    gaps = margin - rows.gather(1, targets[:, None]) + rows
    others = torch.ones_like(rows).scatter(1, targets[:, None], 0.0)
    terms = gaps.clamp(min=0) ** p * others
    if weight is not None:
        terms = terms * weight[targets][:, None]
    losses = terms.sum(1) / rows.shape[1]
    if reduction == "none":
        return losses.reshape(x.shape[:-1])
    return losses.sum() if reduction == "sum" else losses.mean()


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("p, weighted", [(1, False), (2, False), (2, True)])
def test_multi_margin_loss_double_backward(p, weighted, reduction):
    rng = np.random.default_rng(p + 3 * weighted)
    x, t, w = rng.standard_normal((4, 5)), rng.integers(0, 5, (4,)), rng.uniform(0.5, 2.0, (5,))

    def ours(x, t, w):
        return minitorch.nn.functional.multi_margin_loss(x, t, p=p, margin=0.7, weight=w if weighted else None,
                                                         reduction=reduction)

    def theirs(x, t, w):
        return _multi_margin_by_hand(x, t, p, 0.7, w if weighted else None, reduction)

    check_double_backward(_composite_or(ours, theirs), [x, t, w], [True, False, False], rng)


def test_multilabel_margin_loss_double_backward():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3, 4))
    t = np.array([[3, 0, -1, 1], [1, 2, 3, 0], [-1, 2, 0, 1]])
    pairs = np.zeros((3, 4, 4))  # (row, listed j, unlisted k)
    for i, row in enumerate(t):
        listed = set(row[:list(row).index(-1)] if -1 in row else row)
        for j in listed:
            for k in set(range(4)) - listed:
                pairs[i, j, k] = 1

    def theirs(x, t):
        gaps = 1 - x[:, :, None] + x[:, None, :]
        return ((gaps.clamp(min=0) * torch.tensor(pairs)).sum((1, 2)) / 4).mean()

    check_double_backward(_composite_or(minitorch.nn.functional.multilabel_margin_loss, theirs), [x, t],
                          [True, False], rng)


@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_cross_entropy_third_derivative(reduction):
    """CrossEntropyBackward has a derivative of its own, whose formula also runs on Tensors."""
    rng = np.random.default_rng(1)
    x, t, w = rng.standard_normal((4, 3)), np.array([0, 2, 1, 2]), rng.uniform(0.5, 2.0, (3,))
    v1, v2, v3 = (rng.standard_normal(shape) for shape in (4 if reduction == "none" else (), (4, 3), (4, 3)))
    results = []
    for lib in (minitorch, torch):
        leaf = lib.tensor(x, requires_grad=True)
        loss = lib.nn.functional.cross_entropy(leaf, lib.tensor(t), weight=lib.tensor(w), label_smoothing=0.1,
                                               reduction=reduction)
        (g,) = lib.autograd.grad(loss, [leaf], lib.tensor(v1), create_graph=True)
        (h,) = lib.autograd.grad((g * lib.tensor(v2)).sum(), [leaf], create_graph=True)
        (k,) = lib.autograd.grad((h * lib.tensor(v3)).sum(), [leaf])
        results.append((h, k))
    (our_h, our_k), (their_h, their_k) = results
    assert_close(our_h, their_h)
    assert_close(our_k, their_k)


@pytest.mark.parametrize("options", [dict(), dict(is_causal=True), dict(mask=True), dict(enable_gqa=True)])
def test_scaled_dot_product_attention_double_backward(options):
    rng = np.random.default_rng(3)
    heads = 4 if options.get("enable_gqa") else 2
    q, k = rng.standard_normal((2, heads, 3, 4)), rng.standard_normal((2, 2, 5, 4))
    v = rng.standard_normal((2, 2, 5, 3))
    if options.get("is_causal"):
        k, v = k[:, :, :3], v[:, :, :3]
    mask = rng.standard_normal((3, k.shape[2]))

    def fn(lib, q, k, v, mask):
        return lib.nn.functional.scaled_dot_product_attention(
            q, k, v, attn_mask=mask if options.get("mask") else None, is_causal=options.get("is_causal", False),
            enable_gqa=options.get("enable_gqa", False))

    check_double_backward(fn, [q, k, v, mask], [True, True, True, bool(options.get("mask"))], rng)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_loss_third_derivative(reduction):
    """NLLBackward (a scatter) has a derivative of its own, a gather: log_softmax then nll, three times."""
    rng = np.random.default_rng(2)
    x, t, w = rng.standard_normal((5, 3)), np.array([0, 2, 1, 2, 1]), rng.uniform(0.5, 2.0, (3,))
    v1, v2, v3 = (rng.standard_normal(shape) for shape in (5 if reduction == "none" else (), (5, 3), (5, 3)))
    results = []
    for lib in (minitorch, torch):
        leaf = lib.tensor(x, requires_grad=True)
        loss = lib.nn.functional.nll_loss(lib.nn.functional.log_softmax(leaf, 1), lib.tensor(t), weight=lib.tensor(w),
                                          ignore_index=1, reduction=reduction)
        (g,) = lib.autograd.grad(loss, [leaf], lib.tensor(v1), create_graph=True)
        (h,) = lib.autograd.grad((g * lib.tensor(v2)).sum(), [leaf], create_graph=True)
        (k,) = lib.autograd.grad((h * lib.tensor(v3)).sum(), [leaf])
        results.append((g, h, k))
    for ours, theirs in zip(*results):
        assert_close(ours, theirs)


def _third_derivatives(lib, fn, arrays, vectors):
    """d/dx of Σ u·(d/dx of Σ w·(vᵀ·∂fn/∂x)): the third derivative along random directions."""
    v, w, u = vectors
    x = lib.tensor(arrays[0], requires_grad=True)
    (g,) = lib.autograd.grad(fn(lib, x), [x], lib.tensor(v), create_graph=True)
    (h,) = lib.autograd.grad((g * lib.tensor(w)).sum(), [x], create_graph=True)
    (k,) = lib.autograd.grad((h * lib.tensor(u)).sum(), [x])
    return h, k


def _standardize_by_hand(x, dim):
    centred = x - x.mean(dim, keepdim=True)
    return centred / ((centred * centred).mean(dim, keepdim=True) + 1e-5).sqrt()


@pytest.mark.parametrize("name", ["batch_norm", "layer_norm", "group_norm"])
def test_normalization_third_derivative(name):
    """Batch statistics and 1/σ are recomputed from x under create_graph, so the backward is
    differentiable any number of times. (PyTorch's own batch/layer norm double backward is not: its
    third derivative differs from that of the same function composed of ops, which is the reference.)"""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((4, 6))
    vectors = [rng.standard_normal((4, 6)) for _ in range(3)]
    ours = {"batch_norm": lambda lib, x: lib.nn.functional.batch_norm(x, None, None, training=True),
            "layer_norm": lambda lib, x: lib.nn.functional.layer_norm(x, (6,)),
            "group_norm": lambda lib, x: lib.nn.functional.group_norm(x.reshape(4, 2, 3), 1).reshape(4, 6)}[name]
    dim = 0 if name == "batch_norm" else 1
    our_h, our_k = _third_derivatives(minitorch, ours, [x], vectors)
    their_h, their_k = _third_derivatives(torch, lambda lib, x: _standardize_by_hand(x, dim), [x], vectors)
    assert_close(our_h, their_h)
    assert_close(our_k, their_k)


@pytest.mark.parametrize("p", [2.0, 1.0, 0.5, 3.0])
def test_pdist_double_backward(p):
    rng = np.random.default_rng(int(p * 10))
    x = rng.standard_normal((4, 3))

    def theirs(x):
        first, second = np.triu_indices(4, 1)
        return torch.linalg.vector_norm(x[first] - x[second], p, dim=-1)

    check_double_backward(_composite_or(lambda x: minitorch.nn.functional.pdist(x, p), theirs), [x], [True], rng)
