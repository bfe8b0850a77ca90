"""Sampling like PyTorch: shapes, dtypes, moments, seeding, generator isolation and errors
(the numbers themselves cannot match PyTorch's bit for bit)."""
import numpy as np
import pytest

import minitorch

torch = pytest.importorskip("torch")


def test_normal_four_call_forms_shapes_and_dtypes():
    mean, std = minitorch.zeros(2, 1), minitorch.ones(3)
    assert minitorch.normal(mean, std).shape == torch.normal(torch.zeros(2, 1), torch.ones(3)).shape
    assert minitorch.normal(mean, 0.5).shape == (2, 1)
    assert minitorch.normal(0.0, std).shape == (3,)
    assert minitorch.normal(0.0, 1.0, (2, 3)).shape == (2, 3)
    assert minitorch.normal(0.0, 1.0, size=(2,), dtype=minitorch.float64).dtype is minitorch.float64
    assert minitorch.normal(minitorch.zeros(2, dtype=minitorch.float64), minitorch.ones(2)).dtype is minitorch.float64


def test_normal_moments():
    minitorch.manual_seed(0)
    x = minitorch.normal(minitorch.full((20000,), 3.0), 2.0)
    assert abs(x.mean().item() - 3.0) < 0.05 and abs(x.std().item() - 2.0) < 0.05


@pytest.mark.parametrize("make", [
    lambda lib, m: lib.normal(m, 1.0), lambda lib, m: lib.normal(m, m.detach() + 1), lambda lib, m: lib.poisson(m.detach() + 1),
], ids=["mean", "mean and std", "poisson no grad"])
def test_normal_gradient_is_zero_as_in_pytorch(make):
    ours = minitorch.zeros(3, requires_grad=True)
    theirs = torch.zeros(3, requires_grad=True)
    out_ours, out_theirs = make(minitorch, ours), make(torch, theirs)
    assert out_ours.requires_grad == out_theirs.requires_grad
    if out_theirs.requires_grad:
        out_ours.sum().backward()
        out_theirs.sum().backward()
        assert ours.grad.tolist() == theirs.grad.tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("call, error, pattern", [
    (lambda lib: lib.normal(0.0, 1.0), TypeError, "normal"),
    (lambda lib: lib.normal(lib.zeros(2), -1.0), RuntimeError, "normal expects std >= 0.0"),
    (lambda lib: lib.normal(0.0, lib.tensor([-1.0])), RuntimeError, "normal expects all elements of std >= 0.0"),
    (lambda lib: lib.normal(lib.zeros(2), lib.ones(3)), RuntimeError, r"\[2\].*\[3\]"),
    (lambda lib: lib.normal(lib.zeros(2, dtype=lib.int64), 1.0), NotImplementedError, "int64"),
    (lambda lib: lib.bernoulli(lib.full((3,), 1.5)), RuntimeError, "[0, 1]"),
    (lambda lib: lib.bernoulli(lib.ones(3, dtype=lib.int64)), NotImplementedError, "int64"),
    (lambda lib: lib.multinomial(lib.ones(3), 4), RuntimeError, "without replacement"),
    (lambda lib: lib.multinomial(lib.tensor([0.0, -1, 1]), 1), RuntimeError, "element < 0"),
    (lambda lib: lib.multinomial(lib.tensor([0.0, 0]), 1), RuntimeError, r"sum of probabilities <= 0"),
    (lambda lib: lib.multinomial(lib.ones(2, 3, 4), 1), RuntimeError, "prob_dist must be 1 or 2 dim"),
    (lambda lib: lib.multinomial(lib.tensor([1, 2]), 1), RuntimeError, "floating-point dtypes.*int64|Long"),
    (lambda lib: lib.multinomial(lib.ones(3), 0), RuntimeError, "n_sample <= 0"),
    (lambda lib: lib.poisson(lib.ones(3) * -2), RuntimeError, "non-negative"),
    (lambda lib: lib.zeros(3).random_(5, 2), RuntimeError, "from=5 >= to=2"),
    (lambda lib: lib.zeros(3, dtype=lib.uint8).random_(0, 300), RuntimeError, "out of bounds"),
    (lambda lib: lib.zeros(3).exponential_(-1), RuntimeError, "exponential_ expects lambda > 0.0"),
    (lambda lib: lib.zeros(3).log_normal_(std=-1), RuntimeError, "log_normal_ expects std > 0.0"),
    (lambda lib: lib.zeros(3).cauchy_(sigma=-1), RuntimeError, "cauchy_ expects sigma > 0.0"),
    (lambda lib: lib.zeros(3).geometric_(1.5), RuntimeError, r"geometric_ expects p to be in \(0, 1\)"),
    (lambda lib: lib.zeros(3, dtype=lib.int64).exponential_(), RuntimeError, "dtype must be a floating point"),
    (lambda lib: lib.rand(2, generator=5), TypeError, "generator"),
])
def test_sampling_errors_match_pytorch_types(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call(minitorch)
    with pytest.raises(error):
        call(torch)


def test_multinomial_with_and_without_replacement():
    minitorch.manual_seed(1)
    draws = minitorch.multinomial(minitorch.tensor([0.0, 1.0, 3.0]), 4000, replacement=True)
    assert draws.dtype is minitorch.int64 and draws.shape == (4000,)
    counts = np.bincount(draws.numpy(), minlength=3)
    assert counts[0] == 0 and abs(counts[2] / 4000 - 0.75) < 0.03
    rows = minitorch.multinomial(minitorch.tensor([[1.0, 1, 1, 0], [0, 0, 5, 1]]), 2)
    assert rows.shape == (2, 2)
    for row, allowed in zip(rows.tolist(), [{0, 1, 2}, {2, 3}]):
        assert len(set(row)) == 2 and set(row) <= allowed
    full = minitorch.multinomial(minitorch.tensor([0.0, 1, 1]), 3)  # zero weights come last, as in PyTorch
    assert sorted(full[:2].tolist()) == [1, 2] and full[2].item() == 0


def test_multinomial_without_replacement_first_draw_follows_the_weights():
    minitorch.manual_seed(2)
    weights = minitorch.tensor([[1.0, 2.0, 7.0]]).expand(6000, 3).contiguous()
    first = minitorch.multinomial(weights, 2)[:, 0].numpy()
    assert abs((first == 2).mean() - 0.7) < 0.03 and abs((first == 0).mean() - 0.1) < 0.02


def test_bernoulli_poisson_and_fills_moments():
    minitorch.manual_seed(3)
    assert abs(minitorch.bernoulli(minitorch.full((10000,), 0.3)).mean().item() - 0.3) < 0.02
    assert minitorch.bernoulli(minitorch.zeros(3), 1.0).tolist() == [1.0, 1.0, 1.0]
    assert abs(minitorch.poisson(minitorch.full((10000,), 4.0)).mean().item() - 4.0) < 0.1
    x = minitorch.empty(20000)
    assert abs(x.exponential_(2.0).mean().item() - 0.5) < 0.02
    assert abs(x.geometric_(0.25).mean().item() - 4.0) < 0.1 and x.min().item() >= 1
    assert abs(x.log_normal_(0.0, 0.5).log().std().item() - 0.5) < 0.02
    assert np.isfinite(x.cauchy_(1.0, 2.0).numpy()).all()
    assert abs(np.median(x.numpy()) - 1.0) < 0.1
    assert x.bernoulli_(0.25).mean().item() == pytest.approx(0.25, abs=0.02)
    assert minitorch.zeros(3).bernoulli_(minitorch.tensor([0.0, 1, 1])).tolist() == [0.0, 1.0, 1.0]


def test_random_bounds_and_dtypes():
    minitorch.manual_seed(4)
    x = minitorch.zeros(5000)
    assert set(x.random_(5).numpy().astype(int)) == set(range(5))
    assert set(x.random_(2, 5).numpy().astype(int)) == {2, 3, 4}
    assert x.random_().max().item() <= 2**24
    b = minitorch.zeros(100, dtype=minitorch.bool).random_()
    assert b.dtype is minitorch.bool and 0 < b.sum().item() < 100
    assert minitorch.zeros(3, dtype=minitorch.int64).random_().min().item() >= 0


def test_like_functions_keep_shape_and_dtype():
    x = minitorch.zeros(2, 3, dtype=minitorch.float64)
    r = minitorch.randint_like(x, 10)
    assert r.shape == (2, 3) and r.dtype is minitorch.float64 and r.max().item() < 10
    assert minitorch.randint_like(x, 5, 7).min().item() >= 5
    assert minitorch.rand_like(x, dtype=minitorch.float32).dtype is minitorch.float32
    assert minitorch.randn_like(x).dtype is minitorch.float64


def test_seeding_is_reproducible_and_generators_are_isolated():
    minitorch.manual_seed(5)
    a = minitorch.multinomial(minitorch.ones(10), 5)
    minitorch.manual_seed(5)
    assert minitorch.equal(a, minitorch.multinomial(minitorch.ones(10), 5))
    g = minitorch.Generator().manual_seed(7)
    first = minitorch.normal(0.0, 1.0, (4,), generator=g)
    minitorch.rand(100)  # the default generator moving does not touch g
    g2 = minitorch.Generator().manual_seed(7)
    assert minitorch.equal(first, minitorch.normal(0.0, 1.0, (4,), generator=g2))
    x, y = minitorch.zeros(4), minitorch.zeros(4)
    x.random_(0, 100, generator=minitorch.Generator().manual_seed(1))
    y.random_(0, 100, generator=minitorch.Generator().manual_seed(1))
    assert minitorch.equal(x, y)


def test_rng_state_round_trip_and_seeds():
    state = minitorch.get_rng_state()
    assert state.dtype is minitorch.uint8 and state.ndim == 1
    a = minitorch.rand(3)
    minitorch.set_rng_state(state)
    assert minitorch.equal(a, minitorch.rand(3))
    minitorch.manual_seed(11)
    assert minitorch.initial_seed() == 11
    new_seed = minitorch.seed()
    assert minitorch.initial_seed() == new_seed
    with pytest.raises(RuntimeError, match="RNG state must be a uint8 tensor"):
        minitorch.set_rng_state(minitorch.zeros(3))
