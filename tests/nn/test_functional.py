"""``minitorch.nn.functional`` beyond value parity (which the op table checks, see
``tests/ops/cases``; errors are in ``tests/errors/nn.py``): one node per layer, float32,
softmax's stability and implicit dim, in-place variants, dropout's randomness."""
import numpy as np
import pytest

import minitorch
import minitorch.nn.functional as F
from minitorch.testing import assert_close

torch = pytest.importorskip("torch")
TF = torch.nn.functional


# ----- linear -----
def test_linear_is_one_node_and_keeps_float32() -> None:
    x = minitorch.randn(2, 3, requires_grad=True)
    weight, bias = minitorch.randn(4, 3, requires_grad=True), minitorch.randn(4, requires_grad=True)
    out = F.linear(x, weight, bias)
    assert out.dtype == minitorch.float32
    assert all(edge[0] is leaf for edge, leaf in zip(out.grad_fn._edges, (x, weight, bias)))
    out.sum().backward()
    assert x.grad.dtype == weight.grad.dtype == bias.grad.dtype == minitorch.float32


# ----- softmax, log_softmax, elementwise activations -----
def test_softmax_is_stable_and_takes_a_dtype() -> None:
    x = minitorch.tensor([[1000.0, 0.0, -1000.0]])
    assert_close(F.softmax(x, dim=1), torch.tensor([[1.0, 0.0, 0.0]]))
    assert_close(F.log_softmax(x, dim=1), TF.log_softmax(torch.tensor([[1000.0, 0.0, -1000.0]]), dim=1))
    assert F.softmax(x, dim=1, dtype=minitorch.float64).dtype == minitorch.float64
    assert F.log_softmax(minitorch.tensor([1, 2]), dim=0, dtype=minitorch.float32).dtype == minitorch.float32


def test_softmax_without_dim_warns_and_picks_torchs_dimension() -> None:
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    with pytest.warns(UserWarning, match="Implicit dimension choice"):
        ours = F.softmax(minitorch.tensor(x))
    with pytest.warns(UserWarning):
        theirs = TF.softmax(torch.tensor(x))
    assert_close(ours, theirs)


def test_relu_inplace_overwrites_its_input() -> None:
    x = minitorch.tensor([-1.0, 2.0])
    assert F.relu(x, inplace=True) is x
    assert x.tolist() == [0.0, 2.0]


def test_flatten_keeps_the_batch_dimension_when_asked() -> None:
    assert F.flatten(minitorch.zeros(2, 3, 4, 5), 1).shape == (2, 60)


# ----- dropout -----
def test_dropout_outside_training_or_with_p_zero_returns_the_input() -> None:
    x = minitorch.randn(3, 4)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x


def test_dropout_zeroes_about_p_and_scales_the_rest() -> None:
    minitorch.manual_seed(0)
    x = minitorch.ones(200, 500)
    out = F.dropout(x, p=0.3).numpy()
    assert out.dtype == np.float32
    assert set(np.unique(out)) <= {0.0, np.float32(1 / 0.7)}
    assert abs((out == 0).mean() - 0.3) < 0.01
    assert abs(out.mean() - 1.0) < 0.02


def test_dropout_gradient_is_the_mask_and_the_seed_repeats_it() -> None:
    minitorch.manual_seed(1)
    x = minitorch.randn(50, 20, requires_grad=True)
    out = F.dropout(x, p=0.5)
    out.sum().backward()
    mask = x.grad.numpy()
    assert_close(out, x.detach().numpy() * mask)
    minitorch.manual_seed(1)
    minitorch.randn(50, 20)
    assert_close(F.dropout(x.detach(), p=0.5), out)


def test_dropout_p_one_zeroes_everything_and_inplace_writes_into_the_input() -> None:
    assert not F.dropout(minitorch.ones(5), p=1.0).numpy().any()
    x = minitorch.ones(5)
    assert F.dropout(x, p=1.0, inplace=True) is x
    assert not x.numpy().any()


# ----- batch_norm -----
def test_batch_norm_keeps_float32(rng: np.random.Generator) -> None:
    x = minitorch.tensor(rng.standard_normal((4, 3, 2)).astype(np.float32), requires_grad=True)
    mean, var = minitorch.zeros(3), minitorch.ones(3)
    out = F.batch_norm(x, mean, var, minitorch.ones(3), minitorch.zeros(3), training=True)
    out.sum().backward()
    assert out.dtype == x.grad.dtype == mean.dtype == var.dtype == minitorch.float32
