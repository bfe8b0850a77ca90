"""The NCCL backend: collectives on CUDA tensors through CuPy's ``cupy.cuda.nccl``.

One process per GPU. NCCL's ranks find each other through a 128-byte *unique id* made by rank 0;
with more than one rank, MPI broadcasts it (so launch with ``mpiexec``), with one rank nothing has
to travel. Each collective is queued on a CUDA stream of the group's own, after the work already
queued on the current stream (the kernels that computed the tensor), and an event recorded after
it tells ``Work`` when it has finished. A rank that died or hung leaves that event pending: the
others time out, abort their NCCL communicator (which ends the stuck kernels) and raise.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Callable, Optional

from minitorch.backend import cuda_is_available, cupy_module
from minitorch.distributed.group import (
    LOCAL_RANK_VARIABLES, RANK_VARIABLES, SIZE_VARIABLES, ProcessGroup, check_rank_and_size, launcher_value,
)
from minitorch.distributed.reduce_op import ReduceOp
from minitorch.distributed.work import DistBackendError, Work

INSTALL_HINT = ("the 'nccl' backend needs CuPy built with NCCL and an NVIDIA GPU "
                "(pip install -e \".[cuda]\"); on CPUs use backend='mpi'")


def load_nccl() -> tuple:
    """``(cupy, cupy.cuda.nccl)``, or a RuntimeError that says what is missing."""
    try:
        cupy = cupy_module()
        from cupy.cuda import nccl
    except (RuntimeError, ImportError) as error:
        raise RuntimeError(INSTALL_HINT) from error
    if not getattr(cupy.cuda, "nccl_enabled", True):
        raise RuntimeError("this CuPy was built without NCCL: " + INSTALL_HINT)
    if not cuda_is_available():
        raise RuntimeError("the 'nccl' backend needs an NVIDIA GPU, and CuPy finds none: use backend='mpi'")
    return cupy, nccl


class NCCLProcessGroup(ProcessGroup):
    backend = "nccl"
    device_type = "cuda"

    @classmethod
    def create(cls, rank: int, world_size: int, timeout: timedelta, device_id: Any = None) -> "NCCLProcessGroup":
        cupy, nccl = load_nccl()
        size = world_size if world_size != -1 else (launcher_value(SIZE_VARIABLES) or 1)
        rank = rank if rank != -1 else (launcher_value(RANK_VARIABLES) or 0)
        if size > 1:
            unique_id = _unique_id_through_mpi(nccl, rank, size)
        else:
            unique_id = nccl.get_unique_id()
        index = _device_index(device_id, rank, cupy.cuda.runtime.getDeviceCount())
        cupy.cuda.Device(index).use()
        return cls(cupy, nccl, nccl.NcclCommunicator(size, unique_id, rank), rank, size, timeout)

    def __init__(self, cupy: Any, nccl: Any, comm: Any, rank: int, size: int, timeout: timedelta) -> None:
        super().__init__(rank, size, timeout)
        self.cupy, self.nccl, self.comm = cupy, nccl, comm
        self.stream = cupy.cuda.Stream(non_blocking=True)
        self.ops = {ReduceOp.SUM: nccl.NCCL_SUM, ReduceOp.PRODUCT: nccl.NCCL_PROD, ReduceOp.MIN: nccl.NCCL_MIN,
                    ReduceOp.MAX: nccl.NCCL_MAX, ReduceOp.AVG: getattr(nccl, "NCCL_AVG", nccl.NCCL_SUM)}
        self.divide_for_average = not hasattr(nccl, "NCCL_AVG")  # NCCL before 2.10 has no AVG
        self.types = {"float16": nccl.NCCL_FLOAT16, "float32": nccl.NCCL_FLOAT32, "float64": nccl.NCCL_FLOAT64,
                      "int8": nccl.NCCL_INT8, "uint8": nccl.NCCL_UINT8, "bool": nccl.NCCL_UINT8,
                      "int32": nccl.NCCL_INT32, "int64": nccl.NCCL_INT64}

    # ----- the collectives -----
    def allreduce(self, array: Any, op: ReduceOp) -> Work:
        kind, nccl_op = self._type(array), self._op(op)
        return self._queue("all_reduce", lambda stream: self.comm.allReduce(
            array.data.ptr, array.data.ptr, array.size, kind, nccl_op, stream), lambda: self._average(array, op))

    def broadcast(self, array: Any, src: int) -> Work:
        kind = self._type(array)
        return self._queue("broadcast", lambda stream: self.comm.bcast(array.data.ptr, array.size, kind, src, stream))

    def allgather(self, array: Any) -> Work:
        out = self.cupy.empty((self.size,) + array.shape, array.dtype)
        kind = self._type(array)
        return self._queue("all_gather", lambda stream: self.comm.allGather(
            array.data.ptr, out.data.ptr, array.size, kind, stream), lambda: out)

    def reduce_scatter(self, stacked: Any, op: ReduceOp) -> Work:
        out = self.cupy.empty(stacked.shape[1:], stacked.dtype)
        kind, nccl_op = self._type(stacked), self._op(op)
        return self._queue("reduce_scatter", lambda stream: self.comm.reduceScatter(
            stacked.data.ptr, out.data.ptr, out.size, kind, nccl_op, stream), lambda: self._average(out, op))

    def gather(self, array: Any, dst: int) -> Work:
        out = self.cupy.empty((self.size,) + array.shape, array.dtype) if self.rank == dst else None
        kind = self._type(array)

        def launch(stream: int) -> None:
            self.nccl.groupStart()
            if self.rank == dst:
                for peer in range(self.size):
                    if peer == self.rank:
                        self.cupy.cuda.runtime.memcpyAsync(out[peer].data.ptr, array.data.ptr, array.nbytes,
                                                           self.cupy.cuda.runtime.memcpyDeviceToDevice, stream)
                    else:
                        self.comm.recv(out[peer].data.ptr, array.size, kind, peer, stream)
            else:
                self.comm.send(array.data.ptr, array.size, kind, dst, stream)
            self.nccl.groupEnd()

        return self._queue("gather", launch, lambda: out)

    def scatter(self, stacked: Optional[Any], out: Any, src: int) -> Work:
        kind = self._type(out)

        def launch(stream: int) -> None:
            self.nccl.groupStart()
            if self.rank == src:
                for peer in range(self.size):
                    if peer == self.rank:
                        self.cupy.cuda.runtime.memcpyAsync(out.data.ptr, stacked[peer].data.ptr, out.nbytes,
                                                           self.cupy.cuda.runtime.memcpyDeviceToDevice, stream)
                    else:
                        self.comm.send(stacked[peer].data.ptr, out.size, kind, peer, stream)
            else:
                self.comm.recv(out.data.ptr, out.size, kind, src, stream)
            self.nccl.groupEnd()

        return self._queue("scatter", launch)

    def send(self, array: Any, dst: int, tag: int) -> Work:
        kind = self._type(array)
        return self._queue("send", lambda stream: self.comm.send(array.data.ptr, array.size, kind, dst, stream))

    def recv(self, array: Any, src: Optional[int], tag: int) -> Work:
        if src is None:
            raise ValueError("the nccl backend cannot receive from any source: pass recv(tensor, src=...)")
        kind = self._type(array)
        return self._queue("recv", lambda stream: self.comm.recv(array.data.ptr, array.size, kind, src, stream),
                           lambda: src)

    def barrier(self) -> Work:
        return self.allreduce(self.cupy.zeros(1, dtype=self.cupy.float32), ReduceOp.SUM)

    def shutdown(self) -> None:
        if self.broken is None:
            self.stream.synchronize()
            self.comm.destroy()

    # ----- helpers -----
    def _queue(self, name: str, launch: Callable[[int], None], finish: Optional[Callable] = None) -> Work:
        """Run ``launch(stream)`` on the group's stream after the current stream's queued work."""
        current = self.cupy.cuda.get_current_stream()
        self.stream.wait_event(current.record())
        try:
            launch(self.stream.ptr)
        except self.nccl.NcclError as error:
            self.broken = f"{name} failed on rank {self.rank}: {error}"
            raise DistBackendError(f"[rank {self.rank}] {name} failed in NCCL: {error}") from error
        done = self.stream.record()

        def complete() -> Any:
            current.wait_event(done)  # later kernels on the current stream see the result
            return finish() if finish is not None else None

        return Work(self, name, lambda: done.done, complete, on_timeout=self.comm.abort)

    def _type(self, array: Any) -> int:
        kind = self.types.get(array.dtype.name)
        if kind is None:
            raise TypeError(f"the nccl backend cannot send tensors of dtype {array.dtype}")
        return kind

    def _op(self, op: ReduceOp) -> int:
        if op not in self.ops:
            raise ValueError(f"Cannot use {op} with NCCL")
        return self.ops[op]

    def _average(self, array: Any, op: ReduceOp) -> Any:
        if op is ReduceOp.AVG and self.divide_for_average:
            array /= self.size
        return array


def _unique_id_through_mpi(nccl: Any, rank: int, size: int) -> tuple:
    """Rank 0's NCCL unique id, broadcast to every rank by MPI (the ranks must run under mpiexec)."""
    import numpy as np

    from minitorch.distributed.mpi_backend import load_mpi

    world = load_mpi().COMM_WORLD
    check_rank_and_size(rank, size, world.Get_rank(), world.Get_size(), "mpi (carrying NCCL's start-up id)")
    buffer = np.zeros(128, dtype=np.int8)
    if rank == 0:
        buffer[:] = nccl.get_unique_id()
    world.Bcast(buffer, root=0)
    return tuple(int(b) for b in buffer)


def _device_index(device_id: Any, rank: int, count: int) -> int:
    """The GPU of this rank: ``device_id`` when given, else the launcher's local rank, else the rank."""
    if device_id is not None:
        return device_id if isinstance(device_id, int) else (device_id.index or 0)
    local = launcher_value(LOCAL_RANK_VARIABLES)
    return (local if local is not None else rank) % count
