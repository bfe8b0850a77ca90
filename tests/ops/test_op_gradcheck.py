"""Every differentiable case of the op table under finite differences (``minitorch.gradcheck``),
on inputs Hypothesis draws in varied shapes and memory layouts."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minitorch
from minitorch.testing import as_leaf
from tests import fakecuda
from tests.ops.cases import CASES, skip_known_device_bugs

CHECKED = [case for case in CASES if case.gradcheck]


@pytest.mark.parametrize("case", CHECKED, ids=str)
def test_gradcheck(case, backend):
    skip_known_device_bugs(case, backend)
    @settings(max_examples=fakecuda.examples(case.examples or 10),
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(data=st.data())
    def check(data):
        inputs = [as_leaf(value, backend, case.requires_grad(i, value)) if isinstance(value, np.ndarray) else value
                  for i, value in enumerate(data.draw(case.inputs, label="inputs"))]
        assert minitorch.gradcheck(lambda *xs: case.fn(minitorch, *xs), inputs)

    check()
