"""linear through ``nn.functional``: batch dimensions of rank 0-2, with and without bias, inputs in
every memory layout (the ``arrays`` strategy draws transposed, strided and reversed ones)."""
from __future__ import annotations

from hypothesis import strategies as st

from minitorch.testing import arrays, shapes
from tests.ops.cases.base import OpCase


@st.composite
def linear_inputs(draw: st.DrawFn, bias: bool) -> tuple:
    batch = draw(shapes(min_dims=0, max_dims=2, max_side=3))
    in_features, out_features = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    x = draw(arrays(batch + (in_features,)))
    weight = draw(arrays((out_features, in_features)))
    return (x, weight, draw(arrays((out_features,)))) if bias else (x, weight)


CASES = [
    OpCase("linear", lambda lib, x, w, b: lib.nn.functional.linear(x, w, b), linear_inputs(bias=True)),
    OpCase("linear_no_bias", lambda lib, x, w: lib.nn.functional.linear(x, w), linear_inputs(bias=False)),
]
