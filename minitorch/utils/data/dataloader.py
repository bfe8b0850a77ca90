"""DataLoader: split a dataset into (shuffled) batches and load the next one in the background.

One epoch is one pass over the dataset. At the start of each epoch the loader asks its
``batch_sampler`` for this epoch's batches of indices (by default: a :class:`BatchSampler`
over a sequential or random order, see ``sampler.py``); then each batch of indices is
fetched from the dataset and collated into Tensors. Fetching runs in a background thread
(``worker.py``) a couple of batches ahead, so the next batch is being prepared while the
model computes on the current one.
"""
from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

import numpy as np

from minitorch import random
from minitorch.random import Generator, manual_seed
from minitorch.utils.data.collate import as_tensors, default_collate, default_convert
from minitorch.utils.data.dataset import IterableDataset
from minitorch.utils.data.pin_memory import pin_memory, pinning_available
from minitorch.utils.data.sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler
from minitorch.utils.data.worker import PrefetchIterator, WorkerInfo, get_worker_info

if TYPE_CHECKING:
    from minitorch.utils.data.dataset import Dataset

__all__ = ["DataLoader", "WorkerInfo", "default_collate", "get_worker_info"]

PREFETCH_DEPTH = 2  # batches the background thread prepares ahead (PyTorch's default prefetch_factor)


class DataLoader:
    """Iterate over a dataset in batches: ``for images, labels in DataLoader(dataset, 64, shuffle=True)``.

    The arguments are PyTorch's:

    - ``len(loader)`` is the number of batches per epoch; the last one is smaller
      when ``len(dataset)`` is not a multiple of ``batch_size``, unless ``drop_last``.
      ``batch_size=None`` yields the samples one by one, without a batch dimension.
    - ``shuffle=True`` draws a new order every epoch from ``generator``, or, when it
      is None, from a seed taken from ``random.default_generator``, so
      ``manual_seed(s)`` makes the whole run reproducible. ``sampler`` chooses
      the order instead, ``batch_sampler`` whole batches.
    - Batches are built by ``collate_fn`` (default: :func:`default_collate`). Without a
      ``collate_fn``, a dataset with ``__getitems__`` hands over whole batches at once.
    - ``num_workers > 0`` (or ``prefetch=True``, the default) loads in one background
      thread, ``prefetch_factor`` batches ahead; ``worker_init_fn(0)`` runs first in it;
      ``timeout`` limits the wait for a batch. ``prefetch=False, num_workers=0`` loads in
      the calling thread (simplest to debug). ``persistent_workers`` is accepted: the
      thread is cheap and starts each epoch.
    - ``pin_memory=True`` stages batches in page-locked memory when CuPy and a GPU are there.
    - ``multiprocessing_context``, ``pin_memory_device`` and ``in_order`` are accepted and have
      nothing to choose: there are no processes, one pinning device, and batches come in order.
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Sampler | Iterable | None = None,
        batch_sampler: Sampler | Iterable | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[list], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        generator: Generator | None = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
        prefetch: bool = True,
    ) -> None:
        if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1):
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        if isinstance(num_workers, bool) or not isinstance(num_workers, numbers.Integral) or num_workers < 0:
            raise ValueError(f"num_workers must be a non-negative integer, got {num_workers!r}")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                             "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
        if prefetch_factor is not None and (not isinstance(prefetch_factor, numbers.Integral) or prefetch_factor < 1):
            raise ValueError(f"prefetch_factor must be a positive integer, got {prefetch_factor!r}")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.prefetch = prefetch
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.persistent_workers = persistent_workers
        self.generator = generator
        self.pin_memory = bool(pin_memory) and pinning_available()
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            for name, value in (("shuffle", shuffle), ("sampler", sampler), ("batch_sampler", batch_sampler)):
                if value not in (None, False):
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, but got {name}={value}")
        elif sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size, self.drop_last = batch_size, drop_last
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self.shuffle = bool(shuffle)
        self.collate_fn = collate_fn

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None or (self._iterable and self.batch_size is not None)

    def __len__(self) -> int:
        if self._iterable:
            size = len(self.dataset)  # a TypeError when the stream has no length, as in PyTorch
            if self.batch_size is None:
                return size
            full, rest = divmod(size, self.batch_size)
            return full + (1 if rest and not self.drop_last else 0)
        return len(self.batch_sampler) if self.batch_sampler is not None else len(self.sampler)

    def __iter__(self) -> Iterator:
        # Everything random is decided here, in the calling thread, before any background work
        # starts: that is what keeps seeded runs reproducible. (An IterableDataset is read by
        # the thread that loads it.)
        if self._iterable:
            items: Iterable = self._stream_batches()
            fetch = self._finish
        else:
            items = list(self.batch_sampler) if self.batch_sampler is not None else list(self.sampler)
            fetch = self._fetch if self._auto_collation else self._fetch_one
        if not (self.prefetch or self.num_workers > 0):
            return map(fetch, items)
        seed = int(self._rng().integers(2**63))
        info = WorkerInfo(0, 1, seed, self.dataset, Generator().manual_seed(seed))
        depth = self.prefetch_factor if self.prefetch_factor is not None else PREFETCH_DEPTH
        return PrefetchIterator(items, fetch, info, depth, self.worker_init_fn, self.timeout)

    def _rng(self) -> np.random.Generator:
        source = self.generator if self.generator is not None else random.default_generator
        return source.numpy_rng

    def _finish(self, batch: Any) -> Any:
        return pin_memory(batch) if self.pin_memory else batch

    def _fetch(self, indices: list[int]) -> Any:
        """Load one batch: ``__getitems__`` when possible, else sample by sample and collate."""
        if self.collate_fn is None and hasattr(self.dataset, "__getitems__"):
            return self._finish(as_tensors(self.dataset.__getitems__(np.asarray(indices, dtype=np.intp))))
        collate = self.collate_fn if self.collate_fn is not None else default_collate
        return self._finish(collate([self.dataset[index] for index in indices]))

    def _fetch_one(self, index: int) -> Any:
        convert = self.collate_fn if self.collate_fn is not None else default_convert
        return self._finish(convert(self.dataset[index]))

    def _stream_batches(self) -> Iterator:
        """An IterableDataset's samples, collated into batches as they come."""
        if self.batch_size is None:
            convert = self.collate_fn if self.collate_fn is not None else default_convert
            yield from (convert(sample) for sample in self.dataset)
            return
        collate = self.collate_fn if self.collate_fn is not None else default_collate
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield collate(batch)
                batch = []
        if batch and not self.drop_last:
            yield collate(batch)
