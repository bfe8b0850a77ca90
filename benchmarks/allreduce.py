"""All-reduce latency and bandwidth between ranks: the numbers behind the README's scaling model.

    OMP_NUM_THREADS=1 mpiexec -n 2 python benchmarks/allreduce.py

For each message size, the median time of one float32 all-reduce as DDP issues it (the
backend's non-blocking all-reduce, waited for) and as ``dist.all_reduce`` does it (plus the
check that every rank calls the same collective). *Bus bandwidth* is the standard figure of
merit: bytes · 2(N − 1)/N / time, what each rank's link carries in a ring all-reduce.
"""
from __future__ import annotations

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import minitorch  # noqa: E402
import minitorch.distributed as dist  # noqa: E402
from minitorch.distributed.process_group import default_group  # noqa: E402

SIZES = [256, 4 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024, 16 * 1024 * 1024]  # bytes


def median_seconds(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        dist.barrier()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    everyone = minitorch.tensor([float(np.median(times))], dtype=minitorch.float64)
    dist.all_reduce(everyone, op=dist.ReduceOp.MAX)  # the slowest rank decides
    return everyone.item()


def main() -> None:
    dist.init_process_group("mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    group = default_group()
    if rank == 0:
        print(f"{world} ranks; float32 all-reduce; median of repeats")
        print(f"{'bytes':>10} {'DDP path µs':>12} {'dist.all_reduce µs':>19} {'bus bandwidth GB/s':>19}")
    for size in SIZES:
        array = np.ones(size // 4, dtype=np.float32)
        tensor = minitorch.from_numpy(array.copy())
        repeats = 50 if size <= 1024 * 1024 else 10
        raw = median_seconds(lambda: group.allreduce(array, dist.ReduceOp.SUM).wait(), repeats)
        checked = median_seconds(lambda: dist.all_reduce(tensor), repeats)
        bus = size * 2 * (world - 1) / world / raw / 1e9
        if rank == 0:
            print(f"{size:>10} {raw * 1e6:>12.0f} {checked * 1e6:>19.0f} {bus:>19.2f}", flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
