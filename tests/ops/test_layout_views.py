"""Views of batch-innermost conv/pool outputs (ops/layout.py) and ``view(dtype)`` (ops/dtype_view.py).

Conv and pool outputs are (N, C, H, W) views of (C, H, W, N) memory. Where PyTorch's contiguous
output has a view that this memory has not, ``view()`` returns a copy, and that copy and the
original refuse in-place writes instead of silently drifting apart. ``view(dtype)`` reinterprets
bytes with PyTorch's shapes, rules and error messages.
"""
import gc

import numpy as np
import pytest

import minitorch
import minitorch.nn.functional as F
from minitorch.ops.layout import is_batch_innermost, to_images, to_planes

torch = pytest.importorskip("torch")


def pooled(batch=2, channels=4, size=4, requires_grad=False):
    """A (batch, channels, size/2, size/2) float32 max-pool output: batch-innermost in memory."""
    x = minitorch.tensor(np.random.default_rng(0).standard_normal((batch, channels, size, size)),
                         dtype=minitorch.float32, requires_grad=requires_grad)
    y = F.max_pool2d(x, 2)
    assert batch == 1 or is_batch_innermost(y._data)
    return y


# ----- the copy view() has to make refuses writes -----
WRITES = {
    "setitem": lambda t: t.__setitem__((0, 0), 100.0),
    "add_": lambda t: t.add_(1),
    "zero_": lambda t: t.zero_(),
    "fill_": lambda t: t.fill_(3.0),
    "copy_": lambda t: t.copy_(minitorch.ones(t.shape, dtype=t.dtype)),
    "mask setitem": lambda t: t.__setitem__(t > 0, 0.0),
    "relu_": lambda t: t.relu_(),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_write_into_copied_view_is_refused(write):
    y = pooled()
    copy = y.view(8, 4)  # merges N with C: no view of (C, H, W, N) memory has this shape
    assert not np.shares_memory(copy._data, y._data)
    before, version = copy._data.copy(), copy._version
    with pytest.raises(RuntimeError, match=r"view\(\) had to return a copy.*reshape"):
        write(copy)
    np.testing.assert_array_equal(copy._data, before)  # refused before anything was written
    assert copy._version == version


@pytest.mark.parametrize("through", ["index", "view", "detach", "transpose"])
def test_write_into_a_view_of_the_copy_is_refused(through):
    copy = pooled().view(8, 4)
    alias = {"index": lambda: copy[0], "view": lambda: copy.view(-1), "detach": copy.detach,
             "transpose": lambda: copy.t()}[through]()
    with pytest.raises(RuntimeError, match="copy"):
        alias.add_(1)


def test_write_into_copy_is_refused_inside_the_graph():
    y = pooled(requires_grad=True) * 1.0
    copy = y.view(-1)
    with pytest.raises(RuntimeError, match="copy"):
        copy.mul_(2)
    copy.sum().backward()  # the graph is intact


def test_write_into_original_while_copy_alive_is_refused():
    y = pooled()
    copy = y.view(4, 8)
    for write in (lambda: y.add_(1), lambda: y[0].zero_(), lambda: y.__setitem__(0, 1.0)):
        with pytest.raises(RuntimeError, match=r"copy \(of shape \[4, 8\]\) is still alive"):
            write()
    del copy
    gc.collect()
    y.add_(1)  # nothing can drift apart any more


def test_copy_stays_alive_through_its_views():
    y = pooled()
    row = y.view(4, 8)[1]  # the copy itself is no longer named, but its memory is in use
    gc.collect()
    with pytest.raises(RuntimeError, match="still alive"):
        y.add_(1)
    del row


def test_reshape_and_contiguous_copies_are_writable():
    y = pooled()
    for copy in (y.reshape(8, 4), y.contiguous().view(8, 4), y.view(8, 4).clone()):
        copy[0, 0] = 100.0
        assert copy[0, 0].item() == 100.0
    y.add_(1)  # none of those copies promised to follow y


def test_reading_copied_view_matches_pytorch():
    y = pooled()
    expected = torch.from_numpy(np.ascontiguousarray(y._data)).view(8, 4).numpy()
    np.testing.assert_array_equal(y.view(8, 4).numpy(), expected)


# ----- views that do exist stay views -----
def test_flatten_after_pool_is_a_view():
    y = pooled()
    for flat in (y.flatten(1), y.view(2, -1), y.view(y.size(0), -1), minitorch.flatten(y, 1)):
        assert np.shares_memory(flat._data, y._data)
        flat[1, 5] = 100.0 + flat._version
        assert y[1].flatten()[5].item() == flat[1, 5].item(), "the write reaches the pool output"
    y.add_(1)  # no copy was made, so nothing refuses


@pytest.mark.parametrize("shape", [(1, 4, 8, 8), (3, 5, 2, 2)], ids=["one image", "1x1 output"])
def test_full_flatten_is_a_view_when_memory_allows(shape):
    """With one image, or one pixel per channel, (C, H, W, N) memory is also (N, C, H, W) order."""
    y = F.max_pool2d(minitorch.randn(*shape), 2)
    flat = y.view(-1) if shape[0] == 1 else y.view(shape[0], -1)
    flat[0] = 7.0
    assert y[0, 0, 0, 0].item() == 7.0


def test_view_still_fails_where_pytorch_fails():
    x = minitorch.arange(6.0).reshape(2, 3).t()
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        x.view(6)


def test_view_gradient_through_copy():
    x = minitorch.randn(2, 3, 6, 6, dtype=minitorch.float64, requires_grad=True)
    tx = torch.from_numpy(x.detach().numpy().copy()).requires_grad_()
    grad = np.random.default_rng(1).standard_normal((6, 9))
    F.avg_pool2d(x, 2).view(6, 9).backward(minitorch.tensor(grad))
    torch.nn.functional.avg_pool2d(tx, 2).view(6, 9).backward(torch.from_numpy(grad))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())


# ----- the unbatched path -----
@pytest.mark.parametrize("op", ["conv2d", "max_pool2d", "avg_pool2d"])
def test_unbatched_is_the_first_image_of_a_batch(op, rng):
    image = rng.standard_normal((3, 7, 7))
    weight = rng.standard_normal((2, 3, 3, 3))
    run = {"conv2d": lambda t: F.conv2d(t, minitorch.tensor(weight), padding=1),
           "max_pool2d": lambda t: F.max_pool2d(t, 3, stride=2, padding=1),
           "avg_pool2d": lambda t: F.avg_pool2d(t, 2, ceil_mode=True)}[op]
    single = minitorch.tensor(image, requires_grad=True)
    batch = minitorch.tensor(image[None], requires_grad=True)
    out_single, out_batch = run(single), run(batch)
    assert out_single.shape == out_batch.shape[1:]
    np.testing.assert_array_equal(out_single.detach().numpy(), out_batch[0].detach().numpy())
    upstream = rng.standard_normal(out_single.shape)
    out_single.backward(minitorch.tensor(upstream))
    out_batch.backward(minitorch.tensor(upstream[None]))
    assert single.grad.shape == image.shape
    np.testing.assert_allclose(single.grad.numpy(), batch.grad[0].numpy())
    expected = getattr(torch.nn.functional, op)(
        torch.from_numpy(image), *([torch.from_numpy(weight)] if op == "conv2d" else []),
        **{"conv2d": dict(padding=1), "max_pool2d": dict(kernel_size=3, stride=2, padding=1),
           "avg_pool2d": dict(kernel_size=2, ceil_mode=True)}[op])
    np.testing.assert_allclose(out_single.detach().numpy(), expected.numpy())


def test_unbatched_max_pool_indices(rng):
    image = rng.standard_normal((2, 6, 6))
    values, indices = F.max_pool2d(minitorch.tensor(image), 2, return_indices=True)
    expected_values, expected_indices = torch.nn.functional.max_pool2d(torch.from_numpy(image), 2,
                                                                       return_indices=True)
    assert indices.shape == (2, 3, 3) and indices.dtype == minitorch.int64
    np.testing.assert_array_equal(indices.numpy(), expected_indices.numpy())
    np.testing.assert_array_equal(values.numpy(), expected_values.numpy())


def test_planes_round_trip_without_copies(rng):
    images = rng.standard_normal((2, 3, 4, 5))
    planes = to_planes(images)
    assert planes.shape == (3, 4, 5, 2) and planes.flags.c_contiguous
    np.testing.assert_array_equal(to_images(planes, unbatched=False), images)
    assert np.shares_memory(to_planes(to_images(planes, unbatched=False)), planes), "no copy for conv outputs"
    single = to_planes(images[0])
    assert single.shape == (3, 4, 5, 1)
    np.testing.assert_array_equal(to_images(single, unbatched=True), images[0])


# ----- view(dtype): the same bytes as another dtype -----
def both(array):
    return minitorch.tensor(array), torch.from_numpy(array.copy())


@pytest.mark.parametrize("source, target", [
    ("float32", "int32"), ("int32", "float32"), ("float32", "uint8"), ("float32", "int16"),
    ("float64", "float32"), ("uint8", "float32"), ("int64", "float64"), ("bool", "uint8"), ("int16", "float16"),
])
def test_view_dtype_matches_pytorch(source, target, rng):
    array = (rng.standard_normal((3, 4)) * 100).astype(source)
    ours, theirs = both(array)
    out, expected = ours.view(getattr(minitorch, target if target != "bool" else "bool_")), \
        theirs.view(getattr(torch, target))
    assert out.shape == tuple(expected.shape) and out.dtype == np.dtype(target)
    np.testing.assert_array_equal(out.numpy(), expected.numpy())


def test_view_dtype_shares_memory_and_version():
    x = minitorch.ones(2, 2)
    bits = x.view(minitorch.int32)
    bits[0, 0] = 0
    assert x[0, 0].item() == 0.0
    assert x._version == bits._version == 1
    assert x.view(dtype=minitorch.uint8).shape == (2, 8)


@pytest.mark.parametrize("make", [lambda m: m.ones(2, 4, requires_grad=True),
                                  lambda m: m.ones(2, 4, requires_grad=True) * 2],
                         ids=["leaf", "non-leaf"])
@pytest.mark.parametrize("target", ["int32", "float32", "float16"])
def test_view_dtype_is_not_differentiable(make, target):
    out, expected = make(minitorch).view(getattr(minitorch, target)), make(torch).view(getattr(torch, target))
    assert out.requires_grad is expected.requires_grad is False
    assert out.grad_fn is None and out.is_leaf and out.shape == tuple(expected.shape)


@pytest.mark.parametrize("make, target", [
    (lambda m: m.tensor(1.0), "uint8"),
    (lambda m: m.arange(6.0).reshape(2, 3).t(), "uint8"),
    (lambda m: m.arange(6.0).reshape(2, 3), "float64"),
    (lambda m: m.zeros(4, 5)[:, 1:3], "float64"),
    (lambda m: m.zeros(3, 3)[:, :2], "float64"),
    (lambda m: m.zeros(3, 1).expand(3, 4), "float64"),
    (lambda m: m.zeros(2, 6, dtype=m.uint8), "float32"),
], ids=["0-d", "stride(-1)", "size(-1)", "storage_offset", "stride(0)", "expanded", "uint8 size(-1)"])
def test_view_dtype_errors_match_pytorch(make, target):
    with pytest.raises(RuntimeError) as expected:
        make(torch).view(getattr(torch, target))
    with pytest.raises(RuntimeError) as ours:
        make(minitorch).view(getattr(minitorch, target))
    assert str(ours.value) == str(expected.value)


def test_view_dtype_of_0d_same_size():
    assert minitorch.tensor(1.0).view(minitorch.int32).item() == torch.tensor(1.0).view(torch.int32).item()


def test_view_dtype_of_pool_output_works_as_in_pytorch():
    """PyTorch's pool output is contiguous, so its last dimension can change size; here the
    bytes come from a C-ordered copy, which refuses writes like the copies of view(shape)."""
    y = pooled(channels=2)
    expected = torch.from_numpy(np.ascontiguousarray(y._data)).view(torch.uint8)
    bytes_ = y.view(minitorch.uint8)
    np.testing.assert_array_equal(bytes_.numpy(), expected.numpy())
    with pytest.raises(RuntimeError, match="copy"):
        bytes_.zero_()
    same_size = y.view(minitorch.int32)  # same element size: a true view
    assert np.shares_memory(same_size._data, y._data)
