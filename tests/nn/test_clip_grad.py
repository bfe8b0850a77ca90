"""nn.utils: gradient clipping and parameters as one vector, against PyTorch."""
import math

import numpy as np
import pytest

import minitorch
from minitorch.nn import utils
from minitorch.testing import assert_close

torch = pytest.importorskip("torch")


def params_with_grads(dtype, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (4,), (2, 2, 2)]
    ours, theirs = [], []
    for shape in shapes:
        value, grad = rng.standard_normal(shape).astype(dtype), (scale * rng.standard_normal(shape)).astype(dtype)
        p, q = minitorch.nn.Parameter(minitorch.tensor(value)), torch.nn.Parameter(torch.tensor(value))
        p.grad, q.grad = minitorch.tensor(grad), torch.tensor(grad)
        ours.append(p)
        theirs.append(q)
    return ours, theirs


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3, math.inf, 0.5])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm_matches_pytorch(norm_type, dtype, max_norm):
    ours, theirs = params_with_grads(dtype)
    total = utils.clip_grad_norm_(ours, max_norm, norm_type=norm_type, foreach=True)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    tolerance = 1e-12 if dtype == np.float64 else 1e-6
    assert_close(total, expected, rtol=tolerance, atol=tolerance)
    for p, q in zip(ours, theirs):
        assert_close(p.grad, q.grad, rtol=tolerance, atol=tolerance)


def test_clip_grad_norm_single_tensor_and_no_grads():
    p = minitorch.nn.Parameter(minitorch.ones(4))
    assert utils.clip_grad_norm_(p, 1.0).item() == 0.0
    p.grad = minitorch.full((4,), 2.0)
    version = p.grad._version
    assert utils.clip_grad_norm_(p, 1.0).item() == 4.0
    assert p.grad._version == version + 1
    assert_close(p.grad, torch.full((4,), 2.0) * (1.0 / (4.0 + 1e-6)), check_dtype=False)


def test_clip_grad_norm_nonfinite():
    ours, _ = params_with_grads(np.float64)
    ours[0].grad[0, 0] = float("nan")
    with pytest.raises(RuntimeError, match="non-finite"):
        utils.clip_grad_norm_(ours, 1.0, error_if_nonfinite=True)
    assert math.isnan(utils.clip_grad_norm_(ours, 1.0).item())


def test_clip_grad_value_matches_pytorch():
    ours, theirs = params_with_grads(np.float32, scale=3.0)
    assert utils.clip_grad_value_(ours, 1.5) is None
    torch.nn.utils.clip_grad_value_(theirs, 1.5)
    for p, q in zip(ours, theirs):
        assert_close(p.grad, q.grad)


def test_parameters_to_vector_and_back():
    ours, theirs = params_with_grads(np.float64)
    vector = utils.parameters_to_vector(ours)
    assert_close(vector, torch.nn.utils.parameters_to_vector(theirs))
    utils.vector_to_parameters(vector * 2, ours)
    torch.nn.utils.vector_to_parameters(torch.nn.utils.parameters_to_vector(theirs) * 2, theirs)
    for p, q in zip(ours, theirs):
        assert_close(p, q.detach())
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        utils.vector_to_parameters([1.0], ours)


def test_parameters_to_vector_is_differentiable():
    ours, _ = params_with_grads(np.float64)
    for p in ours:
        p.grad = None
    (utils.parameters_to_vector(ours) * 3).sum().backward()
    assert all(np.all(p.grad.numpy() == 3) for p in ours)


def test_deprecated_clip_grad_norm_warns():
    ours, theirs = params_with_grads(np.float64)
    with pytest.warns(FutureWarning, match="deprecated in favor of `torch.nn.utils.clip_grad_norm_`"):
        total = utils.clip_grad_norm(ours, 0.5)
    assert_close(total, torch.nn.utils.clip_grad_norm_(theirs, 0.5))
