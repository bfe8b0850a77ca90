"""``minitorch.nn.functional`` against ``torch.nn.functional``: values, every gradient, errors."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch
import minitorch.nn.functional as F
from minitorch.testing import arrays, assert_close, shapes
from nn_parity import assert_grads_close, backward_both, leaves

SEEDS = st.integers(0, 2**32 - 1)


# ----- linear -----
@settings(max_examples=30)
@given(shapes(min_dims=0, max_dims=2, max_side=3), st.integers(1, 4), st.integers(1, 4), st.booleans(), SEEDS)
def test_linear_matches_torch(batch: tuple, in_features: int, out_features: int, with_bias: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = leaves(rng.standard_normal(batch + (in_features,)))
    weight = leaves(rng.standard_normal((out_features, in_features)))
    bias = leaves(rng.standard_normal(out_features)) if with_bias else (None, None)
    ours, theirs = F.linear(x[0], weight[0], bias[0]), TF.linear(x[1], weight[1], bias[1])
    assert_close(ours, theirs)
    backward_both(ours, theirs, rng)
    assert_grads_close([x, weight] + ([bias] if with_bias else []))


@settings(max_examples=15)
@given(arrays(shapes(min_dims=2, max_dims=2, min_side=2, max_side=4)), SEEDS)
def test_linear_handles_non_contiguous_inputs(array: np.ndarray, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x, weight = leaves(array), leaves(rng.standard_normal((3, array.shape[1])))
    ours, theirs = F.linear(x[0], weight[0]), TF.linear(x[1], weight[1])
    backward_both(ours, theirs, rng)
    assert_close(ours, theirs)
    assert_grads_close([x, weight])


def test_linear_is_one_node_and_keeps_float32() -> None:
    x = minitorch.randn(2, 3, requires_grad=True)
    weight, bias = minitorch.randn(4, 3, requires_grad=True), minitorch.randn(4, requires_grad=True)
    out = F.linear(x, weight, bias)
    assert out.dtype == minitorch.float32
    assert all(edge[0] is leaf for edge, leaf in zip(out.grad_fn.next_functions, (x, weight, bias)))
    out.sum().backward()
    assert x.grad.dtype == weight.grad.dtype == bias.grad.dtype == minitorch.float32


def test_linear_errors() -> None:
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(4x10 and 3x5\)"):
        F.linear(minitorch.zeros(4, 10), minitorch.zeros(5, 3))
    with pytest.raises(RuntimeError, match="2-D weight"):
        F.linear(minitorch.zeros(4, 3), minitorch.zeros(3))
    with pytest.raises(RuntimeError, match="bias of shape"):
        F.linear(minitorch.zeros(4, 3), minitorch.zeros(5, 3), minitorch.zeros(4))
    with pytest.raises(RuntimeError, match="must have the same dtype"):
        F.linear(minitorch.zeros(4, 3, dtype=minitorch.float64), minitorch.zeros(5, 3))


# ----- softmax, log_softmax, elementwise activations -----
@settings(max_examples=30)
@given(arrays(shapes(min_dims=1, max_dims=3)), st.data())
def test_softmax_and_log_softmax_match_torch(array: np.ndarray, data: st.DataObject) -> None:
    dim = data.draw(st.integers(-array.ndim, array.ndim - 1))
    rng = np.random.default_rng(0)
    for ours_fn, theirs_fn in [(F.softmax, TF.softmax), (F.log_softmax, TF.log_softmax)]:
        x = leaves(array)
        ours, theirs = ours_fn(x[0], dim), theirs_fn(x[1], dim)
        assert_close(ours, theirs)
        backward_both(ours, theirs, rng)
        assert_grads_close([x])


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


def test_softmax_of_integers_needs_a_dtype() -> None:
    with pytest.raises(RuntimeError, match="floating point"):
        F.softmax(minitorch.tensor([1, 2]), dim=0)


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh"])
def test_elementwise_activations_match_torch(name: str, rng: np.random.Generator) -> None:
    x = leaves(rng.standard_normal((3, 4)))
    ours, theirs = getattr(F, name)(x[0]), getattr(TF, name)(x[1])
    assert_close(ours, theirs)
    backward_both(ours, theirs, rng)
    assert_grads_close([x])


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


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_probability_outside_zero_one_is_rejected(p: float) -> None:
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        F.dropout(minitorch.ones(2), p)


# ----- pad -----
@settings(max_examples=30)
@given(arrays(shapes(min_dims=1, max_dims=3, max_side=4)), st.data())
def test_constant_pad_matches_torch(array: np.ndarray, data: st.DataObject) -> None:
    pairs = data.draw(st.integers(1, array.ndim))
    amounts = []
    for size in reversed(array.shape[-pairs:]):  # crop at most size - 1 in total, so nothing is empty
        before = data.draw(st.integers(-(size - 1), 2))
        after = data.draw(st.integers(-(size - 1 + min(before, 0)), 2))
        amounts += [before, after]
    value = data.draw(st.sampled_from([None, 0.0, -1.5]))
    x = leaves(array)
    ours, theirs = F.pad(x[0], amounts, value=value), TF.pad(x[1], amounts, value=value)
    assert_close(ours, theirs)
    backward_both(ours, theirs, np.random.default_rng(0))
    assert_grads_close([x])


def test_pad_errors() -> None:
    x = minitorch.zeros(4, 10)
    with pytest.raises(RuntimeError, match="Padding length must be divisible by 2"):
        F.pad(x, (1, 2, 3))
    with pytest.raises(RuntimeError, match="less than or equal to two times the input dimension"):
        F.pad(x, (1, 2, 3, 4, 5, 6))
    with pytest.raises(RuntimeError, match="negative"):
        F.pad(x, (-6, -6))
    with pytest.raises(NotImplementedError, match="unknown padding mode 'mirror'"):  # reflect ... : tests/nn
        F.pad(x, (1, 1), mode="mirror")


# ----- batch_norm -----
@settings(max_examples=25)
@given(st.integers(2, 4), st.integers(1, 3), st.lists(st.integers(1, 3), max_size=2), st.booleans(), st.booleans(),
       SEEDS)
def test_batch_norm_matches_torch(batch: int, channels: int, spatial: list, training: bool, affine: bool,
                                  seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = leaves(rng.standard_normal((batch, channels, *spatial)) * 2 + 1)
    weight, bias = (leaves(rng.standard_normal(channels)), leaves(rng.standard_normal(channels))) if affine \
        else ((None, None), (None, None))
    statistics = (rng.standard_normal(channels), rng.uniform(0.5, 2, channels))
    running = [(minitorch.tensor(stat), torch.tensor(stat)) for stat in statistics]
    ours = F.batch_norm(x[0], running[0][0], running[1][0], weight[0], bias[0], training, 0.3, 1e-3)
    theirs = TF.batch_norm(x[1], running[0][1], running[1][1], weight[1], bias[1], training, 0.3, 1e-3)
    assert_close(ours, theirs)
    for our_stat, their_stat in running:
        assert_close(our_stat, their_stat)
    backward_both(ours, theirs, rng)
    assert_grads_close([x] + ([weight, bias] if affine else []))


def test_batch_norm_in_training_needs_no_running_statistics(rng: np.random.Generator) -> None:
    x = rng.standard_normal((4, 3))
    ours = F.batch_norm(minitorch.tensor(x), None, None, training=True)
    assert_close(ours, TF.batch_norm(torch.tensor(x), None, None, training=True))


def test_batch_norm_keeps_float32(rng: np.random.Generator) -> None:
    x = minitorch.tensor(rng.standard_normal((4, 3, 2)).astype(np.float32), requires_grad=True)
    mean, var = minitorch.zeros(3), minitorch.ones(3)
    out = F.batch_norm(x, mean, var, minitorch.ones(3), minitorch.zeros(3), training=True)
    out.sum().backward()
    assert out.dtype == x.grad.dtype == mean.dtype == var.dtype == minitorch.float32


def test_batch_norm_errors() -> None:
    with pytest.raises(RuntimeError, match="needs running_mean and running_var"):
        F.batch_norm(minitorch.zeros(4, 3), None, None, training=False)
    with pytest.raises(RuntimeError, match="running_mean should contain 4 elements not 3"):
        F.batch_norm(minitorch.zeros(2, 4), minitorch.zeros(3), minitorch.ones(3))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        F.batch_norm(minitorch.zeros(1, 3), None, None, training=True)
    with pytest.raises(ValueError, match=r"\(N, C, ...\)"):
        F.batch_norm(minitorch.zeros(3), None, None, training=True)
