"""detect_anomaly / set_detect_anomaly name the node whose backward made NaN, as PyTorch does."""
import re
import warnings

import pytest

import minitorch

torch = pytest.importorskip("torch")


def _nan_backward(lib, device="cpu"):
    x = lib.tensor([0.0, 1.0], requires_grad=True, device=device)
    return (lib.log(x * 0) * 0).sum()  # log(0) = -inf; its backward 0/0 = nan


def test_detect_anomaly_names_the_node_like_pytorch(backend: str) -> None:
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        torch_mode = torch.autograd.detect_anomaly()
    with torch_mode, warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        with pytest.raises(RuntimeError) as theirs:
            _nan_backward(torch).backward()
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        mode = minitorch.autograd.detect_anomaly()
    with mode, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(RuntimeError) as ours:
            _nan_backward(minitorch, backend).backward()
    assert str(theirs.value) == "Function 'LogBackward0' returned nan values in its 0th output."
    assert re.fullmatch(r"Function 'LogBackward0?' returned nan values in its 0th output\.", str(ours.value))
    printed = [str(w.message) for w in caught if "Error detected in" in str(w.message)]
    assert printed and "Traceback of forward call that caused the error" in printed[0]
    assert "_nan_backward" in printed[0] and "lib.log(x * 0)" in printed[0]  # the user's own line
    assert not minitorch.autograd.is_anomaly_enabled()


def test_inf_is_caught_too_and_check_nan_turns_the_check_off() -> None:
    x = minitorch.tensor([0.0], requires_grad=True)
    with minitorch.autograd.set_detect_anomaly(True), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match=r"returned inf values in its 0th output"):
            minitorch.log(x).sum().backward()
    x.grad = None
    with minitorch.autograd.set_detect_anomaly(True, check_nan=False), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert minitorch.autograd.is_anomaly_enabled() and not minitorch.autograd.is_anomaly_check_nan_enabled()
        minitorch.log(x).sum().backward()
    assert x.grad.tolist() == [float("inf")]
    assert not minitorch.autograd.is_anomaly_enabled() and minitorch.autograd.is_anomaly_check_nan_enabled()


def test_set_detect_anomaly_as_a_call_and_detect_anomaly_as_a_decorator() -> None:
    minitorch.autograd.set_detect_anomaly(True)
    try:
        assert minitorch.autograd.is_anomaly_enabled()
    finally:
        minitorch.autograd.set_detect_anomaly(False)
    assert not minitorch.autograd.is_anomaly_enabled()
    with pytest.warns(UserWarning):
        @minitorch.autograd.detect_anomaly()
        def inside() -> bool:
            return minitorch.autograd.is_anomaly_enabled()
    assert inside() and not minitorch.autograd.is_anomaly_enabled()


def test_clean_backward_passes_in_anomaly_mode(backend: str) -> None:
    x = minitorch.tensor([1.0, 2.0], requires_grad=True, device=backend)
    with minitorch.autograd.set_detect_anomaly(True):
        minitorch.log(x).sum().backward()
    assert x.grad.tolist() == [1.0, 0.5]
