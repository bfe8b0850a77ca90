"""The Reducer: average the gradients of DistributedDataParallel's parameters while backward runs.

The parameters are cut into *buckets* of about ``bucket_cap_mb`` each, in the reverse order of
``module.parameters()`` — roughly the order in which backward finishes their gradients (the last
layer first). When a parameter's gradient is complete (its post-accumulate-grad hook runs), it is
marked ready; when every parameter of a bucket is ready, the bucket's gradients are copied into
one flat array, divided by the number of ranks, and an all-reduce of it is *started*. Backward
goes on computing the earlier layers' gradients while that message travels. Buckets are started
strictly in order, so every rank issues the same collectives in the same order (MPI and NCCL
require it). When the last bucket has started, the Reducer waits for all of them and writes the
averages back into ``.grad``.

With ``find_unused_parameters=True`` the graph of the forward's outputs is searched for the
parameters it does not reach; they are ready at once (they contribute zeros), and a small
all-reduce finds the parameters no rank used, whose ``.grad`` is left alone.
"""
from __future__ import annotations

import weakref
from typing import Any, Callable, Iterable, List

from minitorch.backend import array_module
from minitorch.distributed.reduce_op import ReduceOp
from minitorch.tensor import Tensor

FIRST_BUCKET_BYTES = 1024 * 1024  # a small first bucket starts communicating early (as PyTorch)


class Bucket:
    """Parameters whose gradients travel in one all-reduce."""

    def __init__(self, params: List[Any]) -> None:
        self.params = params
        self.sizes = [p.numel() for p in params]
        self.waiting = len(params)
        self.work: Any = None
        self.flat: Any = None


class Reducer:
    def __init__(self, named_params: List[tuple], group: Any, bucket_cap_bytes: int,
                 find_unused_parameters: bool) -> None:
        self.names = {id(p): name for name, p in named_params}
        self.params = [p for _, p in named_params]
        self.position = {id(p): index for index, p in enumerate(self.params)}
        self.group = group
        self.find_unused = find_unused_parameters
        self.buckets = _make_buckets(self.params, bucket_cap_bytes)
        self.bucket_of = {id(p): bucket for bucket in self.buckets for p in bucket.params}
        self.expecting = False  # between a forward that will be backpropagated and the end of reduction
        self.reduced = False  # the gradients of the last synchronised forward have been averaged
        self.ready: set = set()
        self.next_bucket = 0
        self.used_work: Any = None
        self.used: Any = None
        hook = _weak_hook(self)
        handles = [p.register_post_accumulate_grad_hook(hook) for p in self.params]
        weakref.finalize(self, _remove_all, handles)  # a discarded DDP leaves no hooks behind

    # ----- called by DistributedDataParallel.forward -----
    def prepare_for_backward(self, outputs: Any) -> None:
        """Expect one backward from ``outputs``: reset the buckets, pre-mark unused parameters."""
        if self.expecting:
            self._raise_unfinished()
        self.expecting, self.reduced = True, False
        self.ready = set()
        self.next_bucket = 0
        for bucket in self.buckets:
            bucket.waiting, bucket.work, bucket.flat = len(bucket.params), None, None
        if self.find_unused:
            reached = _reachable_leaves(outputs)
            xp = array_module(self.params[0]._data)
            self.used = xp.asarray([id(p) in reached for p in self.params], dtype=xp.int32)
            self.used_work = self.group.allreduce(self.used, ReduceOp.MAX)
            for param in self.params:
                if id(param) not in reached:
                    self._mark_ready(param)

    def check_finished(self) -> None:
        """Called at each forward: the previous synchronised backward must have completed."""
        if self.expecting:
            self._raise_unfinished()
        self.reduced = False

    # ----- called during backward -----
    def _mark_ready(self, param: Any) -> None:
        if self.reduced:
            raise RuntimeError(
                "Expected to mark a variable ready only once: backward ran a second time through the graph "
                "of one DistributedDataParallel forward (retain_graph=True?), and its gradients would not be "
                "averaged. Run the forward again for each backward.")
        if not self.expecting or id(param) in self.ready:
            return
        self.ready.add(id(param))
        self.bucket_of[id(param)].waiting -= 1
        while self.next_bucket < len(self.buckets) and self.buckets[self.next_bucket].waiting == 0:
            self._launch(self.buckets[self.next_bucket])
            self.next_bucket += 1
        for bucket in self.buckets[:self.next_bucket]:
            bucket.work.is_completed()  # lets MPI move the earlier buckets' messages along
        if self.next_bucket == len(self.buckets):
            self._finish()

    def _launch(self, bucket: Bucket) -> None:
        """Flatten the bucket's gradients, divide by the world size, start the all-reduce."""
        first = bucket.params[0]
        xp = array_module(first._data)
        flat = xp.empty(sum(bucket.sizes), dtype=first.dtype)
        offset = 0
        for param, size in zip(bucket.params, bucket.sizes):
            flat[offset:offset + size] = 0 if param.grad is None else param.grad._data.reshape(-1)
            offset += size
        flat /= self.group.size
        bucket.flat, bucket.work = flat, self.group.allreduce(flat, ReduceOp.SUM)

    def _finish(self) -> None:
        """Wait for every bucket, then put the averaged gradients into ``.grad``."""
        used = None
        if self.used_work is not None:
            self.used_work.wait()
            used = self.used.tolist()  # on the host, also when the mask lives on a GPU
        for bucket in self.buckets:
            bucket.work.wait()
            offset = 0
            for param, size in zip(bucket.params, bucket.sizes):
                averaged = Tensor._wrap(bucket.flat[offset:offset + size].reshape(param.shape))
                offset += size
                if used is not None and not used[self.position[id(param)]]:
                    continue  # no rank used it: its .grad stays as it was
                if param.grad is None:
                    param.grad = averaged
                else:
                    param.grad.data = averaged  # a new array: the old one may still be in use by backward
        self.expecting, self.reduced = False, True
        self.used_work = None

    def _raise_unfinished(self) -> None:
        missing = [self.names[id(p)] for p in self.params if id(p) not in self.ready]
        self.expecting = False
        raise RuntimeError(
            "Expected to have finished reduction in the prior iteration before starting a new one. This error "
            "indicates that your module has parameters that were not used in producing loss. You can enable "
            "unused parameter detection by passing the keyword argument `find_unused_parameters=True` to "
            "`torch.nn.parallel.DistributedDataParallel`, and by making sure all `forward` function outputs "
            f"participate in calculating loss. Parameters that did not receive a gradient: {', '.join(missing)}"
        )



def _weak_hook(reducer: Reducer) -> Callable[[Any], None]:
    """The parameters' hook: calls the reducer without keeping it (and so the parameters) alive."""
    reference = weakref.ref(reducer)

    def mark_ready(param: Any) -> None:
        alive = reference()
        if alive is not None:
            alive._mark_ready(param)

    return mark_ready


def _remove_all(handles: List[Any]) -> None:
    for handle in handles:
        handle.remove()


def _make_buckets(params: List[Any], cap_bytes: int) -> List[Bucket]:
    """Consecutive parameters, last first, of one dtype and device, up to ``cap_bytes`` a bucket."""
    buckets: List[Bucket] = []
    current: List[Any] = []
    size = 0
    limit = min(FIRST_BUCKET_BYTES, cap_bytes)
    for param in reversed(params):
        nbytes = param.numel() * param.element_size()
        if current and (size + nbytes > limit or param.dtype != current[0].dtype or param.device != current[0].device):
            buckets.append(Bucket(current))
            current, size, limit = [], 0, cap_bytes
        current.append(param)
        size += nbytes
    if current:
        buckets.append(Bucket(current))
    return buckets


def _reachable_leaves(outputs: Any) -> set:
    """ids of the leaf tensors that backward from the tensors in ``outputs`` can reach."""
    nodes = [t.grad_fn for t in _tensors_in(outputs) if t.grad_fn is not None]
    leaves = {id(t) for t in _tensors_in(outputs) if t.grad_fn is None}
    seen: set = set()
    while nodes:
        node = nodes.pop()
        if node in seen:
            continue
        seen.add(node)
        for edge in node._edges:
            if edge is None:
                continue
            if isinstance(edge[0], Tensor):
                leaves.add(id(edge[0]))
            else:
                nodes.append(edge[0])
    return leaves


def _tensors_in(value: Any) -> Iterable[Tensor]:
    """The tensors in a nested output (tensors, lists, tuples, dicts)."""
    if isinstance(value, Tensor):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _tensors_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _tensors_in(item)
