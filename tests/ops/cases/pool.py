"""max_pool2d and avg_pool2d through ``nn.functional``: drawn geometries (kernel, stride, padding,
dilation, ceil_mode, count_include_pad, divisor_override, batched or unbatched), the option sets of
the ``nn.MaxPool2d``/``nn.AvgPool2d`` wrappers, and PyTorch's rules for ties and NaN."""
from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from minitorch.ops.geometry import pool_output_length
from minitorch.testing import arrays
from tests.ops.cases.base import OpCase, seeded
from tests.ops.cases.conv import PAIRS, as_pair


@st.composite
def pool_geometries(draw: st.DrawFn, dilated: bool) -> tuple:
    """(input shape, keyword arguments) for a valid pooling: padding ≤ kernel/2, output not empty."""
    kernel = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    stride = draw(st.one_of(st.none(), PAIRS))
    strides = kernel if stride is None else as_pair(stride)
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    dilation = draw(st.tuples(st.integers(1, 2), st.integers(1, 2))) if dilated else (1, 1)
    size = draw(st.tuples(st.integers(1, 7), st.integers(1, 7)))
    ceil_mode = draw(st.booleans())
    for d in range(2):
        assume(dilation[d] * (kernel[d] - 1) + 1 <= size[d] + 2 * padding[d])
        # a dilated window can fall entirely in the padding; PyTorch's indices are then meaningless
        length = pool_output_length(size[d], kernel[d], strides[d], padding[d], dilation[d], ceil_mode)
        starts = [y * strides[d] - padding[d] for y in range(length)]
        assume(all(any(0 <= start + i * dilation[d] < size[d] for i in range(kernel[d])) for start in starts))
    batch = draw(st.sampled_from([(), (1,), (2,)]))
    options = dict(kernel_size=kernel, stride=stride, padding=padding, ceil_mode=ceil_mode)
    if dilated:
        options["dilation"] = dilation
    return batch + (draw(st.integers(1, 2)),) + size, options


def max_pools(values: str) -> st.SearchStrategy:
    """(x, options): ``values="ties"`` draws few distinct integers (ties everywhere), ``"distinct"`` none."""
    def inputs(geometry: tuple) -> st.SearchStrategy:
        shape, options = geometry
        x = (hnp.arrays(np.float64, shape, elements=st.integers(-2, 2).map(float)) if values == "ties"
             else arrays(shape, distinct=True))  # no ties: finite differences see one maximum
        return st.tuples(x, st.just(options))
    return pool_geometries(dilated=True).flatmap(inputs)


def avg_pools() -> st.SearchStrategy:
    def inputs(geometry: tuple) -> st.SearchStrategy:
        shape, options = geometry
        extra = st.fixed_dictionaries({"count_include_pad": st.booleans(),
                                       "divisor_override": st.sampled_from([None, 1, 3])})
        return st.tuples(arrays(shape), extra.map(lambda more: {**options, **more}))
    return pool_geometries(dilated=False).flatmap(inputs)


def fixed(shape: tuple, options: dict, dtype: Any = np.float64) -> st.SearchStrategy:
    return seeded(shape, dtype=dtype).map(lambda drawn: (*drawn, options))


def flat_patches() -> st.SearchStrategy:
    """Four constant 3x3 patches: every window is a tie."""
    return st.just((np.kron(np.arange(4.0).reshape(1, 1, 2, 2), np.ones((3, 3))),))


def with_nans() -> st.SearchStrategy:
    """NaN beats every value (PyTorch: the last NaN of a window in row-major order takes the gradient)."""
    values = np.arange(2 * 1 * 4 * 4, dtype=np.float64).reshape(2, 1, 4, 4)
    values[0, 0, 0, 1] = values[0, 0, 1, 0] = values[1, 0, 3, 3] = np.nan
    return st.just((values,))


def max_pool(lib: Any, x: Any, options: dict) -> Any:
    return lib.nn.functional.max_pool2d(x, **options)


def max_pool_with_indices(lib: Any, x: Any, options: dict) -> Any:
    return lib.nn.functional.max_pool2d(x, return_indices=True, **options)


def avg_pool(lib: Any, x: Any, options: dict) -> Any:
    return lib.nn.functional.avg_pool2d(x, **options)


WRAPPER_SHAPE = (2, 3, 7, 8)  # the option sets the nn.MaxPool2d / nn.AvgPool2d tests used to run
FLOAT32 = dict(shape=(2, 3, 8, 8), options=dict(kernel_size=3, stride=2, padding=1, ceil_mode=True))

CASES = [
    OpCase("max_pool2d_ties_and_indices", max_pool_with_indices, max_pools("ties"), gradcheck=False),
    OpCase("max_pool2d", max_pool, max_pools("distinct")),
    OpCase("avg_pool2d", avg_pool, avg_pools()),
    OpCase("max_pool2d_k2", max_pool, fixed(WRAPPER_SHAPE, dict(kernel_size=2)), gradcheck=False, examples=3),
    OpCase("max_pool2d_k3_s2_p1_ceil", max_pool, fixed(WRAPPER_SHAPE, dict(kernel_size=3, stride=2, padding=1,
                                                                           dilation=1, ceil_mode=True)),
           gradcheck=False, examples=3),
    OpCase("max_pool2d_rect_dilated", max_pool, fixed(WRAPPER_SHAPE, dict(kernel_size=(2, 3), stride=1, dilation=2)),
           gradcheck=False, examples=3),
    OpCase("avg_pool2d_k2", avg_pool, fixed(WRAPPER_SHAPE, dict(kernel_size=2)), gradcheck=False, examples=3),
    OpCase("avg_pool2d_k3_s2_p1_ceil_exclude_pad", avg_pool,
           fixed(WRAPPER_SHAPE, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
           gradcheck=False, examples=3),
    OpCase("avg_pool2d_rect_divisor", avg_pool,
           fixed(WRAPPER_SHAPE, dict(kernel_size=(3, 2), stride=1, divisor_override=5)), gradcheck=False, examples=3),
    OpCase("max_pool2d_ties_go_to_the_first_maximum", lambda lib, x: lib.nn.functional.max_pool2d(x, 2),
           flat_patches(), gradcheck=False, examples=2),
    OpCase("max_pool2d_overlapping_ties_go_to_the_first_maximum",
           lambda lib, x: lib.nn.functional.max_pool2d(x, 3, stride=1, padding=1), flat_patches(),
           gradcheck=False, examples=2),
    OpCase("max_pool2d_nan_wins_its_window", lambda lib, x: lib.nn.functional.max_pool2d(x, 2), with_nans(),
           rtol=0, atol=0, gradcheck=False, examples=2),
    OpCase("max_pool2d_float32", max_pool, fixed(FLOAT32["shape"], FLOAT32["options"], dtype=np.float32),
           rtol=1e-6, atol=1e-6, gradcheck=False, examples=3),
    OpCase("avg_pool2d_float32", avg_pool, fixed(FLOAT32["shape"], FLOAT32["options"], dtype=np.float32),
           rtol=1e-5, atol=1e-6, gradcheck=False, examples=3),
]
