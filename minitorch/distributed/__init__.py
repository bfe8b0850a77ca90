"""Data-parallel training over several processes, with ``torch.distributed``'s names.

Every process runs the same script on its own share of the data; collectives keep them in
step. Launch one process per core or GPU::

    mpiexec -n 2 python examples/ddp_cifar.py

and in the script::

    import minitorch.distributed as dist
    dist.init_process_group("mpi")            # "nccl" for CUDA tensors
    rank, world = dist.get_rank(), dist.get_world_size()
    t = minitorch.ones(3) * rank
    dist.all_reduce(t, op=dist.ReduceOp.SUM)  # every rank now holds 0 + 1 + ... + (world − 1)

The transports are existing engines: MPI through ``mpi4py`` (``pip install -e ".[distributed]"``)
and NCCL through CuPy. Neither is imported until ``init_process_group`` asks for it.
"""
from minitorch.distributed.collectives import (
    all_gather, all_gather_into_tensor, all_reduce, barrier, broadcast, gather, irecv, isend, recv, reduce,
    reduce_scatter, reduce_scatter_tensor, scatter, send,
)
from minitorch.distributed.group import ProcessGroup
from minitorch.distributed.process_group import (
    GroupMember, destroy_process_group, get_backend, get_node_local_rank, get_rank, get_world_size,
    group, init_process_group, is_initialized,
)
from minitorch.distributed.reduce_op import ReduceOp
from minitorch.distributed.work import DistBackendError, DistError, Work


def is_available() -> bool:
    """True: the package is always there (its backends need mpi4py or CuPy when used)."""
    return True


def is_mpi_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("mpi4py") is not None


def is_nccl_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("cupy") is not None


__all__ = [
    "DistBackendError", "DistError", "GroupMember", "ProcessGroup", "ReduceOp", "Work", "all_gather",
    "all_gather_into_tensor", "all_reduce", "barrier", "broadcast", "destroy_process_group", "gather",
    "get_backend", "get_node_local_rank", "get_rank", "get_world_size", "group", "init_process_group",
    "irecv", "is_available", "is_initialized", "is_mpi_available", "is_nccl_available", "isend", "recv",
    "reduce", "reduce_scatter", "reduce_scatter_tensor", "scatter", "send",
]
