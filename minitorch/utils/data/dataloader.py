"""DataLoader: split a dataset into (shuffled) batches and load the next one in the background.

One epoch is one pass over the dataset. At the start of each epoch the loader
decides the order of the samples and cuts it into batches of indices; then
each batch of indices is fetched from the dataset and collated into Tensors.
Fetching runs in a background thread a couple of batches ahead, so the next
batch is being prepared while the model computes on the current one (NumPy
and BLAS release Python's GIL during big copies and matrix products, so the
two really overlap).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator

import numpy as np

import minitorch

if TYPE_CHECKING:
    from minitorch import Generator
    from minitorch.utils.data.dataset import Dataset

PREFETCH_DEPTH = 2  # batches the background thread may prepare ahead of the training loop
_STOP_POLL_SECONDS = 0.05  # how often a background thread blocked on a full queue checks for a stop
_NUMERIC_KINDS = "biuf"  # NumPy dtype kinds of bool, signed and unsigned int, float


# ----- collate: a list of samples -> one batch -----


def default_collate(samples: list) -> Any:
    """Stack a list of samples into one batch with the same structure as a sample.

    As ``torch.utils.data.default_collate``: Tensors and NumPy arrays are stacked
    along a new first dimension; Python ints become an int64 Tensor, floats a
    float64 Tensor, bools a bool Tensor; strings stay a list; dicts, tuples,
    namedtuples and lists are collated field by field. (PyTorch returns a list
    for tuple samples; minitorch keeps the tuple.)
    """
    first = samples[0]
    if isinstance(first, minitorch.Tensor):
        return minitorch.stack(samples, dim=0)
    if isinstance(first, (np.ndarray, np.generic)):
        return _stack_arrays(samples)
    if isinstance(first, (bool, int, float)):  # bool before int: True is an int in Python
        dtype = np.bool_ if isinstance(first, bool) else np.int64 if isinstance(first, int) else np.float64
        return minitorch.from_numpy(np.array(samples, dtype=dtype))
    if isinstance(first, (str, bytes)):
        return list(samples)
    if isinstance(first, Mapping):
        return {key: default_collate([sample[key] for sample in samples]) for key in first}
    if isinstance(first, (tuple, list)):
        return _collate_sequences(samples)
    raise TypeError(
        "default_collate: samples must be Tensors, NumPy arrays, numbers, strings, dicts, "
        f"tuples or lists; got {type(first).__name__}"
    )


def _stack_arrays(arrays: list) -> Any:
    dtype = np.asarray(arrays[0]).dtype
    if dtype.kind not in _NUMERIC_KINDS:
        raise TypeError(f"default_collate: cannot make a Tensor from NumPy arrays of dtype {dtype}")
    return minitorch.from_numpy(np.stack(arrays))


def _collate_sequences(samples: list) -> Any:
    first = samples[0]
    if any(len(sample) != len(first) for sample in samples):
        lengths = sorted({len(sample) for sample in samples})
        raise ValueError(f"default_collate: all samples must have the same number of fields, got lengths {lengths}")
    fields = [default_collate(list(field)) for field in zip(*samples)]
    if hasattr(first, "_fields"):  # a namedtuple: rebuild the same type
        return type(first)(*fields)
    return tuple(fields) if isinstance(first, tuple) else fields


def _as_tensors(batch: Any) -> Any:
    """Turn the NumPy arrays in a batch returned by ``__getitems__`` into Tensors."""
    if isinstance(batch, np.ndarray):
        return minitorch.from_numpy(np.ascontiguousarray(batch))
    if isinstance(batch, Mapping):
        return {key: _as_tensors(value) for key, value in batch.items()}
    if isinstance(batch, (tuple, list)):
        return type(batch)(_as_tensors(value) for value in batch)
    return batch


# ----- the background thread's own random numbers -----


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


# ----- the loader -----


class DataLoader:
    """Iterate over a dataset in batches: ``for images, labels in DataLoader(dataset, 64, shuffle=True)``.

    - ``len(loader)`` is the number of batches per epoch; the last one is smaller
      when ``len(dataset)`` is not a multiple of ``batch_size``, unless ``drop_last``.
    - ``shuffle=True`` draws a new order every epoch from ``generator``, or, when it
      is None, from a seed taken from ``minitorch.random.default_generator``, so
      ``minitorch.manual_seed(s)`` makes the whole run reproducible.
    - Batches are built by ``collate_fn`` (default: :func:`default_collate`). Without a
      ``collate_fn``, a dataset with ``__getitems__`` hands over whole batches at once.
    - ``prefetch=True`` loads batches in one background thread. ``num_workers`` is
      accepted so PyTorch code runs unchanged: any value above 0 also means "load in
      the background", done by that one thread. ``prefetch=False, num_workers=0``
      loads in the calling thread (simplest to debug).
    - ``sampler`` (e.g. a ``DistributedSampler``) decides the order of the samples
      instead of ``shuffle``: the loader batches the indices it yields.
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        generator: Generator | None = None,
        collate_fn: Callable[[list], Any] | None = None,
        num_workers: int = 0,
        prefetch: bool = True,
        sampler: Any = None,
    ) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError(f"num_workers must be a non-negative integer, got {num_workers!r}")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        self.dataset = dataset
        self.sampler = sampler
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.generator = generator
        self.collate_fn = collate_fn
        self.num_workers = num_workers
        self.prefetch = prefetch

    def __len__(self) -> int:
        full, rest = divmod(len(self.dataset) if self.sampler is None else len(self.sampler), self.batch_size)
        return full + (1 if rest and not self.drop_last else 0)

    def __iter__(self) -> Iterator:
        # Everything random is decided here, in the calling thread, before any
        # background work starts: that is what keeps seeded runs reproducible.
        batches = self._batch_indices()
        if not (self.prefetch or self.num_workers > 0):
            return map(self._fetch, batches)
        seed = int(self._rng().integers(2**63))
        info = WorkerInfo(0, 1, seed, self.dataset, minitorch.Generator().manual_seed(seed))
        return _PrefetchIterator(batches, self._fetch, info)

    def _rng(self) -> np.random.Generator:
        source = self.generator if self.generator is not None else minitorch.random.default_generator
        return source.numpy_rng

    def _batch_indices(self) -> list[np.ndarray]:
        """This epoch's sample order, cut into batches."""
        size = len(self.dataset)
        if self.sampler is not None:
            order = np.fromiter(self.sampler, dtype=np.int64, count=len(self.sampler))
        elif self.shuffle:
            # Like PyTorch's RandomSampler: one seed per epoch from the generator, so the
            # generator advances by one draw whatever the size of the dataset.
            order = np.random.default_rng(int(self._rng().integers(2**63))).permutation(size)
        else:
            order = np.arange(size)
        starts = range(0, len(self) * self.batch_size, self.batch_size)
        return [order[start : start + self.batch_size] for start in starts]

    def _fetch(self, indices: np.ndarray) -> Any:
        """Load one batch: ``__getitems__`` when possible, else sample by sample and collate."""
        if self.collate_fn is None and hasattr(self.dataset, "__getitems__"):
            return _as_tensors(self.dataset.__getitems__(indices))
        collate = self.collate_fn if self.collate_fn is not None else default_collate
        return collate([self.dataset[index] for index in indices.tolist()])


# ----- prefetching in a background thread -----


class _EndOfEpoch:
    """Put on the queue after the last batch."""


class _WorkerError:
    """Carries an exception from the background thread to the training loop."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


class _PrefetchIterator:
    """Yields ``fetch(indices)`` for each batch, computed ``PREFETCH_DEPTH`` batches ahead by a thread.

    The thread only knows the queue and a stop flag, never this object, so when
    the training loop breaks early this iterator is garbage collected at once,
    and ``__del__`` stops the thread.
    """

    def __init__(self, batches: list[np.ndarray], fetch: Callable[[np.ndarray], Any], info: WorkerInfo) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=PREFETCH_DEPTH)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=_produce,
            args=(batches, fetch, info, self._queue, self._stop),
            name="minitorch-dataloader",
            daemon=True,
        )
        self._thread.start()

    def __iter__(self) -> _PrefetchIterator:
        return self

    def __next__(self) -> Any:
        if self._stop.is_set():
            raise StopIteration
        item = self._queue.get()
        if isinstance(item, _EndOfEpoch):
            self.close()
            raise StopIteration
        if isinstance(item, _WorkerError):
            self.close()
            raise item.error  # its traceback still shows where in the dataset it happened
        return item

    def close(self) -> None:
        """Stop the background thread and wait for it to finish its current batch."""
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join()

    def __del__(self) -> None:
        self.close()


def _produce(batches: list, fetch: Callable, info: WorkerInfo, out: queue.Queue, stop: threading.Event) -> None:
    """The background thread: fetch each batch and queue it, until done or told to stop."""
    _worker.info = info
    try:
        for indices in batches:
            if stop.is_set() or not _put(out, fetch(indices), stop):
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
