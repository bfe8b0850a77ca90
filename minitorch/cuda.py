"""``minitorch.cuda``: is a GPU there? (CuPy is imported only when asked.)"""
from __future__ import annotations

from minitorch import random
from minitorch.backend import cuda_is_available, cupy_module


def is_available() -> bool:
    """True when CuPy is installed and sees an NVIDIA GPU."""
    return cuda_is_available()


def device_count() -> int:
    return cupy_module().cuda.runtime.getDeviceCount() if cuda_is_available() else 0


def synchronize() -> None:
    """Wait for every queued GPU kernel to finish (for timing)."""
    if cuda_is_available():
        cupy_module().cuda.Device().synchronize()


def manual_seed(seed: int) -> None:
    """GPU tensors draw from minitorch's CPU generator, so this is the same as minitorch.manual_seed."""
    random.manual_seed(seed)


manual_seed_all = manual_seed
