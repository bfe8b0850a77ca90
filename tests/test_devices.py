"""Devices: a tensor on another device named in the error, CUDA asked for where there is none
(what to install), and device objects."""
import numpy as np
import pytest

import minitorch
from minitorch.autograd import function as function_module
from minitorch.backend import device


class FakeGpuArray(np.ndarray):
    """A NumPy array posing as device memory: ops see two array types, as with NumPy + CuPy."""


@pytest.fixture
def fake_gpu_tensor(monkeypatch):
    monkeypatch.setattr(function_module, "device_of",
                        lambda array: device("cuda:0") if isinstance(array, FakeGpuArray) else device("cpu"))
    return minitorch.Tensor._wrap(np.ones(3, dtype=np.float32).view(FakeGpuArray))


@pytest.mark.parametrize("op", [
    lambda a, b: a + b, lambda a, b: a * b, lambda a, b: minitorch.cat([a, b]), lambda a, b: a @ b,
    lambda a, b: minitorch.where(a > 0, a, b),
], ids=["add", "mul", "cat", "matmul", "where"])
def test_device_mismatch_names_both_devices(fake_gpu_tensor, op):
    with pytest.raises(RuntimeError, match=r"same device.*cpu and cuda:0.*\.to\(device\)"):
        op(minitorch.ones(3), fake_gpu_tensor)


needs_no_gpu = pytest.mark.skipif(minitorch.cuda.is_available(), reason="a GPU is present")


@needs_no_gpu
@pytest.mark.parametrize("ask", [
    lambda: minitorch.zeros(2, device="cuda"), lambda: minitorch.ones(2).cuda(), lambda: minitorch.ones(2).to("cuda"),
    lambda: minitorch.tensor([1.0], device="cuda:0"), lambda: minitorch.randn(2, device="cuda"),
], ids=["zeros", "cuda()", "to", "tensor", "randn"])
def test_cuda_without_cupy_or_gpu_says_what_to_install(ask):
    with pytest.raises(RuntimeError, match=r"(CuPy: install it with .*cupy-cuda12x|finds no NVIDIA GPU)"):
        ask()


@needs_no_gpu
def test_cuda_availability_queries_do_not_raise():
    assert minitorch.cuda.is_available() is False
    assert minitorch.cuda.device_count() == 0
    minitorch.cuda.synchronize()


def test_device_objects():
    assert minitorch.device("cuda:1") == "cuda:1" and minitorch.device("cuda") == minitorch.device("cuda", 0)
    assert str(minitorch.device("cuda", 1)) == "cuda:1" and repr(minitorch.device("cpu")) == "device(type='cpu')"
    with pytest.raises(RuntimeError, match="no index 1"):
        minitorch.device("cpu:1")
