"""The default process group: which processes take part, which backend carries their messages.

``init_process_group`` is called once per process. Every process (a *rank*, numbered
0 … world_size − 1) runs the same script; the launcher tells each one who it is:

* ``mpiexec -n 4 python train.py`` starts 4 processes that find each other through MPI
  (backend ``"mpi"``, tensors on the CPU; ``"gloo"`` is accepted as another name for it);
* backend ``"nccl"`` runs the collectives on NVIDIA GPUs through NCCL (CuPy's ``cupy.cuda.nccl``),
  one GPU per rank; with more than one rank, MPI carries NCCL's one start-up message.

What a backend provides is a :class:`~minitorch.distributed.group.ProcessGroup`.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Optional

from minitorch.distributed.group import LOCAL_RANK_VARIABLES, ProcessGroup, launcher_value
from minitorch.distributed.mpi_backend import MPIProcessGroup
from minitorch.distributed.nccl_backend import NCCLProcessGroup
from minitorch.distributed.work import DistError

DEFAULT_TIMEOUT = timedelta(minutes=30)  # as PyTorch's default_pg_timeout
NCCL_TIMEOUT = timedelta(minutes=10)  # as PyTorch's default for NCCL

class group:
    """``dist.group.WORLD``: the default group once initialised (as ``torch.distributed.group``)."""

    WORLD: Optional[ProcessGroup] = None


GroupMember = group
_default: Optional[ProcessGroup] = None


def init_process_group(
    backend: Optional[str] = None, init_method: Optional[str] = None, timeout: Optional[timedelta] = None,
    world_size: int = -1, rank: int = -1, store: Any = None, group_name: str = "", pg_options: Any = None,
    device_id: Any = None,
) -> None:
    """Join the default process group; every rank calls it once before any collective.

    ``backend``: ``"mpi"`` (default; ``"gloo"`` means the same here) or ``"nccl"``. ``rank`` and
    ``world_size``, when given, must agree with what the launcher set. ``init_method`` is
    accepted for compatibility (``"env://"``); MPI finds the other ranks by itself.
    ``timeout``: how long a collective may wait for the other ranks before it raises.
    """
    global _default
    if _default is not None:
        raise ValueError("trying to initialize the default process group twice!")
    if store is not None:
        raise ValueError("minitorch has no Store: the ranks find each other through MPI (launch with mpiexec)")
    name = (backend or "mpi").lower()
    if timeout is not None and not isinstance(timeout, timedelta):
        raise TypeError(f"Expected timeout argument to be of type datetime.timedelta, got {type(timeout).__name__}")
    if name in ("mpi", "gloo"):
        created = MPIProcessGroup.create(rank, world_size, timeout or DEFAULT_TIMEOUT)
    elif name == "nccl":
        created = NCCLProcessGroup.create(rank, world_size, timeout or NCCL_TIMEOUT, device_id)
    else:
        raise ValueError(f"Invalid backend {backend!r}: minitorch has 'mpi' (CPU tensors; 'gloo' is an alias) "
                         "and 'nccl' (CUDA tensors)")
    _default = group.WORLD = created


def initialized_group(group: Optional[ProcessGroup] = None) -> ProcessGroup:
    """The default group; an error before ``init_process_group`` or for another group."""
    if _default is None:
        raise ValueError("Default process group has not been initialized, please make sure to call "
                         "init_process_group.")
    if group is not None and group is not _default:
        raise ValueError("minitorch.distributed has one process group, the default one (group=None)")
    return _default


def default_group(group: Optional[ProcessGroup] = None) -> ProcessGroup:
    """The group a collective runs on; also an error once a collective on it has timed out."""
    chosen = initialized_group(group)
    if chosen.broken is not None:
        raise DistError(f"the process group can no longer be used: {chosen.broken}")
    return chosen


def is_initialized() -> bool:
    return _default is not None


def get_rank(group: Optional[ProcessGroup] = None) -> int:
    """This process's number, 0 … world_size − 1 (0 is the one that prints and saves)."""
    return initialized_group(group).rank


def get_world_size(group: Optional[ProcessGroup] = None) -> int:
    """How many processes take part."""
    return initialized_group(group).size


def get_backend(group: Optional[ProcessGroup] = None) -> str:
    return initialized_group(group).backend


def get_node_local_rank(fallback_rank: Optional[int] = None) -> int:
    """This process's number among those on the same machine (pick a GPU with it), from the launcher."""
    local = launcher_value(LOCAL_RANK_VARIABLES)
    if local is not None:
        return local
    if fallback_rank is not None:
        return int(fallback_rank)
    raise RuntimeError("LOCAL_RANK is not in the environment: no launcher set it")


def destroy_process_group(group: Optional[ProcessGroup] = None) -> None:
    """Leave the default group; ``init_process_group`` may be called again afterwards."""
    global _default
    initialized_group(group).shutdown()
    _default = GroupMember.WORLD = None
