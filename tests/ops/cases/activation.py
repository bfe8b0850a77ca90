"""Activations and dropout through ``nn.functional``: relu, sigmoid, tanh, softmax and log_softmax
along every dim, and dropout where its result is deterministic (p=0, p=1, eval mode)."""
from __future__ import annotations

from hypothesis import strategies as st

from minitorch.testing import arrays, shapes
from tests.ops.cases.base import OpCase, unary

ANY_SHAPE = shapes(min_dims=1, max_dims=3)


def with_dim() -> st.SearchStrategy:
    """(x, dim) with dim any valid dim of x, negative ones included."""
    return arrays(ANY_SHAPE).flatmap(lambda x: st.tuples(st.just(x), st.integers(-x.ndim, x.ndim - 1)))


CASES = [
    OpCase("F_relu", lambda lib, x: lib.nn.functional.relu(x), unary(avoid=(0.0,))),
    OpCase("F_sigmoid", lambda lib, x: lib.nn.functional.sigmoid(x), unary()),
    OpCase("F_tanh", lambda lib, x: lib.nn.functional.tanh(x), unary()),
    OpCase("softmax", lambda lib, x, dim: lib.nn.functional.softmax(x, dim), with_dim()),
    OpCase("log_softmax", lambda lib, x, dim: lib.nn.functional.log_softmax(x, dim), with_dim()),
    OpCase("dropout_p0", lambda lib, x: lib.nn.functional.dropout(x, 0.0) * 1, unary()),
    OpCase("dropout_p1", lambda lib, x: lib.nn.functional.dropout(x, 1.0), unary(), gradcheck=False),
    OpCase("dropout_eval", lambda lib, x: lib.nn.functional.dropout(x, 0.5, training=False) * 1, unary()),
]
