"""Modes and devices as PyTorch's: inference_mode, torch.accelerator, torch.backends, torch.cuda's
questions, set_default_device, and the namespaces reachable after ``import minitorch`` alone."""
import pytest

import minitorch

torch = pytest.importorskip("torch")
no_gpu = pytest.mark.skipif(minitorch.cuda.is_available(), reason="a GPU is present")


def test_inference_mode_as_context_and_decorators():
    x = minitorch.ones(2, requires_grad=True)
    with minitorch.inference_mode():
        assert not minitorch.is_grad_enabled() and minitorch.is_inference_mode_enabled()
        assert not (x * 2).requires_grad
        with minitorch.inference_mode(False):
            assert minitorch.is_grad_enabled() and not minitorch.is_inference_mode_enabled()
    assert minitorch.is_grad_enabled() and not minitorch.is_inference_mode_enabled()

    @minitorch.inference_mode
    def bare():
        return minitorch.is_grad_enabled()

    @minitorch.inference_mode()
    def called():
        return minitorch.is_grad_enabled()

    @minitorch.inference_mode(mode=False)
    def off():
        return minitorch.is_grad_enabled()

    with minitorch.no_grad():
        assert [bare(), called(), off()] == [False, False, True]
    assert minitorch.is_grad_enabled()


def test_inference_mode_restores_after_an_exception():
    with pytest.raises(ValueError):
        with minitorch.inference_mode():
            raise ValueError
    assert minitorch.is_grad_enabled() and not minitorch.is_inference_mode_enabled()


@no_gpu
def test_accelerator_answers_honestly_without_a_gpu():
    assert minitorch.accelerator.is_available() is torch.accelerator.is_available() is False
    assert minitorch.accelerator.current_accelerator() is None and minitorch.accelerator.device_count() == 0
    device = minitorch.accelerator.current_accelerator().type if minitorch.accelerator.is_available() else "cpu"
    assert minitorch.ones(1, device=device).device == minitorch.device("cpu")
    for call in (lambda: minitorch.accelerator.set_device_index(0), minitorch.accelerator.current_device_index):
        with pytest.raises(RuntimeError, match="Cannot access accelerator device when none is available"):
            call()


@no_gpu
def test_cuda_questions_without_a_gpu():
    cuda = minitorch.cuda
    assert cuda.device_count() == 0 and not cuda.is_available() and not cuda.is_bf16_supported()
    assert cuda.memory_allocated() == cuda.max_memory_allocated() == cuda.memory_reserved() == 0
    cuda.reset_peak_memory_stats()
    cuda.empty_cache()
    cuda.synchronize()
    cuda.manual_seed(0)
    cuda.manual_seed_all(0)
    for call in (lambda: cuda.set_device(0), cuda.get_device_name, cuda.current_device):
        with pytest.raises(RuntimeError, match="no NVIDIA GPU is available"):
            call()


def test_backends_flags():
    assert minitorch.backends.mps.is_available() is torch.backends.mps.is_available() is False
    assert minitorch.backends.mps.is_built() is False
    minitorch.backends.cudnn.deterministic = True
    minitorch.backends.cudnn.benchmark = False
    assert minitorch.backends.cudnn.deterministic and not minitorch.backends.cudnn.is_available()
    minitorch.backends.cudnn.deterministic = False


def test_set_default_device():
    minitorch.set_default_device("cpu")
    try:
        assert minitorch.get_default_device() == minitorch.device("cpu") and minitorch.zeros(1).device.type == "cpu"
    finally:
        minitorch.set_default_device(None)
    with pytest.raises(RuntimeError, match="Expected a device"):
        minitorch.set_default_device("tpu")


@no_gpu
def test_set_default_device_cuda_fails_on_creation_without_a_gpu():
    minitorch.set_default_device("cuda")
    try:
        with pytest.raises(RuntimeError, match="(CuPy|NVIDIA GPU)"):
            minitorch.zeros(2)
        with pytest.raises(RuntimeError, match="(CuPy|NVIDIA GPU)"):
            minitorch.tensor([1.0])
    finally:
        minitorch.set_default_device(None)


def test_namespaces_reachable_as_attributes():
    assert minitorch.nn.functional.relu is not None and minitorch.optim.SGD is not None
    assert minitorch.utils.data.DataLoader is not None
    assert minitorch.autograd.grad is minitorch.autograd.api.grad
    assert minitorch.autograd.gradcheck is minitorch.gradcheck
    assert repr(minitorch.device("cpu")) == repr(torch.device("cpu")) == "device(type='cpu')"
