"""nn surface A, layers without convolution: activations, normalisation and embedding modules against
PyTorch's (copied weights, float64, random upstream gradients, hypothesis-drawn sizes), their
``repr``, ``state_dict`` keys, default initialisation and argument errors."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

import minitorch  # noqa: E402
import minitorch.nn as nn  # noqa: E402
from minitorch.testing import assert_close  # noqa: E402
from tests.parity import assert_grads_close, backward_both, copy_weights, leaves  # noqa: E402

SEEDS = st.integers(0, 2**32 - 1)


def run_both(make, input_array, rng, train=True):
    """``make(nn)`` in both libraries in float64 with torch's weights; forward and backward compared."""
    theirs = make(torch.nn).double().train(train)
    ours = make(nn).double().train(train)
    copy_weights(theirs, ours)
    x = leaves(input_array)
    our_out, their_out = ours(x[0]), theirs(x[1])
    assert_close(our_out, their_out)
    backward_both(our_out, their_out, rng)
    assert_grads_close([x])
    assert_grads_close(list(zip(ours.parameters(), theirs.parameters())))
    for (name, mine), (_, reference) in zip(ours.named_buffers(), theirs.named_buffers()):
        assert_close(mine, reference, check_dtype=False, msg=name)
    return ours, theirs


# ----- repr and state_dict keys -----
CONSTRUCTORS = [
    "LeakyReLU()", "LeakyReLU(0.2, inplace=True)", "PReLU()", "PReLU(3, init=0.1)", "RReLU()",
    "RReLU(0.1, 0.3, inplace=True)", "ELU()", "ELU(alpha=0.5, inplace=True)", "CELU(2.0)", "SELU()",
    "SELU(inplace=True)", "GELU()", "GELU(approximate='tanh')", "SiLU()", "SiLU(inplace=True)", "Mish()",
    "Softplus()", "Softplus(beta=2, threshold=10)", "Softsign()", "Softmin(dim=1)", "Softmin()", "Softmax2d()",
    "Hardtanh()", "Hardtanh(-2.0, 2.0, inplace=True)", "ReLU6()", "ReLU6(inplace=True)", "Hardsigmoid()",
    "Hardswish(inplace=True)", "Hardshrink()", "Softshrink(0.3)", "Tanhshrink()", "LogSigmoid()",
    "Threshold(0.1, 20.0)", "Threshold(0.1, 20, inplace=True)", "GLU()", "GLU(dim=1)",
    "Embedding(10, 3)", "Embedding(10, 3, padding_idx=-2, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True)",
    "EmbeddingBag(10, 3)", "EmbeddingBag(10, 3, mode='sum', padding_idx=0)",
    "LayerNorm(4)", "LayerNorm([3, 4], eps=1e-3, elementwise_affine=False)", "LayerNorm(4, bias=False)",
    "GroupNorm(2, 4)", "GroupNorm(1, 3, affine=False)", "InstanceNorm1d(3)",
    "InstanceNorm2d(3, affine=True, track_running_stats=True)", "LocalResponseNorm(2)",
    "LocalResponseNorm(3, alpha=0.1, beta=0.5, k=2.0)",
]


@pytest.mark.parametrize("text", CONSTRUCTORS)
def test_repr_and_state_dict_keys_match_torch(text: str) -> None:
    ours, theirs = eval("nn." + text), eval("torch.nn." + text)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [tuple(v.shape) for v in ours.state_dict().values()] == [tuple(v.shape) for v in theirs.state_dict().values()]


# ----- activations as modules (the functions are in the op table) -----
ACTIVATIONS = ["LeakyReLU(0.2)", "ELU(0.5)", "CELU(2.0)", "SELU()", "GELU()", "GELU(approximate='tanh')", "SiLU()",
               "Mish()", "Softplus(beta=2.0, threshold=3.0)", "Softsign()", "Softmin(dim=1)", "Hardtanh(-0.5, 0.5)",
               "ReLU6()", "Hardsigmoid()", "Hardswish()", "Hardshrink(0.3)", "Softshrink(0.3)", "Tanhshrink()",
               "LogSigmoid()", "Threshold(0.2, -1.0)", "GLU(dim=1)", "RReLU(0.1, 0.4)", "Softmax2d()",
               "PReLU()", "PReLU(4, init=0.3)"]


@pytest.mark.parametrize("text", ACTIVATIONS)
@settings(max_examples=8)
@given(batch=st.integers(1, 3), side=st.integers(1, 3), seed=SEEDS)
def test_activation_modules_match_torch(text: str, batch: int, side: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, 4, side, 2)) * 3
    run_both(lambda lib: eval("lib." + text, {"lib": lib}), x, rng, train=False)


@pytest.mark.parametrize("text", ["LeakyReLU(0.2, inplace=True)", "ELU(inplace=True)", "SELU(inplace=True)",
                                  "Hardtanh(inplace=True)", "ReLU6(inplace=True)", "SiLU(inplace=True)",
                                  "Mish(inplace=True)", "Hardsigmoid(inplace=True)", "Hardswish(inplace=True)",
                                  "Threshold(0.1, 2.0, inplace=True)", "CELU(inplace=True)"])
def test_inplace_activations_overwrite_their_input_and_keep_the_gradient(text: str, rng) -> None:
    array = rng.standard_normal((3, 4)) * 3
    ours, theirs = leaves(array)
    hidden_ours, hidden_theirs = ours * 1, theirs * 1
    out_ours = eval("nn." + text)(hidden_ours)
    out_theirs = eval("torch.nn." + text)(hidden_theirs)
    assert out_ours is hidden_ours
    assert_close(hidden_ours, hidden_theirs.detach())
    backward_both(out_ours, out_theirs, rng)
    assert_grads_close([(ours, theirs)])


def test_rrelu_in_training_draws_slopes_between_its_bounds(rng) -> None:
    layer = nn.RReLU(0.1, 0.3)
    x = minitorch.tensor(-np.ones(20000), requires_grad=True)
    slopes = -layer(x).detach().numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3
    assert abs(slopes.mean() - 0.2) < 0.003 and abs(slopes.var() - 0.2**2 / 12) < 3e-4  # U(0.1, 0.3)
    layer(x).sum().backward()
    assert np.all((x.grad.numpy() >= 0.1) & (x.grad.numpy() <= 0.3))
    positive = minitorch.tensor(np.ones(5))
    assert np.array_equal(layer(positive).numpy(), np.ones(5))
    layer.eval()
    assert_close(layer(minitorch.tensor([-1.0])), minitorch.tensor([-0.2]))


def test_activations_keep_float32(rng) -> None:
    x = minitorch.tensor(rng.standard_normal((2, 4)).astype(np.float32))
    for text in ACTIVATIONS + ["Embedding(3, 2)"]:
        if text.startswith(("PReLU", "Embedding", "Softmax2d")):
            continue
        assert eval("nn." + text)(x).dtype == minitorch.float32, text


# ----- normalisation -----
@settings(max_examples=15)
@given(batch=st.integers(1, 3), shape=st.lists(st.integers(2, 4), min_size=1, max_size=3), affine=st.booleans(),
       bias=st.booleans(), seed=SEEDS)
def test_layer_norm_matches_torch(batch, shape, affine, bias, seed) -> None:
    rng = np.random.default_rng(seed)
    normalized = shape[-2:] if len(shape) > 1 else shape
    make = lambda lib: lib.LayerNorm(normalized, eps=1e-4, elementwise_affine=affine, bias=bias)  # noqa: E731
    theirs = make(torch.nn)
    if affine:  # not the default ones and zeros, so the affine part is exercised
        with torch.no_grad():
            for parameter in theirs.parameters():
                parameter.normal_()
    ours = make(nn).double()
    theirs = theirs.double()
    copy_weights(theirs, ours)
    x = leaves(rng.standard_normal((batch, *shape)))
    our_out, their_out = ours(x[0]), theirs(x[1])
    assert_close(our_out, their_out)
    backward_both(our_out, their_out, rng)
    assert_grads_close([x] + list(zip(ours.parameters(), theirs.parameters())))


@settings(max_examples=15)
@given(batch=st.integers(1, 3), groups=st.sampled_from([1, 2, 4]), side=st.integers(1, 3), seed=SEEDS)
def test_group_norm_matches_torch(batch, groups, side, seed) -> None:
    rng = np.random.default_rng(seed)
    run_both(lambda lib: lib.GroupNorm(groups, 4), rng.standard_normal((batch, 4, side, 2)), rng)


@pytest.mark.parametrize("name,shape", [("InstanceNorm1d", (2, 3, 5)), ("InstanceNorm1d", (3, 5)),
                                        ("InstanceNorm2d", (2, 3, 4, 3)), ("InstanceNorm2d", (3, 2, 2))])
@pytest.mark.parametrize("options", [dict(), dict(affine=True), dict(track_running_stats=True),
                                     dict(affine=True, track_running_stats=True, momentum=None)], ids=str)
def test_instance_norm_matches_torch_in_training_and_evaluation(name, shape, options, rng) -> None:
    make = lambda lib: getattr(lib, name)(3, **options)  # noqa: E731
    ours, theirs = run_both(make, rng.standard_normal(shape), rng, train=True)
    run_both(make, rng.standard_normal(shape), rng, train=True)
    ours.eval(), theirs.eval()
    x = rng.standard_normal(shape)
    assert_close(ours(minitorch.tensor(x)), theirs(torch.tensor(x)))


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_local_response_norm_matches_torch(size, rng) -> None:
    run_both(lambda lib: lib.LocalResponseNorm(size, alpha=0.3, beta=0.6, k=1.5), rng.standard_normal((2, 4, 3, 2)),
             rng)
    run_both(lambda lib: lib.LocalResponseNorm(size), rng.standard_normal((2, 4, 3)), rng)


def test_normalisation_layers_start_as_torch() -> None:
    for layer in (nn.LayerNorm(3), nn.GroupNorm(1, 3), nn.InstanceNorm2d(3, affine=True)):
        assert np.array_equal(layer.weight.detach().numpy(), np.ones(3)) and np.array_equal(layer.bias.detach().numpy(), np.zeros(3))
        assert layer.weight.dtype == minitorch.float32
    assert nn.LayerNorm(3, elementwise_affine=False).weight is None
    prelu = nn.PReLU(5)
    assert np.array_equal(prelu.weight.detach().numpy(), np.full(5, 0.25, dtype=np.float32))


# ----- embedding -----
@settings(max_examples=20)
@given(rows=st.integers(1, 6), dim=st.integers(1, 4), ids_shape=st.lists(st.integers(0, 4), max_size=2),
       padding=st.booleans(), seed=SEEDS)
def test_embedding_matches_torch(rows, dim, ids_shape, padding, seed) -> None:
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, rows, size=ids_shape)
    padding_idx = int(rng.integers(-rows, rows)) if padding else None
    make = lambda lib: lib.Embedding(rows, dim, padding_idx=padding_idx)  # noqa: E731
    theirs, ours = make(torch.nn).double(), make(nn).double()
    copy_weights(theirs, ours)
    our_out, their_out = ours(minitorch.tensor(ids)), theirs(torch.tensor(ids))
    assert_close(our_out, their_out)
    backward_both(our_out, their_out, rng)
    assert_grads_close([(ours.weight, theirs.weight)])


def test_embedding_max_norm_rescales_the_rows_it_reads_as_torch(rng) -> None:
    for norm_type in (2.0, 1.0):
        make = lambda lib: lib.Embedding(6, 3, max_norm=1.0, norm_type=norm_type)  # noqa: E731
        theirs, ours = make(torch.nn).double(), make(nn).double()
        copy_weights(theirs, ours)
        ids = np.array([[0, 2], [2, 5]])
        our_out, their_out = ours(minitorch.tensor(ids)), theirs(torch.tensor(ids))
        assert_close(our_out, their_out)
        assert_close(ours.weight.detach(), theirs.weight.detach())
        backward_both(our_out, their_out, rng)
        assert_grads_close([(ours.weight, theirs.weight)])


def test_embedding_starts_standard_normal_with_a_zero_padding_row() -> None:
    weight = nn.Embedding(4000, 50, padding_idx=3).weight.detach().numpy()
    assert weight.dtype == np.float32
    assert np.array_equal(weight[3], np.zeros(50))
    values = np.delete(weight, 3, axis=0)
    assert abs(values.mean()) < 0.01 and abs(values.std() - 1) < 0.01


def test_embedding_from_pretrained_shares_and_freezes() -> None:
    table = minitorch.tensor([[1.0, 2.0], [3.0, 4.0]])
    frozen = nn.Embedding.from_pretrained(table)
    assert not frozen.weight.requires_grad
    assert np.array_equal(frozen(minitorch.tensor([1])).numpy(), [[3.0, 4.0]])
    assert nn.Embedding.from_pretrained(table, freeze=False, padding_idx=0).weight.requires_grad
    assert repr(nn.Embedding.from_pretrained(table)) == repr(torch.nn.Embedding.from_pretrained(torch.ones(2, 2)))


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_matches_torch(mode, rng) -> None:
    make = lambda lib: lib.EmbeddingBag(5, 3, mode=mode, padding_idx=2)  # noqa: E731
    theirs, ours = make(torch.nn).double(), make(nn).double()
    copy_weights(theirs, ours)
    ids, offsets = np.array([0, 2, 4, 4, 1, 2, 3]), np.array([0, 3, 3, 5])
    our_out = ours(minitorch.tensor(ids), minitorch.tensor(offsets))
    their_out = theirs(torch.tensor(ids), torch.tensor(offsets))
    assert_close(our_out, their_out)
    backward_both(our_out, their_out, rng)
    assert_grads_close([(ours.weight, theirs.weight)])
    assert_close(ours(minitorch.tensor([[0, 1], [2, 2]])), theirs(torch.tensor([[0, 1], [2, 2]])))


# ----- errors: PyTorch's exception types, messages naming the sizes -----
ERRORS = [
    (lambda lib: lib.nn.functional.embedding(lib.tensor([0.5]), lib.ones(3, 2)), RuntimeError, "Long"),
    (lambda lib: lib.nn.functional.embedding(lib.tensor([3]), lib.ones(3, 2)), IndexError, "out of range"),
    (lambda lib: lib.nn.Embedding(3, 2, padding_idx=3), AssertionError, "Padding_idx"),
    (lambda lib: lib.nn.functional.one_hot(lib.tensor([-1])), RuntimeError, "non-negative"),
    (lambda lib: lib.nn.functional.one_hot(lib.tensor([3]), 3), RuntimeError, "smaller than num_classes"),
    (lambda lib: lib.nn.functional.one_hot(lib.tensor([1.0])), RuntimeError, "LongTensor"),
    (lambda lib: lib.nn.LayerNorm(4)(lib.ones(2, 3)), RuntimeError, r"\[\*, 4\]"),
    (lambda lib: lib.nn.GroupNorm(3, 4), ValueError, "divisible"),
    (lambda lib: lib.nn.functional.group_norm(lib.ones(2, 4, 3), 3), RuntimeError, "divisible by num_groups"),
    (lambda lib: lib.nn.InstanceNorm2d(3)(lib.ones(2, 3)), ValueError, "expected 3D or 4D input"),
    (lambda lib: lib.nn.InstanceNorm1d(3, affine=True)(lib.ones(2, 4, 5)), ValueError, "num_features"),
    (lambda lib: lib.nn.functional.glu(lib.ones(2, 3)), RuntimeError, "dimension 1 is size 3"),
    (lambda lib: lib.nn.functional.prelu(lib.ones(2, 3), lib.ones(2)), RuntimeError, "channel size = 3"),
    (lambda lib: lib.nn.functional.gelu(lib.ones(2), approximate="erf"), RuntimeError, "approximate"),
    (lambda lib: lib.nn.Hardtanh(1.0, -1.0), AssertionError, "max_val"),
    (lambda lib: lib.nn.functional.softshrink(lib.ones(2), -1.0), RuntimeError, "lambda"),
    (lambda lib: lib.nn.functional.embedding_bag(lib.tensor([0, 1]), lib.ones(3, 2)), ValueError, "offsets"),
    (lambda lib: lib.nn.functional.rrelu(lib.ones(2), 0.5, 0.1), RuntimeError, "Lower bound"),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_as_torch(index) -> None:
    call, error, text = ERRORS[index]
    with pytest.raises(error):
        call(torch)
    with pytest.raises(error, match=text):
        call(minitorch)
