"""Piecewise activations at NaN, ±inf, ±0 and their kinks, value and gradient, against PyTorch.

PyTorch's CPU kernels run a tensor in vectors and a few leftover elements in a scalar loop, and
at NaN the two sometimes disagree (hardtanh's gradient: 0 in vectors, 1 in the loop; ELU's: NaN
in vectors, finite in the loop). minitorch follows the vectorised result, which every element of a
tensor whose length is a multiple of the vector width gets: the cases below use 128 values. The
ELU family and hardswish are checked away from NaN, where both of PyTorch's paths agree.
The op table draws finite values away from the kinks, so these are checked here by name.
"""
import warnings

import numpy as np
import pytest

import minitorch

torch = pytest.importorskip("torch")

SPECIAL = [np.inf, -np.inf, 0.0, -0.0, 0.2, 0.5, -0.5, 1.0, -1.0, 3.0, -3.0, 6.0, 7.5, -0.2, 2.0]

ACTIVATIONS = {  # name: (arguments, checked at NaN too)
    "relu": ((), True), "leaky_relu": ((0.1,), True), "relu6": ((), True), "hardtanh": ((-0.5, 2.0), True),
    "hardsigmoid": ((), True), "hardshrink": ((0.5,), True), "softshrink": ((0.5,), True),
    "threshold": ((0.2, -7.0), True), "elu": ((0.7,), False), "selu": ((), False), "celu": ((1.3,), False),
    "hardswish": ((), False),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_value_and_gradient_at_nan_inf_zero_and_kinks_match_pytorch(name, dtype):
    arguments, with_nan = ACTIVATIONS[name]
    values = np.array(SPECIAL + [np.nan if with_nan else 0.25], dtype=dtype)
    values = np.tile(values, 8)  # 128 values: PyTorch's vectorised path for every element
    upstream = np.linspace(0.5, 2.0, len(values)).astype(dtype)
    results = []
    for lib in (minitorch, torch):
        x = lib.tensor(values.copy(), requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # NaN and inf in NumPy's arithmetic
            y = getattr(lib.nn.functional, name)(x, *arguments)
            y.backward(lib.tensor(upstream))
        results.append((y.detach().numpy(), x.grad.numpy()))
    (value, grad), (their_value, their_grad) = results
    np.testing.assert_allclose(value, their_value, rtol=1e-6, atol=1e-7, equal_nan=True)
    np.testing.assert_allclose(grad, their_grad, rtol=1e-6, atol=1e-7, equal_nan=True)
