"""What a dataset is: something you can index and take the length of."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

import numpy as np

from minitorch import random
from minitorch.creation import from_numpy

if TYPE_CHECKING:
    from minitorch import Tensor


class Dataset:
    """A map-style dataset: ``dataset[i]`` is sample ``i`` and ``len(dataset)`` counts them.

    Subclasses implement ``__getitem__`` and ``__len__``. They may also implement
    ``__getitems__(indices)``, which gets a 1-D integer array and returns the whole
    batch at once, already stacked: the same structure as one sample, with NumPy
    arrays or Tensors whose first dimension is ``len(indices)``. The DataLoader
    then uses it instead of ``len(indices)`` calls to ``__getitem__`` plus a
    collate, which turns a Python loop over samples into one NumPy fancy index.
    """

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement __len__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A stream of samples: subclasses implement ``__iter__`` (a file read line by line, a generator).

    A DataLoader iterates it once per epoch and groups what comes out into batches; ``shuffle``
    and ``sampler`` do not apply. With ``num_workers > 0`` PyTorch runs a copy of the dataset in
    every worker process (each yields everything unless it splits the work with
    ``get_worker_info()``); minitorch's single background thread iterates the one dataset, and
    ``get_worker_info()`` says ``num_workers == 1``, so splitting code yields each sample once.
    """

    def __iter__(self) -> Iterator:
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")

    def __getitem__(self, index: int) -> Any:
        raise TypeError(f"{type(self).__name__} is an IterableDataset: iterate it, it cannot be indexed")

    def __add__(self, other: Dataset) -> ChainDataset:
        return ChainDataset([self, other])


class ConcatDataset(Dataset):
    """The samples of several map-style datasets one after the other: ``len`` is the sum."""

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        if any(isinstance(d, IterableDataset) for d in self.datasets):
            raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int) -> Any:
        if index < 0:
            if -index > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            index += len(self)
        if index >= len(self):
            raise IndexError(f"index {index} is out of range for a ConcatDataset of length {len(self)}")
        which = bisect.bisect_right(self.cumulative_sizes, index)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][index - start]


class ChainDataset(IterableDataset):
    """Several iterable datasets one after the other (chaining is done on the fly)."""

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = list(datasets)

    def __iter__(self) -> Iterator:
        for dataset in self.datasets:
            if not isinstance(dataset, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from dataset

    def __len__(self) -> int:
        return sum(len(dataset) for dataset in self.datasets)


class TensorDataset(Dataset):
    """Samples are the rows of some tensors: ``dataset[i] == (t[i] for t in tensors)``.

    ``TensorDataset(images, labels)`` pairs image ``i`` with label ``i``, so all
    tensors must have the same size in their first dimension. The tensors live
    on the CPU; move each batch to the GPU in the training loop.
    """

    def __init__(self, *tensors: Tensor) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        if any(len(t.shape) == 0 for t in tensors):
            shapes = [tuple(t.shape) for t in tensors]
            raise ValueError(f"TensorDataset indexes the first dimension: no tensor may be 0-dimensional, got {shapes}")
        sizes = [t.shape[0] for t in tensors]
        if len(set(sizes)) > 1:
            raise ValueError(f"all tensors must have the same size in their first dimension, got sizes {sizes}")
        self.tensors = tensors
        self._arrays = [t.detach().numpy() for t in tensors]  # views: no copy

    def __getitem__(self, index: int) -> tuple[Tensor, ...]:
        # a[index, ...] is a view even when `a` is 1-D (a[index] would be a NumPy scalar).
        return tuple(from_numpy(array[index, ...]) for array in self._arrays)

    def __getitems__(self, indices: Sequence[int]) -> tuple[Tensor, ...]:
        """A whole batch as one fancy index per tensor."""
        rows = np.asarray(indices, dtype=np.intp)
        return tuple(from_numpy(array[rows]) for array in self._arrays)

    def __len__(self) -> int:
        return len(self._arrays[0])


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices`` (a whole batch at a time when it can)."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.intp)

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: int) -> Any:
        return self.dataset[int(self.indices[index])]

    def __getattr__(self, name: str) -> Any:
        if name == "__getitems__" and hasattr(self.dataset, "__getitems__"):
            return lambda indices: self.dataset.__getitems__(self.indices[np.asarray(indices, dtype=np.intp)])
        raise AttributeError(name)


def random_split(dataset: Dataset, lengths: Sequence[Any], generator: Any = None) -> list:
    """Split into non-overlapping random subsets of the given lengths (or fractions summing to 1)."""
    total = len(dataset)
    if all(isinstance(n, float) for n in lengths) and abs(sum(lengths) - 1) < 1e-9:
        counts = [int(n * total) for n in lengths]
        for i in range(total - sum(counts)):
            counts[i % len(counts)] += 1
    else:
        counts = [int(n) for n in lengths]
    if sum(counts) != total:
        raise ValueError(f"Sum of input lengths ({sum(counts)}) does not equal the length of the input dataset ({total})!")
    order = random.rng_of(generator).permutation(total)
    starts = np.cumsum([0] + counts[:-1])
    return [Subset(dataset, order[start:start + count]) for start, count in zip(starts, counts)]
