"""The Tensor API against PyTorch: creation, dtype inference, attributes, conversions, repr,
and the module-level forms of the methods."""
import numpy as np
import pytest

import minitorch
from minitorch.testing import assert_close, dtype_name

torch = pytest.importorskip("torch")


def same(ours, theirs, **tolerances):
    """Equal values, shape and dtype (``assert_close`` also accepts PyTorch tensors)."""
    assert_close(ours, theirs, **tolerances)


# ----- creation and dtype inference -----
CREATIONS = {
    "floats are float32": lambda lib: lib.tensor([1.0, 2.5]),
    "ints are int64": lambda lib: lib.tensor([1, 2]),
    "bools": lambda lib: lib.tensor([True, False]),
    "ints and floats": lambda lib: lib.tensor([1, 2.5]),
    "nested lists": lambda lib: lib.tensor([[1.0, 2.0], [3.0, 4.0]]),
    "python float scalar": lambda lib: lib.tensor(3.5),
    "python int scalar": lambda lib: lib.tensor(3),
    "empty list": lambda lib: lib.tensor([]),
    "numpy float64 kept": lambda lib: lib.tensor(np.array([1.0, 2.0])),
    "numpy float32 kept": lambda lib: lib.tensor(np.array([1.0, 2.0], dtype=np.float32)),
    "numpy int32 kept": lambda lib: lib.tensor(np.array([1, 2], dtype=np.int32)),
    "numpy float64 scalar": lambda lib: lib.tensor(np.float64(1.5)),
    "list of 0-d tensors": lambda lib: lib.tensor([lib.tensor(1.0), lib.tensor(2.0)]),
    "dtype keyword": lambda lib: lib.tensor([1, 2], dtype=lib.float64),
    "as_tensor": lambda lib: lib.as_tensor([1, 2]),
    "zeros": lambda lib: lib.zeros(2, 3),
    "zeros of a tuple": lambda lib: lib.zeros((2, 3)),
    "zeros of a list": lambda lib: lib.zeros([2, 3], dtype=lib.int64),
    "zeros 0-d": lambda lib: lib.zeros(()),
    "zeros empty": lambda lib: lib.zeros(0, 3),
    "ones bool": lambda lib: lib.ones(2, 2, dtype=lib.bool),
    "full float": lambda lib: lib.full((2,), 1.5),
    "full int": lambda lib: lib.full((2, 1), 3),
    "full bool": lambda lib: lib.full((2,), True),
    "full dtype": lambda lib: lib.full((2,), 3, dtype=lib.float64),
    "arange int": lambda lib: lib.arange(5),
    "arange start stop step": lambda lib: lib.arange(5, 0, -2),
    "arange float step": lambda lib: lib.arange(0, 1, 0.25),
    "arange float end": lambda lib: lib.arange(3.0),
    "arange dtype": lambda lib: lib.arange(3, dtype=lib.float64),
    "linspace": lambda lib: lib.linspace(0, 1, 5),
    "linspace one step": lambda lib: lib.linspace(0, 1, 1),
    "linspace float64": lambda lib: lib.linspace(-1, 1, 4, dtype=lib.float64),
    "eye": lambda lib: lib.eye(3),
    "eye rectangular": lambda lib: lib.eye(2, 3, dtype=lib.int64),
    "zeros_like keeps dtype": lambda lib: lib.zeros_like(lib.ones(2, dtype=lib.int32)),
    "ones_like with dtype": lambda lib: lib.ones_like(lib.ones(2), dtype=lib.float64),
    "full_like": lambda lib: lib.full_like(lib.ones(2), 7),
    "full_like int keeps int": lambda lib: lib.full_like(lib.ones(2, dtype=lib.int64), 7),
}


@pytest.mark.parametrize("make", CREATIONS.values(), ids=CREATIONS.keys())
def test_creation_matches_pytorch(make):
    same(make(minitorch), make(torch))


@pytest.mark.parametrize("make", [
    lambda lib, **kw: lib.empty(2, 3, **kw), lambda lib, **kw: lib.rand(2, 3, **kw),
    lambda lib, **kw: lib.randn(2, 3, **kw), lambda lib, **kw: lib.empty_like(lib.ones(2, 3), **kw),
    lambda lib, **kw: lib.rand_like(lib.ones(2, 3), **kw), lambda lib, **kw: lib.randn_like(lib.ones(2, 3), **kw),
], ids=["empty", "rand", "randn", "empty_like", "rand_like", "randn_like"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_uninitialised_and_random_shapes_and_dtypes(make, dtype):
    ours = make(minitorch, dtype=getattr(minitorch, dtype))
    theirs = make(torch, dtype=getattr(torch, dtype))
    assert ours.shape == tuple(theirs.shape) and dtype_name(ours) == dtype_name(theirs)


def test_random_distributions():
    minitorch.manual_seed(1)
    uniform, normal = minitorch.rand(10_000), minitorch.randn(10_000)
    assert 0 <= uniform.min().item() and uniform.max().item() < 1
    assert abs(uniform.mean().item() - 0.5) < 0.02
    assert abs(normal.mean().item()) < 0.05 and abs(normal.std().item() - 1) < 0.05
    integers = minitorch.randint(2, 5, (1000,))
    assert integers.dtype == minitorch.int64 and set(integers.tolist()) == {2, 3, 4}
    assert minitorch.randint(5, (3, 2)).shape == (3, 2)
    assert sorted(minitorch.randperm(6).tolist()) == list(range(6))


def test_manual_seed_makes_runs_reproducible():
    def draw():
        return [minitorch.rand(3), minitorch.randn(2, 2), minitorch.randint(0, 100, (4,)), minitorch.randperm(5),
                minitorch.empty(3).uniform_(), minitorch.empty(3).normal_()]

    minitorch.manual_seed(42)
    first = draw()
    minitorch.manual_seed(42)
    second = draw()
    for a, b in zip(first, second):
        assert minitorch.equal(a, b)
    assert minitorch.initial_seed() == 42
    assert not minitorch.equal(draw()[0], first[0])


def test_generator_objects_are_independent():
    generator = minitorch.Generator().manual_seed(7)
    a = minitorch.rand(3, generator=generator)
    minitorch.manual_seed(0)
    minitorch.rand(5)  # the default generator moving on does not affect ours
    b = minitorch.rand(3, generator=minitorch.Generator().manual_seed(7))
    assert minitorch.equal(a, b)


def test_from_numpy_shares_memory_both_ways():
    array = np.arange(3.0)
    tensor = minitorch.from_numpy(array)
    assert tensor.dtype == minitorch.float64
    array[0] = 10.0
    tensor[1] = 20.0
    assert tensor.tolist() == [10.0, 20.0, 2.0]
    assert array[1] == 20.0
    assert tensor.numpy() is array


def test_tensor_copies_its_data():
    array = np.arange(3.0)
    tensor = minitorch.tensor(array)
    array[0] = 10.0
    assert tensor[0].item() == 0.0
    source = minitorch.tensor([1.0, 2.0])
    copy = minitorch.tensor(source)
    source[0] = 5.0
    assert copy[0].item() == 1.0


def test_factory_keywords(backend):
    x = minitorch.zeros(2, 3, dtype=minitorch.float64, device=backend, requires_grad=True)
    assert x.device.type == backend and x.dtype == minitorch.float64
    assert x.requires_grad and x.is_leaf and x.grad is None
    assert minitorch.tensor([1.0], device=backend).device == minitorch.device(backend)
    assert minitorch.ones_like(x).device.type == backend and not minitorch.ones_like(x).requires_grad


# ----- attributes -----
def test_attributes_match_pytorch():
    ours, theirs = minitorch.zeros(2, 3, 4), torch.zeros(2, 3, 4)
    assert ours.shape == tuple(theirs.shape) == ours.size()
    assert ours.size(1) == theirs.size(1) == 3 and ours.size(-1) == theirs.size(-1) == 4
    assert ours.dim() == ours.ndim == theirs.dim() == 3
    assert ours.numel() == minitorch.numel(ours) == theirs.numel() == 24
    assert ours.element_size() == theirs.element_size() == 4
    assert str(ours.device) == str(theirs.device) == "cpu" and ours.device.type == "cpu"
    assert not ours.requires_grad and ours.grad is None and ours.grad_fn is None and ours.is_leaf
    assert minitorch.is_tensor(ours) and not minitorch.is_tensor(np.zeros(2))
    assert minitorch.get_default_dtype() == minitorch.float32


def test_dtype_aliases():
    assert minitorch.float is minitorch.float32 and minitorch.double is minitorch.float64
    assert minitorch.long is minitorch.int64 and minitorch.int is minitorch.int32
    assert minitorch.half is minitorch.float16 and minitorch.short is minitorch.int16
    assert minitorch.tensor([True]).dtype == minitorch.bool
    assert minitorch.zeros(1, dtype=np.float64).dtype == minitorch.zeros(1, dtype="float64").dtype == minitorch.double


def test_grad_fn_and_is_leaf():
    x = minitorch.tensor([1.0], requires_grad=True)
    y = x * 2
    assert y.requires_grad and not y.is_leaf and y.grad_fn is not None
    assert "MulBackward" in y.grad_fn.name()


def test_data_is_a_detached_view():
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    data = x.data
    assert not data.requires_grad and data.is_leaf
    data[0] = 5.0
    assert x[0].item() == 5.0
    x.data = minitorch.tensor([7.0, 8.0])
    assert x.tolist() == [7.0, 8.0] and x.requires_grad


# ----- conversions -----
def test_item_and_tolist_match_pytorch():
    for make in (lambda lib: lib.tensor([2.5]), lambda lib: lib.tensor(3), lambda lib: lib.tensor(True)):
        ours, theirs = make(minitorch).item(), make(torch).item()
        assert ours == theirs and type(ours) is type(theirs)
    nested = [[1, 2], [3, 4]]
    assert minitorch.tensor(nested).tolist() == torch.tensor(nested).tolist() == nested
    assert minitorch.tensor(1.5).tolist() == 1.5
    assert float(minitorch.tensor([2.5])) == 2.5 and int(minitorch.tensor([2.7])) == 2
    assert bool(minitorch.tensor([1.0])) and not bool(minitorch.tensor(0))
    assert [10, 20, 30][minitorch.tensor(1)] == 20


def test_numpy_shares_memory_and_refuses_grad():
    x = minitorch.tensor([1.0, 2.0])
    x.numpy()[0] = 9.0
    assert x[0].item() == 9.0
    with pytest.raises(RuntimeError, match=r"Use tensor.detach\(\).numpy\(\) instead"):
        minitorch.tensor([1.0], requires_grad=True).numpy()
    assert minitorch.tensor([1.0], requires_grad=True).detach().numpy().tolist() == [1.0]
    assert np.asarray(minitorch.tensor([1.0, 2.0])).tolist() == [1.0, 2.0]


CONVERSIONS = {
    "float": lambda x, lib: x.float(),
    "double": lambda x, lib: x.double(),
    "long truncates": lambda x, lib: x.long(),
    "int": lambda x, lib: x.int(),
    "bool": lambda x, lib: x.bool(),
    "half": lambda x, lib: x.half(),
    "to dtype": lambda x, lib: x.to(lib.float64),
    "to dtype keyword": lambda x, lib: x.to(dtype=lib.int64),
    "to device and dtype": lambda x, lib: x.to("cpu", lib.float64),
    "to other tensor": lambda x, lib: x.to(lib.tensor([1], dtype=lib.int32)),
    "type_as": lambda x, lib: x.type_as(lib.tensor([1])),
    "cpu": lambda x, lib: x.cpu(),
    "new_zeros": lambda x, lib: x.new_zeros(2, 2),
    "new_ones": lambda x, lib: x.new_ones((2,)),
    "new_full": lambda x, lib: x.new_full((2,), 3),
    "new_tensor": lambda x, lib: x.new_tensor([1, 2]),
    "clone": lambda x, lib: x.clone(),
}


@pytest.mark.parametrize("convert", CONVERSIONS.values(), ids=CONVERSIONS.keys())
def test_conversions_match_pytorch(convert):
    values = [1.7, -1.7, 0.0]
    same(convert(minitorch.tensor(values), minitorch), convert(torch.tensor(values), torch))


def test_to_returns_self_when_nothing_changes():
    x = minitorch.tensor([1.0])
    assert x.to(minitorch.float32) is x and x.to("cpu") is x and x.cpu() is x and x.float() is x


def test_clone_is_a_copy_in_the_graph():
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    y = x.clone()
    y.retain_grad()
    assert not y.is_leaf
    (y * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    z = minitorch.tensor([1.0])
    copy = z.clone()
    copy[0] = 5.0
    assert z.item() == 1.0


def test_requires_grad_flags():
    x = minitorch.tensor([1.0])
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad_(False)
    assert not x.requires_grad
    y = minitorch.tensor([1.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="leaf variables"):
        y.requires_grad_(False)


def test_detach_in_place():
    y = minitorch.tensor([1.0], requires_grad=True) * 2
    assert y.detach_() is y
    assert not y.requires_grad and y.grad_fn is None


def test_python_protocol():
    x = minitorch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert len(x) == 2
    assert [row.tolist() for row in x] == [[1.0, 2.0], [3.0, 4.0]]
    assert {x: 1}[x] == 1  # hashable by identity, as in PyTorch
    with pytest.raises(TypeError, match="0-d"):
        len(minitorch.tensor(1.0))
    with pytest.raises(TypeError, match="0-d"):
        iter(minitorch.tensor(1.0))


def test_iteration_and_indexing_give_views():
    x = minitorch.zeros(2, 3)
    x[1, 2].add_(1)
    for row in x:
        row[0] = 5.0
    assert x.tolist() == [[5.0, 0.0, 0.0], [5.0, 0.0, 1.0]]


# ----- repr -----
REPRS = {
    "floats": lambda lib: lib.tensor([1.0, 2.0]),
    "decimals": lambda lib: lib.tensor([1.5, 2.25]),
    "rounded": lambda lib: lib.tensor([0.1, 0.12345678]),
    "ints": lambda lib: lib.tensor([1, 2]),
    "bools": lambda lib: lib.tensor([True, False]),
    "scalar": lambda lib: lib.tensor(3.0),
    "float64": lambda lib: lib.tensor([1.0, 2.0], dtype=lib.float64),
    "int32": lambda lib: lib.tensor([1, 2], dtype=lib.int32),
    "requires_grad": lambda lib: lib.tensor([1.0, 2.0], requires_grad=True),
    "matrix": lambda lib: lib.tensor([[1.0, 2.0], [3.0, 4.0]]),
    "scientific": lambda lib: lib.tensor([1e-5, 1.0]),
    "large": lambda lib: lib.tensor([123456.7, 1.0]),
    "empty": lambda lib: lib.zeros(0),
    "empty matrix": lambda lib: lib.zeros(2, 0),
    "empty int": lambda lib: lib.zeros(0, dtype=lib.int64),
    "nan": lambda lib: lib.tensor(float("nan")),
}


@pytest.mark.parametrize("make", REPRS.values(), ids=REPRS.keys())
def test_repr_matches_pytorch(make):
    assert repr(make(minitorch)) == repr(make(torch))


def test_repr_of_graph_outputs_names_the_node():
    y = minitorch.tensor([1.0, 2.0], requires_grad=True) * 2
    assert repr(y) == "tensor([2., 4.], grad_fn=<MulBackward0>)"


# ----- module-level functions are the methods -----
FUNCTIONS = {
    "exp": lambda lib, x: lib.exp(x),
    "log": lambda lib, x: lib.log(x.abs() + 1),
    "sqrt": lambda lib, x: lib.sqrt(x.abs()),
    "tanh": lambda lib, x: lib.tanh(x),
    "sigmoid": lambda lib, x: lib.sigmoid(x),
    "relu": lambda lib, x: lib.relu(x),
    "abs": lambda lib, x: lib.abs(x),
    "neg": lambda lib, x: lib.neg(x),
    "square": lambda lib, x: lib.square(x),
    "clamp": lambda lib, x: lib.clamp(x, -0.5, 0.5),
    "clip": lambda lib, x: lib.clip(x, min=0.0),
    "add": lambda lib, x: lib.add(x, x, alpha=2),
    "sub": lambda lib, x: lib.sub(x, 1.0),
    "mul": lambda lib, x: lib.mul(x, 2),
    "div": lambda lib, x: lib.div(x, 4),
    "div floor": lambda lib, x: lib.div(x, 0.5, rounding_mode="floor"),
    "div trunc": lambda lib, x: lib.div(x, 0.5, rounding_mode="trunc"),
    "pow": lambda lib, x: lib.pow(x, 2),
    "max": lambda lib, x: lib.max(x),
    "max dim": lambda lib, x: lib.max(x, 1).values,
    "max dim indices": lambda lib, x: lib.max(x, dim=1, keepdim=True).indices,
    "max of two": lambda lib, x: lib.max(x, x.t()),
    "min": lambda lib, x: lib.min(x, 0)[0],
    "maximum": lambda lib, x: lib.maximum(x, x.t()),
    "minimum": lambda lib, x: lib.minimum(x, lib.zeros(3)),
    "argmax": lambda lib, x: lib.argmax(x),
    "argmin": lambda lib, x: lib.argmin(x, dim=0),
    "sum": lambda lib, x: lib.sum(x, 0),
    "mean": lambda lib, x: lib.mean(x, -1, keepdim=True),
    "var": lambda lib, x: lib.var(x),
    "std": lambda lib, x: lib.std(x, 0, unbiased=False),
    "all": lambda lib, x: lib.all(x > -10),
    "any": lambda lib, x: lib.any(x > 0, dim=1),
    "matmul": lambda lib, x: lib.matmul(x, x),
    "mm": lambda lib, x: lib.mm(x, x.t()),
    "bmm": lambda lib, x: lib.bmm(x[None], x[None]),
    "dot": lambda lib, x: lib.dot(x[0], x[1]),
    "cat": lambda lib, x: lib.cat([x, x], 1),
    "concat": lambda lib, x: lib.concat([x, x]),
    "concatenate": lambda lib, x: lib.concatenate([x, x], dim=-1),
    "stack": lambda lib, x: lib.stack([x, x], 1),
    "split": lambda lib, x: lib.split(x, 2)[1],
    "chunk": lambda lib, x: lib.chunk(x, 3, 1)[2],
    "unbind": lambda lib, x: lib.unbind(x, 1)[0],
    "reshape": lambda lib, x: lib.reshape(x, (-1,)),
    "flatten": lambda lib, x: lib.flatten(x),
    "unflatten": lambda lib, x: lib.unflatten(x, 1, (3, 1)),
    "squeeze": lambda lib, x: lib.squeeze(x[None]),
    "unsqueeze": lambda lib, x: lib.unsqueeze(x, 0),
    "transpose": lambda lib, x: lib.transpose(x, 0, 1),
    "swapaxes": lambda lib, x: lib.swapaxes(x, 0, 1),
    "permute": lambda lib, x: lib.permute(x, (1, 0)),
    "t": lambda lib, x: lib.t(x),
    "broadcast_to": lambda lib, x: lib.broadcast_to(x[0], (2, 3)),
    "where": lambda lib, x: lib.where(x > 0, x, lib.zeros(3)),
    "masked_fill": lambda lib, x: lib.masked_fill(x, x > 0, 0.5),
    "eq": lambda lib, x: lib.eq(x, x.t()),
    "ne": lambda lib, x: lib.ne(x, 0.0),
    "lt": lambda lib, x: lib.lt(x, 0.5),
    "le": lambda lib, x: lib.le(x, x.t()),
    "gt": lambda lib, x: lib.gt(x, 0),
    "ge": lambda lib, x: lib.ge(x, 0.25),
    "isnan": lambda lib, x: lib.isnan(lib.log(x)),
    "isfinite": lambda lib, x: lib.isfinite(lib.log(x)),
    "logical_not": lambda lib, x: lib.logical_not(x > 0),
    "bitwise": lambda lib, x: lib.bitwise_and(x > 0, lib.bitwise_not(x > 0.5)) | (x < -0.5) ^ (x > 1),
}


@pytest.mark.parametrize("function", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_module_level_functions_match_pytorch(function):
    values = np.array([[0.5, -1.25, 2.0], [0.25, 1.5, -0.75], [1.0, 0.0, -2.0]], dtype=np.float32)
    with np.errstate(invalid="ignore", divide="ignore"):
        same(function(minitorch, minitorch.tensor(values)), function(torch, torch.tensor(values)))


def test_predicates_on_whole_tensors():
    a, b = minitorch.tensor([1.0, 2.0]), minitorch.tensor([1.0, 2.000001])
    assert minitorch.equal(a, a.clone()) and not minitorch.equal(a, b)
    assert not minitorch.equal(a, a[None])
    assert minitorch.allclose(a, b) and not minitorch.allclose(a, b, rtol=0, atol=0)


def test_view_and_contiguity():
    x = minitorch.arange(6.0).reshape(2, 3)
    assert x.is_contiguous() and not x.t().is_contiguous()
    assert x.t().contiguous().is_contiguous()
    x.view(3, 2)[0, 0] = 10.0
    assert x[0, 0].item() == 10.0, "view shares memory"
    assert x.view(minitorch.int32).dtype == minitorch.int32 and x.view(minitorch.int32).shape == (2, 3)  # the bits


def test_python_floats_with_a_float64_dtype_are_not_rounded_through_float32():
    assert minitorch.tensor([-1.3], dtype=minitorch.float64).item() == -1.3
    assert minitorch.tensor(0.1, dtype=minitorch.float64).item() == 0.1
    assert minitorch.tensor([0.1]).dtype == minitorch.float32
