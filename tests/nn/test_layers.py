"""Layers against PyTorch's on copied weights (float64: outputs and every gradient, through the
parity harness of ``tests/parity.py``): the modules pass every argument on to the functions the
op table checks, keep PyTorch's repr and running statistics. Their errors are in ``tests/errors``."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch
import minitorch.nn as nn
from minitorch.testing import assert_close
from tests.parity import assert_grads_close, check_parity, copy_weights

torch = pytest.importorskip("torch")

SEEDS = st.integers(0, 2**32 - 1)


def run_both(make, input_array: np.ndarray, rng: np.random.Generator, device: str = "cpu") -> tuple:
    """Build ``make(nn)`` in both libraries in float64 with torch's weights, ours on ``device``; compare
    outputs and every gradient (``tests/parity.py``). Returns (our module, torch module)."""
    theirs = make(torch.nn).double()
    ours = make(nn).double()
    copy_weights(theirs, ours)
    ours.to(device)
    check_parity(lambda lib, x: (ours if lib is minitorch else theirs)(x), [input_array], [True], rng, device)
    assert_parameter_grads_close(ours, theirs)
    return ours, theirs


def assert_parameter_grads_close(ours: nn.Module, theirs: "torch.nn.Module") -> None:
    assert_grads_close(zip(ours.parameters(), theirs.parameters()))


# ----- Linear -----
@settings(max_examples=25)
@given(st.lists(st.integers(1, 3), max_size=2), st.integers(1, 5), st.integers(1, 5), st.booleans(), SEEDS)
def test_linear_matches_torch(batch: list, in_features: int, out_features: int, bias: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    run_both(lambda nn_: nn_.Linear(in_features, out_features, bias=bias), rng.standard_normal((*batch, in_features)),
             rng)


def test_linear_can_be_built_in_another_dtype() -> None:
    layer = nn.Linear(3, 2, dtype=minitorch.float64)
    assert layer.weight.dtype == layer.bias.dtype == minitorch.float64
    assert nn.Linear(3, 2, bias=False).bias is None


# ----- Conv2d and pooling: the wrappers pass every argument through -----
CONVOLUTIONS = [
    dict(),
    dict(stride=2, padding=1),
    dict(stride=(1, 2), padding=(2, 0), dilation=(2, 1)),
    dict(padding="same", dilation=2),
    dict(padding="valid", groups=2, bias=False),
    dict(kernel_size=(2, 3), groups=4, padding="same"),
]


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")  # torch's, about its speed
@pytest.mark.parametrize("options", CONVOLUTIONS, ids=str)
def test_conv2d_matches_torch(options: dict, rng: np.random.Generator, backend: str) -> None:
    options = {"kernel_size": 3, **options}
    run_both(lambda nn_: nn_.Conv2d(4, 8, **options), rng.standard_normal((2, 4, 7, 6)), rng, backend)


POOLS = [
    ("MaxPool2d", dict(kernel_size=2)),
    ("MaxPool2d", dict(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)),
    ("MaxPool2d", dict(kernel_size=(2, 3), stride=1, dilation=2)),
    ("AvgPool2d", dict(kernel_size=2)),
    ("AvgPool2d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    ("AvgPool2d", dict(kernel_size=(3, 2), stride=1, divisor_override=5)),
]


@pytest.mark.parametrize("name, options", POOLS, ids=str)
def test_pooling_layers_match_torch(name: str, options: dict, rng: np.random.Generator, backend: str) -> None:
    run_both(lambda nn_: getattr(nn_, name)(**options), rng.standard_normal((2, 3, 7, 8)), rng, backend)
    assert repr(getattr(nn, name)(**options)) == repr(getattr(torch.nn, name)(**options))


def test_max_pool_can_return_indices(rng: np.random.Generator) -> None:
    x = rng.standard_normal((1, 2, 4, 4))
    values, indices = nn.MaxPool2d(2, return_indices=True)(minitorch.tensor(x))
    their_values, their_indices = torch.nn.MaxPool2d(2, return_indices=True)(torch.tensor(x))
    assert_close(values, their_values)
    assert_close(indices, their_indices)


# ----- BatchNorm -----
BATCH_NORMS = [
    ("BatchNorm1d", (6, 3), dict()),
    ("BatchNorm1d", (4, 3, 5), dict(momentum=None)),
    ("BatchNorm2d", (3, 2, 4, 4), dict(eps=1e-3, momentum=0.5)),
    ("BatchNorm2d", (2, 2, 3, 3), dict(affine=False)),
    ("BatchNorm2d", (2, 2, 3, 3), dict(track_running_stats=False)),
    ("BatchNorm2d", (2, 2, 3, 3), dict(bias=False)),
]


@pytest.mark.parametrize("name, shape, options", BATCH_NORMS, ids=str)
def test_batch_norm_trains_and_evaluates_like_torch(name: str, shape: tuple, options: dict,
                                                   rng: np.random.Generator, backend: str) -> None:
    make = lambda nn_: getattr(nn_, name)(shape[1], **options)  # noqa: E731
    theirs, ours = make(torch.nn).double(), make(nn).double()
    with torch.no_grad():
        for parameter in theirs.parameters():
            parameter.uniform_(0.5, 1.5)
    copy_weights(theirs, ours)
    ours.to(backend)
    for _ in range(3):
        for parameter in (*ours.parameters(), *theirs.parameters()):
            parameter.grad = None
        check_parity(lambda lib, x: (ours if lib is minitorch else theirs)(x), [rng.standard_normal(shape) * 3 + 1],
                     [True], rng, backend)
        assert_parameter_grads_close(ours, theirs)
        for (key, value), their_value in zip(ours.state_dict().items(), theirs.state_dict().values()):
            assert_close(value, their_value, msg=key)
    ours.eval(), theirs.eval()
    x = rng.standard_normal(shape)
    assert_close(ours(minitorch.tensor(x, device=backend)), theirs(torch.tensor(x)))


def test_batch_norm_of_a_conv_output_trains_like_torch(rng: np.random.Generator) -> None:
    """A conv output is stored batch-innermost: batch norm then works on (C, M) rows of its memory
    (statistics, forward and backward), which the plain-array cases above never reach."""
    x, weight = rng.standard_normal((5, 2, 6, 7)), rng.standard_normal((3, 2, 3, 3))
    upstream = rng.standard_normal((5, 3, 6, 7))
    results = []
    for lib in (minitorch, torch):
        layer = (nn if lib is minitorch else torch.nn).BatchNorm2d(3, momentum=0.3).double()
        with lib.no_grad():
            layer.weight.copy_(lib.tensor([0.5, 1.5, -2.0])), layer.bias.copy_(lib.tensor([0.1, 0.0, -0.3]))
        tx, tw = lib.tensor(x, requires_grad=True), lib.tensor(weight, requires_grad=True)
        y = layer(lib.nn.functional.conv2d(tx, tw, padding=1))
        y.backward(lib.tensor(upstream))
        results.append([t.detach().numpy() for t in (y, tx.grad, tw.grad, layer.weight.grad, layer.bias.grad,
                                                     layer.running_mean, layer.running_var)])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_batch_norm_defaults_and_reset() -> None:
    layer = nn.BatchNorm2d(3)
    assert layer.weight.tolist() == [1.0] * 3 and layer.bias.tolist() == [0.0] * 3
    assert layer.running_mean.dtype == minitorch.float32 and layer.num_batches_tracked.item() == 0
    layer(minitorch.randn(2, 3, 2, 2))
    assert layer.num_batches_tracked.item() == 1
    layer.reset_parameters()
    assert layer.running_var.tolist() == [1.0] * 3 and layer.num_batches_tracked.item() == 0


# ----- activations, dropout, flatten, identity -----
ACTIVATIONS = [("ReLU", dict()), ("Sigmoid", dict()), ("Tanh", dict()), ("Softmax", dict(dim=1)),
               ("Softmax", dict(dim=-1)), ("LogSoftmax", dict(dim=0))]


@pytest.mark.parametrize("name, options", ACTIVATIONS, ids=str)
def test_activation_layers_match_torch(name: str, options: dict, rng: np.random.Generator) -> None:
    run_both(lambda nn_: getattr(nn_, name)(**options), rng.standard_normal((3, 4)), rng)
    assert repr(getattr(nn, name)(**options)) == repr(getattr(torch.nn, name)(**options))


def test_inplace_relu_writes_into_its_input() -> None:
    x = minitorch.tensor([-1.0, 1.0])
    assert nn.ReLU(inplace=True)(x) is x and x.tolist() == [0.0, 1.0]
    assert repr(nn.ReLU(inplace=True)) == repr(torch.nn.ReLU(inplace=True)) == "ReLU(inplace=True)"


def test_dropout_drops_in_training_only() -> None:
    layer, x = nn.Dropout(0.5), minitorch.ones(1000)
    assert 300 < (layer(x).numpy() == 0).sum() < 700
    assert layer.eval()(x) is x
    assert repr(layer) == repr(torch.nn.Dropout(0.5))


@pytest.mark.parametrize("start, end", [(1, -1), (0, -1), (1, 2), (-2, -1)])
def test_flatten_matches_torch(start: int, end: int) -> None:
    ours = nn.Flatten(start, end)(minitorch.zeros(2, 3, 4, 5))
    assert ours.shape == tuple(torch.nn.Flatten(start, end)(torch.zeros(2, 3, 4, 5)).shape)


def test_identity_returns_its_input() -> None:
    x = minitorch.zeros(2)
    assert nn.Identity()(x) is x
