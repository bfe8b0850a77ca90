"""The memory layout convolutions and pools keep images in: batch-innermost, (C, H, W, N).

The public shape of a batch of images is PyTorch's (N, C, H, W). Convolution is faster when the
images of a batch sit next to each other in memory (see ``ops/conv.py``), so conv and pool
outputs are (N, C, H, W)-shaped *views* of (C, H, W, N) arrays. NumPy's elementwise ops keep
that layout, so the next conv or pool reads its input without a copy.
"""
from __future__ import annotations

from typing import Any

from minitorch.backend import array_module


def batch_last(x: Any) -> Any:
    """(N, C, H, W) → a C-ordered (C, H, W, N) array; free when ``x`` came from a conv or a pool."""
    planes = x.transpose(1, 2, 3, 0)
    return planes if planes.flags.c_contiguous else array_module(x).ascontiguousarray(planes)


def batch_first(planes: Any) -> Any:
    """(C, H, W, N) → the (N, C, H, W) view the public API shows (no copy)."""
    return planes.transpose(3, 0, 1, 2)


def is_batch_innermost(x: Any) -> bool:
    """True for an (N, C, H, W) array laid out (C, H, W, N) in memory, as conv/pool outputs are."""
    return x.ndim == 4 and not x.flags.c_contiguous and x.transpose(1, 2, 3, 0).flags.c_contiguous
