"""``nn.Module`` and the containers: registration, names and order, state_dict, modes, devices,
dtypes, hooks and repr — compared with PyTorch on the same model definitions."""
import copy
from collections import OrderedDict

import numpy as np
import pytest

import minitorch
import minitorch.nn as nn
from minitorch.testing import assert_close
from tests.parity import copy_weights

torch = pytest.importorskip("torch")


def tutorial_net(lib):
    """The PyTorch CIFAR-10 tutorial network, built with ``lib`` (torch or minitorch)."""
    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = lib.nn.Conv2d(3, 6, 5)
            self.pool = lib.nn.MaxPool2d(2, 2)
            self.conv2 = lib.nn.Conv2d(6, 16, 5)
            self.fc1 = lib.nn.Linear(16 * 5 * 5, 120)
            self.fc2 = lib.nn.Linear(120, 84)
            self.fc3 = lib.nn.Linear(84, 10)

    return Net()


def nested_model(lib):
    """Sequential, ModuleList, ModuleDict, BatchNorm buffers, a shared layer and a model buffer."""
    nn_ = lib.nn

    class Block(nn_.Module):
        def __init__(self, channels):
            super().__init__()
            self.conv = nn_.Conv2d(channels, 4, 3, padding=1, bias=False)
            self.bn = nn_.BatchNorm2d(4)
            self.act = nn_.ReLU(inplace=True)

    class Model(nn_.Module):
        def __init__(self):
            super().__init__()
            self.features = nn_.Sequential(Block(3), nn_.MaxPool2d(2), Block(4), nn_.Flatten(), nn_.Dropout(0.25))
            self.layers = nn_.ModuleList([nn_.Linear(4, 4) for _ in range(3)] + [nn_.Tanh()])
            self.heads = nn_.ModuleDict({"classes": nn_.Linear(4, 10), "box": nn_.Linear(4, 4, bias=False)})
            self.tied = self.layers[0]
            self.register_buffer("scale", lib.ones(1))
            self.register_buffer("cache", lib.zeros(2), persistent=False)

    return Model()


def mlp(lib):
    nn_ = lib.nn
    return nn_.Sequential(OrderedDict([
        ("fc1", nn_.Linear(5, 8)), ("bn", nn_.BatchNorm1d(8)), ("act", nn_.ReLU()),
        ("drop", nn_.Dropout()), ("fc2", nn_.Linear(8, 3)), ("out", nn_.LogSoftmax(dim=1)),
    ]))


MODELS = [tutorial_net, nested_model, mlp]


# ----- names, order and repr are PyTorch's -----
@pytest.mark.parametrize("build", MODELS)
def test_names_and_order_match_torch(build) -> None:
    ours, theirs = build(minitorch), build(torch)
    for walk in ("named_parameters", "named_buffers", "named_modules", "named_children"):
        assert [name for name, _ in getattr(ours, walk)()] == [name for name, _ in getattr(theirs, walk)()], walk
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [p.shape for p in ours.parameters()] == [tuple(p.shape) for p in theirs.parameters()]
    assert all(p.dtype == minitorch.float32 for p in ours.parameters())


@pytest.mark.parametrize("build", MODELS)
def test_repr_matches_torch(build) -> None:
    assert repr(build(minitorch)) == repr(build(torch))


def test_layer_reprs_match_torch() -> None:
    for make in [
        lambda nn_: nn_.Conv2d(3, 8, (3, 5), stride=2, padding=(1, 2), dilation=2, groups=1, bias=False),
        lambda nn_: nn_.Conv2d(4, 8, 3, padding="same", groups=2),
        lambda nn_: nn_.Conv2d(4, 8, 3, padding="valid"),
        lambda nn_: nn_.AvgPool2d(3, stride=1, padding=1),
        lambda nn_: nn_.MaxPool2d((2, 3)),
        lambda nn_: nn_.BatchNorm1d(7, eps=1e-3, momentum=None, affine=False, track_running_stats=False),
        lambda nn_: nn_.BatchNorm2d(7, bias=False),
        lambda nn_: nn_.Softmax(dim=-1),
        lambda nn_: nn_.LogSoftmax(),
        lambda nn_: nn_.Sigmoid(),
        lambda nn_: nn_.Identity(54, unused="argument"),
        lambda nn_: nn_.Flatten(0, 2),
        lambda nn_: nn_.ModuleList(),
        lambda nn_: nn_.Sequential(),
    ]:
        assert repr(make(nn)) == repr(make(torch.nn))


# ----- state_dict -----
def test_a_torch_state_dict_loads_and_gives_the_same_outputs(rng: np.random.Generator) -> None:
    ours, theirs = mlp(minitorch).eval(), mlp(torch).eval()
    with torch.no_grad():
        theirs.bn.running_mean.uniform_(-1, 1)
        theirs.bn.running_var.uniform_(0.5, 2)
    copy_weights(theirs, ours)
    x = rng.standard_normal((4, 5)).astype(np.float32)
    assert_close(ours(minitorch.tensor(x)), theirs(torch.tensor(x)), rtol=1e-5, atol=1e-6)


def test_a_minitorch_state_dict_loads_into_torch() -> None:
    ours, theirs = nested_model(minitorch), nested_model(torch)
    theirs.load_state_dict({key: torch.from_numpy(value.numpy().copy()) for key, value in ours.state_dict().items()})
    for (name, our_value), their_value in zip(ours.state_dict().items(), theirs.state_dict().values()):
        assert_close(our_value, their_value, msg=name)


def test_load_state_dict_copies_into_the_same_parameter_objects() -> None:
    layer = nn.Linear(2, 3)
    weight = layer.weight
    result = layer.load_state_dict({"weight": np.ones((3, 2)), "bias": minitorch.zeros(3, dtype=minitorch.float64)})
    assert layer.weight is weight and weight.dtype == minitorch.float32 and weight.requires_grad
    assert weight.tolist() == [[1.0, 1.0]] * 3 and layer.bias.tolist() == [0.0] * 3
    layer.load_state_dict({"weight": torch.full((3, 2), 2.0), "bias": torch.ones(3)})  # anything np.asarray takes
    assert weight.tolist() == [[2.0, 2.0]] * 3 and layer.bias.tolist() == [1.0] * 3
    assert repr(result) == "<All keys matched successfully>"
    assert result.missing_keys == [] and result.unexpected_keys == []


def test_state_dict_values_share_memory_and_do_not_require_grad() -> None:
    layer = nn.Linear(2, 3)
    state = layer.state_dict()
    assert not state["weight"].requires_grad
    assert np.shares_memory(state["weight"].numpy(), layer.weight.detach().numpy())
    assert layer.state_dict(keep_vars=True)["weight"] is layer.weight
    assert list(layer.state_dict(prefix="head.")) == ["head.weight", "head.bias"]


def test_load_state_dict_reports_missing_unexpected_and_mismatched_keys() -> None:
    net = tutorial_net(minitorch)
    state = {key: value.numpy() for key, value in net.state_dict().items()}
    del state["fc3.bias"]
    state["fc4.weight"] = np.zeros(3)
    state["fc1.weight"] = np.zeros((120, 401))
    with pytest.raises(RuntimeError) as error:
        net.load_state_dict(state)
    message = str(error.value)
    assert message.startswith("Error(s) in loading state_dict for Net:")
    assert 'Missing key(s) in state_dict: "fc3.bias".' in message
    assert 'Unexpected key(s) in state_dict: "fc4.weight".' in message
    assert "size mismatch for fc1.weight: copying a param with shape torch.Size([120, 401]) from checkpoint, " \
           "the shape in current model is torch.Size([120, 400])." in message


def test_load_state_dict_not_strict_returns_the_incompatible_keys() -> None:
    net = tutorial_net(minitorch)
    state = {key: value for key, value in net.state_dict().items() if key != "fc3.bias"}
    state["extra"] = minitorch.zeros(1)
    result = net.load_state_dict(state, strict=False)
    assert result.missing_keys == ["fc3.bias"] and result.unexpected_keys == ["extra"]
    assert "missing_keys=['fc3.bias']" in repr(result)
    with pytest.raises(RuntimeError, match="size mismatch for fc3.bias"):
        net.load_state_dict({"fc3.bias": np.zeros(11)}, strict=False)


def test_load_state_dict_needs_a_mapping() -> None:
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        nn.Linear(2, 2).load_state_dict([("weight", np.zeros((2, 2)))])


def test_non_persistent_buffers_are_not_saved() -> None:
    model = nested_model(minitorch)
    assert "cache" not in model.state_dict() and "scale" in model.state_dict()
    assert "cache" in dict(model.named_buffers())


# ----- registration -----
class Holder(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(minitorch.ones(2))
        self.child = nn.Linear(2, 2)
        self.plain_tensor = minitorch.zeros(2)
        self.register_buffer("steps", minitorch.zeros(1))


def test_assignment_sorts_attributes_into_parameters_buffers_and_children() -> None:
    holder = Holder()
    assert list(holder._parameters) == ["weight"] and list(holder._modules) == ["child"]
    assert list(holder._buffers) == ["steps"]
    assert list(holder.state_dict()) == ["weight", "steps", "child.weight", "child.bias"]
    holder.steps = minitorch.ones(1)
    assert holder.state_dict()["steps"].tolist() == [1.0]
    holder.weight = None
    assert "weight" not in holder.state_dict() and holder.weight is None


def test_reassigning_keeps_the_position_like_torch() -> None:
    ours, theirs = tutorial_net(minitorch), tutorial_net(torch)
    ours.conv1, theirs.conv1 = nn.Conv2d(3, 6, 3), torch.nn.Conv2d(3, 6, 3)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_a_shared_parameter_or_module_is_listed_once() -> None:
    model = nested_model(minitorch)
    assert len(list(model.parameters())) == len({id(p) for p in model.parameters()})
    assert sum(module is model.tied for module in model.modules()) == 1
    assert len(list(model.named_modules(remove_duplicate=False))) > len(list(model.named_modules()))


def test_deleting_an_attribute_unregisters_it() -> None:
    holder = Holder()
    del holder.child, holder.weight, holder.steps, holder.plain_tensor
    assert holder.state_dict() == OrderedDict()
    with pytest.raises(AttributeError, match="'Holder' object has no attribute 'child'"):
        holder.child


def test_registration_errors() -> None:
    holder = Holder()
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'weight'"):
        holder.weight = minitorch.zeros(2)
    with pytest.raises(TypeError, match="cannot assign 'int' as child module 'child'"):
        holder.child = 3
    with pytest.raises(TypeError, match="cannot assign 'list' as buffer 'steps'"):
        holder.steps = [1]
    with pytest.raises(TypeError, match="parameter 'extra'"):
        holder.register_parameter("extra", minitorch.zeros(2))
    with pytest.raises(TypeError, match="buffer 'extra'"):
        holder.register_buffer("extra", np.zeros(2))
    with pytest.raises(TypeError, match="is not a Module subclass"):
        holder.add_module("extra", "not a module")
    with pytest.raises(KeyError, match="be empty or contain"):
        holder.register_buffer("a.b", minitorch.zeros(1))
    with pytest.raises(KeyError, match="already exists"):
        holder.register_buffer("weight", minitorch.zeros(1))
    with pytest.raises(TypeError, match="name should be a string"):
        holder.add_module(1, nn.ReLU())


def test_assigning_before_init_is_an_attribute_error() -> None:
    class Forgetful(nn.Module):
        def __init__(self, value):
            self.value = value

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Forgetful(nn.Parameter(minitorch.zeros(1)))
    with pytest.raises(AttributeError, match="before Module.__init__"):
        Forgetful(nn.ReLU())
    module = Forgetful(3)
    for register in (module.register_parameter, module.register_buffer):
        with pytest.raises(AttributeError, match="before Module.__init__"):
            register("x", None)


def test_a_module_without_forward_says_so() -> None:
    with pytest.raises(NotImplementedError, match='missing the required "forward" function'):
        nn.Module()(minitorch.zeros(1))


def test_get_submodule_follows_dotted_paths() -> None:
    model = nested_model(minitorch)
    assert model.get_submodule("features.0.bn") is model.features[0].bn
    assert model.get_submodule("") is model
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        model.get_submodule("features.nope")


def test_deepcopy_gives_an_independent_model() -> None:
    model = mlp(minitorch)
    clone = copy.deepcopy(model)
    assert clone.fc1.weight is not model.fc1.weight and isinstance(clone.fc1.weight, nn.Parameter)
    assert clone.fc1.weight.requires_grad and clone.fc1.weight.tolist() == model.fc1.weight.tolist()
    with minitorch.no_grad():
        clone.fc1.weight.zero_()
    assert model.fc1.weight.abs().sum().item() > 0


def test_dir_lists_registered_names() -> None:
    assert {"weight", "child", "steps", "forward"} <= set(dir(Holder()))


# ----- modes, gradients, apply, hooks -----
def test_train_and_eval_reach_every_module() -> None:
    model = nested_model(minitorch)
    assert model.eval() is model
    assert not any(module.training for module in model.modules())
    model.train()
    assert all(module.training for module in model.modules())
    with pytest.raises(ValueError, match="boolean"):
        model.train("yes")


def test_zero_grad_drops_or_zeroes_gradients() -> None:
    layer = nn.Linear(3, 2)
    layer(minitorch.ones(1, 3)).sum().backward()
    layer.zero_grad(set_to_none=False)
    assert layer.weight.grad.tolist() == [[0.0] * 3] * 2
    layer.zero_grad()
    assert layer.weight.grad is None and layer.bias.grad is None


def test_requires_grad_freezes_every_parameter() -> None:
    model = mlp(minitorch).requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())


def test_apply_visits_children_before_parents_like_torch() -> None:
    visited = {lib: [] for lib in (minitorch, torch)}
    for lib in visited:
        mlp(lib).apply(lambda module, lib=lib: visited[lib].append(type(module).__name__))
    assert visited[minitorch] == visited[torch]


def test_forward_hooks_see_and_may_replace_inputs_and_outputs() -> None:
    layer, seen = nn.Identity(), []
    handle = layer.register_forward_pre_hook(lambda module, args: (args[0] * 2,))
    layer.register_forward_hook(lambda module, args, output: seen.append(output.item()))
    assert layer(minitorch.tensor(3.0)).item() == 6.0 and seen == [6.0]
    handle.remove()
    layer.register_forward_hook(lambda module, args, output: output + 1)
    assert layer(minitorch.tensor(3.0)).item() == 4.0


# ----- devices and dtypes -----
def test_double_casts_float_tensors_in_place_and_keeps_integer_buffers() -> None:
    model = mlp(minitorch)
    parameters = list(model.parameters())
    model(minitorch.randn(4, 5)).sum().backward()
    assert model.double() is model
    assert all(a is b for a, b in zip(parameters, model.parameters()))
    assert all(p.dtype == minitorch.float64 and p.grad.dtype == minitorch.float64 for p in parameters)
    assert model.bn.running_mean.dtype == minitorch.float64
    assert model.bn.num_batches_tracked.dtype == minitorch.int64
    assert model(minitorch.randn(4, 5, dtype=minitorch.float64)).dtype == minitorch.float64
    assert model.float().fc1.weight.dtype == minitorch.float32
    assert model.half().fc1.weight.dtype == minitorch.float16
    assert model.to(dtype=minitorch.float32).fc1.weight.dtype == minitorch.float32


def test_to_cpu_is_a_no_op_and_integer_dtypes_are_refused() -> None:
    layer = nn.Linear(2, 2)
    weight = layer.weight._data
    assert layer.to("cpu") is layer and layer.cpu() is layer and layer.weight._data is weight
    with pytest.raises(TypeError, match="only accepts floating point dtypes"):
        layer.to(minitorch.int64)


@pytest.mark.skipif(minitorch.cuda.is_available(), reason="checks the error on machines without a GPU")
def test_cuda_without_a_gpu_is_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match="CuPy|CUDA"):
        nn.Linear(2, 2).cuda()


@pytest.mark.gpu
def test_to_cuda_moves_parameters_buffers_and_grads(backend: str) -> None:
    model = mlp(minitorch)
    model(minitorch.randn(4, 5)).sum().backward()
    model.to(backend)
    assert all(t.device.type == backend for t in list(model.parameters()) + list(model.buffers()))
    assert all(p.grad.device.type == backend for p in model.parameters())
    out = model(minitorch.randn(4, 5, device=backend))
    out.sum().backward()
    assert model.fc1.weight.grad.device.type == backend


# ----- containers -----
def test_sequential_indexing_slicing_and_editing_like_torch() -> None:
    for lib_nn in (nn, torch.nn):
        model = lib_nn.Sequential(lib_nn.Linear(2, 3), lib_nn.ReLU(), lib_nn.Linear(3, 1))
        assert len(model) == 3 and isinstance(model[-1], lib_nn.Linear)
        assert isinstance(model[1:], lib_nn.Sequential) and list(model[1:]._modules) == ["1", "2"]
        model[1] = lib_nn.Tanh()
        model.append(lib_nn.Sigmoid())
        del model[0]
        assert [type(m).__name__ for m in model] == ["Tanh", "Linear", "Sigmoid"]
        assert list(model._modules) == ["0", "1", "2"]
    named = nn.Sequential(OrderedDict([("first", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert named.first is named[0] and list(named.state_dict()) == ["first.weight", "first.bias"]


def test_sequential_runs_its_layers_in_order() -> None:
    model = nn.Sequential(nn.Identity(), nn.ReLU()).extend([nn.Flatten(0)])
    assert model(minitorch.tensor([[-1.0, 2.0]])).tolist() == [0.0, 2.0]


def test_module_list_like_torch() -> None:
    for lib_nn in (nn, torch.nn):
        layers = lib_nn.ModuleList([lib_nn.ReLU(), lib_nn.Tanh()])
        layers.append(lib_nn.Sigmoid())
        layers += [lib_nn.Identity()]
        layers.insert(1, lib_nn.Linear(1, 1))
        del layers[0]
        layers[0] = lib_nn.Flatten()
        assert [type(m).__name__ for m in layers] == ["Flatten", "Tanh", "Sigmoid", "Identity"]
        assert list(layers._modules) == ["0", "1", "2", "3"]
        assert [type(m).__name__ for m in layers[1:3]] == ["Tanh", "Sigmoid"]
        assert len(layers + lib_nn.ModuleList([lib_nn.ReLU()])) == 5
    assert repr(nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.Tanh()])) == repr(
        torch.nn.ModuleList([torch.nn.ReLU(), torch.nn.ReLU(), torch.nn.Tanh()]))


def test_module_dict_like_torch() -> None:
    heads = nn.ModuleDict([("a", nn.ReLU())])
    heads.update({"b": nn.Tanh()})
    heads["c"] = nn.Sigmoid()
    assert list(heads) == list(heads.keys()) == ["a", "b", "c"] and "b" in heads and len(heads) == 3
    assert isinstance(heads.pop("a"), nn.ReLU) and list(heads) == ["b", "c"]
    assert [type(m).__name__ for m in heads.values()] == ["Tanh", "Sigmoid"]
    del heads["b"]
    assert [name for name, _ in heads.items()] == ["c"]
    copy = nn.ModuleDict(heads)
    assert copy["c"] is heads["c"]
    heads.clear()
    assert len(heads) == 0


def test_container_errors() -> None:
    with pytest.raises(IndexError, match="index 3 is out of range"):
        nn.Sequential(nn.ReLU())[3]
    with pytest.raises(IndexError):
        nn.ModuleList([nn.ReLU()])[-2]
    with pytest.raises(TypeError, match="should be called with an iterable"):
        nn.ModuleList().extend(nn.ReLU())
    with pytest.raises(ValueError, match=r"\(key, module\) pairs"):
        nn.ModuleDict(["abc"])
    with pytest.raises(NotImplementedError, match="iterate over it"):
        nn.ModuleList([nn.ReLU()])(minitorch.zeros(1))
    with pytest.raises(NotImplementedError, match="look modules up by key"):
        nn.ModuleDict()(minitorch.zeros(1))
    with pytest.raises(KeyError):
        nn.ModuleDict()["missing"]
