"""The loader's background thread: it prepares the next batches while the model computes.

minitorch has one background "worker": a thread, not a process. NumPy and BLAS release
Python's GIL during big copies and matrix products, so loading and training really overlap,
and nothing needs to be pickled or duplicated. ``num_workers > 0`` selects this thread (any
value: there is always one), ``prefetch_factor`` says how many batches it may prepare ahead.
"""
from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable

if TYPE_CHECKING:
    from minitorch import Generator

_STOP_POLL_SECONDS = 0.05  # how often a background thread blocked on a full queue checks for a stop


@dataclass(frozen=True)
class WorkerInfo:
    """What code running inside the loader's background thread can ask about it.

    ``generator`` is seeded anew each epoch from the main thread (like the
    per-worker seed of PyTorch's worker processes), so random transforms run in
    the background stay reproducible under ``minitorch.manual_seed`` no matter
    how their draws interleave with the main thread's.
    """

    id: int
    num_workers: int
    seed: int
    dataset: Any
    generator: Generator


_worker = threading.local()


def get_worker_info() -> WorkerInfo | None:
    """The :class:`WorkerInfo` when called from a loader thread, else None (as PyTorch's)."""
    return getattr(_worker, "info", None)


class _EndOfEpoch:
    """Put on the queue after the last batch."""


class _WorkerError:
    """Carries an exception from the background thread to the training loop."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


class PrefetchIterator:
    """Yields ``fetch(item)`` for each work item, computed up to ``depth`` batches ahead by a thread.

    The thread only knows the queue and a stop flag, never this object, so when
    the training loop breaks early this iterator is garbage collected at once,
    and ``__del__`` stops the thread. ``init_fn(worker_id)`` runs first in the thread;
    with ``timeout > 0`` waiting longer than that for a batch raises ``RuntimeError``.
    """

    def __init__(self, items: Iterable, fetch: Callable[[Any], Any], info: WorkerInfo, depth: int = 2,
                 init_fn: Callable[[int], None] | None = None, timeout: float = 0) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._timeout = timeout
        self._thread = threading.Thread(
            target=_produce,
            args=(items, fetch, info, init_fn, self._queue, self._stop),
            name="minitorch-dataloader",
            daemon=True,
        )
        self._thread.start()

    def __iter__(self) -> PrefetchIterator:
        return self

    def __next__(self) -> Any:
        if self._stop.is_set():
            raise StopIteration
        try:
            item = self._queue.get(timeout=self._timeout if self._timeout > 0 else None)
        except queue.Empty:
            self.close(wait=False)
            raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds") from None
        if isinstance(item, _EndOfEpoch):
            self.close()
            raise StopIteration
        if isinstance(item, _WorkerError):
            self.close()
            raise item.error  # its traceback still shows where in the dataset it happened
        return item

    def close(self, wait: bool = True) -> None:
        """Stop the background thread and (unless ``wait=False``) wait for it to finish its current batch."""
        self._stop.set()
        if wait and self._thread is not threading.current_thread():
            self._thread.join()

    def __del__(self) -> None:
        self.close()


def _produce(items: Iterable, fetch: Callable, info: WorkerInfo, init_fn: Callable | None, out: queue.Queue,
             stop: threading.Event) -> None:
    """The background thread: fetch each batch and queue it, until done or told to stop."""
    _worker.info = info
    try:
        if init_fn is not None:
            init_fn(info.id)
        for item in items:
            if stop.is_set() or not _put(out, fetch(item), stop):
                return
        _put(out, _EndOfEpoch(), stop)
    except BaseException as error:  # whatever stops the thread is re-raised in the training loop
        _put(out, _WorkerError(error), stop)


def _put(out: queue.Queue, item: Any, stop: threading.Event) -> bool:
    """Queue ``item``, waiting while the queue is full; False if told to stop meanwhile."""
    while not stop.is_set():
        try:
            out.put(item, timeout=_STOP_POLL_SECONDS)
            return True
        except queue.Full:
            continue
    return False
