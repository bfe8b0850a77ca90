"""conv2d, max_pool2d and avg_pool2d beyond value parity (which the op table checks, see
``tests/ops/cases/conv.py`` and ``pool.py``; their errors are in ``tests/errors``): gradients
nobody asked for, in-place changes noticed, empty batches, the batch-innermost layout."""
import numpy as np
import pytest

import minitorch
import minitorch.ops.conv as conv_module
from minitorch.ops.conv import conv2d
from minitorch.ops.pool import avg_pool2d, max_pool2d

torch = pytest.importorskip("torch")


def test_conv2d_skips_the_input_gradient_nobody_asked_for(rng, monkeypatch):
    """The first layer never needs the image's gradient: no col2im runs, x gets no grad."""
    def fail(*args):
        raise AssertionError("col2im ran for an input that needs no gradient")

    monkeypatch.setattr(conv_module, "col2im", fail)
    x = minitorch.tensor(rng.standard_normal((2, 3, 6, 6)))
    weight = minitorch.tensor(rng.standard_normal((4, 3, 3, 3)), requires_grad=True)
    conv2d(x, weight).sum().backward()
    assert x.grad is None and weight.grad.shape == (4, 3, 3, 3)


@pytest.mark.parametrize("shape", [(2, 3, 5, 5), (3, 5, 5)], ids=["batched", "unbatched"])
def test_conv2d_notices_its_input_changed_in_place(shape, rng):
    x = minitorch.tensor(rng.standard_normal(shape))
    weight = minitorch.tensor(rng.standard_normal((2, 3, 3, 3)), requires_grad=True)
    y = conv2d(x, weight)
    with minitorch.no_grad():
        x.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


@pytest.mark.parametrize("op", [lambda x: conv2d(x, minitorch.ones((2, 3, 3, 3)), padding=1),
                                lambda x: max_pool2d(x, 2), lambda x: avg_pool2d(x, 2)], ids=["conv", "max", "avg"])
def test_empty_batch(op):
    """A batch of zero images, as PyTorch allows: empty output, empty gradient."""
    x = minitorch.zeros((0, 3, 6, 6), requires_grad=True)
    op(x).sum().backward()
    assert x.grad.shape == (0, 3, 6, 6)


def test_conv_outputs_keep_the_batch_innermost_layout_and_still_view_like_pytorch():
    """conv/pool outputs are (N,C,H,W) views of (C,H,W,N) memory; every view PyTorch allows works."""
    x = minitorch.randn(4, 3, 12, 12)
    weight = minitorch.randn(5, 3, 3, 3)
    y = max_pool2d(conv2d(x, weight).relu(), 2)
    assert not y.is_contiguous() and y.shape == (4, 5, 5, 5)
    expected = torch.nn.functional.max_pool2d(
        torch.nn.functional.conv2d(torch.from_numpy(x.numpy()), torch.from_numpy(weight.numpy())).relu(), 2)
    for shape in [(4, -1), (-1,), (20, 5, 5), (4, 5, 25)]:
        np.testing.assert_allclose(y.view(*shape).numpy(), expected.view(*shape).numpy(), rtol=1e-5, atol=1e-5)
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        minitorch.randn(3, 4).t().view(-1)
