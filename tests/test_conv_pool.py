"""conv2d, max_pool2d and avg_pool2d: PyTorch parity (values and every gradient, for a random
upstream gradient), finite-difference gradient checks, dtypes, PyTorch's tie rule for max
pooling, and every argument error. Sizes stay tiny so Hypothesis can try many geometries."""
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import minitorch
import minitorch.ops.conv as conv_module
from minitorch.ops.conv import conv2d
from minitorch.ops.pool import avg_pool2d, max_pool2d, pool_output_length
from minitorch.testing import arrays, as_leaf, assert_close, dtype_name

FAST = settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
GRADCHECK = settings(max_examples=6, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
small = st.integers(1, 3)
pairs = st.one_of(small, st.tuples(small, small))


def as_pair(value):
    return value if isinstance(value, tuple) else (value, value)


def run_both(function, torch_function, inputs, backend, rng, **arguments):
    """Forward and backward in minitorch and PyTorch; returns (ours, theirs) as [output, grads...]."""
    ours = [None if a is None else as_leaf(a, backend) for a in inputs]
    theirs = [None if a is None else torch.tensor(a.copy(), requires_grad=True) for a in inputs]
    our_out, their_out = function(*ours, **arguments), torch_function(*theirs, **arguments)
    upstream = rng.standard_normal(tuple(their_out.shape)).astype(dtype_name(their_out))
    their_out.backward(torch.tensor(upstream))
    our_out.backward(minitorch.tensor(upstream, device=backend))
    return ([our_out] + [None if t is None else t.grad for t in ours],
            [their_out] + [None if t is None else t.grad for t in theirs])


def assert_all_close(ours, theirs, **tolerances):
    for i, (mine, reference) in enumerate(zip(ours, theirs)):
        if reference is not None:
            assert_close(mine, reference, msg="output" if i == 0 else f"gradient of input {i - 1}", **tolerances)


# ----- conv2d -----
@st.composite
def conv_cases(draw, max_side=7):
    """(x shape, weight shape, has bias, keyword arguments) for a valid convolution."""
    groups = draw(st.integers(1, 2))
    in_channels, out_channels = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = draw(st.tuples(small, small))
    dilation = draw(st.one_of(st.just(1), st.tuples(st.integers(1, 2), st.integers(1, 2))))
    stride = draw(pairs)
    padding = draw(st.one_of(st.integers(0, 2), st.tuples(st.integers(0, 2), st.integers(0, 2)),
                             st.just("valid"), st.just("same") if stride == 1 else st.just(0)))
    size = draw(st.tuples(st.integers(1, max_side), st.integers(1, max_side)))
    pad = (0, 0) if padding == "valid" else (0, 0) if padding == "same" else as_pair(padding)
    for d in range(2):  # the dilated kernel must fit the padded input
        assume(as_pair(dilation)[d] * (kernel[d] - 1) + 1 <= size[d] + 2 * pad[d])
    batch = draw(st.sampled_from([(), (1,), (2,)]))  # () is an unbatched (C, H, W) image
    arguments = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    return batch + (in_channels,) + size, (out_channels, in_channels // groups) + kernel, draw(st.booleans()), arguments


@FAST
@pytest.mark.filterwarnings("ignore:Using padding='same'")  # PyTorch's note on its own padded copy
@given(case=conv_cases(), data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_conv2d_matches_pytorch(case, data, seed, backend):
    x_shape, weight_shape, has_bias, arguments = case
    rng = np.random.default_rng(seed)
    x = data.draw(arrays(x_shape), label="x")  # also transposed, strided and reversed layouts
    weight = rng.standard_normal(weight_shape)
    bias = rng.standard_normal(weight_shape[0]) if has_bias else None
    ours, theirs = run_both(conv2d, torch.nn.functional.conv2d, (x, weight, bias), backend, rng, **arguments)
    assert_all_close(ours, theirs)


@GRADCHECK
@given(case=conv_cases(max_side=4), seed=st.integers(0, 2**32 - 1))
def test_conv2d_gradcheck(case, seed, backend):
    x_shape, weight_shape, has_bias, arguments = case
    rng = np.random.default_rng(seed)
    inputs = [as_leaf(rng.standard_normal(shape), backend) for shape in (x_shape, weight_shape)]
    if has_bias:
        inputs.append(as_leaf(rng.standard_normal(weight_shape[0]), backend))
    assert minitorch.gradcheck(lambda *tensors: conv2d(*tensors, **arguments), inputs)


def test_conv2d_lenet_layer_float32_matches_pytorch(rng, backend):
    """A real layer in float32: dtypes stay float32, values agree to float32 accuracy."""
    x = rng.standard_normal((4, 3, 32, 32)).astype(np.float32)
    weight = (rng.standard_normal((6, 3, 5, 5)) / 8).astype(np.float32)
    bias = rng.standard_normal(6).astype(np.float32)
    ours, theirs = run_both(conv2d, torch.nn.functional.conv2d, (x, weight, bias), backend, rng, padding=2)
    assert all(tensor.dtype == minitorch.float32 for tensor in ours)
    assert_all_close(ours, theirs, rtol=1e-4, atol=1e-4)


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


# ----- pooling -----
def stride_of(stride, kernel):
    return kernel if stride is None else as_pair(stride)


@st.composite
def pool_cases(draw, dilated):
    """(input shape, keyword arguments) for a valid pooling: padding ≤ kernel/2, output not empty."""
    kernel = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    stride = draw(st.one_of(st.none(), pairs))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    dilation = draw(st.tuples(st.integers(1, 2), st.integers(1, 2))) if dilated else (1, 1)
    size = draw(st.tuples(st.integers(1, 7), st.integers(1, 7)))
    ceil_mode = draw(st.booleans())
    for d in range(2):
        assume(dilation[d] * (kernel[d] - 1) + 1 <= size[d] + 2 * padding[d])
        # a dilated window can fall entirely in the padding; PyTorch's indices are then meaningless
        length = pool_output_length(size[d], kernel[d], stride_of(stride, kernel)[d], padding[d], dilation[d], ceil_mode)
        starts = [y * stride_of(stride, kernel)[d] - padding[d] for y in range(length)]
        assume(all(any(0 <= start + i * dilation[d] < size[d] for i in range(kernel[d])) for start in starts))
    batch = draw(st.sampled_from([(), (1,), (2,)]))
    arguments = dict(kernel_size=kernel, stride=stride, padding=padding, ceil_mode=ceil_mode)
    if dilated:
        arguments["dilation"] = dilation
    return batch + (draw(st.integers(1, 2)),) + size, arguments


@FAST
@given(case=pool_cases(dilated=True), seed=st.integers(0, 2**32 - 1))
def test_max_pool2d_matches_pytorch(case, seed, backend):
    shape, arguments = case
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, shape).astype(np.float64)  # few distinct values: many ties
    ours, theirs = run_both(max_pool2d, torch.nn.functional.max_pool2d, (x,), backend, rng, **arguments)
    assert_all_close(ours, theirs)
    _, indices = max_pool2d(minitorch.tensor(x, device=backend), return_indices=True, **arguments)
    _, their_indices = torch.nn.functional.max_pool2d(torch.tensor(x), return_indices=True, **arguments)
    assert_close(indices, their_indices)


@FAST
@given(case=pool_cases(dilated=False), seed=st.integers(0, 2**32 - 1),
       count_include_pad=st.booleans(), divisor_override=st.sampled_from([None, 1, 3]))
def test_avg_pool2d_matches_pytorch(case, seed, count_include_pad, divisor_override, backend):
    shape, arguments = case
    rng = np.random.default_rng(seed)
    ours, theirs = run_both(avg_pool2d, torch.nn.functional.avg_pool2d, (rng.standard_normal(shape),), backend, rng,
                            count_include_pad=count_include_pad, divisor_override=divisor_override, **arguments)
    assert_all_close(ours, theirs)


@GRADCHECK
@given(case=pool_cases(dilated=True), data=st.data())
def test_max_pool2d_gradcheck(case, data, backend):
    shape, arguments = case
    x = data.draw(arrays(shape, distinct=True), label="x")  # no ties: finite differences see one maximum
    assert minitorch.gradcheck(lambda t: max_pool2d(t, **arguments), [as_leaf(x, backend)])


@GRADCHECK
@given(case=pool_cases(dilated=False), data=st.data(), count_include_pad=st.booleans())
def test_avg_pool2d_gradcheck(case, data, count_include_pad, backend):
    shape, arguments = case
    x = data.draw(arrays(shape), label="x")
    assert minitorch.gradcheck(lambda t: avg_pool2d(t, count_include_pad=count_include_pad, **arguments),
                               [as_leaf(x, backend)])


@pytest.mark.parametrize("arguments", [dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1)], ids=str)
def test_max_pool2d_gradient_goes_to_the_first_maximum(arguments, backend):
    """Constant patches tie everywhere: each window's gradient goes to its first cell, row-major."""
    x = np.kron(np.arange(4.0).reshape(1, 1, 2, 2), np.ones((3, 3)))  # four flat 3x3 patches
    ours, theirs = run_both(max_pool2d, torch.nn.functional.max_pool2d, (x,), backend, np.random.default_rng(0),
                            **arguments)
    assert_all_close(ours, theirs)


@pytest.mark.parametrize("pool", [max_pool2d, avg_pool2d])
def test_pools_keep_float32(pool, rng, backend):
    x = as_leaf(rng.standard_normal((2, 3, 8, 8)).astype(np.float32), backend)
    y = pool(x, 3, stride=2, padding=1, ceil_mode=True)
    y.backward(minitorch.ones_like(y))
    assert y.dtype == x.grad.dtype == minitorch.float32


# ----- errors: PyTorch's exception types, messages that name the shapes -----
def images(*shape):
    return minitorch.zeros(shape), torch.zeros(shape)


CONV_ERRORS = [  # (name, arguments for conv2d as (input shape, weight shape, keywords), message)
    ("input rank", ((3, 8), (4, 3, 3, 3), {}), r"3D \(unbatched\) or 4D .* input of size: \[3, 8\]"),
    ("weight rank", ((2, 3, 8, 8), (4, 3, 3), {}), r"4-D weight .* \[4, 3, 3\]"),
    ("channels", ((2, 3, 8, 8), (4, 2, 3, 3), {}), r"expected input\[2, 3, 8, 8\] to have 2 channels, but got 3"),
    ("groups split channels", ((2, 3, 8, 8), (4, 1, 3, 3), {"groups": 2}), r"to have 2 channels, but got 3"),
    ("groups split filters", ((2, 4, 8, 8), (3, 2, 3, 3), {"groups": 2}), r"divisible by 2 at dimension 0"),
    ("groups zero", ((2, 3, 8, 8), (4, 3, 3, 3), {"groups": 0}), r"non-positive groups"),
    ("kernel too large", ((2, 3, 4, 4), (4, 3, 5, 5), {}), r"padded input size per channel: \(4 x 4\)"),
    ("dilated kernel too large", ((2, 3, 4, 4), (4, 3, 2, 2), {"dilation": 4}), r"Kernel size: \(5 x 5\)"),
    ("stride zero", ((2, 3, 8, 8), (4, 3, 3, 3), {"stride": 0}), r"non-positive stride"),
    ("stride negative", ((2, 3, 8, 8), (4, 3, 3, 3), {"stride": (1, -1)}), r"non-positive stride"),
    ("stride of three", ((2, 3, 8, 8), (4, 3, 3, 3), {"stride": (1, 1, 1)}), r"list of 2 values"),
    ("padding negative", ((2, 3, 8, 8), (4, 3, 3, 3), {"padding": -1}), r"negative padding"),
    ("padding string", ((2, 3, 8, 8), (4, 3, 3, 3), {"padding": "full"}), r"Invalid padding string: 'full'"),
    ("same with stride", ((2, 3, 8, 8), (4, 3, 3, 3), {"padding": "same", "stride": 2}), r"strided convolutions"),
    ("dilation zero", ((2, 3, 8, 8), (4, 3, 3, 3), {"dilation": 0}), r"non-positive dilation"),
]


@pytest.mark.parametrize("arguments, message", [case[1:] for case in CONV_ERRORS], ids=[c[0] for c in CONV_ERRORS])
def test_conv2d_errors(arguments, message):
    x_shape, weight_shape, keywords = arguments
    (x, torch_x), (weight, torch_weight) = images(*x_shape), images(*weight_shape)
    with pytest.raises(RuntimeError):
        torch.nn.functional.conv2d(torch_x, torch_weight, **keywords)
    with pytest.raises(RuntimeError, match=message):
        conv2d(x, weight, **keywords)


def test_conv2d_bias_and_dtype_errors():
    x, weight = minitorch.zeros((2, 3, 8, 8)), minitorch.zeros((4, 3, 3, 3))
    with pytest.raises(RuntimeError, match=r"bias to be 1-dimensional with 4 elements, but got bias of size \[5\]"):
        conv2d(x, weight, minitorch.zeros(5))
    with pytest.raises(RuntimeError, match=r"Input type \(torch.float32\) and weight type \(torch.float64\)"):
        conv2d(x, weight.double())
    with pytest.raises(RuntimeError, match=r"floating-point input, but got torch.int64"):
        conv2d(minitorch.zeros((2, 3, 8, 8), dtype=minitorch.int64), weight)


POOL_ERRORS = [  # (name, pool, input shape, keywords, message)
    ("max rank", "max_pool2d", (8, 8), {"kernel_size": 2}, r"3D or 4D .* but got: \[8, 8\]"),
    ("max rank 5", "max_pool2d", (1, 1, 1, 8, 8), {"kernel_size": 2}, r"3D or 4D"),
    ("max empty", "max_pool2d", (1, 0, 4, 4), {"kernel_size": 2}, r"3D or 4D .* \[1, 0, 4, 4\]"),
    ("max too small", "max_pool2d", (1, 1, 2, 2), {"kernel_size": 3}, r"\(1x2x2\).*\(1x0x0\). Output size is too small"),
    ("max padding", "max_pool2d", (2, 3, 8, 8), {"kernel_size": 3, "padding": 2}, r"at most half .* pad=2, kernel_size=3"),
    ("max padding negative", "max_pool2d", (2, 3, 8, 8), {"kernel_size": 2, "padding": -1}, r"pad must be non-negative"),
    ("max stride zero", "max_pool2d", (2, 3, 8, 8), {"kernel_size": 2, "stride": 0}, r"stride should be greater than zero"),
    ("max stride negative", "max_pool2d", (2, 3, 8, 8), {"kernel_size": 2, "stride": -1}, r"stride should be greater"),
    ("max kernel zero", "max_pool2d", (2, 3, 8, 8), {"kernel_size": 0}, r"kernel size should be greater than zero"),
    ("max kernel of three", "max_pool2d", (2, 3, 8, 8), {"kernel_size": (2, 2, 2)}, r"list of 2 values"),
    ("max dilation zero", "max_pool2d", (2, 3, 8, 8), {"kernel_size": 2, "dilation": 0}, r"dilation should be greater"),
    ("avg rank", "avg_pool2d", (8, 8), {"kernel_size": 2}, r"3D or 4D .* but got: \[8, 8\]"),
    ("avg too small", "avg_pool2d", (1, 1, 2, 2), {"kernel_size": 3}, r"Output size is too small"),
    ("avg padding", "avg_pool2d", (2, 3, 8, 8), {"kernel_size": 3, "padding": 2}, r"at most half"),
    ("avg padding negative", "avg_pool2d", (2, 3, 8, 8), {"kernel_size": 2, "padding": -1}, r"pad must be non-negative"),
    ("avg stride zero", "avg_pool2d", (2, 3, 8, 8), {"kernel_size": 2, "stride": 0}, r"stride should be greater"),
    ("avg kernel zero", "avg_pool2d", (2, 3, 8, 8), {"kernel_size": 0}, r"kernel size should be greater than zero"),
    ("avg divisor zero", "avg_pool2d", (2, 3, 8, 8), {"kernel_size": 2, "divisor_override": 0}, r"divisor must be not zero"),
]


@pytest.mark.parametrize("pool, shape, keywords, message", [case[1:] for case in POOL_ERRORS],
                         ids=[case[0] for case in POOL_ERRORS])
def test_pool_errors(pool, shape, keywords, message):
    x, torch_x = images(*shape)
    pools = {"max_pool2d": max_pool2d, "avg_pool2d": avg_pool2d}
    with pytest.raises((RuntimeError, IndexError)):  # PyTorch's avg_pool2d says IndexError for 2-D input
        getattr(torch.nn.functional, pool)(torch_x, **keywords)
    with pytest.raises(RuntimeError, match=message):
        pools[pool](x, **keywords)


def test_avg_pool2d_rejects_integer_input():
    with pytest.raises(RuntimeError, match=r"floating-point input, but got torch.int64"):
        avg_pool2d(minitorch.zeros((1, 1, 4, 4), dtype=minitorch.int64), 2)


def test_max_pool2d_nan_wins_its_window_and_takes_the_gradient():
    """PyTorch's rule: a NaN beats every value (the last NaN of a window, in row-major order)."""
    values = np.arange(2 * 1 * 4 * 4, dtype=np.float64).reshape(2, 1, 4, 4)
    values[0, 0, 0, 1] = values[0, 0, 1, 0] = values[1, 0, 3, 3] = np.nan
    ours = minitorch.tensor(values, requires_grad=True)
    theirs = torch.tensor(values, requires_grad=True)
    out, expected = max_pool2d(ours, 2), torch.nn.functional.max_pool2d(theirs, 2)
    upstream = np.random.default_rng(0).standard_normal(expected.shape)
    out.backward(minitorch.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    np.testing.assert_array_equal(out.detach().numpy(), expected.detach().numpy())
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


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
