"""Making tensors: from data (``tensor``, ``from_numpy``), filled (``zeros`` ...), ranges, random.

Every factory takes PyTorch's keywords ``dtype``, ``device`` and ``requires_grad``. Python floats
become float32 (the default dtype); float64 NumPy data stays float64.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

from minitorch import backend, dtypes
from minitorch.backend import CPU, array_module_on, device, to_device
from minitorch.random import Generator, rng_on
from minitorch.sizes import new_size
from minitorch.tensor import Tensor

Size = Union[int, Sequence[int]]


def _finish(array: Any, dtype: Any, device_spec: Any, requires_grad: bool) -> Tensor:
    """Cast, move and wrap a freshly made CPU array."""
    if dtype is not None:
        array = array.astype(dtypes.as_dtype(dtype), copy=False)
    if device_spec is not None or backend._default_device is not CPU:
        array = to_device(array, device(device_spec or backend._default_device))
    return Tensor._wrap(array, requires_grad=requires_grad)


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (nested lists, numbers, NumPy arrays or tensors)."""
    if isinstance(data, Tensor):
        array = data._data.copy()
    elif isinstance(data, np.ndarray) or backend.array_module(data) is not np:  # a NumPy or CuPy array
        array = data.copy()
    else:
        array = _array_from_python(data, dtype is None)
    if dtype is None and array.dtype not in dtypes.SUPPORTED:
        raise TypeError(f"can't convert data of dtype {array.dtype} to a tensor; supported: float, int, bool")
    return _finish(array, dtype, device, requires_grad)


def _array_from_python(data: Any, default_float: bool = True) -> np.ndarray:
    """Python data as a NumPy array; Python floats in the default float dtype unless
    ``default_float`` is False (a dtype was asked for: cast once, from float64, not via float32)."""
    if isinstance(data, (list, tuple)) and any(isinstance(item, Tensor) for item in _flatten(data)):
        data = _unwrap_scalars(data)
    try:
        array = np.array(data)
    except ValueError as error:
        raise ValueError(f"can't build a tensor from ragged nested sequences: {error}") from None
    if array.dtype == object:
        raise RuntimeError(f"Could not infer dtype of {type(data).__name__}: expected numbers, bools "
                           "or (nested) lists of them")
    if array.dtype.kind in "US":
        raise TypeError(f"can't build a tensor from text ({type(data).__name__} of {array.dtype}): "
                        "expected numbers, bools or (nested) lists of them")
    if default_float and array.dtype.kind == "f" and not isinstance(data, np.generic):
        array = array.astype(dtypes.default_float)
    return array


def _flatten(data: Any) -> list:
    out = []
    for item in data:
        out.extend(_flatten(item) if isinstance(item, (list, tuple)) else [item])
    return out


def _unwrap_scalars(data: Any) -> Any:
    if isinstance(data, (list, tuple)):
        return [_unwrap_scalars(item) for item in data]
    return data.tolist() if isinstance(data, Tensor) else data


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """Like :func:`tensor`, but shares memory with a NumPy array or tensor when it can."""
    if isinstance(data, Tensor) and dtype in (None, data.dtype) and device in (None, data.device):
        return data
    if isinstance(data, np.ndarray) and data.dtype in dtypes.SUPPORTED:
        return _finish(data, dtype, device, False)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with a NumPy array (changes show through both ways)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    if array.dtype not in dtypes.SUPPORTED:
        raise TypeError(f"can't convert np.ndarray of type {array.dtype}; supported: float, int, bool types")
    return Tensor._wrap(array)


def _sizes(sizes: tuple, size: Any) -> tuple:
    """``zeros(2, 3)``, ``zeros((2, 3))`` or NumPy's spelling ``zeros(size=(2, 3))``."""
    if size is None:
        return sizes
    if sizes:
        raise TypeError("give the size either positionally or as size=, not both")
    return (size,)


def _filled(make: str, size: tuple, dtype: Any, device: Any, requires_grad: bool, **kwargs: Any) -> Tensor:
    dtype = dtypes.as_dtype(dtype) if dtype is not None else dtypes.default_float
    with array_module_on(backend._default_device if device is None else backend.device(device)) as xp:
        array = getattr(xp, make)(new_size(size), dtype=dtype, **kwargs)
    return Tensor._wrap(array, requires_grad=requires_grad)


def zeros(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    return _filled("zeros", _sizes(sizes, size), dtype, device, requires_grad)


def ones(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    return _filled("ones", _sizes(sizes, size), dtype, device, requires_grad)


def empty(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    return _filled("empty", _sizes(sizes, size), dtype, device, requires_grad)


def full(size: Sequence[int], fill_value: Any, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value`` (its dtype follows the value, as in PyTorch)."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' must be a tuple of ints, not {type(size).__name__}")
    if dtype is None:
        dtype = dtypes.bool_ if isinstance(fill_value, bool) else (
            dtypes.int64 if isinstance(fill_value, int) else dtypes.default_float)
    return _filled("full", (tuple(size),), dtype, device, requires_grad, fill_value=fill_value)


def _like(make: Any, input: Tensor, dtype: Any, device: Any, requires_grad: bool, *args: Any) -> Tensor:
    return make(*args, dtype=dtype or input.dtype, device=device or input.device, requires_grad=requires_grad)


def zeros_like(input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _like(zeros, input, dtype, device, requires_grad, input.shape)


def ones_like(input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _like(ones, input, dtype, device, requires_grad, input.shape)


def empty_like(input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _like(empty, input, dtype, device, requires_grad, input.shape)


def full_like(input: Tensor, fill_value: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    return full(input.shape, fill_value, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """``[start, end)`` in steps; int64 when every argument is an int, else float32."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(f"arange: upper bound {end} and lower bound {start} inconsistent with step sign {step}")
    all_ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
    inferred = dtypes.int64 if all_ints else dtypes.default_float
    with array_module_on(CPU if device is None else backend.device(device)) as xp:  # made where it lives
        array = xp.arange(start, end, step, dtype=np.float64 if not all_ints else np.int64)
    return _finish(array, dtype or inferred, None, requires_grad)


def linspace(start: float, end: float, steps: int, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    if steps < 0:
        raise RuntimeError("linspace: number of steps must be non-negative")
    with array_module_on(CPU if device is None else backend.device(device)) as xp:
        array = xp.linspace(start, end, steps)
    return _finish(array, dtype or dtypes.default_float, None, requires_grad)


def eye(n: int, m: Optional[int] = None, dtype: Any = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:
    with array_module_on(CPU if device is None else backend.device(device)) as xp:
        array = xp.eye(n, m, dtype=dtypes.as_dtype(dtype or dtypes.default_float))
    return _finish(array, None, None, requires_grad)


# ----- random -----
def _random(draw: Any, size: tuple, dtype: Any, device: Any, requires_grad: bool,
            generator: Optional[Generator]) -> Tensor:
    """``draw(rng, shape, dtype)`` with the generator of ``device``: drawn where the tensor lives."""
    dtype = dtypes.as_dtype(dtype or dtypes.default_float)
    if dtype.kind != "f":
        raise RuntimeError(f"expected a floating point dtype for random floats, got {dtype}")
    target = CPU if device is None else backend.device(device)
    with array_module_on(target):
        array = draw(rng_on(generator, target), new_size(size), np.float64 if dtype == dtypes.float64 else np.float32)
    return _finish(array, dtype, None, requires_grad)


def rand(*sizes: Any, size: Any = None, generator: Optional[Generator] = None, dtype: Any = None,
         device: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples from [0, 1)."""
    return _random(lambda rng, s, d: rng.random(s, dtype=d), _sizes(sizes, size), dtype, device, requires_grad,
                   generator)


def randn(*sizes: Any, size: Any = None, generator: Optional[Generator] = None, dtype: Any = None,
          device: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples."""
    return _random(lambda rng, s, d: rng.standard_normal(s, dtype=d), _sizes(sizes, size), dtype, device,
                   requires_grad, generator)


def randint(low: int, high: Optional[int] = None, size: Sequence[int] = (), *,
            generator: Optional[Generator] = None, dtype: Any = None, device: Any = None) -> Tensor:
    """Integers drawn uniformly from ``[low, high)`` (``randint(high, size)`` uses low = 0)."""
    if high is None or isinstance(high, (tuple, list)):
        low, high, size = 0, low, high if high is not None else size
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    target = CPU if device is None else backend.device(device)
    with array_module_on(target):
        array = rng_on(generator, target).integers(low, high, size=new_size((tuple(size),)), dtype=np.int64)
    return _finish(array, dtype or dtypes.int64, None, False)


def randperm(n: int, *, generator: Optional[Generator] = None, dtype: Any = None, device: Any = None) -> Tensor:
    """A random permutation of ``range(n)`` (on a GPU: the order of n uniform draws, made there)."""
    target = CPU if device is None else backend.device(device)
    if target.type == "cpu":
        return _finish(rng_on(generator, target).permutation(n).astype(np.int64), dtype, None, False)
    with array_module_on(target):
        array = rng_on(generator, target).random(n).argsort().astype(np.int64)
    return _finish(array, dtype, None, False)


def rand_like(input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return rand(input.shape, dtype=dtype or input.dtype, device=device or input.device, requires_grad=requires_grad)


def randn_like(input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return randn(input.shape, dtype=dtype or input.dtype, device=device or input.device, requires_grad=requires_grad)


# ----- x.new_zeros(...) and friends: same dtype and device as x unless told otherwise -----
def new_tensor(self: Tensor, data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return tensor(data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


def new_zeros(self: Tensor, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return zeros(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


def new_ones(self: Tensor, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return ones(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


def new_empty(self: Tensor, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return empty(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


def new_full(self: Tensor, size: Sequence[int], fill_value: Any, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)
