"""Adaptive average pooling and interpolate on conv outputs: the planes path (``resample.resample_planes``).

A conv or pool output is stored batch-innermost, (C, H, W, N); resampling it runs on those
planes and returns the same layout. The op table's inputs are plain (N, C, H, W) arrays, so
these cases feed a real conv output and compare values and gradients with PyTorch.
"""
import numpy as np
import pytest

import minitorch
import minitorch.nn.functional as F
from minitorch.ops.layout import is_batch_innermost

torch = pytest.importorskip("torch")

RESAMPLES = {
    "global_average": lambda L, y: L.nn.functional.adaptive_avg_pool2d(y, 1),
    "adaptive_uneven_bins": lambda L, y: L.nn.functional.adaptive_avg_pool2d(y, (3, 2)),
    "nearest_upsample": lambda L, y: L.nn.functional.interpolate(y, scale_factor=2, mode="nearest"),
    "bilinear_resize": lambda L, y: L.nn.functional.interpolate(y, size=(5, 9), mode="bilinear",
                                                                  align_corners=False),
    "area_downsample": lambda L, y: L.nn.functional.interpolate(y, size=(3, 4), mode="area"),
}


@pytest.mark.parametrize("name", RESAMPLES)
def test_resampling_a_conv_output_matches_pytorch_and_keeps_its_layout(name):
    rng = np.random.default_rng(0)
    x, weight = rng.standard_normal((3, 2, 9, 8)), rng.standard_normal((4, 2, 3, 3))
    upstream = None
    results = []
    for lib in (minitorch, torch):
        tx, tw = lib.tensor(x, requires_grad=True), lib.tensor(weight, requires_grad=True)
        conv_out = lib.nn.functional.conv2d(tx, tw, padding=1)
        out = RESAMPLES[name](lib, conv_out)
        if lib is minitorch:
            assert is_batch_innermost(conv_out._data) and is_batch_innermost(out._data)
            upstream = rng.standard_normal(tuple(out.shape))
        out.backward(lib.tensor(upstream))
        results.append([out.detach().numpy(), tx.grad.numpy(), tw.grad.numpy()])
    for mine, theirs in zip(*results):
        np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-12)


def test_global_average_of_a_conv_output_has_a_second_derivative():
    """The planes path is a Resample like the other: differentiable again (its backward is one too)."""
    x = minitorch.randn(2, 3, 6, 6, dtype=minitorch.float64, requires_grad=True)
    weight = minitorch.randn(4, 3, 3, 3, dtype=minitorch.float64, requires_grad=True)
    assert minitorch.autograd.gradgradcheck(
        lambda x, w: F.adaptive_avg_pool2d(F.conv2d(x, w, padding=1).pow(2), 1), (x, weight))
