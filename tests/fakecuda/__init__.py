"""A CPU stand-in for CuPy, so the "cuda" code paths run (and are counted) on machines without a GPU.

``installed()`` makes minitorch's "cuda" device use the stand-in (``minitorch.backend.use_cuda_modules``);
the ``backend`` fixture's third value, ``fakecuda``, runs a test inside it::

    with installed():
        x = minitorch.ones(3, device="cuda")      # a stand-in array: NumPy memory, CuPy's manners
        with record() as ledger:
            y = (x * 2).sum()
        assert ledger.syncs == []

What it checks that NumPy alone cannot: no implicit device→host conversion, no mixing of host and
device arrays, only CuPy's names, C-ordered elementwise results; and how many syncs, uploads and
kernel launches each line of minitorch costs (``ledger.py``). What it cannot check: CUDA kernels
themselves (``ElementwiseKernel``/``RawKernel`` raise here), speed, memory, streams.
"""
from __future__ import annotations

import contextlib
from typing import Iterator

from minitorch import backend
from tests.fakecuda.array import DeviceSynchronized, ndarray
from tests.fakecuda.ledger import Ledger, record, totals
from tests.fakecuda.runtime import cupy, cupyx


EXAMPLES_SHARE = 4  # the stand-in runs 1/4 of a property test's Hypothesis examples (at least 2)


def active() -> bool:
    """Is the stand-in minitorch's "cuda" right now?"""
    return backend.cupy_module_if_loaded() is cupy


def examples(count: int) -> int:
    """Hypothesis examples for a property test: fewer on the stand-in, whose numbers are NumPy's anyway
    (it is there to walk the CUDA code paths, not to test the arithmetic a second time)."""
    return max(2, count // EXAMPLES_SHARE) if active() else count


@contextlib.contextmanager
def installed() -> Iterator[object]:
    """Inside: minitorch's "cuda" arrays are stand-in arrays (two stand-in GPUs, cuda:0 and cuda:1)."""
    previous = backend.use_cuda_modules(cupy, cupyx)
    try:
        yield cupy
    finally:
        backend.use_cuda_modules(*previous)


__all__ = ["installed", "active", "examples", "record", "Ledger", "totals", "cupy", "cupyx", "ndarray", "DeviceSynchronized"]
