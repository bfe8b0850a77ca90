"""Shared fixtures for every test file.

* ``backend``: run a test once per device, ``"cpu"`` and ``"cuda"``; the CUDA run is skipped
  (not failed) where CuPy or an NVIDIA GPU is missing, and carries the ``gpu`` marker, so
  ``pytest -m "not gpu"`` leaves it out. Use it as the ``device=`` argument::

      def test_ones(backend):
          assert minitorch.ones(2, device=backend).device.type == backend

* ``rng``: a seeded NumPy generator for test data, fresh in every test.

Hypothesis runs without a deadline: the first call of an op can be slow (imports, CuPy
kernel compilation) without the op being wrong.
"""
import numpy as np
import pytest
from hypothesis import settings

import minitorch

settings.register_profile("minitorch", deadline=None)
settings.load_profile("minitorch")


@pytest.fixture(scope="session", params=["cpu", pytest.param("cuda", marks=pytest.mark.gpu)])
def backend(request: pytest.FixtureRequest) -> str:
    """The device name to run on; session-scoped, so Hypothesis tests may use it too."""
    if request.param == "cuda" and not minitorch.cuda.is_available():
        pytest.skip("the cuda backend needs CuPy and an NVIDIA GPU")
    return request.param


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)
