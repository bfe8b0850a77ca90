"""``ProcessGroup``: what a backend provides, and who the launcher says this process is.

A ``ProcessGroup`` runs the collectives on raw arrays, each returning a
:class:`~minitorch.distributed.work.Work`; the MPI and NCCL backends subclass it.
``minitorch.distributed``'s functions check the arguments and turn tensors into arrays around it.
"""
from __future__ import annotations

import os
from datetime import timedelta
from typing import Any, Optional

# Where launchers put a process's rank and the world size (torchrun, MPICH/Intel MPI, Open MPI).
RANK_VARIABLES = ("RANK", "PMI_RANK", "OMPI_COMM_WORLD_RANK")
SIZE_VARIABLES = ("WORLD_SIZE", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE")
LOCAL_RANK_VARIABLES = ("LOCAL_RANK", "MPI_LOCALRANKID", "OMPI_COMM_WORLD_LOCAL_RANK")


class ProcessGroup:
    """A set of ranks that run collectives together. Backends subclass it and fill in the operations.

    Every operation takes arrays and returns a ``Work``; ``broken`` holds why the group can no
    longer be used (a timed-out collective leaves the ranks out of step), else None.
    """

    backend = "undefined"
    device_type = "cpu"  # where the tensors of its collectives must live

    def __init__(self, rank: int, size: int, timeout: timedelta) -> None:
        self.rank, self.size, self.timeout = rank, size, timeout
        self.broken: Optional[str] = None

    def allreduce(self, array: Any, op: Any) -> Any:
        """Combine ``array`` (contiguous) of every rank with ``op``, in place."""
        raise NotImplementedError

    def broadcast(self, array: Any, src: int) -> Any:
        """Copy rank ``src``'s ``array`` into everyone's, in place."""
        raise NotImplementedError

    def allgather(self, array: Any) -> Any:
        """Result: one array of shape (size, *array.shape), row r from rank r."""
        raise NotImplementedError

    def reduce_scatter(self, stacked: Any, op: Any) -> Any:
        """``stacked`` (size, *shape): rank r's result is row r combined over the ranks."""
        raise NotImplementedError

    def gather(self, array: Any, dst: int) -> Any:
        """Result on ``dst``: (size, *array.shape), row r from rank r; None elsewhere."""
        raise NotImplementedError

    def scatter(self, stacked: Optional[Any], out: Any, src: int) -> Any:
        """Row r of ``src``'s ``stacked`` (size, *out.shape) into rank r's ``out``."""
        raise NotImplementedError

    def send(self, array: Any, dst: int, tag: int) -> Any:
        raise NotImplementedError

    def recv(self, array: Any, src: Optional[int], tag: int) -> Any:
        """Result: the rank the message came from (``src`` None: from any rank)."""
        raise NotImplementedError

    def barrier(self) -> Any:
        raise NotImplementedError

    def shutdown(self) -> None:
        """Release the backend's resources (the group is not used afterwards)."""

    def __repr__(self) -> str:
        return f"<ProcessGroup backend={self.backend} rank={self.rank} size={self.size}>"


def launcher_value(names: tuple) -> Optional[int]:
    """The first of the environment ``names`` that a launcher set, as an int."""
    for name in names:
        value = os.environ.get(name)
        if value not in (None, ""):
            return int(value)
    return None


def check_rank_and_size(rank: int, world_size: int, actual_rank: int, actual_size: int, backend: str) -> None:
    """Arguments (or the launcher's environment) that disagree with what the backend sees are an error."""
    wanted_size = world_size if world_size != -1 else launcher_value(SIZE_VARIABLES[:1])
    wanted_rank = rank if rank != -1 else launcher_value(RANK_VARIABLES[:1])
    if wanted_size is not None and wanted_size != actual_size:
        hint = " (launch with `mpiexec -n N python script.py`)" if actual_size == 1 else ""
        raise RuntimeError(f"init_process_group: world_size is {wanted_size}, but the {backend} backend sees "
                           f"{actual_size} process{'es' if actual_size != 1 else ''}{hint}")
    if wanted_rank is not None and wanted_rank != actual_rank:
        raise RuntimeError(f"init_process_group: rank is {wanted_rank}, but the {backend} backend sees "
                           f"this process as rank {actual_rank}")
