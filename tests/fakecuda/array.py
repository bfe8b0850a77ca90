"""``ndarray`` of the stand-in GPU: NumPy memory behind CuPy's manners.

A stand-in array holds a private NumPy array (``_a``) and refuses what a ``cupy.ndarray`` refuses:

* implicit conversion to NumPy (``np.asarray(x)``, ``np.array(x)``: ``TypeError``; use ``.get()``);
* mixing with NumPy arrays in arithmetic and in functions (``TypeError: Unsupported type``);
  Python and NumPy *scalars* are fine, as in CuPy;
* methods and functions CuPy does not have (``AttributeError``; see ``names.py``).

Elementwise results are C-ordered (CuPy allocates them so), reductions and indexing by an integer
give 0-d arrays, not NumPy scalars. Reading values on the host (``.get()``, ``.item()``, ``float()``,
``bool()``, printing, a boolean-mask gather, ``nonzero``) counts a *sync*; building from host data
counts an *upload*; every call that writes a fresh array counts a *launch* (``ledger.py``).
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from tests.fakecuda import ledger
from tests.fakecuda.names import NDARRAY

current_device = [0]  # the stack of `with Device(i)` blocks; its top makes new arrays
allow_sync = [True]  # cupyx.allow_synchronize(False) pushes False: a sync then raises


class DeviceSynchronized(RuntimeError):
    """Raised on a device→host sync inside ``cupyx.allow_synchronize(False)`` (as CuPy's)."""


def sync(what: str) -> None:
    if not allow_sync[-1]:
        raise DeviceSynchronized(f"device synchronization was detected: {what}")
    ledger.count("sync", what)


# Calls that make host Python wait for the device (the size of the result depends on the values).
SYNCING = frozenset("nonzero argwhere flatnonzero unique compress extract bincount".split())


class ndarray:
    """A CuPy-like array on the stand-in device ``_device`` (an integer, as ``cupy.cuda.Device.id``)."""

    __slots__ = ("_a", "_device", "__weakref__")
    __array_priority__ = 100  # as CuPy's: a Tensor (1000) on the other side handles mixed arithmetic
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, shape: Any, dtype: Any = float, memptr: Any = None, strides: Any = None,
                 order: str = "C") -> None:
        self._a = np.empty(shape, dtype, order=order)
        self._device = current_device[-1]

    # ----- what it is (no kernels, no syncs) -----
    shape = property(lambda self: self._a.shape, lambda self, value: setattr(self._a, "shape", value))
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)
    flags = property(lambda self: self._a.flags)
    T = property(lambda self: wrap(self._a.T, self._device))
    mT = property(lambda self: wrap(np.swapaxes(self._a, -1, -2), self._device))
    real = property(lambda self: wrap(self._a.real, self._device))
    imag = property(lambda self: wrap(self._a.imag, self._device))
    base = property(lambda self: None if self._a.base is None else wrap(self._a.base, self._device))

    @property
    def device(self) -> Any:
        from tests.fakecuda.runtime import Device
        return Device(self._device)

    @property
    def data(self) -> Any:
        return _Pointer(self._a.ctypes.data, self._device)

    def __getattr__(self, name: str) -> Any:
        if name not in NDARRAY:
            raise AttributeError(f"'cupy.ndarray' object has no attribute '{name}'")
        method = getattr(self._a, name)
        return lambda *args, **kwargs: call(method, (self,) + args, kwargs, name=name, bound=True)

    # ----- to and from the host -----
    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise TypeError("Implicit conversion to a NumPy array is not allowed. "
                        "Please use `.get()` to construct a NumPy array explicitly.")

    def get(self, stream: Any = None, order: str = "C", out: Any = None, blocking: bool = True) -> np.ndarray:
        sync("ndarray.get")
        return np.array(self._a, order=order, copy=True)

    def set(self, arr: np.ndarray, stream: Any = None) -> None:
        ledger.count("upload", "ndarray.set")
        self._a[...] = arr

    def item(self) -> Any:
        sync("ndarray.item")
        return self._a.item()

    def tolist(self) -> Any:
        sync("ndarray.tolist")
        return self._a.tolist()

    def _scalar(self, convert: Callable[[Any], Any], what: str) -> Any:
        if self._a.size != 1:
            raise TypeError(f"only size-1 arrays can be converted to Python scalars ({what})")
        sync(what)
        return convert(self._a.reshape(()).item())

    __float__ = lambda self: self._scalar(float, "float()")  # noqa: E731
    __int__ = lambda self: self._scalar(int, "int()")  # noqa: E731
    __complex__ = lambda self: self._scalar(complex, "complex()")  # noqa: E731
    __bool__ = lambda self: self._scalar(bool, "bool()")  # noqa: E731

    def __index__(self) -> int:
        if self._a.dtype.kind not in "iu" or self._a.ndim:
            raise TypeError("only integer scalar arrays can be converted to a scalar index")
        return self._scalar(int, "operator.index()")

    def __repr__(self) -> str:
        sync("repr()")
        return repr(self._a)

    def __str__(self) -> str:
        sync("str()")
        return str(self._a)

    def __format__(self, spec: str) -> str:
        sync("format()")
        return format(self._a.item() if self._a.ndim == 0 else self._a, spec)

    def __reduce__(self) -> Any:
        sync("pickle")
        return (_rebuild, (self._a.copy(), self._device))

    def __dlpack__(self, *args: Any, **kwargs: Any) -> Any:
        return self._a.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self) -> tuple:
        return (2, self._device)  # kDLCUDA

    # ----- sequences and indexing -----
    def __len__(self) -> int:
        if self._a.ndim == 0:
            raise TypeError("len() of unsized object")
        return len(self._a)

    def __iter__(self) -> Any:
        if self._a.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(len(self._a)))

    def __getitem__(self, key: Any) -> "ndarray":
        raw = _index(key)
        result = self._a[raw]
        if isinstance(result, np.generic):  # an integer index: CuPy gives a 0-d view, not a scalar
            result = self._a[(raw if isinstance(raw, tuple) else (raw,)) + (Ellipsis,)]
        if not np.may_share_memory(result, self._a):
            ledger.count("launch", "getitem")
        return wrap(result, self._device)

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(value, np.ndarray):
            ledger.count("upload", "setitem from a NumPy array")
        else:
            value = unwrap(value)
        self._a[_index(key)] = value
        ledger.count("launch", "setitem")

    def __copy__(self) -> "ndarray":
        return self.copy()

    def __deepcopy__(self, memo: Any) -> "ndarray":
        return self.copy()


def _rebuild(array: np.ndarray, device: int) -> ndarray:
    return wrap(array, device)


class _Pointer:
    """``ndarray.data``: a device pointer (here the host address, for identity checks)."""

    def __init__(self, ptr: int, device: int) -> None:
        self.ptr, self.device_id = ptr, device


def _index(key: Any) -> Any:
    """An index with stand-in arrays unwrapped; a boolean mask gather syncs, NumPy arrays upload."""
    parts = key if isinstance(key, tuple) else (key,)
    raw = []
    for part in parts:
        if isinstance(part, np.ndarray):
            ledger.count("upload", "index from a NumPy array")
        elif isinstance(part, ndarray):
            part = part._a
        raw.append(part)
    if any(isinstance(p, np.ndarray) and p.dtype == np.bool_ for p in raw):
        sync("boolean mask indexing")
    return tuple(raw) if isinstance(key, tuple) else raw[0]


def unwrap(value: Any) -> Any:
    """The NumPy memory behind stand-in arrays (also inside lists and tuples); NumPy arrays refused."""
    if isinstance(value, ndarray):
        return value._a
    if isinstance(value, np.ndarray):
        raise TypeError(f"Unsupported type {type(value)}")
    if isinstance(value, (list, tuple)):
        return type(value)(unwrap(v) for v in value)
    return value


def wrap(value: Any, device: Optional[int] = None, known: Optional[dict] = None) -> Any:
    """NumPy results as stand-in arrays (NumPy scalars as 0-d arrays); the inputs' own memory as the inputs."""
    if known and id(value) in known:
        return known[id(value)]
    if isinstance(value, (np.ndarray, np.generic)):
        out = ndarray.__new__(ndarray)
        out._a = value if isinstance(value, np.ndarray) else np.asarray(value)
        out._device = current_device[-1] if device is None else device
        return out
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return type(value)(wrap(v, device, known) for v in value)
    if isinstance(value, tuple):  # a named tuple (e.g. linalg results)
        return type(value)(*(wrap(v, device, known) for v in value))
    return value


def call(function: Callable[..., Any], args: tuple, kwargs: dict, name: str, bound: bool = False,
         order_c: bool = False) -> Any:
    """Run ``function`` on the NumPy memory of stand-in arrays, count it, wrap what it returns."""
    known = {id(a._a): a for a in (*args, *kwargs.values()) if isinstance(a, ndarray)}
    device = next((a._device for a in known.values()), None)
    raw_args = unwrap(args[1:] if bound else args)
    raw_kwargs = {k: unwrap(v) for k, v in kwargs.items()}
    if order_c and "out" not in raw_kwargs:
        raw_kwargs.setdefault("order", "C")
    if name in SYNCING or (name == "where" and len(args) == 1):
        sync(name)
    with np.errstate(all="ignore"):  # a GPU never warns about nan or inf
        result = function(*raw_args, **raw_kwargs)
    if _is_fresh(result, known):
        ledger.count("launch", name)
    return wrap(result, device, known)


def _is_fresh(result: Any, known: dict) -> bool:
    """Did the call write a new array (a kernel), rather than return a view or a host value?"""
    if isinstance(result, (tuple, list)):
        return any(_is_fresh(r, known) for r in result)
    if isinstance(result, np.generic):
        return True
    if not isinstance(result, np.ndarray):
        return False
    if id(result) in known:
        return True  # out=
    return not any(np.may_share_memory(result, a._a) for a in known.values())


# ----- operators: each one a ufunc, as in CuPy -----
def _binary(ufunc: np.ufunc, reflected: bool = False) -> Callable[..., Any]:
    def operate(self: ndarray, other: Any) -> Any:
        if getattr(other, "__array_priority__", 0) > ndarray.__array_priority__ and not isinstance(
                other, np.ndarray):
            return NotImplemented
        operands = (other, self) if reflected else (self, other)
        return call(ufunc, operands, {}, name=ufunc.__name__, order_c=True)
    return operate


def _inplace(ufunc: np.ufunc) -> Callable[..., Any]:
    def operate(self: ndarray, other: Any) -> Any:
        call(ufunc, (self, other), {"out": self}, name=ufunc.__name__)
        return self
    return operate


for _name, _ufunc in [("add", np.add), ("sub", np.subtract), ("mul", np.multiply), ("truediv", np.true_divide),
                      ("floordiv", np.floor_divide), ("mod", np.remainder), ("pow", np.power),
                      ("and", np.bitwise_and), ("or", np.bitwise_or), ("xor", np.bitwise_xor),
                      ("lshift", np.left_shift), ("rshift", np.right_shift), ("matmul", np.matmul),
                      ("divmod", np.divmod)]:
    setattr(ndarray, f"__{_name}__", _binary(_ufunc))
    setattr(ndarray, f"__r{_name}__", _binary(_ufunc, reflected=True))
    if _name != "divmod":
        setattr(ndarray, f"__i{_name}__", _inplace(_ufunc))
for _name, _ufunc in [("eq", np.equal), ("ne", np.not_equal), ("lt", np.less), ("le", np.less_equal),
                      ("gt", np.greater), ("ge", np.greater_equal)]:
    setattr(ndarray, f"__{_name}__", _binary(_ufunc))
for _name, _ufunc in [("neg", np.negative), ("pos", np.positive), ("abs", np.absolute), ("invert", np.invert)]:
    setattr(ndarray, f"__{_name}__", (lambda u: lambda self: call(u, (self,), {}, name=u.__name__, order_c=True))(_ufunc))


def _array_ufunc(self: ndarray, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
    """``np.exp(x)``, ``np.add(x, y, out=x)`` on stand-in arrays: CuPy's ufunc, or its TypeError."""
    from tests.fakecuda.names import UFUNCS
    if ufunc.__name__ not in UFUNCS:
        return NotImplemented
    if "out" in kwargs:
        kwargs["out"] = tuple(kwargs["out"]) if len(kwargs["out"]) > 1 else kwargs["out"][0]
    return call(getattr(ufunc, method), inputs, kwargs, name=ufunc.__name__, order_c=method == "__call__")


def _array_function(self: ndarray, func: Any, types: tuple, args: tuple, kwargs: dict) -> Any:
    """``np.sum(x)``, ``np.concatenate([x, y])``: the stand-in's function of that name, if CuPy has one."""
    from tests.fakecuda import runtime
    try:  # numpy.lib.stride_tricks.f -> cupy.lib.stride_tricks.f, as CuPy looks it up
        module = runtime.cupy
        for part in func.__module__.split(".")[1:]:
            module = getattr(module, part)
        implementation = getattr(module, func.__name__)
    except AttributeError:
        return NotImplemented
    return implementation(*args, **kwargs)


ndarray.__array_ufunc__ = _array_ufunc
ndarray.__array_function__ = _array_function
ndarray.__module__ = "cupy"  # as cupy.ndarray's: how minitorch.backend recognises a CuPy array before importing CuPy
