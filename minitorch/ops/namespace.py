"""NumPy's names for differentiable Tensor ops: what ``array_module(tensor)`` returns.

Every backward formula in minitorch is written once, against ``xp = array_module(grad)``::

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xp = array_module(grad)
        return grad * xp.where(x > 0, 1.0, 0.0)

On a first-order backward ``grad`` and ``x`` are arrays and ``xp`` is ``numpy`` (or ``cupy``).
With ``create_graph=True`` they are Tensors, and ``xp`` is a :class:`TensorNamespace`: the same
names, computed by minitorch's own differentiable ops, so the backward is recorded in the graph
and can be differentiated again. Operators (``*``, ``-``, ``>``) and the methods both kinds share
(``.sum(axis=, keepdims=)``, ``.reshape``, ``.T``, ``.shape``) need nothing from here.

A namespace belongs to one array module (NumPy or CuPy): the constants it makes (``zeros``,
``eye``) live on the same device as the tensors. Indices (``arange``, ``nonzero``) stay raw arrays:
they are never differentiated. Anything else falls through to the array module itself (dtypes,
``inf``, ``errstate``), and a function that has no Tensor version here says so by name.
"""
from __future__ import annotations

import functools
from types import ModuleType, SimpleNamespace
from typing import Any, Sequence

import numpy as np

from minitorch import backend, dtypes
from minitorch.ops import cumulative, decompositions, einsum, exponentials, gather, selection, shape, triangular, views
from minitorch.tensor import Tensor

# Indices and dtypes are never differentiated: these pass straight through to the array module.
PASS_THROUGH = {"arange", "nonzero", "argsort", "argmax", "argmin", "bincount", "searchsorted", "unique",
                "lexsort", "triu_indices", "tril_indices", "indices", "ravel_multi_index", "unravel_index",
                "iinfo", "finfo", "errstate", "ndarray", "newaxis", "inf", "nan", "pi", "e", "dtype",
                "int8", "int16", "int32", "int64", "uint8", "bool_", "float16", "float32", "float64",
                "result_type", "broadcast_shapes"}


class TensorNamespace:
    """The NumPy functions backward formulas use, on Tensors (constants on ``xp``'s device)."""

    def __init__(self, xp: ModuleType) -> None:
        self.xp = xp

    def __getattr__(self, name: str) -> Any:
        if name in PASS_THROUGH:
            return getattr(self.xp, name)
        raise AttributeError(
            f"xp.{name} has no differentiable Tensor version: a backward formula that uses it cannot run "
            "with create_graph=True until minitorch/ops/namespace.py gives it one"
        )

    # ----- constants (no gradient), on this namespace's device -----
    def asarray(self, value: Any, dtype: Any = None) -> Any:
        if isinstance(value, Tensor):
            return value if dtype is None or value.dtype == dtype else value.to(dtypes.of(np.dtype(dtype)))
        return Tensor._wrap(self.xp.asarray(value, dtype=dtype))

    def zeros(self, shape: Any, dtype: Any = float) -> Tensor:
        return Tensor._wrap(self.xp.zeros(shape, dtype=np.dtype(dtype)))

    def ones(self, shape: Any, dtype: Any = float) -> Tensor:
        return Tensor._wrap(self.xp.ones(shape, dtype=np.dtype(dtype)))

    def full(self, shape: Any, value: Any, dtype: Any = None) -> Tensor:
        return Tensor._wrap(self.xp.full(shape, value, dtype=None if dtype is None else np.dtype(dtype)))

    empty = zeros

    def eye(self, n: int, m: Any = None, k: int = 0, dtype: Any = float) -> Tensor:
        return Tensor._wrap(self.xp.eye(n, m, k, dtype=np.dtype(dtype)))

    def zeros_like(self, like: Any, dtype: Any = None) -> Tensor:
        return Tensor._wrap(self.xp.zeros(tuple(like.shape), dtype=_dtype(like, dtype)))

    def ones_like(self, like: Any, dtype: Any = None) -> Tensor:
        return Tensor._wrap(self.xp.ones(tuple(like.shape), dtype=_dtype(like, dtype)))

    def full_like(self, like: Any, value: Any, dtype: Any = None) -> Tensor:
        return Tensor._wrap(self.xp.full(tuple(like.shape), value, dtype=_dtype(like, dtype)))

    empty_like = zeros_like

    # ----- elementwise -----
    def where(self, condition: Any, a: Any, b: Any) -> Tensor:
        condition = self.asarray(condition)
        like = a if isinstance(a, Tensor) else b
        return selection.where(condition, self._operand(a, like), self._operand(b, like))

    def _operand(self, value: Any, like: Any) -> Any:
        """A number or raw array in an expression with Tensors: a constant tensor of ``like``'s dtype."""
        if isinstance(value, Tensor):
            return value
        floating = isinstance(like, Tensor) and like.is_floating_point() and not hasattr(value, "dtype")
        return Tensor._wrap(self.xp.asarray(value, dtype=like._data.dtype if floating else None))

    def maximum(self, a: Any, b: Any) -> Tensor:
        like = a if isinstance(a, Tensor) else b
        return selection.maximum(self._operand(a, like), self._operand(b, like))

    def minimum(self, a: Any, b: Any) -> Tensor:
        like = a if isinstance(a, Tensor) else b
        return selection.minimum(self._operand(a, like), self._operand(b, like))

    def multiply(self, a: Any, b: Any) -> Any:
        return a * b

    def square(self, a: Tensor) -> Tensor:
        return a * a

    def clip(self, a: Tensor, low: Any = None, high: Any = None) -> Tensor:
        return a.clamp(low, high)

    def astype(self, a: Tensor, dtype: Any, copy: bool = True) -> Tensor:
        return a if a.dtype == dtype else a.to(dtypes.of(np.dtype(dtype)))

    def isnan(self, a: Tensor) -> Tensor:
        return a.isnan()

    def isfinite(self, a: Tensor) -> Tensor:
        return a.isfinite()

    def isinf(self, a: Tensor) -> Tensor:
        return a.isinf()

    # ----- reductions and products -----
    def sum(self, a: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        return a.sum(axis=axis, keepdims=keepdims)

    def matmul(self, a: Tensor, b: Tensor) -> Tensor:
        return a @ b

    def einsum(self, equation: str, *operands: Tensor) -> Tensor:
        return einsum.einsum(equation, *operands)

    def cumsum(self, a: Tensor, axis: int) -> Tensor:
        return cumulative.cumsum(a, axis)

    # ----- shape -----
    def reshape(self, a: Tensor, shape: Sequence[int]) -> Tensor:
        return a.reshape(shape)

    def transpose(self, a: Tensor, axes: Any = None) -> Tensor:
        return a.permute(*(axes if axes is not None else reversed(range(a.ndim))))

    def swapaxes(self, a: Tensor, axis1: int, axis2: int) -> Tensor:
        return a.transpose(axis1, axis2)

    def moveaxis(self, a: Tensor, source: Any, destination: Any) -> Tensor:
        return views.movedim(a, source, destination)

    def expand_dims(self, a: Tensor, axis: Any) -> Tensor:
        for position in sorted(axis) if isinstance(axis, (tuple, list)) else (axis,):
            a = a.unsqueeze(position)
        return a

    def broadcast_to(self, a: Tensor, shape: Sequence[int]) -> Tensor:
        return a.expand(*shape)

    def concatenate(self, tensors: Sequence[Any], axis: int = 0) -> Tensor:
        like = next(t for t in tensors if isinstance(t, Tensor))
        return shape.cat([self._operand(t, like) for t in tensors], axis)

    def stack(self, tensors: Sequence[Any], axis: int = 0) -> Tensor:
        like = next(t for t in tensors if isinstance(t, Tensor))
        return shape.stack([self._operand(t, like) for t in tensors], axis)

    def take_along_axis(self, a: Tensor, indices: Any, axis: int) -> Tensor:
        return gather.gather(a, axis, self.asarray(indices))

    def flip(self, a: Tensor, axis: Any) -> Tensor:
        return a.flip(axis if isinstance(axis, (tuple, list)) else (axis,))

    def tril(self, a: Tensor, k: int = 0) -> Tensor:
        return triangular.tril(a, k)

    def triu(self, a: Tensor, k: int = 0) -> Tensor:
        return triangular.triu(a, k)

    # ----- scans, reductions, repeats and splits -----
    def cumprod(self, a: Tensor, axis: int) -> Tensor:
        return cumulative.cumprod(a, axis)

    def logaddexp(self, a: Any, b: Any) -> Tensor:
        like = a if isinstance(a, Tensor) else b
        return exponentials.logaddexp(self._operand(a, like), self._operand(b, like))

    def amax(self, a: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        return a.amax(() if axis is None else axis, keepdims)

    def repeat(self, a: Tensor, repeats: int, axis: int) -> Tensor:
        """NumPy's repeat: each element ``repeats`` times in a row along ``axis`` (PyTorch's repeat_interleave)."""
        return a.repeat_interleave(repeats, axis)

    def split(self, a: Tensor, sections: int, axis: int = 0) -> tuple:
        """NumPy's split into ``sections`` equal parts (an int), as views."""
        return a.chunk(sections, axis)

    # ----- linear algebra -----
    @functools.cached_property
    def linalg(self) -> SimpleNamespace:
        """``xp.linalg``: ``inv`` and ``solve`` (NumPy's rule: ``b`` is a vector only when 1-D) as
        minitorch's differentiable ops; ``LinAlgError`` is NumPy's (which CuPy raises too)."""
        return SimpleNamespace(inv=decompositions.inv, LinAlgError=np.linalg.LinAlgError,
                               solve=lambda a, b: decompositions.Solve.apply(a, b, b.ndim == 1))


def _dtype(like: Any, dtype: Any) -> Any:
    if dtype is not None:
        return np.dtype(dtype)
    return np.dtype(like.dtype) if not isinstance(like, Tensor) else like._data.dtype


# Elementwise functions of one tensor: NumPy's name, run as the Tensor method of PyTorch's name.
UNARY = ["exp", "log", "log1p", "expm1", "exp2", "log2", "log10", "sqrt", "abs", "sign", "floor", "ceil", "trunc",
         "tanh", "sin", "cos", "tan", "sinh", "cosh", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh"]
TORCH_NAMES = {"arcsin": "asin", "arccos": "acos", "arctan": "atan", "arcsinh": "asinh", "arccosh": "acosh",
               "arctanh": "atanh"}


def _unary(name: str) -> Any:
    method = TORCH_NAMES.get(name, name)

    def apply(self: TensorNamespace, a: Any) -> Any:
        return getattr(a, method)() if isinstance(a, Tensor) else getattr(self.xp, name)(a)
    apply.__name__ = name
    return apply


for _name in UNARY:
    setattr(TensorNamespace, _name, _unary(_name))


@functools.lru_cache(maxsize=None)
def namespace_for(xp: ModuleType) -> TensorNamespace:
    return TensorNamespace(xp)


backend.register_tensor_namespace(Tensor, namespace_for)
