"""Hypothesis strategies for property tests of tensor code: shapes, arrays, tensors.

Each strategy draws *small* examples (a few dozen elements), so finite-difference gradient
checks stay fast. Arrays come in varied memory layouts (transposed, strided, reversed), as
tensors met in real code do, because many bugs only show on non-contiguous memory::

    from hypothesis import given
    from minitorch.testing import tensors
    import minitorch

    @given(tensors(min_value=0.1, max_value=3.0))
    def test_log_gradient(x):
        assert minitorch.gradcheck(minitorch.log, (x,))
"""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence, Union

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from minitorch import backend, dtypes
from minitorch.tensor import Tensor

Shape = tuple
ShapeLike = Union[Sequence[int], st.SearchStrategy]


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 3) -> st.SearchStrategy:
    """Tuples of sizes, e.g. ``()``, ``(3,)``, ``(2, 1, 3)``; ``min_side=0`` allows empty tensors.

    Example::

        @given(shapes(min_dims=1))
        def test_flatten(shape):
            x = minitorch.zeros(shape)
            assert x.flatten().numel() == x.numel()
    """
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def broadcastable_shapes(num_shapes: int = 2, min_dims: int = 0, max_dims: int = 3, min_side: int = 1,
                         max_side: int = 3) -> st.SearchStrategy:
    """Tuples of ``num_shapes`` shapes that broadcast together, e.g. ``((2, 1, 3), (4, 1), ())``.

    Shapes differ in length and have size-1 dimensions, so both kinds of broadcasting (new
    leading dimensions, stretched size-1 dimensions) are exercised. Example::

        @given(broadcastable_shapes())
        def test_add_shape(pair):
            a, b = (minitorch.zeros(s) for s in pair)
            assert (a + b).shape == np.broadcast_shapes(*pair)
    """
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side,
    ).map(lambda drawn: tuple(drawn.input_shapes))


def arrays(shape: ShapeLike = shapes(), dtype: Any = dtypes.float64, min_value: float = -3.0,
           max_value: float = 3.0, *, avoid: Sequence[float] = (), margin: float = 1e-2,
           distinct: bool = False, contiguous: bool = False) -> st.SearchStrategy:
    """NumPy arrays of ``shape`` with finite, normal values in ``[min_value, max_value]`` (no
    subnormals such as 5e-324, whose reciprocal overflows: results there hang on the order of operations).

    ``avoid``: points every value stays ``margin`` away from (the kink of ``relu``/``abs`` at 0,
    the bounds of ``clamp``), where finite differences disagree with any one-sided derivative.
    ``distinct``: values pairwise well apart, so ``max``/``min``/``sort`` have no ties.
    ``contiguous=False`` (default) also draws transposed, strided and reversed memory layouts.
    Example::

        @given(arrays((2, 3), min_value=0.5))
        def test_sqrt(a):
            np.testing.assert_allclose(minitorch.sqrt(minitorch.tensor(a)).numpy(), np.sqrt(a))
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype.kind != "f":
        raise ValueError(f"arrays() draws floating-point values, got dtype {dtype}")
    return _as_strategy(shape).flatmap(
        lambda fixed: _arrays_of_shape(tuple(fixed), dtype, min_value, max_value, tuple(avoid), margin,
                                       distinct, contiguous)
    )


def tensors(shape: ShapeLike = shapes(), dtype: Any = dtypes.float64, requires_grad: bool = True,
            device: str = "cpu", **array_options: Any) -> st.SearchStrategy:
    """minitorch Tensors (leaves) wrapping :func:`arrays` without copying their memory layout.

    ``array_options`` are those of :func:`arrays` (``min_value``, ``avoid``, ``distinct`` ...).
    Example::

        @given(tensors(shape=(3,), avoid=(0.0,)))
        def test_relu_gradient(x):
            assert minitorch.gradcheck(minitorch.relu, (x,))
    """
    return arrays(shape, dtype, **array_options).map(lambda array: as_leaf(array, device, requires_grad))


def as_leaf(array: np.ndarray, device: str = "cpu", requires_grad: bool = True) -> Tensor:
    """A leaf tensor on ``device`` holding ``array``: the very same memory on the CPU, a copy laid out
    with the same strides on a GPU (so transposed, strided and reversed layouts are tested there too)."""
    data = array if backend.device(device).type == "cpu" else _same_layout_on(array, backend.device(device))
    return Tensor._wrap(data).requires_grad_(requires_grad and array.dtype.kind == "f")


def _same_layout_on(array: np.ndarray, target: backend.device) -> Any:
    """``array``'s values on ``target`` in a buffer viewed with ``array``'s strides (not C order)."""
    flips = tuple(slice(None, None, -1) if stride < 0 else slice(None) for stride in array.strides)
    forward = array[flips]  # every stride >= 0
    if forward.size == 0 or forward.flags.c_contiguous:
        return backend.to_device(forward, target)[flips]
    span = 1 + sum((n - 1) * s for n, s in zip(forward.shape, forward.strides)) // array.itemsize
    with backend.array_module_on(target) as xp:
        buffer = xp.zeros(span, dtype=array.dtype)
        laid_out = xp.lib.stride_tricks.as_strided(buffer, forward.shape, forward.strides)
        laid_out[...] = backend.to_device(np.ascontiguousarray(forward), target)
    return laid_out[flips]


# ----- building blocks -----
def _as_strategy(shape: ShapeLike) -> st.SearchStrategy:
    return shape if isinstance(shape, st.SearchStrategy) else st.just(tuple(shape))


def _arrays_of_shape(shape: Shape, dtype: np.dtype, low: float, high: float, avoid: tuple, margin: float,
                     distinct: bool, contiguous: bool) -> st.SearchStrategy:
    count = math.prod(shape)
    far_from_avoided = _far_from(avoid, margin)
    if distinct:
        values = _distinct_values(count, low, high).filter(lambda v: all(far_from_avoided(x) for x in v))
    else:
        elements = st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False,
                             width=8 * dtype.itemsize)
        values = st.lists(elements.filter(far_from_avoided), min_size=count, max_size=count)
    arrays = values.map(lambda v: np.array(v, dtype=dtype).reshape(shape))
    return arrays if contiguous else arrays.flatmap(_layouts)


def _far_from(points: tuple, margin: float) -> Callable[[float], bool]:
    return lambda value: all(abs(value - point) > margin for point in points)


def _distinct_values(count: int, low: float, high: float) -> st.SearchStrategy:
    """``count`` values at least ``(high - low) / (2 count)`` apart: a shuffled, jittered grid."""
    step = (high - low) / max(count, 1)
    jitter = st.lists(st.floats(-0.25, 0.25), min_size=count, max_size=count)
    return st.tuples(st.permutations(range(count)), jitter).map(
        lambda drawn: [low + (slot + 0.5 + shift) * step for slot, shift in zip(*drawn)]
    )


def _layouts(array: np.ndarray) -> st.SearchStrategy:
    """The same values and shape, laid out in memory in one of several ways."""
    if array.ndim == 0:
        return st.just(array)
    layouts = [st.just(array), st.just(_strided(array)), st.just(_reversed(array))]
    if array.ndim > 1:
        layouts.append(st.permutations(range(array.ndim)).map(lambda order: _permuted(array, order)))
    return st.one_of(layouts)


def _permuted(array: np.ndarray, order: Sequence[int]) -> np.ndarray:
    """A view whose dimensions are stored in ``order`` (as ``x.permute(...)`` produces)."""
    stored = np.ascontiguousarray(array.transpose(order))
    return stored.transpose(np.argsort(order))


def _strided(array: np.ndarray) -> np.ndarray:
    """A view that skips every other element of a twice-as-wide buffer."""
    buffer = np.zeros(array.shape[:-1] + (2 * array.shape[-1],), dtype=array.dtype)
    buffer[..., ::2] = array
    return buffer[..., ::2]


def _reversed(array: np.ndarray) -> np.ndarray:
    """A view with a negative stride along the first dimension."""
    return np.ascontiguousarray(array[::-1])[::-1]


def integer_arrays(shape: ShapeLike, low: int, high: int) -> st.SearchStrategy:
    """int64 arrays with values in ``[low, high]`` (indices, labels); repeats are likely."""
    return _as_strategy(shape).flatmap(
        lambda fixed: hnp.arrays(np.int64, tuple(fixed), elements=st.integers(low, high))
    )


__all__ = ["shapes", "broadcastable_shapes", "arrays", "tensors", "integer_arrays", "as_leaf"]
