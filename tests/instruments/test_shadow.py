"""The float64 shadow: each op's own rounding, the rounding carried so far, and the gradients'."""
import math

import numpy as np

import minitorch


def _rows_named(report, name):
    return [row for row in report.rows if row["op"] == name]


def test_cancellation_shows_in_the_carried_error_not_in_the_op(backend: str) -> None:
    values = np.random.default_rng(0).normal(1000.0, 1.0, 1000).astype(np.float32)
    x = minitorch.tensor(values, device=backend)
    with minitorch.autograd.shadow() as report:
        naive = (x * x).mean() - x.mean() ** 2  # E[x²] − E[x]²: subtracts two rounded millions
    subtraction = _rows_named(report, "Sub")[-1]
    assert subtraction["forward"] == 0.0  # the subtraction itself is exact ...
    assert subtraction["carried"] > 1e-3  # ... of numbers float32 already rounded
    with minitorch.autograd.shadow() as report:
        centered = (x - x.mean()) ** 2
        two_pass = centered.mean()
    assert max(row["carried"] for row in report.rows) < 1e-3
    exact = float(np.var(values.astype(np.float64)))
    assert abs(two_pass.item() - exact) < abs(naive.item() - exact)


def test_naive_softmax_overflows_where_the_shifted_one_does_not() -> None:
    x = minitorch.tensor([100.0, 101.0, 102.0])
    with minitorch.autograd.shadow() as report, np.errstate(over="ignore", invalid="ignore"):
        naive = x.exp() / x.exp().sum()
    assert math.isinf(_rows_named(report, "Exp")[0]["forward"])  # e^100 is beyond float32
    assert math.isnan(naive[0].item())
    with minitorch.autograd.shadow() as report:
        shifted = (x - x.max()).exp()
        stable = shifted / shifted.sum()
    assert max(row["forward"] for row in report.rows) < 1e-6
    np.testing.assert_allclose(stable.numpy(), np.exp([-2.0, -1.0, 0.0]) / np.exp([-2.0, -1.0, 0.0]).sum(), rtol=1e-6)


def test_gradients_are_compared_after_backward(backend: str) -> None:
    x = minitorch.tensor([0.5, 2.0, -1.5], requires_grad=True, device=backend)
    w = minitorch.tensor([1.5, -0.25, 3.0], requires_grad=True, device=backend)
    with minitorch.autograd.shadow() as report:
        loss = (x * w).tanh().sum()
        assert all(row["grads"] == [] for row in report.rows)
        loss.backward()
    ops = [row["op"] for row in report.rows]
    assert ops == ["Mul", "Tanh", "Sum"]
    mul = report.rows[0]
    assert len(mul["grads"]) == 2 and all(0 <= g < 1e-6 for g in mul["grads"])
    table = report.table()
    assert "fwd (this op)" in table and "Tanh" in table


def test_float64_programs_have_no_error_and_integer_ops_are_left_alone() -> None:
    x = minitorch.tensor([1.0, 2.0], dtype=minitorch.float64)
    with minitorch.autograd.shadow() as report:
        (x.exp() * 3).sum()
        minitorch.tensor([1, 2]) + 1
    assert [row["op"] for row in report.rows] == ["Exp", "Mul", "Sum"]
    assert all(row["forward"] == 0 and row["carried"] == 0 for row in report.rows)


def test_relative_error_handles_zeros_infinities_and_nan() -> None:
    from minitorch.autograd.shadow import relative_error

    assert relative_error(np.float32([1.0, 0.0]), np.float64([1.0, 0.0])) == 0.0
    assert relative_error(np.float32([1.5]), np.float64([1.0])) == 0.5
    assert math.isinf(relative_error(np.float32([1e-3]), np.float64([0.0])))
    assert relative_error(np.float32([np.inf]), np.float64([np.inf])) == 0.0
    assert math.isnan(relative_error(np.float32([np.nan]), np.float64([1.0])))
    # against the tensor's scale: a small error next to zero is small, an inf where the shadow is finite is inf
    assert abs(relative_error(np.float32([1e-6, 2.0]), np.float64([0.0, 2.0])) - 5e-7) < 1e-12
    assert math.isinf(relative_error(np.float32([np.inf, 1.0]), np.float64([3.0, 1.0])))


def test_the_shadow_forgets_tensors_and_nodes_that_died() -> None:
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    with minitorch.autograd.shadow() as report:
        for _ in range(3):
            (x.exp() * 2).sum()
    assert report._carried == {} and report._nodes == {}
    assert len(report.rows) == 9
