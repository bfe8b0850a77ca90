"""Every case of the op table against PyTorch (``tests/parity.py``): forward values, dtypes, and
the gradient of every differentiable input for a random upstream gradient, on every backend."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import fakecuda
from tests.ops.cases import CASES, skip_known_device_bugs
from tests.parity import check_parity

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.filterwarnings("ignore:Mean of empty slice", "ignore:invalid value encountered",
                            "ignore:.*degrees of freedom",  # the empty and one-element cases
                            "ignore:Using padding='same'")  # PyTorch's note on its own padded copy
def test_matches_pytorch(case, backend):
    skip_known_device_bugs(case, backend)
    @settings(max_examples=fakecuda.examples(case.examples or 15),
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(data=st.data())
    def check(data):
        inputs = data.draw(case.inputs, label="inputs")
        rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
        grads = [case.requires_grad(i, value) for i, value in enumerate(inputs)]
        check_parity(case.fn, inputs, grads, rng, backend, rtol=case.rtol, atol=case.atol)

    check()

def test_case_names_are_unique():
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
