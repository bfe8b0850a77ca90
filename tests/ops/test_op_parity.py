"""Every case of the op table against PyTorch: forward values, dtypes, and the gradient of every
differentiable input for a random upstream gradient (not ``.sum()``, which would hide
transposed or mis-broadcast gradients behind a matrix of ones)."""
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minitorch
from minitorch.testing import as_leaf, assert_close, dtype_name
from tests.ops.cases import CASES


def flat(result):
    """A result as a list of tensors (``max(dim)`` and ``split`` return several)."""
    return list(result) if isinstance(result, (tuple, list)) else [result]


def run_both(case, arrays, backend):
    grads = [case.requires_grad(i, a) for i, a in enumerate(arrays)]
    ours = [as_leaf(a, backend, g) for a, g in zip(arrays, grads)]
    theirs = [torch.tensor(a.copy(), requires_grad=g) for a, g in zip(arrays, grads)]
    return ours, theirs, flat(case.fn(minitorch, *ours)), flat(case.fn(torch, *theirs))


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.filterwarnings("ignore:Mean of empty slice", "ignore:invalid value encountered",
                            "ignore:.*degrees of freedom")  # the empty and one-element cases
@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_matches_pytorch(case, backend, data):
    arrays = data.draw(case.inputs, label="inputs")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    ours, theirs, our_outputs, their_outputs = run_both(case, arrays, backend)

    assert len(our_outputs) == len(their_outputs)
    for i, (mine, reference) in enumerate(zip(our_outputs, their_outputs)):
        assert_close(mine, reference, rtol=case.rtol, atol=case.atol, msg=f"output {i}")
        assert mine.requires_grad == reference.requires_grad, f"output {i}: requires_grad"

    differentiable = [i for i, out in enumerate(their_outputs) if out.requires_grad]
    if not differentiable:
        return
    upstream = [rng.standard_normal(their_outputs[i].shape).astype(dtype_name(their_outputs[i]))
                for i in differentiable]
    torch.autograd.backward([their_outputs[i] for i in differentiable], [torch.tensor(g) for g in upstream])
    minitorch.autograd.backward([our_outputs[i] for i in differentiable],
                                [minitorch.tensor(g, device=backend) for g in upstream])
    for i, (mine, reference) in enumerate(zip(ours, theirs)):
        if not reference.requires_grad:
            continue
        assert (mine.grad is None) == (reference.grad is None), f"input {i}: gradient presence"
        if reference.grad is not None:
            assert_close(mine.grad, reference.grad, rtol=case.rtol, atol=case.atol, msg=f"gradient of input {i}")


def test_case_names_are_unique():
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
