"""Layers against PyTorch's on copied weights (float64: outputs and every gradient), their
default initialisation (distributions, float32), ``nn.init``, and their argument errors."""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch
import minitorch.nn as nn
from minitorch.testing import assert_close
from nn_parity import assert_grads_close, backward_both, copy_weights, leaves

SEEDS = st.integers(0, 2**32 - 1)


def run_both(make, input_array: np.ndarray, rng: np.random.Generator) -> tuple:
    """Build ``make(nn)`` in both libraries in float64 with torch's weights; run forward and backward.

    Returns (our module, torch module, (our input, torch input)), gradients filled in.
    """
    theirs = make(torch.nn).double()
    ours = make(nn).double()
    copy_weights(theirs, ours)
    x = leaves(input_array)
    our_out, their_out = ours(x[0]), theirs(x[1])
    assert_close(our_out, their_out)
    backward_both(our_out, their_out, rng)
    return ours, theirs, x


def assert_parameter_grads_close(ours: nn.Module, theirs: torch.nn.Module) -> None:
    assert_grads_close(list(zip(ours.parameters(), theirs.parameters())))


# ----- Linear -----
@settings(max_examples=25)
@given(st.lists(st.integers(1, 3), max_size=2), st.integers(1, 5), st.integers(1, 5), st.booleans(), SEEDS)
def test_linear_matches_torch(batch: list, in_features: int, out_features: int, bias: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    ours, theirs, x = run_both(lambda nn_: nn_.Linear(in_features, out_features, bias=bias),
                               rng.standard_normal((*batch, in_features)), rng)
    assert_grads_close([x])
    assert_parameter_grads_close(ours, theirs)


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
def test_conv2d_matches_torch(options: dict, rng: np.random.Generator) -> None:
    options = {"kernel_size": 3, **options}
    ours, theirs, x = run_both(lambda nn_: nn_.Conv2d(4, 8, **options), rng.standard_normal((2, 4, 7, 6)), rng)
    assert_grads_close([x])
    assert_parameter_grads_close(ours, theirs)


POOLS = [
    ("MaxPool2d", dict(kernel_size=2)),
    ("MaxPool2d", dict(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)),
    ("MaxPool2d", dict(kernel_size=(2, 3), stride=1, dilation=2)),
    ("AvgPool2d", dict(kernel_size=2)),
    ("AvgPool2d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    ("AvgPool2d", dict(kernel_size=(3, 2), stride=1, divisor_override=5)),
]


@pytest.mark.parametrize("name, options", POOLS, ids=str)
def test_pooling_layers_match_torch(name: str, options: dict, rng: np.random.Generator) -> None:
    _, _, x = run_both(lambda nn_: getattr(nn_, name)(**options), rng.standard_normal((2, 3, 7, 8)), rng)
    assert_grads_close([x])
    assert repr(getattr(nn, name)(**options)) == repr(getattr(torch.nn, name)(**options))


def test_max_pool_can_return_indices(rng: np.random.Generator) -> None:
    x = rng.standard_normal((1, 2, 4, 4))
    values, indices = nn.MaxPool2d(2, return_indices=True)(minitorch.tensor(x))
    their_values, their_indices = torch.nn.MaxPool2d(2, return_indices=True)(torch.tensor(x))
    assert_close(values, their_values)
    assert_close(indices, their_indices)


def test_conv2d_argument_errors() -> None:
    with pytest.raises(ValueError, match="groups must be a positive integer"):
        nn.Conv2d(4, 4, 3, groups=0)
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="out_channels must be divisible by groups"):
        nn.Conv2d(4, 3, 3, groups=2)
    with pytest.raises(ValueError, match="Invalid padding string 'full'"):
        nn.Conv2d(4, 4, 3, padding="full")
    with pytest.raises(ValueError, match="padding='same' is not supported for strided convolutions"):
        nn.Conv2d(4, 4, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="padding_mode='mirror'"):  # reflect/replicate/circular: tests/nn
        nn.Conv2d(4, 4, 3, padding_mode="mirror")


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
                                                   rng: np.random.Generator) -> None:
    make = lambda nn_: getattr(nn_, name)(shape[1], **options)  # noqa: E731
    theirs, ours = make(torch.nn).double(), make(nn).double()
    with torch.no_grad():
        for parameter in theirs.parameters():
            parameter.uniform_(0.5, 1.5)
    copy_weights(theirs, ours)
    for _ in range(3):
        x = leaves(rng.standard_normal(shape) * 3 + 1)
        our_out, their_out = ours(x[0]), theirs(x[1])
        assert_close(our_out, their_out)
        backward_both(our_out, their_out, rng)
        assert_grads_close([x])
        assert_parameter_grads_close(ours, theirs)
        for (key, value), their_value in zip(ours.state_dict().items(), theirs.state_dict().values()):
            assert_close(value, their_value, msg=key)
    ours.eval(), theirs.eval()
    x = rng.standard_normal(shape)
    assert_close(ours(minitorch.tensor(x)), theirs(torch.tensor(x)))


def test_batch_norm_defaults_and_reset() -> None:
    layer = nn.BatchNorm2d(3)
    assert layer.weight.tolist() == [1.0] * 3 and layer.bias.tolist() == [0.0] * 3
    assert layer.running_mean.dtype == minitorch.float32 and layer.num_batches_tracked.item() == 0
    layer(minitorch.randn(2, 3, 2, 2))
    assert layer.num_batches_tracked.item() == 1
    layer.reset_parameters()
    assert layer.running_var.tolist() == [1.0] * 3 and layer.num_batches_tracked.item() == 0


def test_batch_norm_input_errors() -> None:
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(3)(minitorch.zeros(2, 3, 5))
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        nn.BatchNorm1d(3)(minitorch.zeros(2, 3, 5, 5))
    with pytest.raises(RuntimeError, match="running_mean should contain 4 elements not 3"):
        nn.BatchNorm2d(3)(minitorch.zeros(2, 4, 5, 5))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm1d(3)(minitorch.zeros(1, 3))


# ----- activations, dropout, flatten, identity -----
ACTIVATIONS = [("ReLU", dict()), ("Sigmoid", dict()), ("Tanh", dict()), ("Softmax", dict(dim=1)),
               ("Softmax", dict(dim=-1)), ("LogSoftmax", dict(dim=0))]


@pytest.mark.parametrize("name, options", ACTIVATIONS, ids=str)
def test_activation_layers_match_torch(name: str, options: dict, rng: np.random.Generator) -> None:
    _, _, x = run_both(lambda nn_: getattr(nn_, name)(**options), rng.standard_normal((3, 4)), rng)
    assert_grads_close([x])
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
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 2"):
        nn.Dropout(2)


@pytest.mark.parametrize("start, end", [(1, -1), (0, -1), (1, 2), (-2, -1)])
def test_flatten_matches_torch(start: int, end: int) -> None:
    ours = nn.Flatten(start, end)(minitorch.zeros(2, 3, 4, 5))
    assert ours.shape == tuple(torch.nn.Flatten(start, end)(torch.zeros(2, 3, 4, 5)).shape)


def test_identity_returns_its_input() -> None:
    x = minitorch.zeros(2)
    assert nn.Identity()(x) is x


# ----- default initialisation: PyTorch's distributions, in float32 -----
@pytest.mark.parametrize("make, fan_in", [
    (lambda: nn.Linear(500, 300), 500),
    (lambda: nn.Conv2d(16, 256, 5), 16 * 25),
    (lambda: nn.Conv2d(16, 256, (3, 5), groups=4), 4 * 15),
])
def test_default_init_is_uniform_within_one_over_root_fan_in(make, fan_in: int) -> None:
    minitorch.manual_seed(0)
    layer = make()
    bound = 1 / math.sqrt(fan_in)
    weight, bias = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    assert weight.dtype == bias.dtype == np.float32
    for values in (weight, bias):
        assert -bound <= values.min() and values.max() <= bound
    assert weight.min() < -0.99 * bound and weight.max() > 0.99 * bound
    assert abs(weight.mean()) < 0.02 * bound
    assert weight.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)


def test_default_init_follows_the_seed() -> None:
    minitorch.manual_seed(3)
    first = nn.Linear(4, 4).weight.tolist()
    minitorch.manual_seed(3)
    assert nn.Linear(4, 4).weight.tolist() == first


NONLINEARITIES = [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
                  ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 1), ("selu", None)]


@pytest.mark.parametrize("nonlinearity, param", NONLINEARITIES)
def test_calculate_gain_matches_torch(nonlinearity: str, param) -> None:
    expected = torch.nn.init.calculate_gain(nonlinearity, param)
    assert nn.init.calculate_gain(nonlinearity, param) == pytest.approx(expected)


def test_calculate_gain_errors() -> None:
    with pytest.raises(ValueError, match="Unsupported nonlinearity gelu"):
        nn.init.calculate_gain("gelu")
    with pytest.raises(ValueError, match="negative_slope slope not a valid number"):
        nn.init.calculate_gain("leaky_relu", "slope")


@pytest.mark.parametrize("shape", [(3, 2), (8, 4, 3, 5), (5, 2, 7)])
def test_fans_match_torch(shape: tuple) -> None:
    ours = nn.init.calculate_fan_in_and_fan_out(minitorch.zeros(shape))
    assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(shape))
    assert nn.init._calculate_fan_in_and_fan_out is nn.init.calculate_fan_in_and_fan_out


def test_fans_need_two_dimensions() -> None:
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(minitorch.zeros(5))


SHAPE = (300, 200, 2)  # fan_in 400, fan_out 600
FAN_IN, FAN_OUT = 400, 600
# (init call, expected (low, high) for uniform or None for normal, expected std) from PyTorch's formulas
INITS = [
    (lambda init, t: init.uniform_(t, -2.0, 3.0), (-2.0, 3.0), 5 / math.sqrt(12)),
    (lambda init, t: init.normal_(t, 0.0, 0.5), None, 0.5),
    (lambda init, t: init.xavier_uniform_(t, gain=2.0), (-2 * math.sqrt(6 / 1000), 2 * math.sqrt(6 / 1000)),
     2 * math.sqrt(6 / 1000) / math.sqrt(3)),
    (lambda init, t: init.xavier_normal_(t), None, math.sqrt(2 / 1000)),
    (lambda init, t: init.kaiming_uniform_(t, a=math.sqrt(5)), (-1 / 20, 1 / 20), 1 / 20 / math.sqrt(3)),
    (lambda init, t: init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu"),
     (-math.sqrt(6 / FAN_OUT), math.sqrt(6 / FAN_OUT)), math.sqrt(2 / FAN_OUT)),
    (lambda init, t: init.kaiming_normal_(t, nonlinearity="relu"), None, math.sqrt(2 / FAN_IN)),
    (lambda init, t: init.kaiming_normal_(t, a=0.1, mode="fan_out"), None, math.sqrt(2 / 1.01 / FAN_OUT)),
]


@pytest.mark.parametrize("fill, bounds, std", INITS)
def test_init_distributions_follow_torchs_formulas(fill, bounds, std: float) -> None:
    minitorch.manual_seed(0)
    torch.manual_seed(0)
    ours = fill(nn.init, minitorch.empty(SHAPE)).numpy()
    theirs = fill(torch.nn.init, torch.empty(SHAPE)).numpy()
    assert ours.dtype == np.float32
    for values in (ours, theirs):  # the formula is torch's: its own samples agree with it too
        assert values.std() == pytest.approx(std, rel=0.02)
        if bounds is not None:
            assert bounds[0] <= values.min() and values.max() <= bounds[1]
            assert values.mean() == pytest.approx(sum(bounds) / 2, abs=0.01 * (bounds[1] - bounds[0]))
        else:
            assert abs(values.mean()) < 0.02 * std


def test_init_on_a_parameter_needs_no_no_grad_and_keeps_it_a_leaf() -> None:
    weight = nn.Parameter(minitorch.empty(3, 4))
    assert nn.init.kaiming_uniform_(weight) is weight
    assert weight.is_leaf and weight.requires_grad and weight.dtype == minitorch.float32


def test_constant_fills() -> None:
    weight = nn.Parameter(minitorch.empty(2, 2))
    assert nn.init.constant_(weight, 0.5).tolist() == [[0.5, 0.5]] * 2
    assert nn.init.ones_(weight).tolist() == [[1.0, 1.0]] * 2
    assert nn.init.zeros_(weight).tolist() == [[0.0, 0.0]] * 2
    assert weight.dtype == minitorch.float32


def test_trunc_normal_stays_within_its_bounds() -> None:
    values = nn.init.trunc_normal_(minitorch.empty(10000), std=1.0, a=-0.5, b=1.0).numpy()
    assert values.dtype == np.float32 and values.min() >= -0.5 and values.max() <= 1.0


def test_init_generators_make_draws_reproducible() -> None:
    draws = [nn.init.xavier_normal_(minitorch.empty(3, 3), generator=minitorch.Generator().manual_seed(7)).tolist()
             for _ in range(2)]
    assert draws[0] == draws[1]


def test_kaiming_on_an_empty_tensor_warns_and_does_nothing() -> None:
    for kaiming in (nn.init.kaiming_uniform_, nn.init.kaiming_normal_):
        with pytest.warns(UserWarning, match="zero-element tensors is a no-op"):
            kaiming(minitorch.empty(0, 3))


def test_kaiming_mode_must_be_a_fan() -> None:
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        nn.init.kaiming_normal_(minitorch.empty(3, 3), mode="fan_avg")
