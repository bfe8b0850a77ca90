"""Second order for every case of the op table (higher-order gradients):

* against PyTorch (``tests/parity.py``: ``check_double_backward``): the gradient of ``Σ w·g`` with
  respect to the inputs and the upstream gradient, where ``g`` is the first gradient taken with
  ``create_graph=True``, on every backend;
* by finite differences of the first gradient (:func:`minitorch.gradgradcheck`, fast mode: one
  random direction per input and output), on the CPU.

A case opts out with ``gradgrad=False`` (no second derivative to check) and names why.
"""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minitorch
from minitorch.testing import as_leaf
from tests import fakecuda
from tests.ops.cases import CASES, skip_known_device_bugs, xfail_open_double_backward
from tests.parity import check_double_backward

torch = pytest.importorskip("torch")

SECOND_ORDER = [case for case in CASES if case.gradgrad]


@pytest.mark.parametrize("case", SECOND_ORDER, ids=str)
@pytest.mark.filterwarnings("ignore:Mean of empty slice", "ignore:invalid value encountered",
                            "ignore:.*degrees of freedom", "ignore:Using padding='same'")
def test_double_backward_matches_pytorch(case, backend):
    skip_known_device_bugs(case, backend)
    xfail_open_double_backward(case)
    @settings(max_examples=fakecuda.examples(min(case.examples or 4, 4)),
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(data=st.data())
    def check(data):
        inputs = data.draw(case.inputs, label="inputs")
        rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
        grads = [case.requires_grad(i, value) for i, value in enumerate(inputs)]
        check_double_backward(case.fn, inputs, grads, rng, backend, rtol=case.rtol, atol=case.atol)

    check()


@pytest.mark.parametrize("case", [case for case in SECOND_ORDER if case.gradcheck], ids=str)
@pytest.mark.filterwarnings("ignore:Mean of empty slice", "ignore:invalid value encountered")
def test_gradgradcheck(case):
    xfail_open_double_backward(case)
    @settings(max_examples=min(case.examples or 2, 2),
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(data=st.data())
    def check(data):
        inputs = [as_leaf(value, "cpu", case.requires_grad(i, value)) if isinstance(value, np.ndarray) else value
                  for i, value in enumerate(data.draw(case.inputs, label="inputs"))]
        assert minitorch.gradgradcheck(lambda *xs: case.fn(minitorch, *xs), inputs, fast_mode=True)

    check()
