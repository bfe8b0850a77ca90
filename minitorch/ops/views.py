"""More views: narrow, select, movedim/moveaxis, swapdims, ravel, and the in-place shape changes
``unsqueeze_``, ``squeeze_``, ``t_``, ``transpose_``.

``narrow`` is a slice, ``select`` an index, ``movedim`` a permutation: all views of the same memory,
built on ``getitem`` and ``permute``. The in-place shape ops give the tensor itself a new shape over the
same memory (no values change, so the version counter does not move).
"""
from __future__ import annotations

from typing import Any, Sequence, Union

from minitorch.autograd import grad_mode
from minitorch.ops.index import getitem
from minitorch.ops.shape import permute, reshape, squeeze, t, transpose, unsqueeze
from minitorch.sizes import normalize_dim, numpy_names
from minitorch.tensor import Tensor


@numpy_names
def narrow(input: Tensor, dim: int, start: Union[int, Tensor], length: int) -> Tensor:
    """The view ``input[..., start:start + length, ...]`` along ``dim`` (``start`` may be negative)."""
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    axis = normalize_dim(dim, input.ndim)
    size = input.shape[axis]
    start = int(start.item()) if isinstance(start, Tensor) else int(start)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    start = start + size if start < 0 else start
    if length < 0 or start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return getitem(input, (slice(None),) * axis + (slice(start, start + length),))


def select(input: Tensor, dim: int, index: Union[int, Tensor]) -> Tensor:
    """The view ``input[..., index, ...]`` along ``dim``, which drops that dimension (``index`` may be negative)."""
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    axis = normalize_dim(dim, input.ndim)
    index = int(index.item()) if isinstance(index, Tensor) else int(index)
    if not -input.shape[axis] <= index < input.shape[axis]:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} "
                         f"at dimension {axis}")
    return getitem(input, (slice(None),) * axis + (index,))


def movedim(input: Tensor, source: Union[int, Sequence[int]], destination: Union[int, Sequence[int]]) -> Tensor:
    """Move dimension(s) ``source`` to position(s) ``destination``, keeping the others in order."""
    sources = [source] if isinstance(source, int) else list(source)
    targets = [destination] if isinstance(destination, int) else list(destination)
    if len(sources) != len(targets):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({sources} dims) should contain the same "
            f"number of dims as destination ({targets} dims)"
        )
    sources = [normalize_dim(d, input.ndim) for d in sources]
    targets = [normalize_dim(d, input.ndim) for d in targets]
    if len(set(sources)) != len(sources) or len(set(targets)) != len(targets):
        raise RuntimeError(f"movedim: repeated dim in `source` ({sources}) or `destination` ({targets})")
    rest = iter(d for d in range(input.ndim) if d not in sources)
    placed = dict(zip(targets, sources))
    return permute(input, [placed[i] if i in placed else next(rest) for i in range(input.ndim)])


moveaxis = movedim


def swapdims(input: Tensor, dim0: int, dim1: int) -> Tensor:
    return transpose(input, dim0, dim1)


def ravel(input: Tensor) -> Tensor:
    """The elements as a 1-D tensor (a view when the memory allows, else a copy)."""
    return reshape(input, -1)


def _reshape_in_place(self: Tensor, view: Tensor) -> Tensor:
    """Give ``self`` the shape of ``view`` (a view of its own memory); inside the graph ``self``
    becomes the view op's output, as an in-place op does."""
    if grad_mode.is_grad_enabled() and self.requires_grad:
        if self.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        self.grad_fn, self._output_nr = view.grad_fn, view._output_nr
    self._data = view._data
    return self


def unsqueeze_(self: Tensor, dim: int) -> Tensor:
    return _reshape_in_place(self, unsqueeze(self, dim))


def squeeze_(self: Tensor, dim: Any = None) -> Tensor:
    return _reshape_in_place(self, squeeze(self, dim))


def t_(self: Tensor) -> Tensor:
    return _reshape_in_place(self, t(self))


def transpose_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    return _reshape_in_place(self, transpose(self, dim0, dim1))


swapaxes_ = swapdims_ = transpose_
