"""nn surface A, convolution family, pooling/resampling layers, channel dropout and lazy modules,
against PyTorch: parity with copied weights (float64, random upstream gradients), ``repr``,
``state_dict`` keys, default initialisation, lazy materialisation with an optimiser built before
the first forward, and argument errors."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

import minitorch  # noqa: E402
import minitorch.nn as nn  # noqa: E402
from minitorch.testing import assert_close  # noqa: E402
from tests.parity import assert_grads_close, backward_both, copy_weights, leaves  # noqa: E402

SEEDS = st.integers(0, 2**32 - 1)


def run_both(make, input_array, rng, call=lambda layer, x: layer(x)):
    theirs = make(torch.nn).double()
    ours = make(nn).double()
    copy_weights(theirs, ours)
    x = leaves(input_array)
    our_out, their_out = call(ours, x[0]), call(theirs, x[1])
    assert_close(our_out, their_out)
    backward_both(our_out, their_out, rng)
    assert_grads_close([x] + list(zip(ours.parameters(), theirs.parameters())))
    return ours, theirs


CONSTRUCTORS = [
    "Conv1d(3, 4, 3)", "Conv1d(4, 6, 2, stride=2, padding=1, dilation=2, groups=2, bias=False)",
    "Conv1d(3, 4, 3, padding='same')", "ConvTranspose1d(3, 4, 3, stride=2, output_padding=1)",
    "ConvTranspose2d(3, 4, 3)", "ConvTranspose2d(4, 6, (2, 3), stride=2, padding=1, output_padding=1, groups=2, "
    "bias=False, dilation=(1, 2))", "LazyLinear(5)", "LazyLinear(5, bias=False)", "LazyConv2d(4, 3, padding=1)",
    "LazyConv1d(4, 2, stride=2)", "LazyConvTranspose2d(4, 2, stride=2)", "LazyBatchNorm1d()",
    "LazyBatchNorm2d(momentum=None, affine=False)", "AdaptiveAvgPool2d((5, 7))", "AdaptiveAvgPool2d(1)",
    "AdaptiveAvgPool2d((None, 3))", "AdaptiveAvgPool1d(3)", "AdaptiveMaxPool2d(3, return_indices=True)",
    "MaxPool1d(2)", "MaxPool1d(3, stride=2, padding=1, dilation=2, ceil_mode=True)", "AvgPool1d(2)",
    "AvgPool1d(3, 1, 1, True, False)", "LPPool2d(2, 3)", "LPPool2d(1.5, (2, 3), stride=1, ceil_mode=True)",
    "MaxUnpool2d(2)", "MaxUnpool2d((2, 3), stride=1, padding=1)", "Upsample(scale_factor=2)",
    "Upsample(size=(3, 4), mode='bilinear', align_corners=True)", "Upsample(scale_factor=(2, 1.5), mode='bilinear')",
    "PixelShuffle(2)", "PixelUnshuffle(3)", "ChannelShuffle(2)", "Dropout1d()", "Dropout2d(0.2, inplace=True)",
    "AlphaDropout(0.1)", "Unfold(2)", "Unfold((2, 3), dilation=2, padding=1, stride=(1, 2))",
    "Fold((3, 4), 2, padding=1)", "Bilinear(2, 3, 4, bias=False)", "Unflatten(-1, (2, 2))",
]


@pytest.mark.parametrize("text", CONSTRUCTORS)
def test_repr_and_state_dict_keys_match_torch(text: str) -> None:
    ours, theirs = eval("nn." + text), eval("torch.nn." + text)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())


# ----- the convolution family -----
TRANSPOSED = [dict(), dict(stride=2), dict(stride=2, padding=1, output_padding=1), dict(groups=2, dilation=2),
              dict(kernel_size=(2, 3), stride=(3, 1), padding=(1, 0), bias=False)]


@pytest.mark.parametrize("options", TRANSPOSED, ids=str)
def test_conv_transpose2d_matches_torch(options: dict, rng) -> None:
    options = {"kernel_size": 3, **options}
    run_both(lambda lib: lib.ConvTranspose2d(4, 6, **options), rng.standard_normal((2, 4, 4, 3)), rng)
    run_both(lambda lib: lib.ConvTranspose2d(4, 6, **options), rng.standard_normal((4, 3, 2)), rng)


@settings(max_examples=15)
@given(batch=st.integers(1, 2), size=st.integers(1, 5), stride=st.integers(1, 3), kernel=st.integers(1, 3),
       seed=SEEDS)
def test_conv_transpose2d_output_size_picks_output_padding_as_torch(batch, size, stride, kernel, seed) -> None:
    rng = np.random.default_rng(seed)
    smallest = (size - 1) * stride + kernel
    wanted = [smallest + int(rng.integers(0, stride)), smallest + int(rng.integers(0, stride))]
    run_both(lambda lib: lib.ConvTranspose2d(2, 3, kernel, stride=stride), rng.standard_normal((batch, 2, size, size)),
             rng, call=lambda layer, x: layer(x, output_size=wanted))


@pytest.mark.parametrize("options", [dict(), dict(stride=2, padding=1, dilation=2), dict(groups=3, bias=False),
                                     dict(padding="same")], ids=str)
def test_conv1d_and_conv_transpose1d_match_torch(options: dict, rng) -> None:
    run_both(lambda lib: lib.Conv1d(3, 6, 3, **options), rng.standard_normal((2, 3, 8)), rng)
    if "padding" not in options or options["padding"] != "same":
        run_both(lambda lib: lib.ConvTranspose1d(3, 6, 3, **options), rng.standard_normal((2, 3, 5)), rng)


def test_transposed_convolution_starts_as_torch() -> None:
    layer = nn.ConvTranspose2d(16, 8, 3)  # weight (16, 8, 3, 3): fan_in from dim 1, 8·9 = 72
    bound = 1 / math.sqrt(72)
    weight = layer.weight.detach().numpy()
    assert weight.shape == (16, 8, 3, 3) and weight.dtype == np.float32
    assert np.abs(weight).max() <= bound and np.abs(weight).max() > 0.9 * bound
    assert abs(weight.std() - bound / math.sqrt(3)) < 0.1 * bound
    assert np.abs(layer.bias.detach().numpy()).max() <= bound


# ----- pooling and resampling layers -----
LAYERS = [
    ("AdaptiveAvgPool2d((2, 3))", (2, 3, 5, 7)), ("AdaptiveAvgPool2d(1)", (2, 3, 4, 4)),
    ("AdaptiveAvgPool1d(2)", (2, 3, 5)), ("AdaptiveMaxPool2d((3, 2))", (2, 3, 5, 7)),
    ("MaxPool1d(2)", (2, 3, 6)), ("AvgPool1d(3, stride=2, padding=1)", (2, 3, 6)), ("LPPool2d(2, 2)", (2, 3, 4, 4)),
    ("Upsample(scale_factor=2)", (2, 3, 2, 3)), ("Upsample(size=(5, 4), mode='bilinear')", (1, 2, 3, 3)),
    ("Upsample(scale_factor=3, mode='bilinear', align_corners=True)", (1, 2, 2, 3)),
    ("PixelShuffle(2)", (2, 8, 2, 2)), ("PixelUnshuffle(2)", (2, 2, 4, 4)), ("ChannelShuffle(3)", (2, 6, 2, 2)),
]


@pytest.mark.parametrize("text,shape", LAYERS)
def test_resampling_layers_match_torch(text: str, shape: tuple, rng) -> None:
    values = rng.permutation(np.prod(shape)).reshape(shape) / 7.0 + 0.5  # distinct and positive (max, LP)
    run_both(lambda lib: eval("lib." + text, {"lib": lib}), values, rng)


def test_max_unpool2d_layer_inverts_max_pool2d_as_torch(rng) -> None:
    x = rng.standard_normal((2, 3, 4, 5))
    pooled, indices = torch.nn.functional.max_pool2d(torch.tensor(x), 2, return_indices=True)
    ours_indices = minitorch.tensor(indices.numpy())
    run_both(lambda lib: lib.MaxUnpool2d(2), pooled.numpy(), rng,
             call=lambda layer, v: layer(v, ours_indices if isinstance(v, minitorch.Tensor) else indices,
                                         output_size=(4, 5)))


# ----- channel dropout -----
def test_dropout2d_zeroes_whole_channels_and_scales_the_rest() -> None:
    layer = nn.Dropout2d(0.25)
    out = layer(minitorch.ones(400, 8, 3, 3)).numpy()
    per_channel = out.reshape(400, 8, 9)
    assert np.all((per_channel == 0).all(axis=2) | (per_channel == 1 / 0.75).all(axis=2))
    assert abs((per_channel[:, :, 0] == 0).mean() - 0.25) < 0.03
    layer.eval()
    x = minitorch.randn(2, 3, 2, 2)
    assert layer(x) is x
    assert np.all((nn.Dropout1d(0.5)(minitorch.ones(50, 4, 6)).numpy().reshape(200, 6).std(axis=1) == 0))


def test_alpha_dropout_keeps_mean_and_variance() -> None:
    x = minitorch.randn(200000)
    out = nn.AlphaDropout(0.2).train()(x).numpy()
    assert abs(out.mean()) < 0.02 and abs(out.std() - 1) < 0.02
    assert nn.AlphaDropout(0.2).eval()(x) is x


# ----- lazy modules -----
LAZY = [("LazyLinear(4)", (3, 5)), ("LazyConv2d(4, 3, padding=1)", (2, 3, 5, 5)), ("LazyConv1d(4, 2)", (2, 3, 6)),
        ("LazyConvTranspose2d(4, 2, stride=2)", (2, 3, 3, 3)), ("LazyBatchNorm1d()", (4, 3)),
        ("LazyBatchNorm2d()", (4, 3, 2, 2))]


@pytest.mark.parametrize("text,shape", LAZY)
def test_lazy_modules_become_their_eager_layer_as_torch(text: str, shape: tuple, rng) -> None:
    ours, theirs = eval("nn." + text), eval("torch.nn." + text)
    assert repr(ours) == repr(theirs)
    before = [id(p) for p in ours.parameters()]
    x = rng.standard_normal(shape).astype(np.float32)
    ours(minitorch.tensor(x)), theirs(torch.tensor(x))
    assert type(ours).__name__ == type(theirs).__name__ and repr(ours) == repr(theirs)
    assert [id(p) for p in ours.parameters()] == before  # materialised in place
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    assert all(type(p) is nn.Parameter and p.dtype == minitorch.float32 for p in ours.parameters())


def test_lazy_linear_initialises_from_the_fan_in_it_finds() -> None:
    layer = nn.LazyLinear(300)
    layer(minitorch.ones(2, 400))
    weight, bound = layer.weight.detach().numpy(), 1 / math.sqrt(400)
    assert np.abs(weight).max() <= bound and np.abs(weight).max() > 0.99 * bound
    assert abs(weight.std() - bound / math.sqrt(3)) < 0.01 * bound


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_an_optimiser_built_before_the_first_forward_trains_the_materialised_parameters(optimizer, rng) -> None:
    def build(lib):
        return lib.nn.Sequential(lib.nn.LazyConv2d(4, 3, bias=False), lib.nn.LazyBatchNorm2d(), lib.nn.ReLU(), lib.nn.Flatten(),
                                 lib.nn.LazyLinear(3))

    ours, theirs = build(minitorch).double(), build(torch).double()
    options = dict(lr=0.1, momentum=0.9) if optimizer == "SGD" else dict(lr=0.01)
    our_opt = getattr(minitorch.optim, optimizer)(ours.parameters(), **options)
    their_opt = getattr(torch.optim, optimizer)(theirs.parameters(), **options)
    x = rng.standard_normal((4, 2, 5, 5))
    with minitorch.no_grad(), torch.no_grad():
        ours.eval()(minitorch.tensor(x)), theirs.eval()(torch.tensor(x))
    copy_weights(theirs, ours)
    ours.train(), theirs.train()
    for _ in range(3):
        for opt, model, lib in ((our_opt, ours, minitorch), (their_opt, theirs, torch)):
            opt.zero_grad()
            (model(lib.tensor(x)) ** 2).mean().backward()
            opt.step()
    for mine, reference in zip(ours.parameters(), theirs.parameters()):
        assert_close(mine.detach(), reference.detach(), rtol=1e-9, atol=1e-12)


def test_lazy_module_takes_the_dtype_it_was_given_or_converted_to() -> None:
    layer = nn.LazyLinear(2).double()
    layer(minitorch.ones(1, 3, dtype=minitorch.float64))
    assert layer.weight.dtype == minitorch.float64 and tuple(layer.weight.shape) == (2, 3)
    assert repr(nn.LazyLinear(2).weight) == "<UninitializedParameter>"


# ----- errors -----
ERRORS = [
    (lambda lib: lib.nn.functional.conv_transpose2d(lib.ones(1, 3, 4, 4), lib.ones(2, 2, 3, 3)), RuntimeError,
     "3 channels"),
    (lambda lib: lib.nn.functional.conv_transpose2d(lib.ones(1, 2, 4, 4), lib.ones(2, 2, 3, 3), stride=2,
                                                    output_padding=2), RuntimeError, "output padding"),
    (lambda lib: lib.nn.ConvTranspose2d(3, 4, 3, groups=2), ValueError, "divisible"),
    (lambda lib: lib.nn.ConvTranspose2d(2, 4, 3, stride=2)(lib.ones(1, 2, 3, 3), output_size=(9, 9)), ValueError,
     "output size"),
    (lambda lib: lib.nn.functional.conv1d(lib.ones(2, 3, 4, 5), lib.ones(2, 3, 3)), RuntimeError, "3D"),
    (lambda lib: lib.nn.functional.adaptive_avg_pool2d(lib.ones(3, 4), 2), RuntimeError, r"\[3, 4\]"),
    (lambda lib: lib.nn.functional.interpolate(lib.ones(1, 1, 2, 2)), ValueError, "size or scale_factor"),
    (lambda lib: lib.nn.functional.interpolate(lib.ones(1, 1, 2, 2), size=2, scale_factor=2), ValueError,
     "only one"),
    (lambda lib: lib.nn.functional.interpolate(lib.ones(1, 1, 2, 2), size=(2, 3, 4)), ValueError, "spatial"),
    (lambda lib: lib.nn.functional.interpolate(lib.ones(1, 1, 2, 2), size=3, align_corners=True), ValueError,
     "align_corners"),
    (lambda lib: lib.nn.functional.pixel_shuffle(lib.ones(1, 3, 2, 2), 2), RuntimeError, "divisible"),
    (lambda lib: lib.nn.functional.pixel_unshuffle(lib.ones(1, 1, 3, 2), 2), RuntimeError, "divisible"),
    (lambda lib: lib.nn.functional.channel_shuffle(lib.ones(1, 3, 2, 2), 2), RuntimeError, "divisible"),
    (lambda lib: lib.nn.Dropout2d(1.5), ValueError, "between 0 and 1"),
    (lambda lib: lib.nn.functional.dropout1d(lib.ones(2, 3, 4, 5)), RuntimeError, "2D or 3D"),
    (lambda lib: lib.nn.functional.max_unpool2d(lib.ones(1, 1, 2, 2), lib.zeros(1, 1, 2, 3, dtype=lib.int64), 2),
     RuntimeError, "shape of indices"),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_as_torch(index) -> None:
    call, error, text = ERRORS[index]
    with pytest.raises(error):
        call(torch)
    with pytest.raises(error, match=text):
        call(minitorch)


# ----- padding layers, Conv2d padding modes, Bilinear, Unflatten -----
PADDED = ["ZeroPad2d((1, 2, 0, 3))", "ConstantPad2d(1, 2.5)", "ReflectionPad2d((2, 1, 1, 2))", "ReplicationPad2d(2)",
          "ReflectionPad1d(2)", "ReplicationPad1d((0, 3))", "ConstantPad1d((1, 2), -1.0)", "Unflatten(1, (3, 2))",
          "Conv2d(2, 3, 3, padding=1, padding_mode='reflect')", "Conv2d(2, 3, (2, 3), padding=(1, 2), "
          "padding_mode='replicate', stride=2)", "Conv2d(2, 3, 3, padding='same', padding_mode='circular')",
          "Conv2d(2, 4, 2, padding='same', padding_mode='reflect', dilation=2, groups=2)"]


@pytest.mark.parametrize("text", PADDED)
def test_padding_layers_and_conv_padding_modes_match_torch(text: str, rng) -> None:
    assert repr(eval("nn." + text)) == repr(eval("torch.nn." + text))
    shape = (2, 6, 4) if text.startswith(("Reflection" "Pad1d", "ReplicationPad1d", "ConstantPad1d")) else (2, 6, 4, 5)
    if text.startswith("Conv2d"):
        shape = (2, 2, 4, 5)
    run_both(lambda lib: eval("lib." + text, {"lib": lib}), rng.standard_normal(shape), rng)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@settings(max_examples=10)
@given(batch=st.lists(st.integers(1, 3), max_size=2), in1=st.integers(1, 4), in2=st.integers(1, 4),
       out=st.integers(1, 4), bias=st.booleans(), seed=SEEDS)
def test_bilinear_matches_torch(batch, in1, in2, out, bias, seed) -> None:
    rng = np.random.default_rng(seed)
    make = lambda lib: lib.Bilinear(in1, in2, out, bias=bias)  # noqa: E731
    theirs, ours = make(torch.nn).double(), make(nn).double()
    copy_weights(theirs, ours)
    a, b = leaves(rng.standard_normal((*batch, in1))), leaves(rng.standard_normal((*batch, in2)))
    our_out, their_out = ours(a[0], b[0]), theirs(a[1], b[1])
    assert_close(our_out, their_out)
    backward_both(our_out, their_out, rng)
    assert_grads_close([a, b] + list(zip(ours.parameters(), theirs.parameters())))
    assert repr(ours) == repr(theirs)
    bound = 1 / math.sqrt(in1)
    assert np.abs(nn.Bilinear(in1, in2, out).weight.detach().numpy()).max() <= bound


PAD_ERRORS = [
    (lambda lib: lib.nn.functional.pad(lib.ones(1, 2, 3), (3, 0), mode="reflect"), RuntimeError, "Padding size"),
    (lambda lib: lib.nn.functional.pad(lib.ones(1, 2, 3), (4, 0), mode="circular"), RuntimeError, "wrapping"),
    (lambda lib: lib.nn.Conv2d(2, 2, 3, padding_mode="mirror"), ValueError, "padding_mode"),
]


@pytest.mark.parametrize("index", range(len(PAD_ERRORS)))
def test_padding_errors_as_torch(index) -> None:
    call, error, text = PAD_ERRORS[index]
    with pytest.raises(error):
        call(torch)
    with pytest.raises(error, match=text):
        call(minitorch)
