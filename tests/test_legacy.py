"""PyTorch's legacy spellings and metadata: Tensor(...), FloatTensor & co, x.type(), Variable,
x.new, x.resize_, strides, dtype objects that print like torch's, torch.Size."""
import copy

import numpy as np
import pytest

import minitorch

torch = pytest.importorskip("torch")


def same(ours, theirs):
    assert ours.shape == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


# ----- dtypes and sizes print as PyTorch's -----
@pytest.mark.parametrize("name", ["float16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool"])
def test_dtype_prints_and_works_as_numpy_dtype(name):
    ours, theirs = getattr(minitorch, name), getattr(torch, name)
    assert str(ours) == str(theirs) and repr(ours) == repr(theirs)
    assert ours.is_floating_point == theirs.is_floating_point and ours.itemsize == theirs.itemsize
    numpy_dtype = np.dtype(np.bool_ if name == "bool" else name)
    assert np.dtype(ours) == numpy_dtype and ours == numpy_dtype and numpy_dtype == ours
    assert np.zeros(2).astype(ours).dtype == numpy_dtype and np.zeros(2, dtype=ours).dtype == numpy_dtype
    assert hash(ours) == hash(numpy_dtype) and {numpy_dtype: 1}[ours] == 1
    assert copy.deepcopy(ours) is ours and ours != "float32"
    assert minitorch.zeros(2, dtype=ours).dtype is ours


def test_tensor_dtype_shape_and_size_print_like_pytorch():
    x, t = minitorch.zeros(2, 3, dtype=minitorch.int32), torch.zeros(2, 3, dtype=torch.int32)
    assert repr(x.dtype) == repr(t.dtype) and repr(x.shape) == repr(t.shape) == "torch.Size([2, 3])"
    assert str(x.size()) == str(t.size()) and x.size(1) == 3 and repr(x) == repr(t)
    assert repr(minitorch.Size([])) == repr(torch.Size([]))
    assert isinstance(x.shape, tuple) and x.shape == (2, 3) and x.shape[1:] == minitorch.Size([3])
    assert repr(x.shape[1:]) == repr(t.shape[1:]) and repr(x.shape + (4,)) == repr(t.shape + (4,))
    assert x.shape.numel() == 6 and repr(x.device) == "device(type='cpu')"


def test_size_rejects_non_ints():
    with pytest.raises(TypeError, match=r"takes an iterable of 'int' \(item 0 is 'float'\)"):
        minitorch.Size([2.0])


def test_default_dtype():
    assert minitorch.get_default_dtype() is minitorch.float32
    minitorch.set_default_dtype(minitorch.float64)
    try:
        assert minitorch.tensor([1.5]).dtype is minitorch.float64 and minitorch.Tensor([1]).dtype is minitorch.float64
    finally:
        minitorch.set_default_dtype(minitorch.float32)
    assert minitorch.tensor([1.5]).dtype is minitorch.float32
    with pytest.raises(TypeError, match="only floating-point types are supported as the default type"):
        minitorch.set_default_dtype(minitorch.int64)


def test_is_floating_point_and_bfloat16_is_named_in_its_error():
    assert minitorch.is_floating_point(minitorch.ones(1)) and not minitorch.ones(1, dtype=minitorch.int64).is_floating_point()
    assert str(minitorch.bfloat16) == "torch.bfloat16" and minitorch.bfloat16.is_floating_point
    with pytest.raises(TypeError, match="bfloat16 is not supported"):
        minitorch.zeros(2, dtype=minitorch.bfloat16)
    with pytest.raises(TypeError, match="torch.bfloat16 has no NumPy equivalent"):
        np.zeros(2, dtype=minitorch.bfloat16)  # never silently float64


# ----- the legacy constructors -----
CONSTRUCTORS = {
    "list": lambda lib: lib.Tensor([1, 2]),
    "nested": lambda lib: lib.Tensor([[1.5, 2], [3, 4]]),
    "tuple data": lambda lib: lib.Tensor((2, 3)),
    "numpy": lambda lib: lib.Tensor(np.arange(3)),
    "empty": lambda lib: lib.Tensor(),
    "long list": lambda lib: lib.LongTensor([1.7, 2]),
    "float": lambda lib: lib.FloatTensor([1, 2]),
    "double": lambda lib: lib.DoubleTensor([1, 2]),
    "int": lambda lib: lib.IntTensor([1, 2]),
    "bool": lambda lib: lib.BoolTensor([1, 0]),
    "byte": lambda lib: lib.ByteTensor([1, 0]),
    "half": lambda lib: lib.HalfTensor([1, 0]),
}


@pytest.mark.parametrize("make", CONSTRUCTORS.values(), ids=CONSTRUCTORS.keys())
def test_legacy_constructors_match_pytorch(make):
    same(make(minitorch), make(torch))


def test_legacy_sizes_and_aliasing():
    assert minitorch.Tensor(2, 3).shape == (2, 3) and minitorch.Tensor(minitorch.Size([2, 3])).shape == (2, 3)
    assert minitorch.LongTensor(4).dtype is minitorch.int64 and minitorch.LongTensor(4).shape == (4,)
    a = minitorch.tensor([1.0, 2.0])
    b = minitorch.Tensor(a)
    assert b is not a and b.data_ptr() == a.data_ptr()


@pytest.mark.parametrize("call, error, pattern", [
    (lambda lib: lib.Tensor(2.5), TypeError, r"data must be a sequence \(got float\)"),
    (lambda lib: lib.Tensor(-1), RuntimeError, "negative dimension -1"),
    (lambda lib: lib.Tensor(2, 3.0), TypeError, "must be a tuple of ints"),
    (lambda lib: lib.Tensor([[1, 2], [3]]), ValueError, "."),
    (lambda lib: lib.FloatTensor(lib.tensor([1, 2])), TypeError, "expected"),
])
def test_legacy_constructor_errors(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call(minitorch)
    with pytest.raises(error):
        call(torch)


def test_isinstance_of_legacy_types():
    assert isinstance(minitorch.ones(1), minitorch.FloatTensor) and not isinstance(minitorch.ones(1), minitorch.LongTensor)
    assert isinstance(minitorch.tensor([1]), minitorch.LongTensor)
    assert repr(minitorch.FloatTensor) == repr(torch.FloatTensor) == "<class 'torch.FloatTensor'>"


# ----- x.type() -----
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"])
def test_type_names_match_pytorch(dtype):
    assert minitorch.zeros(2, dtype=getattr(minitorch, dtype)).type() == torch.zeros(2, dtype=getattr(torch, dtype)).type()


@pytest.mark.parametrize("target", [
    lambda lib: lib.LongTensor, lambda lib: "torch.DoubleTensor", lambda lib: lib.float64, lambda lib: lib.int32,
    lambda lib: lib.FloatTensor, lambda lib: "torch.BoolTensor",
], ids=["LongTensor", "string", "float64", "int32", "FloatTensor", "bool string"])
def test_type_converts_like_pytorch(target):
    same(minitorch.tensor([1.5, 0.0, -2.0]).type(target(minitorch)), torch.tensor([1.5, 0.0, -2.0]).type(target(torch)))


def test_type_returns_self_when_nothing_changes_and_keeps_the_graph():
    x = minitorch.ones(2, requires_grad=True)
    assert x.type(minitorch.float32) is x
    y = x.type(minitorch.float64)
    y.sum().backward()
    assert y.dtype is minitorch.float64 and x.grad.tolist() == [1.0, 1.0]


def test_type_errors():
    with pytest.raises(ValueError, match="invalid type: 'float'"):
        minitorch.ones(2).type("float")
    with pytest.raises(TypeError, match="dtype must be a type, str, or dtype object"):
        minitorch.ones(2).type(5)


# ----- Variable, new, resize_, strides -----
def test_variable_is_a_detached_tensor():
    x = minitorch.ones(2)
    v = minitorch.autograd.Variable(x, requires_grad=True)
    assert v.requires_grad and not x.requires_grad and v.data_ptr() == x.data_ptr()
    assert isinstance(x, minitorch.autograd.Variable) and minitorch.Variable is minitorch.autograd.Variable
    y = minitorch.ones(2, requires_grad=True) * 2
    assert minitorch.autograd.Variable(y).grad_fn is None
    with pytest.raises(TypeError, match="Variable data has to be a tensor, but got list"):
        minitorch.autograd.Variable([1.0])


def test_new_keeps_dtype_and_device():
    for args in [([1, 2],), ()]:
        same(minitorch.tensor([1]).new(*args), torch.tensor([1]).new(*args))
    made = minitorch.tensor([1]).new(2, 3)  # uninitialised in PyTorch, zeros here
    assert made.shape == (2, 3) and made.dtype is minitorch.int64


def test_resize_keeps_leading_elements():
    ours, theirs = minitorch.arange(6).reshape(2, 3), torch.arange(6).reshape(2, 3)
    assert ours.resize_(3, 2) is ours
    same(ours, theirs.resize_(3, 2))
    same(ours.resize_(4), theirs.resize_(4))
    assert ours.resize_(8).shape == (8,) and ours[:4].tolist() == [0, 1, 2, 3]
    with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
        minitorch.ones(2, requires_grad=True).resize_(3)


def test_strides_offsets_and_data_ptr_match_pytorch():
    ours, theirs = minitorch.arange(12).reshape(3, 4), torch.arange(12).reshape(3, 4)
    assert ours.stride() == theirs.stride() and ours.t().stride() == theirs.t().stride()
    assert ours.stride(-1) == theirs.stride(-1)
    assert ours[1:, 2:].storage_offset() == theirs[1:, 2:].storage_offset()
    assert ours[1].data_ptr() - ours.data_ptr() == 4 * 8


def test_data_assignment_swaps_the_memory():
    x = minitorch.ones(2, requires_grad=True)
    x.data = minitorch.zeros(2)
    assert x.tolist() == [0.0, 0.0] and x.requires_grad


def test_no_array_wrapping_calls_of_the_public_constructor_in_the_package():
    """minitorch wraps arrays with Tensor._wrap; Tensor(...) is the legacy, copying constructor."""
    import ast
    from pathlib import Path

    package = Path(minitorch.__file__).parent
    found = []
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Tensor":
                found.append(f"{path.relative_to(package)}:{node.lineno}")
    assert not found, f"use Tensor._wrap(array) inside minitorch: {found}"


# ----- NumPy-style size=, out=, torch.functional, torch.cuda's legacy types -----
@pytest.mark.parametrize("name", ["zeros", "ones", "empty", "rand", "randn"])
def test_size_keyword(name):
    assert getattr(minitorch, name)(size=(2, 3)).shape == getattr(torch, name)(size=(2, 3)).shape
    assert getattr(minitorch, name)(size=[4]).shape == (4,)
    with pytest.raises(TypeError, match="either positionally or as size="):
        getattr(minitorch, name)(2, size=(2,))


@pytest.mark.parametrize("call", [
    lambda lib, out: lib.matmul(lib.ones(2, 3), lib.ones(3, 2), out=out),
    lambda lib, out: lib.add(lib.ones(2, 2), 1.5, out=out),
    lambda lib, out: lib.mul(lib.ones(2, 2), lib.full((2, 2), 3.0), out=out),
    lambda lib, out: lib.exp(lib.zeros(2, 2), out=out),
    lambda lib, out: lib.cat([lib.ones(1, 2), lib.zeros(1, 2)], out=out),
    lambda lib, out: lib.sum(lib.ones(2, 2, 3), 2, out=out),
], ids=["matmul", "add", "mul", "exp", "cat", "sum"])
def test_out_writes_into_the_given_tensor(call):
    ours, theirs = minitorch.zeros(2, 2), torch.zeros(2, 2)
    assert call(minitorch, ours) is ours and call(torch, theirs) is theirs
    same(ours, theirs)


def test_out_resizes_keeps_dtype_and_refuses_autograd():
    out = minitorch.zeros(1, dtype=minitorch.float64)
    minitorch.matmul(minitorch.ones(2, 3), minitorch.ones(3, 4), out=out)
    assert out.shape == (2, 4) and out.dtype is minitorch.float64 and out.tolist()[0] == [3.0] * 4
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type torch.int64"):
        minitorch.add(minitorch.ones(2), 0.5, out=minitorch.zeros(2, dtype=minitorch.int64))
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        minitorch.mul(minitorch.ones(2, requires_grad=True), 2, out=minitorch.zeros(2))
    with pytest.raises(RuntimeError):
        torch.mul(torch.ones(2, requires_grad=True), 2, out=torch.zeros(2))
    with minitorch.no_grad():
        minitorch.mul(minitorch.ones(2, requires_grad=True), 2, out=minitorch.zeros(2))


def test_legacy_functional_module():
    x, t = minitorch.arange(6.0).reshape(2, 3), torch.arange(6.0).reshape(2, 3)
    for args in [(), ("fro",), (1, 1), ("nuc",), (3, (0, 1), True)]:
        np.testing.assert_allclose(minitorch.functional.norm(x, *args).numpy(), torch.functional.norm(t, *args).numpy(),
                                   rtol=1e-6)
    assert minitorch.functional.einsum is minitorch.ops.einsum.einsum
    assert [p.shape for p in minitorch.functional.split(x, 1)] == [(1, 3), (1, 3)]


def test_cuda_legacy_types_exist_and_answer_isinstance():
    assert repr(minitorch.cuda.FloatTensor) == "<class 'torch.cuda.FloatTensor'>"
    assert not isinstance(minitorch.ones(1), minitorch.cuda.FloatTensor)
    if not minitorch.cuda.is_available():
        with pytest.raises(RuntimeError, match="(CuPy|NVIDIA GPU)"):
            minitorch.ones(2).type("torch.cuda.FloatTensor")


# ----- torch.pi & co, x.byte(), torch.svd, torch.true_divide, torch.dist -----
def test_math_constants_are_pytorchs_python_floats():
    for name in ("pi", "e", "inf"):
        assert getattr(minitorch, name) == getattr(torch, name) and type(getattr(minitorch, name)) is float
    assert np.isnan(minitorch.nan) and type(minitorch.nan) is float


@pytest.mark.parametrize("method", ["byte", "char", "short"])
def test_byte_char_short_convert_like_pytorch(method):
    values = np.array([[-3.7, 0.2, 2.9], [130.0, 7.5, -1.0]])
    same(getattr(minitorch.tensor(values), method)(), getattr(torch.tensor(values), method)())


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 4, 3)])
@pytest.mark.parametrize("some", [True, False])
def test_legacy_svd_gives_v_not_vh_and_pytorchs_shapes(shape, some):
    a = np.random.default_rng(0).standard_normal(shape)
    U, S, V = minitorch.svd(minitorch.tensor(a), some=some)
    their_U, their_S, their_V = torch.svd(torch.tensor(a), some=some)
    assert (U.shape, S.shape, V.shape) == (their_U.shape, their_S.shape, their_V.shape)
    np.testing.assert_allclose(S.numpy(), their_S.numpy(), rtol=1e-12)
    k = S.shape[-1]
    rebuilt = (U.numpy()[..., :k] * S.numpy()[..., None, :]) @ np.swapaxes(V.numpy()[..., :k], -1, -2)
    np.testing.assert_allclose(rebuilt, a, atol=1e-12)  # input = U · diag(S) · Vᵀ


def test_legacy_svd_without_uv_gives_zero_u_and_v_and_a_differentiable_s():
    a = np.random.default_rng(1).standard_normal((4, 3))
    x, their_x = minitorch.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    U, S, V = minitorch.svd(x, compute_uv=False)
    their_U, their_S, their_V = torch.svd(their_x, compute_uv=False)
    same(U, their_U)
    same(V, their_V)
    S.sum().backward()
    their_S.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), their_x.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_true_divide_is_division_without_rounding():
    same(minitorch.true_divide(minitorch.tensor([1, 2, 7]), 2), torch.true_divide(torch.tensor([1, 2, 7]), 2))
    same(minitorch.tensor([3, 4]).true_divide(minitorch.tensor([2, 8])), torch.tensor([3, 4]).true_divide(torch.tensor([2, 8])))


def test_dist_with_p_0_counts_the_elements_that_differ():
    a, b = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 5.0])
    same(minitorch.dist(minitorch.tensor(a), minitorch.tensor(b), 0), torch.dist(torch.tensor(a), torch.tensor(b), 0))


@pytest.mark.parametrize("p", [2, 1, 3.5, float("inf")])
def test_dist_is_the_p_norm_of_the_difference_with_its_gradient(p):
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal(4)
    results = []
    for lib in (minitorch, torch):
        x, y = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
        d = lib.dist(x, y, p) if p != 2 else x.dist(y)
        d.backward()
        results.append([d.detach().numpy(), x.grad.numpy(), y.grad.numpy()])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
