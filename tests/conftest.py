"""Shared fixtures for every test file.

* ``backend``: run a test once per device: ``"cpu"``, ``"cuda"`` on a real GPU and ``"cuda"`` on
  the CPU stand-in for CuPy (test id ``fakecuda``, ``tests/fakecuda``: installed for that test
  only). The real CUDA run is skipped (not failed) where CuPy or an NVIDIA GPU is missing, and
  carries the ``gpu`` marker, so ``pytest -m "not gpu"`` leaves it out; the stand-in runs
  everywhere. Use it as the ``device=`` argument::

      def test_ones(backend):
          assert minitorch.ones(2, device=backend).device.type == backend

* ``rng``: a seeded NumPy generator for test data, fresh in every test.

Hypothesis runs without a deadline: the first call of an op can be slow (imports, CuPy
kernel compilation) without the op being wrong.
"""
from typing import Iterator

import numpy as np
import pytest
from hypothesis import Phase, settings

import minitorch
from tests import fakecuda

settings.register_profile("minitorch", deadline=None)
settings.register_profile("triage", deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate])  # no shrinking:
settings.load_profile("minitorch")  # `pytest --hypothesis-profile triage` lists many failures fast


@pytest.fixture(scope="session", params=["cpu", pytest.param("cuda", marks=pytest.mark.gpu), "fakecuda"])
def backend(request: pytest.FixtureRequest) -> str:
    """The device name to run on; session-scoped, so Hypothesis tests may use it too."""
    if request.param == "cuda" and not minitorch.cuda.is_available():
        pytest.skip("the cuda backend needs CuPy and an NVIDIA GPU")
    return "cuda" if request.param == "fakecuda" else request.param


@pytest.fixture(autouse=True)
def _stand_in_gpu(request: pytest.FixtureRequest) -> Iterator[None]:
    """Install the CPU stand-in for CuPy around each test that runs with ``backend`` = fakecuda."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is None or callspec.params.get("backend") != "fakecuda":
        yield
        return
    with fakecuda.installed():
        yield


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)
