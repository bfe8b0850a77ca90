"""Losses through ``nn.functional``: cross_entropy (class indices, some ignored, class weights,
label smoothing; class probabilities), nll_loss and mse_loss, in every reduction and layout:
unbatched (C,), rows (N, C) and spatial (N, C, d1[, d2])."""
from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from tests.ops.cases.base import OpCase

REDUCTIONS = st.sampled_from(["mean", "sum", "none"])


@st.composite
def classification_problems(draw: st.DrawFn, targets: str = "indices", smoothing: tuple = (0.0,)) -> tuple:
    """(logits, target, class weight or None, options): targets are class indices (some ignored)
    or, with ``targets="probabilities"``, a distribution over the classes at every position."""
    classes = draw(st.integers(1, 5))
    layout = draw(st.sampled_from(["unbatched", "rows", "spatial"]))
    batch = () if layout == "unbatched" else (draw(st.integers(1, 4)),)
    spatial = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2))) if layout == "spatial" else ()
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    logits = rng.standard_normal(batch + (classes,) + spatial) * 3
    weight = rng.uniform(0.2, 2.0, classes) if draw(st.booleans()) else None
    options = dict(reduction=draw(REDUCTIONS))
    if len(smoothing) > 1:
        options["label_smoothing"] = draw(st.sampled_from(smoothing))
    if targets == "probabilities":
        class_axis = 1 if logits.ndim > 1 else 0
        rows = logits.shape[:1] + logits.shape[2:] if class_axis else None
        target = np.moveaxis(rng.dirichlet(np.ones(classes), size=rows), -1, class_axis)
    else:
        target = rng.integers(0, classes, size=batch + spatial).astype(np.int64)
        options["ignore_index"] = draw(st.sampled_from([-100, 0, classes - 1]))
        # a mean over ignored targets only is 0/0 (NaN, see test_losses.py); its gradient is no parity matter
        assume(options["reduction"] != "mean" or (target != options["ignore_index"]).any())
    return logits, target, weight, options


def regression_problems() -> st.SearchStrategy:
    """(input, target, options) of one shape (0-3 dims): both sides differentiable."""
    def arrays(shape: list) -> st.SearchStrategy:
        rng = st.integers(0, 2**32 - 1).map(np.random.default_rng)
        return rng.map(lambda r: (r.standard_normal(shape), r.standard_normal(shape)))
    pair = st.lists(st.integers(1, 4), min_size=0, max_size=3).flatmap(arrays)
    return st.tuples(pair, REDUCTIONS).map(lambda drawn: (*drawn[0], dict(reduction=drawn[1])))


def cross_entropy(lib: Any, logits: Any, target: Any, weight: Any, options: dict) -> Any:
    return lib.nn.functional.cross_entropy(logits, target, weight, **options)


def nll_loss(lib: Any, log_probabilities: Any, target: Any, weight: Any, options: dict) -> Any:
    return lib.nn.functional.nll_loss(log_probabilities, target, weight, **options)


def uint8_targets() -> st.SearchStrategy:
    return st.just((np.arange(6.0).reshape(2, 3), np.array([0, 2], dtype=np.uint8)))


LOGITS = (0,)  # targets and class weights are constants
CASES = [
    OpCase("cross_entropy", cross_entropy, classification_problems(smoothing=(0.0, 0.1, 0.7, 1.0)), grad=LOGITS),
    OpCase("cross_entropy_probabilities", cross_entropy,
           classification_problems(targets="probabilities", smoothing=(0.0, 0.3)), grad=LOGITS),
    OpCase("nll_loss", nll_loss, classification_problems(), grad=LOGITS),
    OpCase("mse_loss", lambda lib, x, y, options: lib.nn.functional.mse_loss(x, y, **options), regression_problems()),
    OpCase("cross_entropy_uint8_targets", lambda lib, x, t: lib.nn.functional.cross_entropy(x, t), uint8_targets(),
           examples=2),
]
