"""minitorch.distributed, DistributedSampler, DataParallel and SyncBatchNorm in one process:
what works (and fails clearly) without launching ranks."""
from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import numpy as np
import pytest

import minitorch
import minitorch.distributed as dist
import minitorch.nn as nn
from minitorch.distributed.group import ProcessGroup
from minitorch.distributed.work import Work
from minitorch.nn.parallel import DataParallel, DistributedDataParallel, data_parallel
from minitorch.utils.data import DataLoader, DistributedSampler, TensorDataset


def test_importing_minitorch_imports_no_mpi_and_no_cupy():
    code = ("import sys, minitorch, minitorch.distributed, minitorch.nn.parallel; "
            "print(sorted(m for m in ('mpi4py', 'cupy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_pytorch_names():
    assert minitorch.distributed is dist and dist.is_available()
    assert nn.parallel.DistributedDataParallel is DistributedDataParallel and nn.DataParallel is DataParallel
    assert [op.name for op in dist.ReduceOp][:5] == ["SUM", "AVG", "PRODUCT", "MIN", "MAX"]
    assert minitorch.utils.data.distributed.DistributedSampler is DistributedSampler


@pytest.mark.parametrize("call", [
    dist.get_rank, dist.get_world_size, dist.barrier, dist.destroy_process_group,
    lambda: dist.all_reduce(minitorch.ones(1)), lambda: dist.broadcast(minitorch.ones(1), 0),
    lambda: DistributedDataParallel(nn.Linear(1, 1)),
])
def test_calls_before_init_process_group_are_an_error(call):
    assert not dist.is_initialized()
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        call()


def test_unknown_backend_and_bad_arguments():
    with pytest.raises(ValueError, match="Invalid backend 'smoke'"):
        dist.init_process_group("smoke")
    with pytest.raises(TypeError, match="timedelta"):
        dist.init_process_group("mpi", timeout=30)
    with pytest.raises(ValueError, match="no Store"):
        dist.init_process_group("mpi", store=object())
    assert not dist.is_initialized()


def test_nccl_without_cupy_or_gpu_says_what_to_install():
    if minitorch.cuda.is_available():
        pytest.skip("this machine has CuPy and a GPU")
    with pytest.raises(RuntimeError, match="'nccl' backend needs CuPy"):
        dist.init_process_group("nccl")
    assert not dist.is_initialized()


def test_mpi_without_mpi4py_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "mpi4py", None)  # import mpi4py now fails
    with pytest.raises(RuntimeError, match=r"pip install -e \"\.\[distributed\]\""):
        dist.init_process_group("mpi")
    assert not dist.is_initialized()


# ----- Work: the deadline that turns a hang into an error -----


class NeverDone(ProcessGroup):
    """A fake group whose collectives never finish (a peer that hung)."""

    backend, device_type = "fake", "cpu"
    aborted = 0

    def allreduce(self, array, op):
        return Work(self, "all_reduce", lambda: False, on_timeout=self.abort)

    def abort(self):
        self.aborted += 1


def test_a_collective_that_never_finishes_times_out_and_breaks_the_group(monkeypatch):
    from minitorch.distributed import process_group

    group = NeverDone(0, 2, timedelta(seconds=0.05))
    monkeypatch.setattr(process_group, "_default", group)
    work = group.allreduce(np.ones(1), dist.ReduceOp.SUM)
    assert not work.is_completed()
    with pytest.raises(dist.DistBackendError, match=r"\[rank 0\] all_reduce timed out after 0.05 s"):
        work.wait()
    assert group.aborted == 1  # the backend was told to give up (NCCL aborts its communicator)
    with pytest.raises(dist.DistError, match="can no longer be used: all_reduce timed out on rank 0"):
        dist.all_reduce(minitorch.ones(1))
    assert dist.get_rank() == 0 and dist.get_world_size() == 2  # still answered, as in PyTorch
    with pytest.raises(dist.DistBackendError, match="0.01 s"):
        Work(group, "barrier", lambda: False).wait(timeout=timedelta(seconds=0.01))


def test_work_then_and_result():
    group = ProcessGroup(0, 1, timedelta(seconds=1))
    polls = iter([False, True])
    work = Work(group, "x", lambda: next(polls), lambda: 2).then(lambda r: r * 10)
    assert not work.is_completed()
    assert work.result() == 20 and work.is_success()


# ----- DistributedSampler -----


def test_sampler_deals_a_shared_order_out_and_pads():
    dataset = list(range(10))
    shares = [list(DistributedSampler(dataset, num_replicas=3, rank=r, seed=5)) for r in range(3)]
    assert all(len(share) == 4 for share in shares)
    flat = sorted(i for share in shares for i in share)
    assert set(flat) == set(range(10)) and len(flat) == 12  # two padded from the start of the order
    assert list(DistributedSampler(dataset, 3, 1, shuffle=False)) == [1, 4, 7, 0]
    assert list(DistributedSampler(dataset, 3, 2, shuffle=False, drop_last=True)) == [2, 5, 8]
    assert len(DistributedSampler(dataset, 3, 0, drop_last=True)) == 3


def test_sampler_epochs_and_seeds():
    dataset = list(range(50))
    sampler = DistributedSampler(dataset, 2, 0, seed=1)
    first = list(sampler)
    assert list(sampler) == first  # the same epoch: the same order
    sampler.set_epoch(1)
    assert list(sampler) != first
    assert list(DistributedSampler(dataset, 2, 0, seed=2)) != first
    assert sorted(first + list(DistributedSampler(dataset, 2, 1, seed=1))) == dataset


def test_sampler_errors():
    with pytest.raises(ValueError, match=r"Invalid rank 2, rank should be in the interval \[0, 1\]"):
        DistributedSampler(range(4), num_replicas=2, rank=2)
    with pytest.raises(RuntimeError, match="init_process_group"):
        DistributedSampler(range(4))
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        DataLoader(range(4), sampler=DistributedSampler(range(4), 2, 0), shuffle=True)


def test_dataloader_batches_what_the_sampler_yields():
    dataset = TensorDataset(minitorch.arange(7))
    loader = DataLoader(dataset, batch_size=2, sampler=DistributedSampler(dataset, 2, 1, shuffle=False))
    assert len(loader) == 2
    assert [batch[0].tolist() for batch in loader] == [[1, 3], [5, 0]]


# ----- DataParallel -----


def test_data_parallel_on_one_device_runs_the_module():
    model = nn.Linear(3, 2)
    x = minitorch.randn(4, 3)
    wrapped = DataParallel(model, device_ids=[])
    assert minitorch.equal(wrapped(x), model(x))
    assert list(wrapped.state_dict()) == ["module.weight", "module.bias"]
    assert minitorch.equal(data_parallel(model, x, device_ids=["cpu"]), model(x))


def test_data_parallel_wants_the_module_on_the_first_device():
    with pytest.raises(RuntimeError, match=r"module must have its parameters and buffers on device cuda:0 "
                                           r"\(device_ids\[0\]\) but found one of them on device: cpu"):
        DataParallel(nn.Linear(2, 2), device_ids=[0, 1])(minitorch.ones(2, 2))


def test_data_parallel_splits_the_batch_and_gradients_reach_the_original():
    """Two 'devices' that are both the CPU exercise the scatter / replicate / gather path."""
    minitorch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)).double()
    x = minitorch.randn(5, 3, dtype=minitorch.float64)
    seen = []
    model[0].register_forward_hook(lambda module, args, out: seen.append(args[0].shape[0]))
    out = DataParallel(model, device_ids=["cpu", "cpu"])(x)
    assert seen == [3, 2]  # 5 rows cut into chunks of 3 and 2
    out.pow(2).sum().backward()
    split = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    assert minitorch.allclose(model(x), out)
    model(x).pow(2).sum().backward()
    for mine, reference in zip(split, model.parameters()):
        assert np.allclose(mine.numpy(), reference.grad.numpy(), atol=1e-12)


# ----- SyncBatchNorm -----


def test_sync_batchnorm_without_a_group_is_batchnorm():
    minitorch.manual_seed(0)
    plain, synced = nn.BatchNorm2d(3).double(), nn.SyncBatchNorm(3).double()
    x = minitorch.randn(4, 3, 2, 2, dtype=minitorch.float64, requires_grad=True)
    a, b = plain(x), synced(x)
    assert minitorch.allclose(a, b)
    assert minitorch.allclose(plain.running_var, synced.running_var)
    with pytest.raises(ValueError, match="expected at least 2D input"):
        synced(minitorch.ones(3))


def test_convert_sync_batchnorm_shares_parameters_and_buffers():
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Sequential(nn.BatchNorm2d(3)))
    model[2].eval()
    converted = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    assert converted is model  # the containers are kept, the BatchNorm layers replaced
    assert isinstance(converted[1], nn.SyncBatchNorm) and isinstance(converted[2][0], nn.SyncBatchNorm)
    assert not converted[2][0].training
    assert list(converted.state_dict()) == list(nn.Sequential(
        nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Sequential(nn.BatchNorm2d(3))).state_dict())
    lone = nn.BatchNorm1d(4)
    replaced = nn.SyncBatchNorm.convert_sync_batchnorm(lone)
    assert replaced.weight is lone.weight and replaced.running_mean is lone.running_mean


def test_a_discarded_ddp_leaves_no_hooks_behind(monkeypatch):
    import gc

    from minitorch.distributed import process_group

    monkeypatch.setattr(process_group, "_default", ProcessGroup(0, 1, timedelta(seconds=1)))
    model = nn.Linear(2, 2)
    wrapped = DistributedDataParallel(model)
    assert model.weight._post_accumulate_hooks
    del wrapped
    gc.collect()
    assert not model.weight._post_accumulate_hooks
