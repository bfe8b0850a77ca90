"""Transforms made of transforms: apply some, one, or all in a random order."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from minitorch.transforms._layout import numpy_rng

if TYPE_CHECKING:
    from minitorch import Generator


@dataclass
class Compose:
    """Apply transforms one after the other: ``Compose([ToTensor(), Normalize(m, s)])``."""

    transforms: Sequence[Callable[[Any], Any]]

    @property
    def supports_batches(self) -> bool:
        """True when every transform handles a whole batch (then datasets hand over batches)."""
        return all(getattr(transform, "supports_batches", False) for transform in self.transforms)

    def __call__(self, image: Any) -> Any:
        for transform in self.transforms:
            image = transform(image)
        return image


@dataclass
class RandomApply:
    """Apply all of ``transforms``, in order, with probability ``p`` (one coin per call)."""

    transforms: Sequence[Callable[[Any], Any]]
    p: float = 0.5
    generator: Generator | None = field(default=None, repr=False)

    def __call__(self, image: Any) -> Any:
        if numpy_rng(self.generator).random() >= self.p:
            return image
        for transform in self.transforms:
            image = transform(image)
        return image


@dataclass
class RandomChoice:
    """Apply one transform picked at random (``p``: relative weights, default equal)."""

    transforms: Sequence[Callable[[Any], Any]]
    p: Sequence[float] | None = None
    generator: Generator | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.p is not None and len(self.p) != len(self.transforms):
            raise ValueError(f"Length of p doesn't match the number of transforms: {len(self.p)} != {len(self.transforms)}")

    def __call__(self, image: Any) -> Any:
        weights = None if self.p is None else np.asarray(self.p, dtype=np.float64) / np.sum(self.p)
        index = numpy_rng(self.generator).choice(len(self.transforms), p=weights)
        return self.transforms[index](image)


@dataclass
class RandomOrder:
    """Apply all of ``transforms`` in a random order."""

    transforms: Sequence[Callable[[Any], Any]]
    generator: Generator | None = field(default=None, repr=False)

    def __call__(self, image: Any) -> Any:
        for index in numpy_rng(self.generator).permutation(len(self.transforms)):
            image = self.transforms[index](image)
        return image
