"""``DistributedSampler``: each rank reads its own share of the dataset, a new share every epoch.

With N ranks the dataset's (shuffled) order is dealt out like cards: rank r takes positions
r, r + N, r + 2N, … so the shares are disjoint and together cover the dataset. Every rank draws
the same order, because the order depends only on ``seed + epoch``; call ``set_epoch(epoch)``
at the start of each epoch, or every epoch repeats the first one's order.

When the dataset does not divide evenly, the order is padded with its own first indices so every
rank gets the same number of samples (each rank must run the same number of steps, or the
all-reduces would wait forever), or, with ``drop_last=True``, the tail is dropped instead.
"""
from __future__ import annotations

import math
from typing import Any, Iterator, Optional

from minitorch import distributed as dist
from minitorch.creation import randperm
from minitorch.random import Generator
from minitorch.utils.data.sampler import Sampler


class DistributedSampler(Sampler):
    """Indices of this rank's share of ``dataset``; pass it as ``DataLoader(dataset, sampler=...)``."""

    def __init__(self, dataset: Any, num_replicas: Optional[int] = None, rank: Optional[int] = None,
                 shuffle: bool = True, seed: int = 0, drop_last: bool = False) -> None:
        if num_replicas is None or rank is None:
            if not dist.is_initialized():
                raise RuntimeError("DistributedSampler needs num_replicas and rank, or an initialised process "
                                   "group (call dist.init_process_group first)")
            num_replicas = dist.get_world_size() if num_replicas is None else num_replicas
            rank = dist.get_rank() if rank is None else rank
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas, self.rank = num_replicas, rank
        self.shuffle, self.seed, self.drop_last = shuffle, seed, drop_last
        self.epoch = 0
        size = len(dataset)
        if drop_last and size % num_replicas != 0:
            self.num_samples = math.ceil((size - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(size / num_replicas)
        self.total_size = self.num_samples * num_replicas

    def __iter__(self) -> Iterator[int]:
        size = len(self.dataset)
        if self.shuffle:
            generator = Generator().manual_seed(self.seed + self.epoch)  # the same order on every rank
            indices = randperm(size, generator=generator).tolist()
        else:
            indices = list(range(size))
        if self.drop_last:
            indices = indices[:self.total_size]
        else:
            padding = self.total_size - len(indices)
            indices += (indices * math.ceil(padding / max(len(indices), 1)))[:padding]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Use the order of ``epoch`` (every rank must pass the same number)."""
        self.epoch = epoch
