"""batch_norm through ``nn.functional``, in training (batch statistics, running statistics updated
in place: the case returns them as outputs to compare) and in eval mode (running statistics used)."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
from hypothesis import strategies as st

from tests.ops.cases.base import OpCase, seeded


@st.composite
def batches(draw: st.DrawFn) -> tuple:
    """(x (N, C[, d1[, d2]]), weight or None, bias or None, running mean, running var)."""
    batch, channels = draw(st.integers(2, 4)), draw(st.integers(1, 3))
    spatial = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.standard_normal((batch, channels, *spatial)) * 2 + 1
    affine = draw(st.booleans())
    weight, bias = (rng.standard_normal(channels), rng.standard_normal(channels)) if affine else (None, None)
    return x, weight, bias, rng.standard_normal(channels), rng.uniform(0.5, 2, channels)


def batch_norm(training: bool, statistics: bool = True) -> Callable[..., Any]:
    """batch_norm(x, ...) and, with ``statistics``, the running statistics after the call."""
    def run(lib: Any, x: Any, weight: Any, bias: Any, mean: Any, var: Any) -> Any:
        out = lib.nn.functional.batch_norm(x, mean, var, weight, bias, training, 0.3, 1e-3)
        return (out, mean, var) if statistics else out
    return run


AFFINE = (0, 1, 2)  # x, weight, bias; the running statistics are buffers
CASES = [
    # finite differences see the running statistics move with x (buffers: no gradient), so the
    # gradient check runs on the output alone
    OpCase("batch_norm_training", batch_norm(training=True), batches(), grad=AFFINE, gradcheck=False),
    OpCase("batch_norm_training_output", batch_norm(training=True, statistics=False), batches(), grad=AFFINE),
    OpCase("batch_norm_eval", batch_norm(training=False), batches(), grad=AFFINE),
    OpCase("batch_norm_without_running_statistics",
           lambda lib, x: lib.nn.functional.batch_norm(x, None, None, training=True),
           seeded((4, 3)), examples=5),
]
