"""Module API of nn surface B: ParameterList/ParameterDict, hooks (kwargs forms, full backward
hooks), get_parameter/get_buffer, type(), load_state_dict(assign=), state_dict(keep_vars=) ..."""
import numpy as np
import pytest

import minitorch
import minitorch.nn as nn
from minitorch.testing import assert_close

torch = pytest.importorskip("torch")


def twin_linear(seed=0):
    rng = np.random.default_rng(seed)
    w, b = rng.standard_normal((2, 3)), rng.standard_normal(2)
    ours, theirs = nn.Linear(3, 2).double(), torch.nn.Linear(3, 2).double()
    ours.load_state_dict({"weight": w, "bias": b})
    theirs.load_state_dict({"weight": torch.tensor(w), "bias": torch.tensor(b)})
    return ours, theirs


# ----- ParameterList / ParameterDict -----
def test_parameter_list_registers_and_prints_like_pytorch():
    plist = nn.ParameterList([nn.Parameter(minitorch.ones(2, 3)), minitorch.ones(1)])
    plist.append(minitorch.zeros(4))
    assert len(plist) == 3 and isinstance(plist[1], nn.Parameter) and plist[-1].shape == (4,)
    assert [name for name, _ in plist.named_parameters()] == ["0", "1", "2"]
    reference = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2, 3)), torch.ones(1), torch.zeros(4)])
    assert repr(plist).replace("minitorch.", "torch.") == repr(reference)
    assert list(plist.state_dict()) == list(reference.state_dict())
    assert isinstance(plist[1:], nn.ParameterList) and len(plist[1:]) == 2
    with pytest.raises(IndexError):
        plist[3]


def test_parameter_dict_registers_and_prints_like_pytorch():
    pdict = nn.ParameterDict({"a": nn.Parameter(minitorch.ones(2)), "b": minitorch.zeros(1, 2)})
    reference = torch.nn.ParameterDict({"a": torch.nn.Parameter(torch.ones(2)), "b": torch.zeros(1, 2)})
    assert repr(pdict) == repr(reference)
    assert list(pdict.keys()) == ["a", "b"] and "a" in pdict and len(pdict) == 2
    assert [name for name, _ in pdict.named_parameters()] == ["a", "b"]
    assert pdict.pop("a").shape == (2,) and list(pdict) == ["b"]
    with pytest.raises(KeyError):
        pdict["a"]


def test_containers_in_a_model_reach_the_optimizer():
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.scales = nn.ParameterList([nn.Parameter(minitorch.ones(3)) for _ in range(2)])
            self.extra = nn.ParameterDict({"shift": nn.Parameter(minitorch.zeros(3))})

    model = Model()
    assert [n for n, _ in model.named_parameters()] == ["scales.0", "scales.1", "extra.shift"]
    assert len(minitorch.optim.SGD(model.parameters(), lr=0.1).param_groups[0]["params"]) == 3


# ----- hooks -----
def test_forward_pre_hook_with_kwargs_and_prepend():
    calls = []
    layer = nn.Linear(3, 2)
    layer.register_forward_pre_hook(lambda m, args: calls.append("plain"))
    layer.register_forward_pre_hook(lambda m, args, kwargs: calls.append("first") or None, prepend=True,
                                    with_kwargs=True)
    layer(minitorch.ones(1, 3))
    assert calls == ["first", "plain"]


def test_forward_pre_hook_with_kwargs_can_replace_args_and_kwargs():
    class Scale(nn.Module):
        def forward(self, x, *, factor=1.0):
            return x * factor

    module = Scale()
    module.register_forward_pre_hook(lambda m, args, kwargs: ((args[0] + 1,), {"factor": 3.0}), with_kwargs=True)
    assert module(minitorch.ones(2)).tolist() == [6.0, 6.0]
    module.register_forward_pre_hook(lambda m, args, kwargs: 5, with_kwargs=True)
    with pytest.raises(RuntimeError, match="must return None or a tuple of"):
        module(minitorch.ones(2))


def test_forward_hook_with_kwargs_and_always_call():
    class Failing(nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    seen = []
    module = Failing()
    module.register_forward_hook(lambda m, args, kwargs, out: seen.append(out), with_kwargs=True, always_call=True)
    with pytest.raises(ValueError, match="boom"):
        module(minitorch.ones(1))
    assert seen == [None]


def test_full_backward_hook_matches_pytorch():
    ours, theirs = twin_linear()
    seen = {}
    ours.register_full_backward_hook(lambda m, gi, go: seen.setdefault("ours", (gi, go)) and None)
    theirs.register_full_backward_hook(lambda m, gi, go: seen.setdefault("theirs", (gi, go)) and None)
    x = np.random.default_rng(1).standard_normal((4, 3))
    upstream = np.random.default_rng(2).standard_normal((4, 2))
    mx, tx = minitorch.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours(mx).backward(minitorch.tensor(upstream))
    theirs(tx).backward(torch.tensor(upstream))
    (our_in, our_out), (their_in, their_out) = seen["ours"], seen["theirs"]
    assert len(our_in) == len(their_in) == 1 and len(our_out) == len(their_out) == 1
    assert_close(our_in[0], their_in[0])
    assert_close(our_out[0], their_out[0])


def test_backward_pre_hook_and_hook_can_replace_gradients():
    ours, theirs = twin_linear()
    for module in (ours, theirs):
        module.register_full_backward_pre_hook(lambda m, go: (go[0] * 2,))
        module.register_full_backward_hook(lambda m, gi, go: (gi[0] + 1,))
    x = np.ones((2, 3))
    mx, tx = minitorch.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours(mx).sum().backward()
    theirs(tx).sum().backward()
    assert_close(mx.grad, tx.grad)
    assert_close(ours.weight.grad, theirs.weight.grad)


def test_full_backward_hook_without_input_gradients_warns_and_gets_none():
    layer = nn.Linear(3, 2)
    seen = []
    layer.register_full_backward_hook(lambda m, gi, go: seen.append(gi))
    with pytest.warns(UserWarning, match="no inputs require gradients"):
        layer(minitorch.ones(2, 3)).sum().backward()
    assert seen == [(None,)]


def test_removed_backward_hook_does_not_run():
    layer = nn.Linear(3, 2)
    seen = []
    handle = layer.register_full_backward_hook(lambda m, gi, go: seen.append(1))
    handle.remove()
    layer(minitorch.ones(2, 3, requires_grad=True)).sum().backward()
    assert seen == []


# ----- lookup, casting, state dicts -----
def test_get_parameter_and_get_buffer():
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    assert model.get_parameter("0.weight") is model[0].weight
    assert model.get_buffer("1.running_mean") is model[1].running_mean
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        model.get_parameter("0.nope")
    with pytest.raises(AttributeError, match="`running_mean` is not an nn.Parameter"):
        model.get_parameter("1.running_mean")


def test_type_casts_every_tensor():
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    model.type(minitorch.float64)
    assert all(t.dtype == minitorch.float64 for t in model.state_dict().values())
    model.type("torch.FloatTensor")
    assert model[0].weight.dtype == minitorch.float32


def test_load_state_dict_assign_takes_the_tensors():
    layer = nn.Linear(2, 2)
    frozen = nn.Linear(2, 2).requires_grad_(False)
    weight = minitorch.ones(2, 2)
    layer.load_state_dict({"weight": weight, "bias": minitorch.zeros(2)}, assign=True)
    assert isinstance(layer.weight, nn.Parameter) and layer.weight.requires_grad
    weight[0, 0] = 5.0
    assert layer.weight[0, 0].item() == 5.0  # the same memory
    frozen.load_state_dict(layer.state_dict(), assign=True)
    assert not frozen.weight.requires_grad
    with pytest.raises(RuntimeError, match="size mismatch for bias"):
        layer.load_state_dict({"weight": weight, "bias": minitorch.zeros(3)}, assign=True)


def test_state_dict_keep_vars():
    layer = nn.Linear(2, 2)
    assert layer.state_dict(keep_vars=True)["weight"] is layer.weight
    assert not layer.state_dict()["weight"].requires_grad


def test_named_modules_prefix_and_duplicates_match_pytorch():
    shared = nn.Linear(1, 1)
    ours = nn.Sequential(shared, nn.ReLU(), shared)
    theirs_shared = torch.nn.Linear(1, 1)
    theirs = torch.nn.Sequential(theirs_shared, torch.nn.ReLU(), theirs_shared)
    for options in ({}, {"prefix": "net"}, {"remove_duplicate": False}, {"prefix": "m", "remove_duplicate": False}):
        assert [n for n, _ in ours.named_modules(**options)] == [n for n, _ in theirs.named_modules(**options)]
    assert [n for n, _ in ours.named_parameters(remove_duplicate=False)] == \
        [n for n, _ in theirs.named_parameters(remove_duplicate=False)]


def test_apply_visits_children_first():
    order = []
    nn.Sequential(nn.Linear(1, 1), nn.Sequential(nn.ReLU())).apply(lambda m: order.append(type(m).__name__))
    assert order == ["Linear", "ReLU", "Sequential", "Sequential"]


def test_register_module_and_zero_grad():
    model = nn.Module()
    model.register_module("fc", nn.Linear(2, 1))
    model.fc(minitorch.ones(1, 2)).sum().backward()
    model.zero_grad()
    assert model.fc.weight.grad is None


def test_half_float_double_cast_floating_tensors_only():
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    model.half()
    assert model[0].weight.dtype == minitorch.float16 and model[1].num_batches_tracked.dtype == minitorch.int64
    model.float()
    assert model[1].running_mean.dtype == minitorch.float32
    assert model.double()[0].bias.dtype == minitorch.float64
