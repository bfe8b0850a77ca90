"""A training step never makes the CPU wait for the GPU: zero device→host syncs.

A sync (``loss.item()``, a boolean mask, ``int(count)``) stalls the Python thread until the GPU has
drained its queue, so the next kernels are launched late and the GPU idles. On the stand-in the
ledger lists every sync with its line; on a real GPU ``cupyx.allow_synchronize(False)`` raises on one.
"""
import importlib.util
from pathlib import Path

import pytest

import minitorch
from minitorch import nn, optim
from tests import fakecuda
from tests.fakecuda import record

ROOT = Path(__file__).resolve().parents[2]


def load_example(name: str):
    spec = importlib.util.spec_from_file_location(f"example_{name}", ROOT / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lenet_step(device: str, batch: int = 8):
    """(one training step as a function, model): LeNet, cross-entropy, SGD with momentum."""
    minitorch.manual_seed(0)
    model = load_example("models").Net().to(device)
    optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    criterion = nn.CrossEntropyLoss()
    images = minitorch.randn(batch, 3, 32, 32, device=device)
    labels = minitorch.randint(0, 10, (batch,), device=device)

    def step():
        optimizer.zero_grad()
        loss = criterion(model(images), labels)
        loss.backward()
        optimizer.step()
        return loss

    return step, model


def test_lenet_training_step_has_no_sync_on_the_stand_in():
    with fakecuda.installed():
        step, _ = lenet_step("cuda")
        step()  # the first step makes the momentum buffers
        with record() as ledger:
            loss = step()
        assert ledger.syncs == [], ledger.report("sync")
        assert ledger.uploads == [], ledger.report("upload")
        assert 0 < loss.item() < 10


class Batches:
    """A loader stand-in: batches already on the device, and a ``dataset`` to take the length of."""

    def __init__(self, count: int, device: str) -> None:
        self.batches = [(minitorch.randn(4, 3, 32, 32, device=device), minitorch.randint(0, 10, (4,), device=device))
                        for _ in range(count)]
        self.dataset = range(4 * count)

    def __iter__(self):
        return iter(self.batches)


def test_example_inner_loop_reads_the_device_once_per_epoch(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "examples"))  # cifar_cnn.py imports its neighbour models.py
    example = load_example("cifar_cnn")
    syncs = {}
    with fakecuda.installed():
        for count in (2, 5):
            model = load_example("models").Net().to("cuda")
            optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
            loader = Batches(count, "cuda")
            with record() as ledger:
                result = example.train_one_epoch(model, loader, nn.CrossEntropyLoss(), optimizer, "cuda", "test")
            syncs[count] = len(ledger.syncs)
            assert len(result["batch_losses"]) == count and 0 <= result["train_acc"] <= 1
    assert syncs[2] == syncs[5] <= 4, syncs  # the reads at the end of the epoch (pending checks, losses,
    # loss sum, hits), not one per batch


@pytest.mark.gpu
def test_lenet_training_step_has_no_sync_on_a_real_gpu():
    if not minitorch.cuda.is_available():
        pytest.skip("needs CuPy and an NVIDIA GPU")
    cupyx = pytest.importorskip("cupyx")
    step, _ = lenet_step("cuda", batch=64)
    step()
    with cupyx.allow_synchronize(False):
        step()


def test_lenet_step_launches_as_many_kernels_at_any_batch_size():
    """Conv builds its im2col matrix in one band on a GPU: the kernel count does not grow with the batch
    (CPU-cache-sized bands gave ~28 bands per conv1 at batch 256, ~600 launches per LeNet step)."""
    launches = {}
    with fakecuda.installed():
        for batch in (4, 256):
            step, _ = lenet_step("cuda", batch=batch)
            step()
            with record() as ledger:
                step()
            launches[batch] = len(ledger.launches)
    assert launches[4] == launches[256], launches
