"""FakeData: random images with random labels, as ``torchvision.datasets.FakeData``, for trying a pipeline."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from minitorch.datasets.vision import to_pil
from minitorch.utils.data import Dataset


class FakeData(Dataset):
    """``size`` random uint8 images of ``image_size`` (C, H, W) and labels in ``0..num_classes - 1``.

    Sample ``i`` is the same every time (its own generator is seeded with ``i + random_offset``).
    Images come as (H, W, C) uint8 arrays, or ``PIL.Image`` with ``return_pil=True`` (torchvision's).
    """

    def __init__(self, size: int = 1000, image_size: Sequence[int] = (3, 224, 224), num_classes: int = 10,
                 transform: Callable | None = None, target_transform: Callable | None = None, random_offset: int = 0,
                 return_pil: bool = False) -> None:
        if len(image_size) != 3 or image_size[0] not in (1, 3, 4):
            raise ValueError(f"image_size must be (C, H, W) with 1, 3 or 4 channels, got {tuple(image_size)}")
        self.size, self.image_size, self.num_classes = size, tuple(image_size), num_classes
        self.transform, self.target_transform = transform, target_transform
        self.random_offset, self.return_pil = random_offset, return_pil

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        if not -self.size <= index < self.size:
            raise IndexError(f"{type(self).__name__} index out of range")
        rng = np.random.default_rng(index % self.size + self.random_offset)
        channels, height, width = self.image_size
        image = rng.integers(0, 256, size=(height, width, channels), dtype=np.uint8)
        target = int(rng.integers(0, self.num_classes))
        if self.return_pil:
            image = to_pil(image)
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target
