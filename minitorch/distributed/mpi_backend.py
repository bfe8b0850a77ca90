"""The MPI backend: collectives on CPU tensors through ``mpi4py``.

Each collective is started as MPI's non-blocking variant (``Iallreduce``, ``Ibcast`` …); the
returned ``Work`` polls its request with ``Test``, which also lets MPI make progress. Nothing
here blocks inside MPI, so a rank that died or hung makes the others time out with an error
instead of waiting forever.

After a timeout the ranks are out of step and MPI cannot cancel a collective, so the group is
marked broken; when the process then exits, ``MPI_Abort`` ends every rank of the job (the hung
one too) instead of a ``MPI_Finalize`` that would wait for the missing rank.
"""
from __future__ import annotations

import atexit
import sys
from datetime import timedelta
from typing import Any, Callable, Optional

import numpy as np

from minitorch.distributed.group import ProcessGroup, check_rank_and_size
from minitorch.distributed.reduce_op import ReduceOp
from minitorch.distributed.work import DistBackendError, Work

INSTALL_HINT = ("the 'mpi' backend needs mpi4py and an MPI library: pip install -e \".[distributed]\" "
                "(mpi4py and mpich from PyPI), then launch with `mpiexec -n 2 python script.py`")
_groups: list = []  # every MPI group created in this process, checked at exit


def load_mpi() -> Any:
    """``mpi4py.MPI``, imported on first use; MPI is then finalized by :func:`_at_exit`."""
    try:
        import mpi4py
    except ImportError as error:
        raise RuntimeError(INSTALL_HINT) from error
    if "mpi4py.MPI" not in sys.modules:
        mpi4py.rc.finalize = False  # _at_exit decides between Finalize and Abort
    from mpi4py import MPI

    return MPI


class MPIProcessGroup(ProcessGroup):
    backend = "mpi"
    device_type = "cpu"

    @classmethod
    def create(cls, rank: int, world_size: int, timeout: timedelta) -> "MPIProcessGroup":
        MPI = load_mpi()
        comm = MPI.COMM_WORLD.Dup()  # a communicator of our own: user MPI calls don't interleave
        check_rank_and_size(rank, world_size, comm.Get_rank(), comm.Get_size(), "mpi")
        if not _groups:
            atexit.register(_at_exit, MPI)
        group = cls(MPI, comm, timeout)
        _groups.append(group)
        return group

    def __init__(self, MPI: Any, comm: Any, timeout: timedelta) -> None:
        super().__init__(comm.Get_rank(), comm.Get_size(), timeout)
        self.MPI, self.comm = MPI, comm
        self.ops = {ReduceOp.SUM: MPI.SUM, ReduceOp.AVG: MPI.SUM, ReduceOp.PRODUCT: MPI.PROD,
                    ReduceOp.MIN: MPI.MIN, ReduceOp.MAX: MPI.MAX, ReduceOp.BAND: MPI.BAND,
                    ReduceOp.BOR: MPI.BOR, ReduceOp.BXOR: MPI.BXOR}

    # ----- the collectives: start, then hand back a Work that polls -----
    def allreduce(self, array: np.ndarray, op: ReduceOp) -> Work:
        request = self._call("all_reduce", self.comm.Iallreduce, self.MPI.IN_PLACE, array, self.ops[op])
        return self._work("all_reduce", request, lambda: self._average(array, op))

    def broadcast(self, array: np.ndarray, src: int) -> Work:
        return self._work("broadcast", self._call("broadcast", self.comm.Ibcast, array, root=src))

    def allgather(self, array: np.ndarray) -> Work:
        out = np.empty((self.size,) + array.shape, array.dtype)
        return self._work("all_gather", self._call("all_gather", self.comm.Iallgather, array, out), lambda: out)

    def reduce_scatter(self, stacked: np.ndarray, op: ReduceOp) -> Work:
        out = np.empty(stacked.shape[1:], stacked.dtype)
        request = self._call("reduce_scatter", self.comm.Ireduce_scatter_block, stacked, out, self.ops[op])
        return self._work("reduce_scatter", request, lambda: self._average(out, op))

    def gather(self, array: np.ndarray, dst: int) -> Work:
        out = np.empty((self.size,) + array.shape, array.dtype) if self.rank == dst else None
        return self._work("gather", self._call("gather", self.comm.Igather, array, out, root=dst), lambda: out)

    def scatter(self, stacked: Optional[np.ndarray], out: np.ndarray, src: int) -> Work:
        return self._work("scatter", self._call("scatter", self.comm.Iscatter, stacked, out, root=src))

    def send(self, array: np.ndarray, dst: int, tag: int) -> Work:
        return self._work("send", self._call("send", self.comm.Isend, array, dest=dst, tag=tag))

    def recv(self, array: np.ndarray, src: Optional[int], tag: int) -> Work:
        status = self.MPI.Status()
        source = self.MPI.ANY_SOURCE if src is None else src
        request = self._call("recv", self.comm.Irecv, array, source=source, tag=tag)
        return self._work("recv", request, status.Get_source, status)

    def barrier(self) -> Work:
        return self._work("barrier", self._call("barrier", self.comm.Ibarrier))

    def shutdown(self) -> None:
        if self.broken is None:  # a broken group stays listed: the exit must abort, not finalize
            self.comm.Free()
            _groups.remove(self)

    # ----- helpers -----
    def _average(self, array: np.ndarray, op: ReduceOp) -> np.ndarray:
        if op is ReduceOp.AVG:
            array /= self.size
        return array

    def _call(self, name: str, start: Callable, *args: Any, **kwargs: Any) -> Any:
        try:
            return start(*args, **kwargs)
        except self.MPI.Exception as error:
            raise self._failed(name, error) from error

    def _work(self, name: str, request: Any, finish: Optional[Callable] = None, status: Any = None) -> Work:
        def poll() -> bool:
            try:
                return request.Test(status) if status is not None else request.Test()
            except self.MPI.Exception as error:
                raise self._failed(name, error) from error

        return Work(self, name, poll, finish)

    def _failed(self, name: str, error: Exception) -> DistBackendError:
        self.broken = f"{name} failed on rank {self.rank}: {error}"
        return DistBackendError(f"[rank {self.rank}] {name} failed in MPI: {error} (has another rank died?)")


def _at_exit(MPI: Any) -> None:
    """Finalize MPI, or, when a collective timed out, abort the whole job so no rank is left waiting."""
    if not MPI.Is_initialized() or MPI.Is_finalized():
        return
    if any(group.broken is not None for group in _groups):
        sys.stderr.flush()
        MPI.COMM_WORLD.Abort(1)
    MPI.Finalize()
