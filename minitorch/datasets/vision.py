"""What the image datasets share: ``root``, ``transform``, ``target_transform``, and batches.

``dataset[i]`` gives one ``(image, target)`` pair after the transforms. A DataLoader asks
for a whole batch through ``__getitems__``: when every transform says it handles a batch
(its ``supports_batches`` attribute, set on the transforms of ``minitorch.transforms``
that work on an NHWC array or NCHW tensor at once), the images are cut out with one
fancy index and transformed in one call; any other transform (a ``Lambda``, your own
function) gets one sample at a time, exactly as in PyTorch, and the samples are collated.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from minitorch.utils.data import Dataset, default_collate


def supports_batches(transform: Callable | None) -> bool:
    """True when ``transform`` may be called on a whole batch instead of one sample."""
    return transform is None or bool(getattr(transform, "supports_batches", False))


def to_pil(image: np.ndarray) -> Any:
    """A uint8 HW or HWC array as a ``PIL.Image`` (Pillow is optional: imported only here)."""
    from minitorch.transforms._layout import pil_module  # Pillow, or an ImportError that says how to get it

    return pil_module().fromarray(image[..., 0] if image.ndim == 3 and image.shape[-1] == 1 else image)


class VisionDataset(Dataset):
    """Base of the image datasets: subclasses fill ``_image_array`` (N x H x W [x C] uint8) and ``_target_array``.

    With ``return_pil=True`` an image comes out as a ``PIL.Image`` (what torchvision's datasets
    give); by default it is a uint8 NumPy array (H, W) or (H, W, C), which every transform
    here accepts and which lets a whole batch be cut out of ``_image_array`` with one index.
    """

    def __init__(
        self,
        root: str | os.PathLike,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        return_pil: bool = False,
    ) -> None:
        self.root = Path(root).expanduser()
        self.transform = transform
        self.target_transform = target_transform
        self.return_pil = return_pil

    def __len__(self) -> int:
        return len(self._target_array)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        image, target = self._image_array[index].copy(), int(self._target_array[index])  # a copy: transforms may work in place
        if self.return_pil:
            image = to_pil(image)
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def __getitems__(self, indices: Sequence[int]) -> Any:
        """A batch: one fancy index and one call per transform when they accept batches, else sample by sample."""
        if self.return_pil or not (supports_batches(self.transform) and supports_batches(self.target_transform)):
            return default_collate([self[int(index)] for index in np.asarray(indices).tolist()])
        rows = np.asarray(indices, dtype=np.intp)
        images, targets = self._image_array[rows], self._target_array[rows]
        if self.transform is not None:
            grayscale = images.ndim == 3  # (N, H, W): the transforms get NHWC with one channel
            images = self.transform(images[..., None] if grayscale else images)
            if grayscale and isinstance(images, np.ndarray) and images.shape[-1] == 1:
                images = images[..., 0]  # still an array: the layout dataset[i] would give
        if self.target_transform is not None:
            targets = self.target_transform(targets)
        return images, targets

    def extra_repr(self) -> list[str]:
        return []

    def __repr__(self) -> str:
        lines = [f"Number of datapoints: {len(self)}", f"Root location: {self.root}", *self.extra_repr()]
        if self.transform is not None:
            lines.append(f"StandardTransform\nTransform: {self.transform!r}")
        return "\n    ".join([f"Dataset {type(self).__name__}", *lines])
