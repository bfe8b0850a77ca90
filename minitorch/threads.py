"""How many threads minitorch uses on the CPU: ``set_num_threads`` / ``get_num_threads``.

They work like ``torch.set_num_threads``/``torch.get_num_threads`` and control both kinds of
threads: minitorch's own pool, which splits convolutions and pools over the batch
(``minitorch/parallel.py``), and the BLAS library behind NumPy's matrix products (pinned to one
thread inside the pool's parallel regions, so the two never oversubscribe the cores). The default
is the number of cores this process may use (or ``OMP_NUM_THREADS``, if set).

Setting the BLAS thread count needs the optional package threadpoolctl (in the ``example`` and
``test`` extras), because NumPy has no API of its own for it; without threadpoolctl the pool stays
on one thread, and ``OMP_NUM_THREADS``/``OPENBLAS_NUM_THREADS`` set before starting Python decide BLAS's.
"""
from __future__ import annotations

from types import ModuleType

from minitorch import parallel


def _threadpoolctl() -> ModuleType:
    try:
        import threadpoolctl
    except ImportError as error:
        raise RuntimeError(
            "set_num_threads needs threadpoolctl (`pip install threadpoolctl`); or set "
            "OMP_NUM_THREADS / OPENBLAS_NUM_THREADS before starting Python"
        ) from error
    return threadpoolctl


def set_num_threads(count: int) -> None:
    """Use ``count`` threads on the CPU from now on: for minitorch's split ops and for BLAS."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"set_num_threads expects a positive integer, got {count!r}")
    _threadpoolctl()  # fails with what to install when it is missing
    parallel.set_num_threads(count)
    parallel.BLAS.set(count)


def get_num_threads() -> int:
    """The number of threads minitorch's ops split their work over on the CPU."""
    return parallel.num_threads()
