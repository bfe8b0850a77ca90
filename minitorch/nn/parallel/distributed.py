"""``DistributedDataParallel``: the same model on every rank, each training on its share of the batch.

Wrap the model after ``dist.init_process_group``::

    model = DistributedDataParallel(Net())
    for images, labels in loader:            # each rank loads its own share (DistributedSampler)
        optimizer.zero_grad()
        loss = criterion(model(images), labels)
        loss.backward()                      # gradients averaged over the ranks when this returns
        optimizer.step()                     # identical on every rank: the models stay equal

At construction rank 0's parameters and buffers are copied to every rank. During backward the
:class:`~minitorch.nn.parallel.reducer.Reducer` averages the gradients in buckets, overlapping the
messages with the rest of backward. The wrapped model is the child ``module``, so ``state_dict()``
keys start with ``module.`` as in PyTorch (save ``model.module.state_dict()`` for plain keys).
"""
from __future__ import annotations

import contextlib
from typing import Any, Dict, Iterator, List, Optional

from minitorch.autograd import grad_mode
from minitorch.backend import array_module
from minitorch.distributed.group import ProcessGroup
from minitorch.distributed.process_group import default_group
from minitorch.nn.module import Module
from minitorch.nn.parallel.reducer import Reducer


class DistributedDataParallel(Module):
    """Data parallelism across processes (see the module docstring)."""

    def __init__(self, module: Module, device_ids: Optional[List[Any]] = None, output_device: Any = None,
                 dim: int = 0, broadcast_buffers: bool = True, process_group: Optional[ProcessGroup] = None,
                 bucket_cap_mb: Optional[float] = None, find_unused_parameters: bool = False,
                 check_reduction: bool = False, gradient_as_bucket_view: bool = False,
                 static_graph: bool = False, **kwargs: Any) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel wraps an nn.Module, got {type(module).__name__}")
        self.module = module
        self.process_group = default_group(process_group)
        self.device_ids, self.output_device, self.dim = device_ids, output_device, dim
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        named = _unique_named_parameters(module)
        if not named:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any "
                               "parameter that requires a gradient.")
        _verify_same_model(self.process_group, named)
        self._broadcast_from_rank0([p for _, p in named] + [b for b in module.buffers()])
        cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * 1024 * 1024)
        self.reducer = Reducer(named, self.process_group, cap, find_unused_parameters)

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        self.reducer.check_finished()
        if self.broadcast_buffers and self.require_forward_param_sync:
            buffers = list(self.module.buffers())
            if buffers:
                self._broadcast_from_rank0(buffers)
        output = self.module(*inputs, **kwargs)
        # As PyTorch: buffers are synchronised before a forward that follows a synchronised one,
        # so forwards under no_grad (evaluation) or no_sync() run without any message.
        self.require_forward_param_sync = grad_mode.is_grad_enabled() and self.require_backward_grad_sync
        if self.require_forward_param_sync:
            self.reducer.prepare_for_backward(output)
        return output

    @contextlib.contextmanager
    def no_sync(self) -> Iterator[None]:
        """Backward inside this block only accumulates local gradients; the first backward after it
        averages everything accumulated (gradient accumulation with one all-reduce)."""
        previous = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous

    def _broadcast_from_rank0(self, tensors: List[Any]) -> None:
        """Overwrite ``tensors`` with rank 0's values: one broadcast per dtype, of them all concatenated."""
        group = self.process_group
        if group.size == 1:
            return
        by_kind: Dict[Any, List[Any]] = {}
        for tensor in tensors:
            by_kind.setdefault((tensor.dtype, tensor.device), []).append(tensor)
        for same in by_kind.values():
            xp = array_module(same[0]._data)
            flat = xp.concatenate([t._data.reshape(-1) for t in same])
            group.broadcast(flat, 0).wait()
            offset = 0
            for tensor in same:
                tensor._write(flat[offset:offset + tensor.numel()].reshape(tensor.shape))
                offset += tensor.numel()

    def extra_repr(self) -> str:
        return ""


def _unique_named_parameters(module: Module) -> List[tuple]:
    """(name, parameter) for every parameter that requires a gradient, each one once."""
    seen, named = set(), []
    for name, param in module.named_parameters():
        if param.requires_grad and id(param) not in seen:
            seen.add(id(param))
            named.append((name, param))
    return named


def _verify_same_model(group: ProcessGroup, named: List[tuple]) -> None:
    """Every rank must wrap the same architecture: compare the parameter count and shapes."""
    if group.size == 1:
        return
    import zlib

    import numpy as np

    signature = repr([(tuple(p.shape), str(p.dtype)) for _, p in named]).encode()
    mine = np.array([len(named), zlib.crc32(signature)], dtype=np.int64)
    if group.device_type != "cpu":
        mine = array_module(named[0][1]._data).asarray(mine)
    everyone = group.allgather(mine).result()
    everyone = everyone.get() if hasattr(everyone, "get") else everyone
    for rank, (count, shapes) in enumerate(everyone.tolist()):
        if count != len(named):
            raise RuntimeError(f"DDP expects same model across all ranks, but Rank {group.rank} has {len(named)} "
                               f"params, while rank {rank} has inconsistent {count} params.")
        if shapes != mine[1]:
            raise RuntimeError(f"DDP expects same model across all ranks, but the parameter shapes or dtypes of "
                               f"rank {group.rank} differ from those of rank {rank}.")
