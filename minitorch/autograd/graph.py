"""Saved-tensor hooks, as in ``torch.autograd.graph``: decide how backward's tensors are kept.

Each op keeps some tensors alive until backward needs them (``ctx.save_for_backward``). Inside
``with saved_tensors_hooks(pack, unpack):`` every tensor an op saves goes through
``pack(tensor)``, and what ``pack`` returns is kept instead; when backward reads the saved
tensors, ``unpack(packed)`` must give back a tensor with the same values. ``save_on_cpu()`` is
the classic use: keep saved activations in host memory and bring them back for backward.

The hooks are captured by each node when it is created, so backward may run after the block.
With nested blocks, the innermost pair applies.
"""
from __future__ import annotations

from typing import Any, Callable

from minitorch.autograd import observers
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import CPU, device_of, to_device
from minitorch.tensor import Tensor

_NOT_A_TENSOR = object()  # marks saved entries that pass through untouched (None, numbers)


class saved_tensors_hooks(observers.Observer):
    """Route every tensor saved for backward through ``pack_hook``; read it back with ``unpack_hook``.

    Example (count what is saved, keep it unchanged)::

        sizes = []
        def pack(t):
            sizes.append(t.numel())
            return t
        with saved_tensors_hooks(pack, lambda t: t):
            loss = (x * w).sum()
    """

    def __init__(self, pack_hook: Callable[[Tensor], Any], unpack_hook: Callable[[Any], Tensor]) -> None:
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self) -> "saved_tensors_hooks":
        observers.OBSERVERS.append(self)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        observers.OBSERVERS.remove(self)

    def forward(self, op: type, args: tuple, run: Callable[[], Any]) -> Any:
        outputs = run()
        node = observers.node_of(outputs)
        if node is not None and node._saved and node._unpack is None:  # inner hooks packed it already
            raw = isinstance(node, ArrayFunction)  # saves arrays, not Tensors
            node._saved = tuple(self._pack(value, raw) for value in node._saved)
            node._unpack = _Unpacker(self.unpack_hook, raw)
        return outputs

    def _pack(self, value: Any, raw: bool) -> Any:
        if raw and hasattr(value, "shape") and hasattr(value, "dtype"):
            return self.pack_hook(Tensor._wrap(value))
        if not raw and isinstance(value, Tensor):
            return self.pack_hook(value)
        return (_NOT_A_TENSOR, value)


class _Unpacker:
    """A node's way back from packed values to what its backward expects (arrays or Tensors)."""

    def __init__(self, unpack_hook: Callable[[Any], Tensor], raw: bool) -> None:
        self.unpack_hook = unpack_hook
        self.raw = raw

    def __call__(self, packed: tuple) -> tuple:
        return tuple(self._unpack(value) for value in packed)

    def _unpack(self, value: Any) -> Any:
        if type(value) is tuple and len(value) == 2 and value[0] is _NOT_A_TENSOR:
            return value[1]
        tensor = self.unpack_hook(value)
        if not isinstance(tensor, Tensor):
            raise TypeError(f"the unpack hook of saved_tensors_hooks must return a Tensor, got {type(tensor).__name__}")
        return tensor._data if self.raw else tensor


class save_on_cpu(saved_tensors_hooks):
    """Keep every saved tensor as a copy in host memory; move it back to its device for backward.

    On a GPU this trades transfer time for device memory. ``pin_memory`` is accepted for
    PyTorch's signature; minitorch copies into ordinary host memory.
    """

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        super().__init__(_to_host, _to_original_device)


def _to_host(tensor: Tensor) -> tuple:
    host = to_device(tensor._data, CPU)
    return device_of(tensor._data), Tensor._wrap(host.copy() if host is tensor._data else host)


def _to_original_device(packed: tuple) -> Tensor:
    device, host = packed
    return Tensor._wrap(to_device(host._data, device))
