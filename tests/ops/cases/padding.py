"""pad (constant mode) through ``nn.functional``: padding and cropping (negative amounts) of the
last 1-3 dims, with the default fill, 0 or another value."""
from __future__ import annotations

from hypothesis import strategies as st

from minitorch.testing import arrays, shapes
from tests.ops.cases.base import OpCase


@st.composite
def paddings(draw: st.DrawFn) -> tuple:
    """(x, pad amounts, value): each cropped dim keeps at least one element."""
    x = draw(arrays(shapes(min_dims=1, max_dims=3, max_side=4)))
    amounts = []
    for size in reversed(x.shape[-draw(st.integers(1, x.ndim)):]):
        before = draw(st.integers(-(size - 1), 2))
        amounts += [before, draw(st.integers(-(size - 1 + min(before, 0)), 2))]
    return x, amounts, draw(st.sampled_from([None, 0.0, -1.5]))


CASES = [
    OpCase("pad", lambda lib, x, amounts, value: lib.nn.functional.pad(x, amounts, value=value), paddings()),
]
