"""Scenarios run by every rank under ``mpiexec`` (launched by the tests in this folder).

``python dist_workers.py SCENARIO [SCENARIO ...]``: each scenario asserts what it checks and
rank 0 prints ``ok SCENARIO`` when every rank passed it (ranks compare notes with an all-reduce).
"""
from __future__ import annotations

import os
import signal
import sys
import time
from datetime import timedelta

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

import minitorch  # noqa: E402
import minitorch.distributed as dist  # noqa: E402
import minitorch.nn as nn  # noqa: E402
import minitorch.optim as optim  # noqa: E402
from minitorch.nn.parallel import DistributedDataParallel as DDP  # noqa: E402
from minitorch.utils.data import DataLoader, DistributedSampler, TensorDataset  # noqa: E402

SCENARIOS = {}


def scenario(function):
    SCENARIOS[function.__name__] = function
    return function


def expect_error(kind, pattern, call):
    try:
        call()
    except kind as error:
        assert pattern in str(error), f"expected {pattern!r} in {error!r}"
        return error
    raise AssertionError(f"expected {kind.__name__} containing {pattern!r}")


# ----- collectives -----


@scenario
def collectives():
    rank, world = dist.get_rank(), dist.get_world_size()
    assert dist.is_initialized() and dist.get_backend() == "mpi" and dist.group.WORLD is not None
    expect_error(ValueError, "twice", lambda: dist.init_process_group("mpi"))
    everyone = np.arange(1, world + 1, dtype=np.float64)
    for op, expected in [(dist.ReduceOp.SUM, everyone.sum()), (dist.ReduceOp.AVG, everyone.mean()),
                         (dist.ReduceOp.MAX, world), (dist.ReduceOp.MIN, 1.0),
                         (dist.ReduceOp.PRODUCT, everyone.prod())]:
        t = minitorch.full((2, 3), rank + 1.0, dtype=minitorch.float64)
        version = t._version
        dist.all_reduce(t, op=op)
        assert np.all(t.numpy() == expected), (op, t)
        assert t._version > version  # an in-place change, counted
    t = minitorch.tensor([rank], dtype=minitorch.int64)
    dist.all_reduce(t, op=dist.ReduceOp.BOR)
    strided = minitorch.ones(4, 4)[:, 1]  # not contiguous: reduced through a copy, written back
    dist.all_reduce(strided)
    assert strided.tolist() == [world] * 4
    work = dist.all_reduce(minitorch.ones(3), async_op=True)
    assert work.wait() and work.is_completed()

    source = minitorch.tensor([float(rank)] * 2)
    dist.broadcast(source, src=world - 1)
    assert source.tolist() == [world - 1.0] * 2

    gathered = [minitorch.zeros(2, dtype=minitorch.int32) for _ in range(world)]
    dist.all_gather(gathered, minitorch.full((2,), rank, dtype=minitorch.int32))
    assert [g.tolist() for g in gathered] == [[r, r] for r in range(world)]
    flat = minitorch.zeros(world * 2)
    dist.all_gather_into_tensor(flat, minitorch.full((2,), float(rank)))
    assert flat.tolist() == [float(r) for r in range(world) for _ in range(2)]

    out = minitorch.zeros(2)
    dist.reduce_scatter(out, [minitorch.full((2,), float(rank * 10 + i)) for i in range(world)])
    assert out.tolist() == [sum(r * 10 + rank for r in range(world))] * 2
    out = minitorch.zeros(1)
    dist.reduce_scatter_tensor(out, minitorch.arange(world, dtype=minitorch.float32), op=dist.ReduceOp.AVG)
    assert out.tolist() == [float(rank)]

    dst = world - 1
    into = [minitorch.zeros(1) for _ in range(world)] if rank == dst else None
    dist.gather(minitorch.tensor([rank + 0.5]), into, dst=dst)
    if rank == dst:
        assert [t.item() for t in into] == [r + 0.5 for r in range(world)]
    mine = minitorch.zeros(2)
    parts = [minitorch.full((2,), 100.0 + r) for r in range(world)] if rank == 0 else None
    dist.scatter(mine, parts, src=0)
    assert mine.tolist() == [100.0 + rank] * 2
    total = minitorch.tensor([float(rank)])
    dist.reduce(total, dst=0)
    assert total.item() == (sum(range(world)) if rank == 0 else rank)

    dist.barrier()
    dist.barrier(async_op=True).wait()
    if world == 1:
        return
    # point to point: a ring
    right, left = (rank + 1) % world, (rank - 1) % world
    sending = dist.isend(minitorch.tensor([float(rank)]), right)
    received = minitorch.zeros(1)
    assert dist.recv(received, src=left) == left and received.item() == left
    sending.wait()
    if rank == 0:
        dist.send(minitorch.tensor([7.0]), 1, tag=3)
    elif rank == 1:
        anything = minitorch.zeros(1)
        assert dist.recv(anything, tag=3) == 0 and anything.item() == 7.0


@scenario
def mismatches():
    """Ranks that disagree get the same clear error, and the group stays usable."""
    rank = dist.get_rank()
    if dist.get_world_size() == 1:
        return
    expect_error(RuntimeError, "mismatch between collectives",
                 lambda: dist.all_reduce(minitorch.ones(2 + rank)))
    expect_error(RuntimeError, "dtype=float64",
                 lambda: dist.all_reduce(minitorch.ones(2, dtype=minitorch.float64 if rank else minitorch.float32)))
    expect_error(RuntimeError, "broadcast", lambda: dist.broadcast(minitorch.ones(2), src=rank))
    expect_error(ValueError, "must NOT be specified",
                 lambda: dist.gather(minitorch.ones(1), [minitorch.ones(1)] * dist.get_world_size(), dst=(rank + 1) % 2))
    expect_error(ValueError, "Invalid dst", lambda: dist.send(minitorch.ones(1), rank))
    expect_error(TypeError, "AVG needs a floating-point", lambda: dist.all_reduce(minitorch.ones(1).long(), dist.ReduceOp.AVG))
    t = minitorch.ones(2)
    dist.all_reduce(t)
    assert t.tolist() == [dist.get_world_size()] * 2


# ----- DDP equals one process with the global batch -----


def make_model(dtype, batch_norm=None):
    minitorch.manual_seed(0)
    layers = [nn.Linear(5, 8)]
    if batch_norm is not None:
        layers.append(batch_norm(8))
    layers += [nn.Tanh(), nn.Linear(8, 3)]
    return nn.Sequential(*layers).to(dtype)


def batches(dtype, steps, global_batch):
    rng = np.random.default_rng(1)
    for _ in range(steps):
        x = minitorch.tensor(rng.standard_normal((global_batch, 5)), dtype=dtype)
        y = minitorch.tensor(rng.standard_normal((global_batch, 3)), dtype=dtype)
        yield x, y


def train(model, optimizer, data, accumulate, shard):
    """``accumulate`` micro-batches per step; ``shard`` picks this rank's rows of a global batch."""
    data = list(data)
    for step in range(0, len(data), accumulate):
        optimizer.zero_grad()
        for index, (x, y) in enumerate(data[step:step + accumulate]):
            last = index == accumulate - 1
            context = model.no_sync() if isinstance(model, DDP) and not last else _nothing()
            with context:
                loss = ((model(shard(x)) - shard(y)) ** 2).mean()
                loss.backward()
        optimizer.step()


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *args):
        return False


def check_equivalence(dtype, make_optimizer, accumulate, tolerance, sync_bn=False, per_rank=4, steps=20):
    rank, world = dist.get_rank(), dist.get_world_size()
    reference = make_model(dtype, nn.BatchNorm1d if sync_bn else None)
    train(reference, make_optimizer(reference), batches(dtype, steps, per_rank * world), accumulate, lambda t: t)
    if rank:
        minitorch.manual_seed(rank)  # a different start: DDP must copy rank 0's parameters
    model = make_model(dtype, nn.BatchNorm1d if sync_bn else None)
    if sync_bn:
        model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    model = DDP(model, bucket_cap_mb=1e-4)  # several small buckets
    assert len(model.reducer.buckets) > 1
    rows = slice(rank * per_rank, (rank + 1) * per_rank)
    train(model, make_optimizer(model), batches(dtype, steps, per_rank * world), accumulate, lambda t: t[rows])
    for (name, mine), theirs in zip(model.module.state_dict().items(), reference.state_dict().values()):
        difference = float(np.abs(mine.numpy().astype(np.float64) - theirs.numpy()).max())
        scale = max(float(np.abs(theirs.numpy()).max()), 1.0)
        assert difference <= tolerance * scale, f"{name}: {difference:.3g} > {tolerance:g}"


@scenario
def ddp_equivalence():
    float64 = minitorch.float64
    sgd = lambda m: optim.SGD(m.parameters(), lr=0.1, momentum=0.9)  # noqa: E731
    adam = lambda m: optim.Adam(m.parameters(), lr=0.01)  # noqa: E731
    for make_optimizer in (sgd, adam):
        check_equivalence(float64, make_optimizer, accumulate=1, tolerance=1e-10)
        check_equivalence(float64, make_optimizer, accumulate=2, tolerance=1e-10)
        check_equivalence(minitorch.float32, make_optimizer, accumulate=1, tolerance=1e-5)
    check_equivalence(float64, sgd, accumulate=1, tolerance=1e-10, sync_bn=True)


@scenario
def ddp_features():
    rank, world = dist.get_rank(), dist.get_world_size()
    minitorch.manual_seed(rank)
    model = DDP(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)))
    assert list(model.state_dict())[0] == "module.0.weight"
    weights = [minitorch.zeros(2, 2) for _ in range(world)]
    dist.all_gather(weights, model.module[0].weight.detach())
    assert all(w.tolist() == weights[0].tolist() for w in weights)  # rank 0's copy everywhere
    # broadcast_buffers: rank 0's running statistics win before each forward
    model.module[1].running_mean.fill_(float(rank))
    model(minitorch.arange(8.0).reshape(4, 2)).sum().backward()  # the same batch everywhere
    means = [minitorch.zeros(2) for _ in range(world)]
    dist.all_gather(means, model.module[1].running_mean)
    assert all(m.tolist() == means[0].tolist() for m in means)

    class TwoHeads(nn.Module):
        def __init__(self):
            super().__init__()
            self.used, self.spare = nn.Linear(2, 1), nn.Linear(2, 1)

        def forward(self, x, which="used"):
            return getattr(self, which)(x)

    # without find_unused_parameters, a parameter without gradient is reported at the next forward
    strict = DDP(TwoHeads())
    strict(minitorch.ones(1, 2)).sum().backward()
    expect_error(RuntimeError, "spare.weight", lambda: strict(minitorch.ones(1, 2)))
    # with it, unused parameters are fine; a parameter no rank used keeps grad None, one used by
    # some rank gets the average over all ranks
    loose = DDP(TwoHeads(), find_unused_parameters=True)
    for _ in range(2):
        loose.zero_grad()
        loose(minitorch.ones(1, 2)).sum().backward()
    assert loose.module.spare.weight.grad is None
    assert loose.module.used.weight.grad.tolist() == [[1.0, 1.0]]
    loose.zero_grad()
    loose(minitorch.ones(1, 2), which="spare" if rank == 0 else "used").sum().backward()
    assert loose.module.spare.weight.grad.tolist() == [[1.0 / world] * 2]
    # a second backward through one forward's graph would go unaveraged: an error
    twice = DDP(nn.Linear(2, 1))
    loss = twice(minitorch.ones(1, 2)).sum()
    loss.backward(retain_graph=True)
    expect_error(RuntimeError, "mark a variable ready only once", loss.backward)
    # backward overlaps: the first bucket's all-reduce is started before backward reaches layer 0
    model = DDP(nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 3)), bucket_cap_mb=1e-5)
    started = []
    model.module[0].weight.register_hook(lambda g: started.append(model.reducer.buckets[0].work is not None))
    model(minitorch.ones(2, 3)).sum().backward()
    assert started == [True]


@scenario
def sampler():
    rank, world = dist.get_rank(), dist.get_world_size()
    dataset = TensorDataset(minitorch.arange(11))
    for drop_last in (False, True):
        shares = DistributedSampler(dataset, shuffle=True, seed=3, drop_last=drop_last)
        shares.set_epoch(1)
        mine = minitorch.tensor(list(shares))
        everyone = [minitorch.zeros(len(shares), dtype=minitorch.int64) for _ in range(world)]
        dist.all_gather(everyone, mine)
        indices = sorted(i for t in everyone for i in t.tolist())
        if drop_last:
            assert len(set(indices)) == len(indices) == 11 // world * world
        else:
            assert set(indices) == set(range(11)) and len(indices) == -(-11 // world) * world
    loader = DataLoader(dataset, batch_size=2, sampler=DistributedSampler(dataset, shuffle=False))
    assert [b[0].tolist() for b in loader][0] == [rank, rank + world]


@scenario
def nccl_collectives():
    """One rank per GPU (run with backend nccl): the collectives and DDP on CUDA tensors."""
    rank, world = dist.get_rank(), dist.get_world_size()
    t = minitorch.full((3,), rank + 1.0, device="cuda")
    dist.all_reduce(t)
    assert t.tolist() == [world * (world + 1) / 2] * 3
    gathered = [minitorch.zeros(1, device="cuda") for _ in range(world)]
    dist.all_gather(gathered, minitorch.full((1,), float(rank), device="cuda"))
    assert [g.item() for g in gathered] == list(range(world))
    into = [minitorch.zeros(1, device="cuda") for _ in range(world)] if rank == 0 else None
    dist.gather(minitorch.full((1,), float(rank), device="cuda"), into, dst=0)
    if rank == 0:
        assert [g.item() for g in into] == list(range(world))
    minitorch.manual_seed(rank)
    model = DDP(nn.Linear(3, 2).to("cuda"))
    model(minitorch.full((2, 3), float(rank), device="cuda")).sum().backward()
    grads = [minitorch.zeros(2, 3, device="cuda") for _ in range(world)]
    dist.all_gather(grads, model.module.weight.grad)
    assert all(g.tolist() == grads[0].tolist() for g in grads)


# ----- failures: a rank that hangs or dies -----


@scenario
def hung_rank():
    """Rank 1 stops taking part; rank 0 fails within the timeout (1 s) instead of waiting forever."""
    dist.destroy_process_group()
    dist.init_process_group("mpi", timeout=timedelta(seconds=1))
    dist.all_reduce(minitorch.ones(1))
    if dist.get_rank() == 1:
        time.sleep(60)
    start = time.monotonic()
    error = expect_error(dist.DistBackendError, "all_reduce", lambda: dist.all_reduce(minitorch.ones(1)))
    print(f"rank 0 raised DistBackendError after {time.monotonic() - start:.1f} s: {error}", flush=True)
    expect_error(dist.DistError, "can no longer be used", lambda: dist.barrier())
    raise SystemExit(3)  # the job ends: MPI_Abort takes the hung rank down too


@scenario
def killed_rank():
    """Rank 1 is killed; rank 0 fails within the timeout (the launcher must not kill it first)."""
    dist.destroy_process_group()
    dist.init_process_group("mpi", timeout=timedelta(seconds=1))
    for sent_by_the_launcher in (signal.SIGINT, signal.SIGQUIT):
        signal.signal(sent_by_the_launcher, signal.SIG_IGN)
    dist.all_reduce(minitorch.ones(1))
    if dist.get_rank() == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    start = time.monotonic()
    error = expect_error(dist.DistBackendError, "timed out", lambda: dist.all_reduce(minitorch.ones(1)))
    print(f"rank 0 raised DistBackendError after {time.monotonic() - start:.1f} s: {error}", flush=True)
    raise SystemExit(3)


def main(names):
    backend = "nccl" if any(name.startswith("nccl") for name in names) else "mpi"
    dist.init_process_group(backend, timeout=timedelta(seconds=60))
    for name in names:
        failed = minitorch.tensor([0], device="cuda" if backend == "nccl" else "cpu")
        try:
            SCENARIOS[name]()
        except AssertionError:
            import traceback

            traceback.print_exc()
            failed.fill_(1)
        dist.all_reduce(failed)
        if dist.get_rank() == 0:
            print(f"{'FAILED' if failed.item() else 'ok'} {name} on {dist.get_world_size()} ranks", flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1:])
