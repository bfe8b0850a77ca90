"""conv2d, max_pool2d, avg_pool2d, batch_norm and relu split over threads give the single-threaded results.

The threaded paths (minitorch/parallel.py) give each thread rows of output (conv forward, first
layer's dW, and dx where it is a convolution of dY), input channels (conv backward by col2im) or
channels (pools, batch norm) or pieces of memory (relu). Pools, batch norm and relu compute the
same values element by element (and channel by channel), so they agree exactly; the convolutions' matrix products change shape, and
the first layer's dW adds up per-thread partial sums, so they agree to float32 rounding."""
import numpy as np
import pytest

import minitorch
import minitorch.nn.functional as F
from minitorch import parallel
from minitorch.ops.conv import conv2d
from minitorch.ops.pool import avg_pool2d, max_pool2d

pytest.importorskip("threadpoolctl")


def run(op, inputs, upstream_seed=1):
    """Forward values and the gradient of every input, under a fixed random upstream gradient."""
    tensors = [minitorch.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]
    out = op(*tensors)
    outs = out if isinstance(out, tuple) else (out,)
    upstream = np.random.default_rng(upstream_seed).standard_normal(outs[0].shape).astype(outs[0].dtype)
    outs[0].backward(minitorch.tensor(upstream))
    return [o.detach().numpy() for o in outs] + [t.grad.numpy() for t in tensors if t.grad is not None]


def threaded_and_single(op, inputs, count):
    before, threshold = minitorch.get_num_threads(), parallel.MIN_WORK
    try:
        minitorch.set_num_threads(1)
        single = run(op, inputs)
        minitorch.set_num_threads(count)
        parallel.MIN_WORK = 0
        threaded = run(op, inputs)
    finally:
        parallel.MIN_WORK = threshold
        minitorch.set_num_threads(before)
    return single, threaded


CONVS = {
    "lenet": (dict(), (5, 3, 12, 12), (6, 3, 5, 5)),
    "padded": (dict(padding=1), (7, 4, 9, 9), (8, 4, 3, 3)),
    "strided-dilated": (dict(stride=2, dilation=2, padding=2), (6, 2, 11, 10), (3, 2, 3, 3)),
    "groups": (dict(groups=2, padding="same"), (5, 4, 8, 8), (6, 2, 3, 3)),
    # stride 1, no more output than input channels: dx is a convolution of dY (rows over threads)
    "resnet-block": (dict(padding=1), (6, 8, 9, 9), (8, 8, 3, 3)),
    "depthwise-dilated": (dict(groups=4, padding=2, dilation=2), (5, 4, 9, 9), (4, 1, 3, 3)),
}


@pytest.mark.parametrize("count", [2, 3])
@pytest.mark.parametrize("name", sorted(CONVS))
def test_conv2d_threaded_matches_single_thread(name, count, rng):
    options, x_shape, w_shape = CONVS[name]
    inputs = [rng.standard_normal(x_shape).astype(np.float32), rng.standard_normal(w_shape).astype(np.float32),
              rng.standard_normal(w_shape[0]).astype(np.float32)]
    single, threaded = threaded_and_single(lambda x, w, b: conv2d(x, w, b, **options), inputs, count)
    assert len(threaded) == 4
    for got, want in zip(threaded, single):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("count", [2, 3])
def test_first_layer_threaded_weight_gradient_matches_single_thread(count, rng):
    """An input without requires_grad: dW split over rows of output, partial sums added up."""
    x = minitorch.tensor(rng.standard_normal((3, 3, 16, 16)).astype(np.float32))
    weights = rng.standard_normal((6, 3, 5, 5)).astype(np.float32)
    grads = []
    for threads, threshold in [(1, parallel.MIN_WORK), (count, 0)]:
        w = minitorch.tensor(weights, requires_grad=True)
        before, saved = minitorch.get_num_threads(), parallel.MIN_WORK
        try:
            minitorch.set_num_threads(threads)
            parallel.MIN_WORK = threshold
            conv2d(x, w).square().sum().backward()
        finally:
            parallel.MIN_WORK = saved
            minitorch.set_num_threads(before)
        grads.append(w.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-5, atol=1e-4)


def test_conv2d_threaded_output_feeds_the_next_layer(rng):
    """A threaded conv's output keeps the batch-innermost layout, so a second conv reads it as before."""
    x = rng.standard_normal((6, 3, 10, 10)).astype(np.float32)
    w1, w2 = (rng.standard_normal(s).astype(np.float32) for s in [(4, 3, 3, 3), (5, 4, 3, 3)])
    single, threaded = threaded_and_single(lambda x, a, b: conv2d(conv2d(x, a).relu(), b), [x, w1, w2], 2)
    for got, want in zip(threaded, single):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def images_with_ties_and_nan(rng):
    x = rng.integers(0, 3, size=(5, 3, 9, 9)).astype(np.float32)  # flat patches tie often
    x[3, 1, 2, 2] = np.nan
    return x


@pytest.mark.parametrize("count", [2, 3])
@pytest.mark.parametrize("options", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
                                     dict(kernel_size=2, stride=1, dilation=2, return_indices=True)],
                         ids=["2x2", "3x3-s2-ceil", "dilated-indices"])
def test_max_pool2d_threaded_matches_single_thread(options, count, rng):
    single, threaded = threaded_and_single(lambda x: max_pool2d(x, **options), [images_with_ties_and_nan(rng)], count)
    for got, want in zip(threaded, single):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("count", [2, 3])
@pytest.mark.parametrize("options", [dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1,
                                                                count_include_pad=False)], ids=["2x2", "overlapping"])
def test_avg_pool2d_threaded_matches_single_thread(options, count, rng):
    x = rng.standard_normal((7, 3, 8, 8)).astype(np.float32)
    single, threaded = threaded_and_single(lambda x: avg_pool2d(x, **options), [x], count)
    for got, want in zip(threaded, single):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("count", [2, 3])
def test_batch_norm_threaded_matches_single_thread_exactly(count, rng):
    """BatchNorm on a conv/pool output gives each thread a block of channels (statistics, forward,
    backward): the same arithmetic per channel, so the same bits, running statistics included."""
    x = (rng.standard_normal((6, 5, 7, 7)) * 3 + 1).astype(np.float32)
    weight, bias = rng.standard_normal(5).astype(np.float32), rng.standard_normal(5).astype(np.float32)

    def op(x, weight, bias):
        running_mean, running_var = minitorch.zeros(5), minitorch.ones(5)
        stored_as_conv_outputs = max_pool2d(x, 1)  # batch-innermost, as conv outputs are
        y = F.batch_norm(stored_as_conv_outputs, running_mean, running_var, weight, bias, training=True)
        return y, running_mean, running_var

    single, threaded = threaded_and_single(op, [x, weight, bias], count)
    assert len(single) == 6  # y, the running statistics, dx, dweight, dbias
    for got, want in zip(threaded, single):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("count", [2, 3])
def test_relu_threaded_matches_single_thread_exactly(count, rng):
    """relu's forward (rows of zeros) and backward split a large input's memory over threads; the
    size leaves a partial last row, and NaN and -0.0 are among the values."""
    x = rng.standard_normal((6, 5, 37, 41)).astype(np.float32)  # 45,510 values: over unary.ZERO_ROWS_FROM
    x.reshape(-1)[:4] = [np.nan, -0.0, 0.0, -np.inf]
    single, threaded = threaded_and_single(lambda x: max_pool2d(x, 1).relu(), [x], count)
    for got, want in zip(threaded, single):
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(np.signbit(got), np.signbit(want))


def test_a_model_step_is_the_same_with_two_threads(rng):
    """LeNet's conv/relu/pool stack, forward and backward, one thread against two."""
    x = rng.standard_normal((8, 3, 32, 32)).astype(np.float32)
    w1, w2 = rng.standard_normal((6, 3, 5, 5)).astype(np.float32), rng.standard_normal((16, 6, 5, 5)).astype(np.float32)

    def model(x, w1, w2):
        return max_pool2d(conv2d(max_pool2d(conv2d(x, w1).relu(), 2), w2).relu(), 2)

    single, threaded = threaded_and_single(model, [x, w1, w2], 2)
    for got, want in zip(threaded, single):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_a_tiny_weight_gradient_stays_on_one_thread(monkeypatch, rng):
    """A first layer's dWᵀ = cols · dYᵀ with at most conv.SPLIT_WEIGHT_GRADIENT entries (3·3·3 x 8
    = 216) runs no faster from two threads in OpenBLAS, so its rows of output are not split however
    large the batch; LeNet's (5·5·3 x 6, its dY padded to 8 channels: 600 entries) are."""
    from minitorch.ops import conv, layout

    calls = []
    real = layout.parallel_for
    monkeypatch.setattr(layout, "parallel_for",
                        lambda task, length, work, uses_blas=True: (calls.append((task.__name__, work)),
                                                                    real(task, length, work, uses_blas))[1])
    x = minitorch.tensor(rng.standard_normal((16, 3, 64, 64)).astype(np.float32))  # over MIN_WORK im2col entries
    for out_channels, kernel, split in [(8, 3, False), (6, 5, True)]:
        calls.clear()
        w = minitorch.tensor(rng.standard_normal((out_channels, 3, kernel, kernel)).astype(np.float32),
                             requires_grad=True)
        conv2d(x, w).sum().backward()
        (work,) = [work for name, work in calls if name == "by_rows"]
        assert work in (0, 3 * kernel * kernel * (64 - kernel + 1) ** 2 * 16)  # none, or every im2col entry
        assert (work >= parallel.MIN_WORK) is split
        assert (3 * kernel * kernel * 8 > conv.SPLIT_WEIGHT_GRADIENT) is split
