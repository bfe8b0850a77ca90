"""saved_tensors_hooks / save_on_cpu (PyTorch's semantics) and the saved-memory ledger."""
import numpy as np
import pytest

import minitorch
from minitorch import nn
from minitorch.autograd.graph import save_on_cpu, saved_tensors_hooks


def _model() -> nn.Module:
    minitorch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 3), nn.ReLU())


def test_pack_at_save_unpack_at_backward(backend: str) -> None:
    x = minitorch.tensor([1.0, -2.0, 3.0], requires_grad=True, device=backend)
    log = []

    def pack(tensor):
        log.append(("pack", tuple(tensor.shape)))
        return tensor * 1  # an ordinary op: not itself recorded or packed

    def unpack(tensor):
        log.append(("unpack", tuple(tensor.shape)))
        return tensor

    with saved_tensors_hooks(pack, unpack):
        y = (x.exp() * x).sum()  # exp saves its output; mul saves both operands
    packed = [entry for entry in log if entry[0] == "pack"]
    assert packed and all(shape == (3,) for _, shape in packed)
    assert not any(entry[0] == "unpack" for entry in log)
    y.backward()  # after the block: each node kept its own hooks
    assert sum(entry[0] == "unpack" for entry in log) >= len(packed)
    expected = np.exp([1.0, -2.0, 3.0]) * (1 + np.array([1.0, -2.0, 3.0]))
    np.testing.assert_allclose(x.grad.cpu().numpy(), expected, rtol=1e-6)


def test_user_function_gets_its_own_tensor_through_the_hooks() -> None:
    class Square(minitorch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    x = minitorch.tensor([3.0], requires_grad=True)
    seen = []
    with saved_tensors_hooks(lambda t: seen.append(t) or "token", lambda token: seen[0]):
        y = Square.apply(x)
    assert seen[0] is x
    y.backward()
    assert x.grad.tolist() == [6.0]


def test_innermost_hooks_apply_and_unpack_must_return_a_tensor() -> None:
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    outer, inner = [], []
    with saved_tensors_hooks(lambda t: outer.append(1) or t, lambda t: t):
        with saved_tensors_hooks(lambda t: inner.append(1) or t, lambda t: "not a tensor"):
            y = x.exp().sum()
    assert inner and not outer
    with pytest.raises(TypeError, match="must return a Tensor"):
        y.backward()


def test_save_on_cpu_gives_the_same_gradients(backend: str) -> None:
    grads = []
    for hooks in (None, save_on_cpu()):
        model = _model().to(backend)
        x = minitorch.randn(5, 4, device=backend)
        if hooks is None:
            loss = model(x).sum()
        else:
            with hooks:
                loss = model(x).sum()
            assert minitorch.autograd.saved_memory(loss).rows[0]["tensors"][0][0] == "saved0"
        loss.backward()
        grads.append([p.grad.cpu().numpy() for p in model.parameters()])
    for ours, plain in zip(*grads):
        np.testing.assert_array_equal(ours, plain)


def test_ledger_counts_what_each_node_keeps(backend: str) -> None:
    model = _model().to(backend)
    x = minitorch.randn(5, 4, device=backend)
    with minitorch.autograd.layer_scope(model):
        loss = model(x).sum()
    ledger = minitorch.autograd.saved_memory(loss, model)
    ops = [row["op"] for row in ledger.rows]
    assert [op.rstrip("0") for op in ops] == ["AddmmBackward", "ReluBackward", "SumBackward"]
    linear, relu, total = ledger.rows
    assert linear["bytes"] == 5 * 4 * 4  # the input x; the weight is a leaf, alive anyway
    assert ("0.weight", (3, 4), "float32", 48, True) in linear["tensors"]
    assert relu["bytes"] == 5 * 3 * 4 and total["bytes"] == 0
    assert ledger.total_bytes == 140 and ledger.leaf_bytes == 48
    assert ledger.by_layer() == {"0": 80, "1": 60, "": 0}
    table = ledger.table()
    assert "total kept for backward" in table and "140 B" in table and "layer 0" in table


def test_ledger_grows_with_the_batch_and_counts_shared_memory_once() -> None:
    model = _model()
    small = minitorch.autograd.saved_memory(model(minitorch.randn(2, 4)).sum()).total_bytes
    large = minitorch.autograd.saved_memory(model(minitorch.randn(20, 4)).sum()).total_bytes
    assert large == 10 * small
    x = minitorch.randn(3, requires_grad=True)
    y = x.exp()
    shared = minitorch.autograd.saved_memory(y * y)  # exp's output, saved by exp and twice by mul
    assert shared.total_bytes == 12


def test_ledger_needs_a_graph() -> None:
    with pytest.raises(RuntimeError, match="no grad_fn"):
        minitorch.autograd.saved_memory(minitorch.ones(2))
