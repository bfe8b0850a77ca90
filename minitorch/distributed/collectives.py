"""The collectives of ``torch.distributed``, on tensors: check the arguments, call the backend.

Every function works in place on its tensors, as PyTorch's do (``all_reduce(t)`` leaves the
sum in ``t`` on every rank). With ``async_op=True`` it returns a ``Work`` at once; the tensors
hold the result after ``work.wait()``. Otherwise it returns after the result is there.

Before a collective the ranks compare what each one is about to do (which collective, shape,
dtype, root): a mismatch is a clear error on every rank instead of garbage or a hang.
"""
from __future__ import annotations

from typing import Any, List, Optional

import numpy as np

from minitorch.backend import array_module, cupy_module
from minitorch.distributed.group import ProcessGroup
from minitorch.distributed.process_group import default_group
from minitorch.distributed.reduce_op import ReduceOp
from minitorch.distributed.work import Work
from minitorch.tensor import Tensor

COLLECTIVES = ("all_reduce", "broadcast", "all_gather", "reduce_scatter", "gather", "scatter", "reduce")
_MAX_DIMS = 8  # tensors of more dimensions are compared by their number of elements only
_DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64")


def all_reduce(tensor: Tensor, op: ReduceOp = ReduceOp.SUM, group: Optional[ProcessGroup] = None,
               async_op: bool = False) -> Optional[Work]:
    """Every rank's ``tensor`` becomes ``op`` over all ranks' tensors (SUM, AVG, MIN, MAX, PRODUCT …)."""
    pg = default_group(group)
    array = _input(tensor, "tensor", pg)
    _check_op(op, tensor)
    _agree(pg, "all_reduce", array)
    buffer = _contiguous(array)
    work = pg.allreduce(buffer, op).then(lambda _: tensor._write(buffer))
    return _done(work, async_op)


def reduce(tensor: Tensor, dst: int, op: ReduceOp = ReduceOp.SUM, group: Optional[ProcessGroup] = None,
           async_op: bool = False) -> Optional[Work]:
    """Like ``all_reduce``, but only rank ``dst``'s tensor receives the result."""
    pg = default_group(group)
    array = _input(tensor, "tensor", pg)
    _check_op(op, tensor)
    _check_rank(dst, pg, "dst")
    _agree(pg, "reduce", array, dst)
    buffer = array.copy()
    work = pg.allreduce(buffer, op).then(lambda _: tensor._write(buffer) if pg.rank == dst else None)
    return _done(work, async_op)


def broadcast(tensor: Tensor, src: int, group: Optional[ProcessGroup] = None,
              async_op: bool = False) -> Optional[Work]:
    """Copy rank ``src``'s ``tensor`` into the ``tensor`` of every other rank."""
    pg = default_group(group)
    array = _input(tensor, "tensor", pg)
    _check_rank(src, pg, "src")
    _agree(pg, "broadcast", array, src)
    buffer = _contiguous(array)
    work = pg.broadcast(buffer, src).then(lambda _: tensor._write(buffer))
    return _done(work, async_op)


def all_gather(tensor_list: List[Tensor], tensor: Tensor, group: Optional[ProcessGroup] = None,
               async_op: bool = False) -> Optional[Work]:
    """``tensor_list[r]`` receives rank r's ``tensor``, on every rank."""
    pg = default_group(group)
    array = _input(tensor, "tensor", pg)
    _check_list(tensor_list, "tensor_list", array, pg)
    _agree(pg, "all_gather", array)
    work = pg.allgather(_contiguous(array)).then(lambda rows: _write_rows(tensor_list, rows))
    return _done(work, async_op)


def all_gather_into_tensor(output_tensor: Tensor, input_tensor: Tensor, group: Optional[ProcessGroup] = None,
                           async_op: bool = False) -> Optional[Work]:
    """The ranks' ``input_tensor`` concatenated along dim 0 (or stacked) into ``output_tensor``."""
    pg = default_group(group)
    array = _input(input_tensor, "input_tensor", pg)
    _check_output_size(output_tensor, array, pg, "all_gather_into_tensor")
    _agree(pg, "all_gather", array)
    work = pg.allgather(_contiguous(array)).then(
        lambda rows: output_tensor._write(rows.reshape(output_tensor.shape)))
    return _done(work, async_op)


def reduce_scatter(output: Tensor, input_list: List[Tensor], op: ReduceOp = ReduceOp.SUM,
                   group: Optional[ProcessGroup] = None, async_op: bool = False) -> Optional[Work]:
    """Rank r's ``output`` becomes ``op`` over the ranks' ``input_list[r]``."""
    pg = default_group(group)
    array = _input(output, "output", pg)
    _check_op(op, output)
    _check_list(input_list, "input_list", array, pg)
    _agree(pg, "reduce_scatter", array)
    stacked = _stack([t._data for t in input_list])
    work = pg.reduce_scatter(stacked, op).then(lambda result: output._write(result))
    return _done(work, async_op)


def reduce_scatter_tensor(output: Tensor, input: Tensor, op: ReduceOp = ReduceOp.SUM,
                          group: Optional[ProcessGroup] = None, async_op: bool = False) -> Optional[Work]:
    """``input`` is cut into world_size equal parts along dim 0; rank r gets part r reduced."""
    pg = default_group(group)
    array = _input(output, "output", pg)
    _check_op(op, output)
    _check_output_size(input, array, pg, "reduce_scatter_tensor", what="input")
    _agree(pg, "reduce_scatter", array)
    stacked = _contiguous(input._data).reshape((pg.size,) + array.shape)
    work = pg.reduce_scatter(stacked, op).then(lambda result: output._write(result))
    return _done(work, async_op)


def gather(tensor: Tensor, gather_list: Optional[List[Tensor]] = None, dst: int = 0,
           group: Optional[ProcessGroup] = None, async_op: bool = False) -> Optional[Work]:
    """Rank ``dst``'s ``gather_list[r]`` receives rank r's ``tensor``; other ranks pass no list."""
    pg = default_group(group)
    array = _input(tensor, "tensor", pg)
    _check_rank(dst, pg, "dst")
    _check_root_list(gather_list, "gather_list", array, pg, dst)
    _agree(pg, "gather", array, dst)
    work = pg.gather(_contiguous(array), dst)
    if pg.rank == dst:
        work.then(lambda rows: _write_rows(gather_list, rows))
    return _done(work, async_op)


def scatter(tensor: Tensor, scatter_list: Optional[List[Tensor]] = None, src: int = 0,
            group: Optional[ProcessGroup] = None, async_op: bool = False) -> Optional[Work]:
    """Rank r's ``tensor`` receives rank ``src``'s ``scatter_list[r]``; other ranks pass no list."""
    pg = default_group(group)
    array = _input(tensor, "tensor", pg)
    _check_rank(src, pg, "src")
    _check_root_list(scatter_list, "scatter_list", array, pg, src)
    _agree(pg, "scatter", array, src)
    stacked = _stack([t._data for t in scatter_list]) if pg.rank == src else None
    buffer = _contiguous(array)
    work = pg.scatter(stacked, buffer, src).then(lambda _: tensor._write(buffer))
    return _done(work, async_op)


def barrier(group: Optional[ProcessGroup] = None, async_op: bool = False, device_ids: Any = None) -> Optional[Work]:
    """Wait until every rank has called ``barrier``."""
    return _done(default_group(group).barrier(), async_op)


# ----- point to point (no agreement check: only the two ranks involved take part) -----


def isend(tensor: Tensor, dst: int, group: Optional[ProcessGroup] = None, tag: int = 0) -> Work:
    """Start sending ``tensor`` to rank ``dst``; don't change it before the Work is done."""
    pg = default_group(group)
    array = _input(tensor, "tensor", pg)
    _check_peer(dst, pg, "dst")
    return pg.send(_contiguous(array), dst, tag)


def irecv(tensor: Optional[Tensor], src: Optional[int] = None, group: Optional[ProcessGroup] = None,
          tag: int = 0) -> Work:
    """Start receiving into ``tensor`` from rank ``src`` (None: any rank); ``wait()`` then read it."""
    pg = default_group(group)
    array = _input(tensor, "tensor", pg)
    if src is not None:
        _check_peer(src, pg, "src")
    buffer = _contiguous(array)

    def store(source: int) -> int:
        tensor._write(buffer)
        return source

    return pg.recv(buffer, src, tag).then(store)


def send(tensor: Tensor, dst: int, group: Optional[ProcessGroup] = None, tag: int = 0) -> None:
    """Send ``tensor`` to rank ``dst``, which must call ``recv``; returns once it may be reused."""
    isend(tensor, dst, group, tag).wait()


def recv(tensor: Tensor, src: Optional[int] = None, group: Optional[ProcessGroup] = None, tag: int = 0) -> int:
    """Receive into ``tensor`` from rank ``src`` (None: any rank); returns the sender's rank."""
    return irecv(tensor, src, group, tag).result()


# ----- argument checks -----


def _input(tensor: Any, name: str, pg: ProcessGroup) -> Any:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{name} must be a Tensor, got {type(tensor).__name__}")
    if tensor.device.type != pg.device_type:
        other = "nccl" if pg.device_type == "cpu" else "mpi"
        raise RuntimeError(f"the {pg.backend} backend works on {pg.device_type} tensors, got a tensor on "
                           f"{tensor.device}: move it with .to('{pg.device_type}') or use backend='{other}'")
    return tensor._data


def _check_op(op: Any, tensor: Tensor) -> None:
    if not isinstance(op, ReduceOp):
        raise TypeError(f"op must be a dist.ReduceOp (e.g. ReduceOp.SUM), got {op!r}")
    if op is ReduceOp.AVG and tensor.dtype.kind != "f":
        raise TypeError(f"ReduceOp.AVG needs a floating-point tensor, got {tensor.dtype}")
    if op in (ReduceOp.BAND, ReduceOp.BOR, ReduceOp.BXOR) and tensor.dtype.kind not in "biu":
        raise TypeError(f"{op} needs an integer or bool tensor, got {tensor.dtype}")


def _check_rank(rank: Any, pg: ProcessGroup, name: str) -> None:
    if isinstance(rank, bool) or not isinstance(rank, int) or not 0 <= rank < pg.size:
        raise ValueError(f"{name} must be a rank in [0, {pg.size}), got {rank!r}")


def _check_peer(rank: Any, pg: ProcessGroup, name: str) -> None:
    _check_rank(rank, pg, name)
    if rank == pg.rank:
        raise ValueError(f"Invalid {name} rank: a rank cannot send to or receive from itself ({rank})")


def _check_list(tensors: Any, name: str, like: Any, pg: ProcessGroup) -> None:
    if not isinstance(tensors, (list, tuple)) or len(tensors) != pg.size:
        got = len(tensors) if isinstance(tensors, (list, tuple)) else type(tensors).__name__
        raise ValueError(f"{name} must be a list of world_size={pg.size} tensors, got {got}")
    for index, tensor in enumerate(tensors):
        array = _input(tensor, f"{name}[{index}]", pg)
        if array.shape != like.shape or array.dtype != like.dtype:
            raise ValueError(f"{name}[{index}] has shape {list(array.shape)} and dtype {array.dtype}; expected "
                             f"shape {list(like.shape)} and dtype {like.dtype} as the tensor")


def _check_root_list(tensors: Any, name: str, like: Any, pg: ProcessGroup, root: int) -> None:
    if pg.rank == root:
        if tensors is None:
            raise ValueError(f"Argument ``{name}`` must be specified on destination rank {root}")
        _check_list(tensors, name, like, pg)
    elif tensors:
        raise ValueError(f"Argument ``{name}`` must NOT be specified on non-root ranks (this is rank {pg.rank})")


def _check_output_size(big: Any, part: Any, pg: ProcessGroup, name: str, what: str = "output") -> None:
    if not isinstance(big, Tensor):
        raise TypeError(f"{what} must be a Tensor, got {type(big).__name__}")
    _input(big, what, pg)
    if big.numel() != part.size * pg.size or big.dtype != part.dtype:
        raise ValueError(f"{name}: the {what} tensor must hold world_size={pg.size} times {part.size} elements of "
                         f"{part.dtype}, got shape {list(big.shape)} and dtype {big.dtype}")


def _agree(pg: ProcessGroup, name: str, array: Any, root: int = -1) -> None:
    """Compare (collective, shape, dtype, root) across the ranks; every rank raises on a mismatch."""
    if pg.size == 1:
        return
    shape = array.shape if array.ndim <= _MAX_DIMS else (array.size,)
    mine = np.full(4 + _MAX_DIMS, -1, dtype=np.int64)
    dtype = _DTYPES.index(array.dtype.name) if array.dtype.name in _DTYPES else len(_DTYPES)
    mine[:4] = COLLECTIVES.index(name), root, dtype, len(shape)
    mine[4:4 + len(shape)] = shape
    if pg.device_type == "cuda":  # NCCL sends only GPU memory
        mine = cupy_module().asarray(mine)
    check = pg.allgather(mine)
    check.name = f"{name} (comparing the ranks' calls)"
    everyone, mine = _host(check.result()), _host(mine)
    if (everyone == mine).all():
        return
    calls = [f"rank {rank}: {_describe(row)}" for rank, row in enumerate(everyone)]
    raise RuntimeError("Detected mismatch between collectives on ranks: " + "; ".join(calls))


def _describe(row: Any) -> str:
    """One rank's row of the comparison, as text: ``all_reduce(shape=[2], dtype=float32)``."""
    dtype = _DTYPES[row[2]] if row[2] < len(_DTYPES) else "another dtype"
    shape = [int(n) for n in row[4:4 + row[3]]]
    root = f", root {row[1]}" if row[1] >= 0 else ""
    return f"{COLLECTIVES[row[0]]}(shape={shape}, dtype={dtype}{root})"


# ----- arrays -----


def _contiguous(array: Any) -> Any:
    """The array itself when its memory is one C-ordered block (MPI and NCCL need that), else a copy."""
    if array.flags.c_contiguous:
        return array
    return array_module(array).ascontiguousarray(array)


def _host(array: Any) -> Any:
    return array.get() if hasattr(array, "get") else array


def _stack(arrays: list) -> Any:
    return array_module(arrays[0]).stack(arrays)


def _write_rows(tensors: List[Tensor], rows: Any) -> None:
    for tensor, row in zip(tensors, rows):
        tensor._write(row)


def _done(work: Work, async_op: bool) -> Optional[Work]:
    if async_op:
        return work
    work.wait()
    return None
