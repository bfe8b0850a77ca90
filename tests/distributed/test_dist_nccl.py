"""The NCCL backend on real GPUs (``pytest -m gpu``): a 1-rank group on any GPU machine, and
the rank scenarios with one rank per GPU where there are several."""
from __future__ import annotations

import pytest

import minitorch
import minitorch.distributed as dist

pytestmark = pytest.mark.gpu


@pytest.fixture
def one_rank_nccl_group():
    if not minitorch.cuda.is_available():
        pytest.skip("the nccl backend needs CuPy and an NVIDIA GPU")
    dist.init_process_group("nccl", world_size=1, rank=0)
    try:
        yield
    finally:
        dist.destroy_process_group()


def test_one_rank_nccl_collectives(one_rank_nccl_group):
    assert dist.get_backend() == "nccl" and dist.get_world_size() == 1
    t = minitorch.arange(6.0, device="cuda").reshape(2, 3)
    dist.all_reduce(t, op=dist.ReduceOp.AVG)
    assert t.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    dist.broadcast(t, src=0)
    gathered = [minitorch.zeros(2, 3, device="cuda")]
    dist.all_gather(gathered, t)
    assert gathered[0].tolist() == t.tolist()
    out = minitorch.zeros(3, device="cuda")
    dist.reduce_scatter(out, [minitorch.ones(3, device="cuda")])
    assert out.tolist() == [1.0] * 3
    work = dist.all_reduce(minitorch.ones(4, device="cuda"), async_op=True)
    assert work.wait()
    dist.barrier()
    with pytest.raises(RuntimeError, match="the nccl backend works on cuda tensors"):
        dist.all_reduce(minitorch.ones(1))


def test_one_rank_nccl_ddp_trains(one_rank_nccl_group):
    minitorch.manual_seed(0)
    model = minitorch.nn.Linear(3, 1).to("cuda")
    ddp = minitorch.nn.parallel.DistributedDataParallel(model)
    x = minitorch.randn(8, 3, device="cuda")
    ddp(x).pow(2).mean().backward()
    assert model.weight.grad is not None and model.weight.grad.device.type == "cuda"


def test_nccl_with_one_rank_per_gpu():
    if not minitorch.cuda.is_available() or minitorch.cuda.device_count() < 2:
        pytest.skip("needs at least two GPUs")
    from test_dist_ranks import run_ranks  # noqa: imported here: it skips without mpi4py

    done = run_ranks(minitorch.cuda.device_count(), "nccl_collectives")
    assert done.returncode == 0 and "ok nccl_collectives" in done.stdout, done.stdout + done.stderr
