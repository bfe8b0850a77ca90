"""``minitorch.accelerator``: PyTorch's device-neutral questions (2025's quickstart picks its device
with ``torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"``).
minitorch's one accelerator is an NVIDIA GPU through CuPy."""
from __future__ import annotations

import contextlib
from typing import Any, Iterator, Optional

from minitorch import cuda
from minitorch.backend import device

_NONE_AVAILABLE = "Cannot access accelerator device when none is available."


def is_available() -> bool:
    return cuda.is_available()


def current_accelerator(check_available: bool = False) -> Optional[device]:
    """``device(type='cuda')`` when CuPy sees a GPU, else None."""
    return device("cuda") if cuda.is_available() else None


def device_count() -> int:
    return cuda.device_count()


def _require() -> None:
    if not cuda.is_available():
        raise RuntimeError(_NONE_AVAILABLE)


def set_device_index(index: Any) -> None:
    _require()
    cuda.set_device(index)


set_device_idx = set_device_index


def current_device_index() -> int:
    _require()
    return cuda.current_device()


current_device_idx = current_device_index


def synchronize(index: Any = None) -> None:
    _require()
    cuda.synchronize(index)


@contextlib.contextmanager
def device_index(index: Optional[int]) -> Iterator[None]:
    """Inside the block, ``index`` is the current accelerator (None: leave it as it is)."""
    if index is None:
        yield
        return
    previous = current_device_index()
    set_device_index(index)
    try:
        yield
    finally:
        set_device_index(previous)
