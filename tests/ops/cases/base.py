"""The op table's building blocks: the :class:`OpCase` record and the input strategies.

Every file of this package lists the cases of one kind of op (``CASES``); ``__init__`` gathers
them into the one table that drives two test files:

* ``tests/ops/test_op_parity.py`` runs each case on minitorch and on PyTorch (float64 unless the case
  says otherwise) and compares the outputs and the gradient of every differentiable input,
  for a random upstream gradient.
* ``tests/ops/test_op_gradcheck.py`` compares each case's backward with finite differences
  (:func:`minitorch.gradcheck`).

A case's ``fn(lib, *inputs)`` is written once for both libraries: ``lib`` is ``minitorch`` or
``torch``, and ``inputs`` are tensors built from the NumPy arrays its ``inputs`` strategy draws;
anything else the strategy draws (an option dict, a dim, ``None`` for a missing bias) reaches
``fn`` unchanged, the same in both libraries. Float arrays are differentiable unless ``grad``
names the ones that are.

A third, ``tests/ops/test_op_gradgrad.py``, checks second derivatives (double backward) the same
two ways; a case opts out with ``gradgrad=False``. A new column is one field with a default here:
no case needs editing until it opts out.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from minitorch.testing import arrays, broadcastable_shapes, shapes


@dataclass(frozen=True)
class OpCase:
    name: str
    fn: Callable[..., Any]
    inputs: st.SearchStrategy  # tuples of NumPy arrays (and plain values passed through)
    grad: Optional[tuple] = None  # indices of the differentiable inputs; None: every float input
    rtol: float = 1e-7  # parity tolerances (float64 results computed in a different order)
    atol: float = 1e-10
    gradcheck: bool = True  # False where finite differences mean nothing (ties, float32, no gradient)
    examples: Optional[int] = None  # Hypothesis examples per test; None: the test's default (fixed inputs need few)
    gradgrad: bool = True  # False: no second derivative to check (say why next to the case)

    def requires_grad(self, index: int, array: Any) -> bool:
        if not isinstance(array, np.ndarray) or array.dtype.kind != "f":
            return False
        return self.grad is None or index in self.grad

    def __str__(self) -> str:
        return self.name


# ----- input strategies -----
SMALL = shapes(min_dims=0, max_dims=3, max_side=3)
MATRIX = shapes(min_dims=2, max_dims=2, max_side=4)
AT_LEAST_1D = shapes(min_dims=1, max_dims=3, max_side=3)
AT_LEAST_2D = shapes(min_dims=2, max_dims=3, max_side=3)
THREE_D = shapes(min_dims=3, max_dims=3, min_side=2, max_side=3)
WITH_EMPTY = shapes(min_dims=1, max_dims=3, min_side=0, max_side=3)


def floats(shape: Any = SMALL, **options: Any) -> st.SearchStrategy:
    """One float64 array (see :func:`minitorch.testing.arrays` for ``options``)."""
    return arrays(shape, **options)


def args(*parts: st.SearchStrategy) -> st.SearchStrategy:
    return st.tuples(*parts)


def unary(shape: Any = SMALL, **options: Any) -> st.SearchStrategy:
    return args(floats(shape, **options))


def broadcast(*options: Any, min_dims: int = 0, max_dims: int = 3) -> st.SearchStrategy:
    """Arrays of mutually broadcastable shapes, one per option: a dict of :func:`arrays` options,
    or a function from a shape to a strategy (such as :func:`ties`)."""

    def draw(shape: tuple, option: Any) -> st.SearchStrategy:
        return option(shape) if callable(option) else arrays(shape, **option)

    return broadcastable_shapes(len(options), min_dims=min_dims, max_dims=max_dims).flatmap(
        lambda drawn: st.tuples(*(draw(shape, option) for shape, option in zip(drawn, options)))
    )


def ties(shape: Any = shapes(min_dims=1, max_dims=2, max_side=4)) -> st.SearchStrategy:
    """Float arrays from {-1, 0, 1}: equal elements (ties) are the rule, not the exception."""
    return hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 0.0, 1.0]))


def masks(shape: tuple) -> st.SearchStrategy:
    return hnp.arrays(np.bool_, shape)


def matmul_pair(left: str, right: str) -> st.SearchStrategy:
    """Matmul operands by pattern: ``n, k, m`` (1-3, shared ``k``), batch sizes ``b`` = 2, ``c`` = 3, ``1``.

    ``matmul_pair("k", "km")`` is a vector times a matrix, ``matmul_pair("b1nk", "ckm")`` a
    batch product whose batch dimensions broadcast to ``(2, 3)``.
    """
    sizes = st.fixed_dictionaries({"n": st.integers(1, 3), "k": st.integers(1, 3), "m": st.integers(1, 3)})

    def operands(drawn: dict) -> st.SearchStrategy:
        lookup = {**drawn, "b": 2, "c": 3, "1": 1, "0": 0}
        return args(floats(tuple(lookup[c] for c in left)), floats(tuple(lookup[c] for c in right)))

    return sizes.flatmap(operands)


NONZERO = dict(avoid=(0.0,), margin=0.5)
POSITIVE = dict(min_value=0.5, max_value=2.0)
ANY: dict = {}
OFF_GRID = dict(avoid=(-1.0, 0.0, 1.0))  # away from the values of ties()


def seeded(*shapes: tuple, dtype: Any = np.float64) -> st.SearchStrategy:
    """Standard-normal arrays of fixed (possibly large) shapes from one drawn seed: cheap to draw."""
    def build(seed: int) -> tuple:
        rng = np.random.default_rng(seed)
        return tuple(rng.standard_normal(shape).astype(dtype) for shape in shapes)
    return st.integers(0, 2**32 - 1).map(build)
