"""conv2d through ``nn.functional``: Hypothesis-drawn geometries (groups, stride, padding including
``"same"``/``"valid"``, dilation, batched or unbatched, with or without bias), the option sets of
the ``nn.Conv2d`` wrapper, and a float32 LeNet layer. Sizes stay tiny so many geometries fit."""
from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from minitorch.testing import arrays
from tests.ops.cases.base import OpCase, seeded

SMALL = st.integers(1, 3)
PAIRS = st.one_of(SMALL, st.tuples(SMALL, SMALL))


def as_pair(value: Any) -> tuple:
    return value if isinstance(value, tuple) else (value, value)


@st.composite
def convolutions(draw: st.DrawFn, max_side: int = 6) -> tuple:
    """(x, weight, bias or None, keyword arguments) for a valid convolution."""
    groups = draw(st.integers(1, 2))
    in_channels, out_channels = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = draw(st.tuples(SMALL, SMALL))
    dilation = draw(st.one_of(st.just(1), st.tuples(st.integers(1, 2), st.integers(1, 2))))
    stride = draw(PAIRS)
    padding = draw(st.one_of(st.integers(0, 2), st.tuples(st.integers(0, 2), st.integers(0, 2)),
                             st.just("valid"), st.just("same") if stride == 1 else st.just(0)))
    size = draw(st.tuples(st.integers(1, max_side), st.integers(1, max_side)))
    pad = (0, 0) if isinstance(padding, str) else as_pair(padding)
    for d in range(2):  # the dilated kernel must fit the padded input
        assume(as_pair(dilation)[d] * (kernel[d] - 1) + 1 <= size[d] + 2 * pad[d])
    batch = draw(st.sampled_from([(), (1,), (2,)]))  # () is an unbatched (C, H, W) image
    x = draw(arrays(batch + (in_channels,) + size))  # also transposed, strided, reversed layouts
    weight = draw(arrays((out_channels, in_channels // groups) + kernel, contiguous=True))
    bias = draw(st.one_of(st.none(), arrays((out_channels,), contiguous=True)))
    return x, weight, bias, dict(stride=stride, padding=padding, dilation=dilation, groups=groups)


def wrapper_options(options: dict) -> st.SearchStrategy:
    """The inputs of one option set of ``nn.Conv2d(4, 8, kernel_size=3, ...)`` on a (2, 4, 7, 6) batch."""
    options = {"kernel_size": 3, **options}
    kernel = as_pair(options.pop("kernel_size"))
    has_bias = options.pop("bias", True)
    weight_shape = (8, 4 // options.get("groups", 1)) + kernel
    if has_bias:
        return seeded((2, 4, 7, 6), weight_shape, (8,)).map(lambda xwb: (*xwb, options))
    return seeded((2, 4, 7, 6), weight_shape).map(lambda xw: (*xw, None, options))


def lenet_layer() -> st.SearchStrategy:
    """A real first layer in float32: dtypes stay float32, values agree to float32 accuracy."""
    return seeded((4, 3, 32, 32), (6, 3, 5, 5), (6,), dtype=np.float32)


def conv(lib: Any, x: Any, weight: Any, bias: Any, options: dict) -> Any:
    return lib.nn.functional.conv2d(x, weight, bias, **options)


# the option sets the nn.Conv2d tests used to run, each now a case of its own
WRAPPER_OPTIONS = {
    "default": dict(),
    "stride_padding": dict(stride=2, padding=1),
    "asymmetric_dilated": dict(stride=(1, 2), padding=(2, 0), dilation=(2, 1)),
    "same_dilated": dict(padding="same", dilation=2),
    "valid_grouped_no_bias": dict(padding="valid", groups=2, bias=False),
    "rect_kernel_depthwise_same": dict(kernel_size=(2, 3), groups=4, padding="same"),
    # windows that never overlap: dx is one copy into the receptive fields, nothing adds up (conv.col2im)
    "pointwise_stride_2": dict(kernel_size=1, stride=2, bias=False),
    "patches_stride_past_kernel": dict(kernel_size=2, stride=(2, 3), padding=1),
}

CASES = [
    OpCase("conv2d", conv, convolutions()),
    *(OpCase(f"conv2d_{name}", conv, wrapper_options(options), gradcheck=False, examples=3)  # drawn geometries check it
      for name, options in WRAPPER_OPTIONS.items()),
    OpCase("conv2d_lenet_float32", lambda lib, x, w, b: lib.nn.functional.conv2d(x, w, b, padding=2), lenet_layer(),
           rtol=1e-3, atol=1e-3, gradcheck=False, examples=2),  # float32 sums of 4096 products
]
