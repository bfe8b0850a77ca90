"""PyTorch's older spellings, which much teaching code still uses.

``torch.FloatTensor([1, 2])``, ``torch.LongTensor(3)``, ``x.type(torch.LongTensor)``,
``x.type()`` (``'torch.FloatTensor'``), ``x.new(2, 3)``, ``x.resize_(n)``, ``torch.svd`` and
``torch.true_divide`` (``Variable`` lives in ``minitorch.autograd``). Each is a thin layer over
today's API: a legacy tensor type is a dtype with a name.
"""
from __future__ import annotations

from typing import Any

from minitorch import cuda, dtypes
from minitorch.autograd import grad_mode
from minitorch.backend import CPU, array_module
from minitorch.ops.arithmetic import div
from minitorch.ops.decompositions import svd as linalg_svd, svdvals
from minitorch.ops.shape import transpose
from minitorch.ops.transfer import to
from minitorch.sizes import new_size
from minitorch.tensor import Tensor, legacy_array


class _LegacyTensorType(type):
    """The type of ``FloatTensor`` & co.: calling one makes a tensor of its dtype, and
    ``isinstance(x, FloatTensor)`` asks whether ``x`` is a float32 CPU tensor."""

    dtype: Any
    is_cuda = False

    def __call__(cls, *args: Any, device: Any = None) -> Tensor:
        return Tensor._wrap(legacy_array(args, cls.dtype.dtype, device or ("cuda" if cls.is_cuda else None)))

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj._data.dtype == cls.dtype.dtype and obj.is_cuda == cls.is_cuda

    def __repr__(cls) -> str:
        return f"<class '{cls.__qualname__}'>"


_NAMES = {
    dtypes.float32: "Float", dtypes.float64: "Double", dtypes.float16: "Half", dtypes.int64: "Long",
    dtypes.int32: "Int", dtypes.int16: "Short", dtypes.int8: "Char", dtypes.uint8: "Byte", dtypes.bool_: "Bool",
}


def _legacy_type(dtype: dtypes.dtype, cuda: bool = False) -> _LegacyTensorType:
    name = f"{_NAMES[dtype]}Tensor"
    qualname = f"torch.cuda.{name}" if cuda else f"torch.{name}"
    return _LegacyTensorType(name, (), {"dtype": dtype, "is_cuda": cuda, "__qualname__": qualname})


CPU_TYPES = [_legacy_type(d) for d in _NAMES]
FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor = CPU_TYPES
CUDA_TYPES = [_legacy_type(d, cuda=True) for d in _NAMES]
for _cuda_type in CUDA_TYPES:  # torch.cuda.FloatTensor & co live in the cuda module
    setattr(cuda, _cuda_type.__name__, _cuda_type)
_BY_STRING = {t.__qualname__: t for t in CPU_TYPES + CUDA_TYPES}


def tensor_type(self: Tensor, dtype: Any = None, non_blocking: bool = False) -> Any:
    """With no argument, the legacy type name (``'torch.FloatTensor'``); otherwise this tensor
    converted to a dtype, a legacy type or its name (itself when nothing changes)."""
    if dtype is None:
        prefix = "torch.cuda." if self.is_cuda else "torch."
        return f"{prefix}{_NAMES[self.dtype]}Tensor"
    if isinstance(dtype, str):
        if dtype not in _BY_STRING:
            raise ValueError(f"invalid type: {dtype!r}")
        dtype = _BY_STRING[dtype]
    if isinstance(dtype, _LegacyTensorType):
        return to(self, "cuda" if dtype.is_cuda else CPU, dtype.dtype)
    if not isinstance(dtype, dtypes.dtype):
        raise TypeError(f"dtype must be a type, str, or dtype object, got {dtype!r}")
    return to(self, dtype)


def new(self: Tensor, *args: Any, device: Any = None) -> Tensor:
    """``x.new(2, 3)`` (zeros), ``x.new([1, 2])`` (data) or ``x.new()``: this tensor's dtype and device."""
    return Tensor._wrap(legacy_array(args, self._data.dtype, device or self.device))


def resize_(self: Tensor, *size: Any) -> Tensor:
    """Give this tensor a new size in place, keeping its first elements in row-major order;
    new elements (when it grows) are uninitialised: here zero."""
    if self.requires_grad and grad_mode.is_grad_enabled():
        raise RuntimeError("cannot resize variables that require grad")
    shape = new_size(size)
    count = 1
    for n in shape:
        count *= n
    flat = self._data.reshape(-1)
    if count <= flat.size:
        self._data = flat[:count].reshape(shape)
    else:
        grown = array_module(flat).zeros(count, dtype=flat.dtype)
        grown[: flat.size] = flat
        self._data = grown.reshape(shape)
    self._version_counter.value += 1
    return self


def resize_as_(self: Tensor, other: Tensor) -> Tensor:
    return resize_(self, other.shape)


def svd(input: Tensor, some: bool = True, compute_uv: bool = True) -> tuple:
    """``torch.svd``: (U, S, V) with ``input = U · diag(S) · Vᵀ`` — V, where ``linalg.svd`` gives Vᴴ —
    and the reduced factors unless ``some=False``. With ``compute_uv=False`` only S is computed, and
    U and V are (m, m) and (n, n) zeros, as PyTorch gives them."""
    if not compute_uv:
        *batch, m, n = input.shape
        xp, dtype = array_module(input._data), input._data.dtype
        return (Tensor._wrap(xp.zeros((*batch, m, m), dtype)), svdvals(input),
                Tensor._wrap(xp.zeros((*batch, n, n), dtype)))
    U, S, Vh = linalg_svd(input, full_matrices=not some)
    return U, S, transpose(Vh, -2, -1)


def true_divide(dividend: Tensor, divisor: Any) -> Tensor:
    """``torch.true_divide``: ``torch.div`` without rounding (integers divide to floats)."""
    return div(dividend, divisor)
