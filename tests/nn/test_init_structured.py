"""nn.init's structured initialisations: orthogonal_, sparse_, dirac_, eye_ (properties, and the
same structure as PyTorch's where it is deterministic), and xavier/kaiming in every mode."""
import math

import numpy as np
import pytest

import minitorch
import minitorch.nn as nn
from minitorch.nn import init

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 2, 3), (6, 6)])
def test_orthogonal_rows_or_columns_are_orthonormal(shape):
    w = init.orthogonal_(minitorch.empty(*shape), gain=2.0)
    flat = w.numpy().reshape(shape[0], -1) / 2.0
    gram = flat @ flat.T if flat.shape[0] <= flat.shape[1] else flat.T @ flat
    np.testing.assert_allclose(gram, np.eye(len(gram)), atol=1e-5)
    assert w.dtype == minitorch.float32


def test_sparse_zeroes_a_fraction_of_each_column():
    w = init.sparse_(minitorch.empty(10, 7, dtype=minitorch.float64), sparsity=0.3, std=0.5)
    assert ((w.numpy() == 0).sum(axis=0) == math.ceil(0.3 * 10)).all()


@pytest.mark.parametrize("shape, groups", [((4, 4, 3), 1), ((6, 3, 3, 3), 2), ((2, 5, 3, 3, 1), 1), ((4, 2, 2, 2), 1)])
def test_dirac_matches_pytorch(shape, groups):
    ours = init.dirac_(minitorch.empty(*shape), groups)
    theirs = torch.nn.init.dirac_(torch.empty(*shape), groups)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_dirac_conv_passes_input_through():
    conv = nn.Conv2d(3, 3, 3, padding=1, bias=False)
    init.dirac_(conv.weight)
    x = minitorch.randn(2, 3, 5, 5)
    np.testing.assert_allclose(conv(x).detach().numpy(), x.numpy(), atol=1e-6)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4), (4, 2)])
def test_eye_matches_pytorch(shape):
    np.testing.assert_array_equal(init.eye_(minitorch.empty(*shape)).numpy(), torch.nn.init.eye_(torch.empty(*shape)).numpy())


@pytest.mark.parametrize("call, message", [
    (lambda: init.orthogonal_(minitorch.empty(3)), "2 or more dimensions"),
    (lambda: init.sparse_(minitorch.empty(2, 2, 2), 0.1), "Only tensors with 2 dimensions"),
    (lambda: init.dirac_(minitorch.empty(2, 2)), "3, 4, or 5 dimensions"),
    (lambda: init.dirac_(minitorch.empty(3, 2, 2), groups=2), "divisible by groups"),
    (lambda: init.eye_(minitorch.empty(2, 2, 2)), "Only tensors with 2 dimensions"),
    (lambda: init.kaiming_uniform_(minitorch.empty(2, 2), mode="fan_avg"), "Mode fan_avg not supported"),
    (lambda: init.kaiming_normal_(minitorch.empty(2, 2), nonlinearity="swish"), "Unsupported nonlinearity swish"),
])
def test_errors_as_pytorch(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("nonlinearity, param", [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None),
                                                 ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2),
                                                 ("selu", None), ("conv_transpose3d", None)])
def test_calculate_gain_matches_pytorch(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(nonlinearity, param)


@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
@pytest.mark.parametrize("nonlinearity", ["relu", "leaky_relu", "tanh", "linear"])
@pytest.mark.parametrize("fill", ["kaiming_uniform_", "kaiming_normal_"])
def test_kaiming_spread_follows_mode_and_nonlinearity(mode, nonlinearity, fill):
    w = getattr(init, fill)(minitorch.empty(400, 100, 3, dtype=minitorch.float64), a=0.1, mode=mode,
                            nonlinearity=nonlinearity)
    fan = 300 if mode == "fan_in" else 1200
    expected = init.calculate_gain(nonlinearity, 0.1) / math.sqrt(fan)
    assert w.numpy().std() == pytest.approx(expected, rel=0.02)


@pytest.mark.parametrize("fill", ["xavier_uniform_", "xavier_normal_"])
def test_xavier_spread(fill):
    w = getattr(init, fill)(minitorch.empty(300, 200, dtype=minitorch.float64), gain=2.0)
    assert w.numpy().std() == pytest.approx(2.0 * math.sqrt(2.0 / 500), rel=0.02)
