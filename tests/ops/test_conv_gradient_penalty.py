"""Higher-order gradients through convolutions and pools: the WGAN-GP gradient penalty of a small
critic (conv2d, relu, max/avg pool, linear) against PyTorch, and third derivatives of convolutions,
pools and resampling by finite differences of their second (each backward is an op with a backward
of its own)."""
import numpy as np
import pytest

import minitorch
from minitorch.testing import as_leaf

torch = pytest.importorskip("torch")

SHAPES = {"conv1": (4, 3, 3, 3), "bias1": (4,), "conv2": (5, 4, 3, 3), "bias2": (5,), "linear": (2, 20),
          "linear_bias": (2,)}


def critic(lib, x, p, pool):
    """conv → relu → max pool → conv → relu → max or avg pool → linear."""
    F = lib.nn.functional
    h = F.max_pool2d(F.relu(F.conv2d(x, p["conv1"], p["bias1"], padding=1)), 2)
    h = F.relu(F.conv2d(h, p["conv2"], p["bias2"], padding=1))
    h = F.max_pool2d(h, 2) if pool == "max" else F.avg_pool2d(h, 2)
    return F.linear(h.flatten(1), p["linear"], p["linear_bias"])


def gradient_penalty(lib, real, fake, alpha, p, pool):
    """mean over the batch of (‖∇ₓ critic(x̂)‖ − 1)², x̂ on the line between a real and a fake image."""
    mixed = alpha * real + (1 - alpha) * fake
    (grad,) = lib.autograd.grad(critic(lib, mixed, p, pool).sum(), [mixed], create_graph=True)
    return ((grad.flatten(1).norm(2, dim=1) - 1) ** 2).mean()


@pytest.mark.parametrize("pool", ["max", "avg"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_wgan_gp_gradient_penalty_matches_pytorch(pool, dtype, backend, rng):
    values = {name: rng.standard_normal(shape) * 0.5 for name, shape in SHAPES.items()}
    images = [rng.standard_normal((3, 3, 8, 8)) for _ in range(2)] + [rng.uniform(size=(3, 1, 1, 1))]
    results = []
    for lib, device in ((minitorch, backend), (torch, "cpu")):
        kind = getattr(lib, dtype)
        params = {name: lib.tensor(value, dtype=kind, device=device, requires_grad=True)
                  for name, value in values.items()}
        fake = lib.tensor(images[1], dtype=kind, device=device, requires_grad=True)  # a generator's output
        real, alpha = (lib.tensor(value, dtype=kind, device=device) for value in (images[0], images[2]))
        penalty = gradient_penalty(lib, real, fake, alpha, params, pool)
        penalty.backward()
        results.append([penalty] + [params[name].grad for name in SHAPES] + [fake.grad])
    tolerance = 1e-6 if dtype == "float64" else 1e-4
    for name, mine, theirs in zip(["penalty", *SHAPES, "fake"], *results):
        if theirs is None:  # the linear layer's bias does not reach the gradient at all
            assert mine is None, name
            continue
        if mine is None:  # bias2 reaches the penalty only through relu's kink, where PyTorch's zeros come from
            mine = minitorch.zeros(tuple(theirs.shape), dtype=getattr(minitorch, dtype), device=backend)
        assert str(mine.dtype).endswith(dtype), name
        np.testing.assert_allclose(mine.detach().cpu().numpy(), theirs.detach().numpy(), rtol=tolerance, atol=tolerance,
                                   err_msg=name)


@pytest.mark.parametrize("op", [
    lambda x, w: minitorch.nn.functional.conv2d(x, w, stride=2, padding=1, dilation=(1, 2)),
    lambda x, w: minitorch.nn.functional.conv_transpose2d(x, w[:2], stride=2, padding=1, output_padding=1),
    lambda x, w: minitorch.nn.functional.max_pool2d(x * w.sum(), 3, stride=2, padding=1),
    lambda x, w: minitorch.nn.functional.avg_pool2d(x * w.sum(), 3, stride=2, padding=1, count_include_pad=False),
    lambda x, w: minitorch.nn.functional.adaptive_max_pool2d(x * w.sum(), (2, 3)),
    lambda x, w: minitorch.nn.functional.interpolate(x * w.sum(), size=(4, 7), mode="bilinear"),
    lambda x, w: minitorch.nn.functional.pad(x * w.sum(), (1, 2, 2, 0), mode="reflect"),
    lambda x, w: minitorch.nn.functional.unfold(x * w.sum(), (2, 3), padding=1, stride=(2, 1)),
], ids=["conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d", "adaptive_max_pool2d", "interpolate", "pad",
        "unfold"])
def test_third_derivatives(op, rng):
    """gradgradcheck of the first derivative: the second derivative's backward (a third derivative)
    matches finite differences of the second."""
    x = as_leaf(rng.standard_normal((2, 2, 5, 5)), "cpu", True)
    w = as_leaf(rng.standard_normal((3, 2, 2, 3)), "cpu", True)
    v = as_leaf(rng.standard_normal(tuple(op(x, w).shape)), "cpu", True)

    def first_derivative(x, w, v):
        return minitorch.autograd.grad(op(x, w), [x, w], v, create_graph=True)

    assert minitorch.gradgradcheck(first_derivative, [x, w, v], fast_mode=True)
