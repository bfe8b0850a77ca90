"""How many threads the BLAS library behind NumPy uses for matrix products.

``set_num_threads`` works like ``torch.set_num_threads``. It uses the optional package
threadpoolctl (in the ``example`` and ``test`` extras), because NumPy has no API of its own for
this; without threadpoolctl, set ``OMP_NUM_THREADS``/``OPENBLAS_NUM_THREADS`` before starting Python.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

_limits: Any = None  # keeps the active limit object alive


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
    """Use ``count`` threads for BLAS matrix products from now on."""
    global _limits
    if not isinstance(count, int) or count < 1:
        raise ValueError(f"set_num_threads expects a positive integer, got {count!r}")
    _limits = _threadpoolctl().threadpool_limits(limits=count, user_api="blas")


def get_num_threads() -> int:
    """The number of threads BLAS uses (the largest, if several BLAS libraries are loaded)."""
    pools = [pool["num_threads"] for pool in _threadpoolctl().threadpool_info() if pool["user_api"] == "blas"]
    return max(pools, default=1)
