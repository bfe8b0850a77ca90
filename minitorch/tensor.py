"""``Tensor``: an n-dimensional array (NumPy or CuPy) that remembers how it was computed.

A tensor holds its values in ``_data`` (a ``numpy.ndarray`` or ``cupy.ndarray``). If it
``requires_grad``, every op on it records a node (``grad_fn``) in a graph, and ``backward()``
walks that graph to fill the ``.grad`` of the leaves. This module defines only what a tensor
*is*; its maths methods (``x.exp()``, ``x + y``, ``x.sum()``, ``x.to(...)``, ``x.backward()``)
are the ops of ``minitorch/ops`` and ``minitorch/autograd``, attached to the class from one table
in ``minitorch/tensor_methods.py``, so ``x.exp()`` and ``minitorch.exp(x)`` are the same code.

In-place ops (``add_``, ``zero_``, ``x[i] = v`` ...) bump a version counter shared by a tensor
and its views. A node that saved a tensor for backward remembers the version it saw, and
refuses to compute a gradient from a tensor that has changed since.
"""
from __future__ import annotations

import weakref
from typing import Any, Iterator, Optional, Union

import numpy as np

from minitorch import backend, dtypes
from minitorch.backend import array_module, device_of
from minitorch.hooks import RemovableHandle
from minitorch.sizes import Size, as_size, new_size, normalize_dim

Shape = Size


class VersionCounter:
    """How many times a tensor's memory was modified in place (shared with its views).

    ``write_check``, when set, is called before every in-place write of that memory and raises
    to refuse it (``ops/layout.py`` uses it so that a copy ``view()`` had to make and the
    original cannot silently drift apart).
    """

    __slots__ = ("value", "write_check")

    def __init__(self) -> None:
        self.value = 0
        self.write_check = None  # or a function that raises to refuse a write


class Tensor:
    """A multi-dimensional array with autograd; build one with :func:`minitorch.tensor`."""

    __slots__ = (
        "_data", "_requires_grad", "grad", "grad_fn", "_output_nr", "_version_counter",
        "_base", "_hooks", "_post_accumulate_hooks", "__weakref__",
    )

    _post_accumulate_hooks_exist = False  # set once any is registered: until then backward skips them
    __array_priority__ = 1000  # NumPy values on the left defer to our reflected ops: np.float64(2) * x

    def __init__(self, *args: Any, device: Any = None) -> None:
        """PyTorch's legacy constructor, in the default float dtype: ``Tensor([1, 2])`` copies data,
        ``Tensor(2, 3)`` makes an uninitialised (here: zero) tensor of that size, ``Tensor()`` an
        empty one. Use :func:`minitorch.tensor` for new code; minitorch wraps arrays with :meth:`_wrap`."""
        self._init(legacy_array(args, dtypes.default_float.dtype, device), False)

    @classmethod
    def _wrap(cls, data: Any, requires_grad: bool = False) -> "Tensor":
        """A tensor around an existing NumPy/CuPy array (no copy): how minitorch itself makes tensors."""
        out = cls.__new__(cls)
        out._init(data, requires_grad)
        return out

    def _init(self, data: Any, requires_grad: bool) -> None:
        if isinstance(data, np.generic):
            data = np.asarray(data)
        elif not isinstance(data, np.ndarray) and (isinstance(data, Tensor) or array_module(data) is np):
            raise TypeError(
                f"Tensor._wrap() wraps a NumPy or CuPy array, got {type(data).__name__}; "
                "use minitorch.tensor(data) to build a tensor from Python data"
            )
        self._data = data
        self.grad: Optional[Tensor] = None
        self.grad_fn = None
        self._output_nr = 0
        self._version_counter = VersionCounter()
        self._base: Optional[Tensor] = None
        self._hooks: Optional[dict] = None
        self._post_accumulate_hooks: Optional[dict] = None
        self._requires_grad = False
        if requires_grad:
            self.requires_grad = True

    @classmethod
    def _from_op(cls, data: Any, grad_fn: Any, output_nr: int) -> "Tensor":
        """The output of an op: a fresh tensor, attached to the graph when ``grad_fn`` is given."""
        out = cls.__new__(Tensor)
        out._data = data if not isinstance(data, np.generic) else np.asarray(data)
        out.grad = None
        out.grad_fn = grad_fn
        out._output_nr = output_nr
        out._version_counter = VersionCounter()
        out._base = None
        out._hooks = None
        out._post_accumulate_hooks = None
        out._requires_grad = grad_fn is not None
        return out

    # ----- what a tensor is -----
    @property
    def shape(self) -> Size:
        return as_size(self._data.shape)

    def size(self, dim: Optional[int] = None) -> Union[Size, int]:
        """The shape (a ``torch.Size``), or the length of one dimension."""
        if dim is None:
            return as_size(self._data.shape)
        return self._data.shape[normalize_dim(dim, self._data.ndim)]

    def dim(self) -> int:
        return self._data.ndim

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes.of(self._data.dtype)

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    # ----- memory layout (in elements, as PyTorch counts; NumPy counts bytes) -----
    def stride(self, dim: Optional[int] = None) -> Union[tuple, int]:
        """How many elements to step in memory to move one index along each dimension."""
        strides = tuple(step // self._data.itemsize for step in self._data.strides)
        return strides if dim is None else strides[normalize_dim(dim, self._data.ndim)]

    def storage_offset(self) -> int:
        """Where this view starts in the memory of the tensor it views, in elements."""
        base = self._data
        while base.base is not None:
            base = base.base
        offset = self.data_ptr() - _address_of(base)
        return offset // self._data.itemsize

    def data_ptr(self) -> int:
        """The memory address of the first element."""
        return _address_of(self._data)

    @property
    def device(self) -> backend.device:
        return device_of(self._data)

    @property
    def is_cuda(self) -> bool:
        return array_module(self._data) is not np

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if self.grad_fn is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables; "
                "use .detach() to get a leaf that shares this tensor's data"
            )
        if flag and self._data.dtype.kind != "f":
            raise RuntimeError(
                f"only Tensors of floating point dtype can require gradients, got {self._data.dtype}"
            )
        self._requires_grad = bool(flag)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        self.requires_grad = requires_grad
        return self

    @property
    def _version(self) -> int:
        return self._version_counter.value

    def _write(self, values: Any, index: Any = Ellipsis) -> None:
        """Change values in place: ``self[index] = values``, then count one more version.

        Every in-place change in minitorch ends here, so the version rule lives in one place.
        ``values`` may be this tensor's own array, already written by an op with ``out=``
        (``p._write(np.subtract(p._data, step, out=p._data))``); then only the version moves.
        """
        self._check_writable()
        if values is not self._data:
            self._data[index] = values
        self._version_counter.value += 1

    def _check_writable(self) -> None:
        """Raise if this memory refuses in-place writes (see ``VersionCounter.write_check``)."""
        if self._version_counter.write_check is not None:
            self._version_counter.write_check()

    @property
    def data(self) -> "Tensor":
        """The same memory as a tensor outside the graph (no version tracking, as in PyTorch)."""
        return Tensor._wrap(self._data)

    @data.setter
    def data(self, value: "Tensor") -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"Tensor.data must be set to a Tensor, got {type(value).__name__}")
        self._data = value._data

    # ----- leaving the graph, copying, converting -----
    def detach(self) -> "Tensor":
        """A tensor sharing this memory and version counter, with no history."""
        out = Tensor._wrap(self._data)
        out._version_counter = self._version_counter
        return out

    def detach_(self) -> "Tensor":
        self.grad_fn = None
        self._requires_grad = False
        return self

    def item(self) -> Union[float, int, bool]:
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to a Python scalar"
            )
        if self.is_cuda:
            backend.raise_device_asserts()  # the host reads: failed device-side checks surface here
        return self._data.item()

    def tolist(self) -> Any:
        return self._cpu_array().tolist()

    def numpy(self) -> np.ndarray:
        """The values as a NumPy array sharing memory (CPU tensors only)."""
        if self._requires_grad:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
            )
        if self.is_cuda:
            raise TypeError(
                f"can't convert {self.device} device type tensor to numpy. "
                "Use Tensor.cpu() to copy the tensor to host memory first."
            )
        return self._data

    def _cpu_array(self) -> np.ndarray:
        return backend.to_device(self._data, backend.CPU)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = self.detach().numpy()
        return array if dtype is None else array.astype(dtype)

    # ----- autograd -----
    def register_hook(self, hook: Any) -> Any:
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new grad."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn.register_hook(self._output_nr, hook)
        if self._hooks is None:
            self._hooks = {}
        return RemovableHandle(self._hooks, hook)

    def register_post_accumulate_grad_hook(self, hook: Any) -> RemovableHandle:
        """Call ``hook(self)`` once per backward, after this leaf's whole gradient is in ``.grad``
        (data-parallel training starts averaging a parameter's gradient there)."""
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._post_accumulate_hooks is None:
            self._post_accumulate_hooks = {}
        Tensor._post_accumulate_hooks_exist = True
        return RemovableHandle(self._post_accumulate_hooks, hook)

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in ``.grad`` after backward (as its hooks left it)."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self.retains_grad:
            return
        owner = weakref.ref(self)

        def store(grad: Tensor) -> None:
            tensor = owner()
            if tensor is not None:
                tensor.grad = grad.clone() if tensor.grad is None else tensor.grad + grad

        store.retains_grad = True
        self.grad_fn.register_hook(self._output_nr, store)

    @property
    def retains_grad(self) -> bool:
        """True for a non-leaf tensor whose ``.grad`` backward will fill (see :meth:`retain_grad`)."""
        hooks = self.grad_fn._hooks.get(self._output_nr, {}) if self.grad_fn and self.grad_fn._hooks else {}
        return any(getattr(hook, "retains_grad", False) for hook in hooks.values())

    # ----- Python protocol -----
    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator["Tensor"]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with {self._data.size} elements is ambiguous"
            )
        return bool(self._data.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    __hash__ = object.__hash__


def legacy_array(args: tuple, dtype: np.dtype, device: Any = None) -> Any:
    """The array behind the legacy constructors ``Tensor(...)``, ``LongTensor(...)``, ``x.new(...)``:
    the memory of a tensor of that dtype, a copy of data (lists, tuples, arrays), or zeros of a size."""
    if len(args) == 1 and isinstance(args[0], Tensor):
        if args[0]._data.dtype != dtype:
            raise TypeError(f"expected a tensor of dtype {dtypes.of(dtype)}, got {args[0].dtype}")
        array = args[0]._data
    elif len(args) == 1 and not isinstance(args[0], (int, np.integer, Size)):
        data = args[0]
        if not isinstance(data, (list, tuple, np.ndarray)) and array_module(data) is np:
            raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
        try:
            array = data.astype(dtype) if array_module(data) is not np else np.array(data, dtype=dtype)
        except (ValueError, TypeError) as error:
            raise ValueError(f"can't build a {dtypes.of(dtype)} tensor from {type(data).__name__}: {error}") from None
    else:
        array = np.zeros(new_size(args) if args else (0,), dtype=dtype)
    return array if device is None else backend.to_device(array, backend.device(device))


def _address_of(array: Any) -> int:
    if isinstance(array, np.ndarray):
        return array.__array_interface__["data"][0]
    return array.data.ptr  # a CuPy array
