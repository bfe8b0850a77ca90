"""Host memory: minitorch asks the C allocator to keep freed memory for the next step.

A training step allocates and frees the same large arrays again and again: activations, their
gradients, im2col bands. glibc's ``malloc`` serves a block larger than ``M_MMAP_THRESHOLD``
(128 KiB at first, raised by glibc itself up to the largest block freed so far) with a fresh
``mmap`` and hands it back to the kernel with ``munmap`` on ``free``; and it gives the top of its
heap back once more than ``M_TRIM_THRESHOLD`` of it is free. Either way the next step's arrays
land on pages the kernel must map and zero again: one page fault per 4 KiB touched, more in a
virtual machine, and with several threads every ``munmap`` also interrupts the other cores to
flush their address translations.

Measured on a 2-core machine (``benchmarks/README.md``): ReLU over a (256, 6, 28, 28) float32
batch took 1.6–2.2 ms on fresh pages and 0.46 ms on reused ones; a whole LeNet training step at
batch 256 went from about 42 to 33 ms, with no other change.

So on import, where the C library is glibc, minitorch raises both thresholds
(:func:`keep_freed_memory`): blocks up to 32 MiB (glibc's largest allowed threshold) come from the
heap and stay there once freed, ready for the next step; the heap's top is returned to the kernel
only when more than 256 MiB of it is free. A process's resident memory then stays near its peak
between steps, as PyTorch's caching allocator keeps GPU memory. Set the environment variable
``MINITORCH_KEEP_FREED_MEMORY=0`` before importing minitorch to leave the allocator alone, or call
``keep_freed_memory(False)`` to go back to glibc's initial thresholds.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
from typing import Any, Optional

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt's parameter numbers (malloc.h)
KEPT_MMAP_THRESHOLD = 32 << 20  # glibc refuses more than HEAP_MAX_SIZE / 2 = 32 MiB on 64-bit
KEPT_TRIM_THRESHOLD = 256 << 20
GLIBC_DEFAULT_THRESHOLD = 128 << 10  # both thresholds' initial value


def _glibc() -> Optional[Any]:
    """The C library when it is glibc (it has ``mallopt``), else None (macOS, Windows, musl)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.gnu_get_libc_version  # noqa: B018  only glibc has it
        return libc
    except (OSError, AttributeError):
        return None


def keep_freed_memory(keep: bool = True) -> bool:
    """Let freed blocks up to 32 MiB stay in the process for reuse (``keep``), or restore glibc's
    initial thresholds; returns whether the allocator took the setting (False off glibc)."""
    libc = _glibc()
    if libc is None:
        return False
    mmap_threshold = KEPT_MMAP_THRESHOLD if keep else GLIBC_DEFAULT_THRESHOLD
    trim_threshold = KEPT_TRIM_THRESHOLD if keep else GLIBC_DEFAULT_THRESHOLD
    mmap_taken = bool(libc.mallopt(M_MMAP_THRESHOLD, mmap_threshold))
    return mmap_taken and bool(libc.mallopt(M_TRIM_THRESHOLD, trim_threshold))


def keep_by_default() -> bool:
    """On import: keep freed memory unless ``MINITORCH_KEEP_FREED_MEMORY=0``."""
    if os.environ.get("MINITORCH_KEEP_FREED_MEMORY", "1").strip() in ("0", "false", "False", "no"):
        return False
    return keep_freed_memory(True)
