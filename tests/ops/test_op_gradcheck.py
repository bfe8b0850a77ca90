"""Every differentiable case of the op table under finite differences (``minitorch.gradcheck``),
on inputs Hypothesis draws in varied shapes and memory layouts."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minitorch
from minitorch.testing import as_leaf
from tests.ops.cases import CASES

CHECKED = [case for case in CASES if case.gradcheck]


@pytest.mark.parametrize("case", CHECKED, ids=str)
@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_gradcheck(case, backend, data):
    arrays = data.draw(case.inputs, label="inputs")
    inputs = [as_leaf(a, backend, case.requires_grad(i, a)) for i, a in enumerate(arrays)]
    assert minitorch.gradcheck(lambda *xs: case.fn(minitorch, *xs), inputs)
