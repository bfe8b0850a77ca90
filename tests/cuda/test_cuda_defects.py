"""Defects of the CUDA path found by a review with CuPy and the CPU stand-in, each pinned by a test
that runs on the stand-in (``tests/fakecuda``): no GPU needed."""
import configparser
import sys
from pathlib import Path

import numpy as np
import pytest

import minitorch
import minitorch.nn.functional as F
from minitorch import backend, nn, transforms
from minitorch.testing import as_leaf
from minitorch.utils.data import DataLoader, TensorDataset
from tests import fakecuda
from tests.fakecuda import record


@pytest.fixture
def gpu():
    with fakecuda.installed() as cupy:
        yield cupy


def on_gpu(tensor) -> bool:
    return isinstance(tensor._data, fakecuda.ndarray)


# ----- the tests' own instruments -----
def test_gradcheck_seeds_and_backpropagates_on_the_gpu(gpu):
    x = as_leaf(np.linspace(0.5, 1.5, 6).reshape(2, 3), "cuda")
    devices = []

    def f(t):
        y = t * 1.0
        if y.requires_grad:
            y.register_hook(lambda g: devices.append(g.device.type))
        return (y.exp() * y).sum(dim=0)

    assert minitorch.gradcheck(f, [x])
    assert devices and set(devices) == {"cuda"}


def test_as_leaf_keeps_the_layout_on_the_gpu(gpu):
    base = np.arange(24.0).reshape(2, 3, 4)
    for array in (base.transpose(2, 0, 1), base[..., ::2], base[::-1], base):
        leaf = as_leaf(array, "cuda")
        assert on_gpu(leaf) and leaf._data.strides == array.strides
        np.testing.assert_array_equal(leaf._data.get(), array)


# ----- CuPy arrays as inputs -----
def test_tensor_wraps_a_cupy_array_before_anything_imported_cupy(gpu, monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", gpu)
    monkeypatch.setitem(sys.modules, "cupyx", fakecuda.cupyx)
    previous = backend.use_cuda_modules(None)
    try:
        assert minitorch.Tensor._wrap(gpu.arange(3.0)).device.type == "cuda"
        assert minitorch.tensor(gpu.arange(3.0)).device.type == "cuda"
    finally:
        backend.use_cuda_modules(*previous)


def test_tensor_and_operands_from_cupy_arrays_stay_on_the_gpu(gpu):
    made = minitorch.tensor(gpu.arange(3.0))
    assert on_gpu(made) and made.tolist() == [0.0, 1.0, 2.0]
    total = minitorch.ones(3, device="cuda") + gpu.arange(3.0)
    assert on_gpu(total) and total.tolist() == [1.0, 2.0, 3.0]


# ----- no hidden device->host syncs -----
def test_cross_entropy_checks_targets_without_a_sync(gpu):
    logits = minitorch.randn(4, 3, device="cuda", requires_grad=True)
    with record() as ledger:
        loss = F.cross_entropy(logits, minitorch.tensor([0, 2, 1, 1], device="cuda"))
        loss.backward()
    assert ledger.syncs == [], ledger.report("sync")
    bad = F.cross_entropy(logits, minitorch.tensor([0, 3, 1, 1], device="cuda"))  # no error yet: as CUDA
    with pytest.raises(IndexError, match="Target 3 is out of bounds"):
        bad.item()  # the device-side check surfaces at the next read
    with pytest.raises(IndexError, match="Target -1 is out of bounds"):
        F.cross_entropy(minitorch.randn(2, 3), minitorch.tensor([0, -1]))  # on the CPU: at once


def test_full_max_and_min_backward_without_a_sync(gpu):
    x = minitorch.tensor([1.0, 3.0, 3.0, 0.0], device="cuda", requires_grad=True)
    with record() as ledger:
        (x.max() + x.min()).backward()
    assert ledger.syncs == [], ledger.report("sync")
    assert x.grad.tolist() == [0.0, 0.5, 0.5, 1.0] and x.grad.dtype == np.float32


def test_batchnorm_with_cumulative_momentum_without_a_sync(gpu):
    cpu_norm, gpu_norm = nn.BatchNorm2d(2, momentum=None), nn.BatchNorm2d(2, momentum=None).to("cuda")
    batches = [minitorch.randn(4, 2, 3, 3) for _ in range(3)]
    with record() as ledger:
        for batch in batches:
            gpu_norm(batch.to("cuda"))
    assert ledger.syncs == [], ledger.report("sync")
    for batch in batches:
        cpu_norm(batch)
    np.testing.assert_allclose(gpu_norm.running_mean.tolist(), cpu_norm.running_mean.tolist(), rtol=1e-6)
    np.testing.assert_allclose(gpu_norm.running_var.tolist(), cpu_norm.running_var.tolist(), rtol=1e-6)


def test_random_numbers_and_ranges_are_made_on_the_gpu(gpu):
    with record() as ledger:
        made = [minitorch.randn(3, device="cuda"), minitorch.rand(3, device="cuda"),
                minitorch.randint(0, 5, (3,), device="cuda"), minitorch.randperm(4, device="cuda"),
                minitorch.arange(3, device="cuda"), minitorch.linspace(0, 1, 3, device="cuda"),
                minitorch.eye(2, device="cuda"), minitorch.empty(3, device="cuda").uniform_(),
                minitorch.empty(3, device="cuda").normal_(),
                F.dropout(minitorch.ones(8, device="cuda"), 0.5), F.rrelu(-minitorch.ones(3, device="cuda"), training=True)]
    assert ledger.uploads == [], ledger.report("upload")
    assert all(on_gpu(t) for t in made)
    assert sorted(made[3].tolist()) == [0, 1, 2, 3] and made[2].dtype == np.int64


def test_numpy_integer_index_is_a_view_on_the_gpu(gpu):
    x = minitorch.zeros(2, 3, device="cuda")
    x[np.int64(0)].add_(1)
    assert x.sum().item() == 3.0


# ----- data, state and devices -----
def test_tensor_dataset_and_loader_on_the_gpu(gpu):
    data = TensorDataset(minitorch.arange(10.0, device="cuda"), minitorch.arange(10, device="cuda"))
    batches = list(DataLoader(data, batch_size=4))
    assert all(on_gpu(x) and on_gpu(y) for x, y in batches)
    assert batches[-1][0].tolist() == [8.0, 9.0] and data[3][1].item() == 3


def test_load_state_dict_takes_cupy_arrays(gpu):
    layer = nn.Linear(2, 1).to("cuda")
    layer.load_state_dict({"weight": gpu.ones((1, 2), dtype=np.float32), "bias": gpu.zeros(1, dtype=np.float32)})
    assert on_gpu(layer.weight) and layer.weight.tolist() == [[1.0, 1.0]]


def test_normalize_and_crops_on_the_gpu(gpu):
    image = minitorch.rand(3, 8, 8, device="cuda")
    pipeline = transforms.Compose([transforms.RandomCrop(6, padding=1), transforms.CenterCrop(4),
                                   transforms.Normalize([0.5] * 3, [0.25] * 3)])
    out = pipeline(image)
    assert on_gpu(out) and out.shape == (3, 4, 4)
    expected = (image.cpu()[:, 2:6, 2:6] - 0.5) / 0.25
    np.testing.assert_allclose(transforms.Normalize([0.5] * 3, [0.25] * 3)(
        transforms.CenterCrop(4)(image)).tolist(), expected.tolist(), rtol=1e-6)


def test_to_another_gpu_moves_the_data(gpu):
    x = minitorch.ones(2, device="cuda")
    moved = x.to("cuda:1")
    assert moved.device == minitorch.device("cuda:1") and moved._data.device.id == 1
    assert moved.to("cuda:0")._data.device.id == 0


def test_dlpack_shares_memory(gpu):
    host = minitorch.arange(3.0)
    assert host.__dlpack_device__() == (1, 0) and np.from_dlpack(host).tolist() == [0.0, 1.0, 2.0]
    shared = minitorch.from_dlpack(np.arange(3.0))
    assert shared.device.type == "cpu"
    device = minitorch.ones(2, device="cuda")
    assert device.__dlpack_device__() == (2, 0)
    again = minitorch.from_dlpack(device)
    again.add_(1)
    assert on_gpu(again) and device.tolist() == [2.0, 2.0]
    with pytest.raises(RuntimeError, match="require gradient"):
        minitorch.ones(1, requires_grad=True).__dlpack__()


def test_cuda_extra_pins_cupy_14_and_numpy_2():
    config = configparser.ConfigParser()
    config.read(Path(__file__).resolve().parents[2] / "setup.cfg")
    extra = config["options.extras_require"]["cuda"]
    assert "cupy-cuda12x>=14,<15" in extra and "numpy>=2" in extra
