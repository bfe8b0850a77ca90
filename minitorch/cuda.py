"""``minitorch.cuda``: is a GPU there, and how much of its memory is in use? (CuPy is imported
only when asked.) On a machine without a GPU every question answers honestly: no devices,
zero bytes, and an error for what needs a GPU (``set_device``, ``get_device_name``)."""
from __future__ import annotations

from typing import Any

from minitorch import random
from minitorch.backend import cuda_is_available, cupy_module, device

_peak_bytes = 0


def is_available() -> bool:
    """True when CuPy is installed and sees an NVIDIA GPU."""
    return cuda_is_available()


def device_count() -> int:
    return cupy_module().cuda.runtime.getDeviceCount() if cuda_is_available() else 0


def _require_gpu(what: str) -> Any:
    if not cuda_is_available():
        raise RuntimeError(f"torch.cuda.{what}: no NVIDIA GPU is available (CuPy finds none on this machine)")
    return cupy_module()


def _index(spec: Any) -> int:
    """A device index from ``None`` (the current one), an int, ``'cuda:1'`` or a device."""
    if spec is None:
        return cupy_module().cuda.Device().id
    if isinstance(spec, int):
        return spec
    return device(spec).index or 0


def current_device() -> int:
    return _require_gpu("current_device").cuda.Device().id


def set_device(spec: Any) -> None:
    """Make ``spec`` (an index, ``'cuda:1'`` or a device) the GPU new CUDA tensors go to."""
    _require_gpu("set_device").cuda.Device(_index(spec)).use()


def get_device_name(spec: Any = None) -> str:
    cupy = _require_gpu("get_device_name")
    name = cupy.cuda.runtime.getDeviceProperties(_index(spec))["name"]
    return name.decode() if isinstance(name, bytes) else str(name)


def synchronize(spec: Any = None) -> None:
    """Wait for every queued GPU kernel to finish (for timing)."""
    if cuda_is_available():
        cupy_module().cuda.Device(_index(spec)).synchronize()


def memory_allocated(spec: Any = None) -> int:
    """Bytes held by tensors right now (CuPy's memory pool in use)."""
    global _peak_bytes
    if not cuda_is_available():
        return 0
    used = cupy_module().get_default_memory_pool().used_bytes()
    _peak_bytes = max(_peak_bytes, used)
    return used


def max_memory_allocated(spec: Any = None) -> int:
    """The most bytes seen in use since the last reset. CuPy does not track a peak itself, so this
    is the largest value seen by minitorch's calls to :func:`memory_allocated`, including this one."""
    memory_allocated(spec)
    return _peak_bytes


def reset_peak_memory_stats(spec: Any = None) -> None:
    global _peak_bytes
    _peak_bytes = 0
    memory_allocated(spec)


def memory_reserved(spec: Any = None) -> int:
    """Bytes the memory pool holds from the driver (in use or cached for reuse)."""
    return cupy_module().get_default_memory_pool().total_bytes() if cuda_is_available() else 0


def empty_cache() -> None:
    """Give cached, unused GPU memory back to the driver."""
    if cuda_is_available():
        cupy_module().get_default_memory_pool().free_all_blocks()


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """False: minitorch's arrays have no bfloat16."""
    return False


def manual_seed(seed: int) -> None:
    """GPU tensors draw from minitorch's CPU generator, so this is the same as minitorch.manual_seed."""
    random.manual_seed(seed)


manual_seed_all = manual_seed


def seed() -> None:
    random.seed()


seed_all = seed
