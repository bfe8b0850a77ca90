"""Default initialisation of the layers (PyTorch's distributions, float32) and ``nn.init``
(PyTorch's formulas, gains, fans, generators). Its errors are in ``tests/errors/nn.py``."""
import math

import numpy as np
import pytest

import minitorch
import minitorch.nn as nn

torch = pytest.importorskip("torch")


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


@pytest.mark.parametrize("shape", [(3, 2), (8, 4, 3, 5), (5, 2, 7)])
def test_fans_match_torch(shape: tuple) -> None:
    ours = nn.init.calculate_fan_in_and_fan_out(minitorch.zeros(shape))
    assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(shape))
    assert nn.init._calculate_fan_in_and_fan_out is nn.init.calculate_fan_in_and_fan_out


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
