"""minitorch.set_num_threads / get_num_threads: minitorch's own pool and BLAS (through threadpoolctl)."""
import sys

import pytest

import minitorch

pytest.importorskip("threadpoolctl")


def test_set_num_threads_limits_blas():
    before = minitorch.get_num_threads()
    try:
        minitorch.set_num_threads(1)
        assert minitorch.get_num_threads() == 1
    finally:
        minitorch.set_num_threads(before)


def test_set_num_threads_sets_the_pool_and_blas():
    import threadpoolctl

    before = minitorch.get_num_threads()
    try:
        minitorch.set_num_threads(2)
        blas = [pool["num_threads"] for pool in threadpoolctl.threadpool_info() if pool["user_api"] == "blas"]
        assert minitorch.get_num_threads() == 2 and max(blas) == 2
    finally:
        minitorch.set_num_threads(before)


@pytest.mark.parametrize("count", [0, -2, 1.5, True])
def test_set_num_threads_rejects_non_positive_counts(count):
    with pytest.raises(ValueError, match="positive integer"):
        minitorch.set_num_threads(count)


def test_missing_threadpoolctl_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)
    with pytest.raises(RuntimeError, match="pip install threadpoolctl"):
        minitorch.set_num_threads(1)
