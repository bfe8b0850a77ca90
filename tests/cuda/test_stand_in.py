"""The CPU stand-in for CuPy (``tests/fakecuda``) behaves like CuPy where minitorch could go wrong."""
import numpy as np
import pytest

from tests.fakecuda import DeviceSynchronized, cupy, cupyx, record


def test_refuses_implicit_conversion_and_numpy_operands():
    x = cupy.arange(3.0)
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.asarray(x)
    for mixed in (lambda: x + np.ones(3), lambda: np.ones(3) * x, lambda: cupy.maximum(x, np.ones(3)),
                  lambda: np.exp(x) + np.ones(3)):
        with pytest.raises(TypeError, match="Unsupported type"):
            mixed()
    assert float(x.sum()) == 3.0 and (x * np.float64(2)).dtype == np.float64  # scalars are fine


def test_offers_only_cupys_names():
    with pytest.raises(AttributeError):
        cupy.errstate  # noqa: B018  (numpy has it, cupy does not)
    with pytest.raises(AttributeError):
        cupy.random.default_rng(0).permutation(3)
    with pytest.raises(AttributeError):
        cupy.arange(3).ctypes  # noqa: B018
    assert np.sum(cupy.arange(3)).device.id == 0  # numpy functions dispatch to cupy's (__array_function__)


def test_elementwise_results_are_c_ordered_and_reductions_0d():
    x = cupy.ones((3, 4)).T
    assert not x.flags.c_contiguous and (x + 1).flags.c_contiguous and cupy.exp(x).flags.c_contiguous
    assert isinstance(x.sum(), cupy.ndarray) and x.sum().ndim == 0
    y = cupy.zeros(3)
    y[0].fill(5.0)  # an integer index is a view
    assert y[0].item() == 5.0


def test_counts_syncs_uploads_and_launches_per_line():
    with record() as ledger:
        x = cupy.asarray(np.arange(4.0))  # upload
        y = x * 2 + 1  # two launches
        _ = x[x > 1]  # boolean mask gather: a sync
        float(y.sum())  # sync
    assert len(ledger.uploads) == 1 and len(ledger.syncs) == 2 and len(ledger.launches) >= 4
    assert all("test_stand_in.py" in site for _, site in ledger.syncs), ledger.report("sync")


def test_allow_synchronize_false_raises_on_a_sync():
    x = cupy.arange(3.0)
    with cupyx.allow_synchronize(False):
        x + 1
        with pytest.raises(DeviceSynchronized):
            x.sum().item()


def test_two_devices():
    with cupy.cuda.Device(1):
        x = cupy.zeros(2)
    assert x.device.id == 1 and cupy.asarray(x) is x
    with pytest.raises(RuntimeError, match="invalid device"):
        cupy.cuda.Device(2)


def test_the_prepared_gpu_check_script_parses():
    import subprocess
    from pathlib import Path
    script = Path(__file__).resolve().parents[2] / "benchmarks" / "gpu_check.sh"
    assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0
