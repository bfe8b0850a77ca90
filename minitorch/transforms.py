"""Image transforms, as ``torchvision.transforms``, for one image or a whole batch at once.

Two layouts meet here:

- a NumPy array is an image as it is stored: channels last, ``HWC``
  (``NHWC`` for a batch), usually ``uint8`` in 0..255;
- a Tensor is an image as layers want it: channels first, ``CHW``
  (``NCHW`` for a batch), usually ``float32``.

:class:`ToTensor` turns the first into the second. The random transforms accept
both, and give every image of a batch its own random crop or flip using NumPy
fancy indexing, with no Python loop over the images.

Random transforms draw from their ``generator`` argument or, when it is None,
from ``minitorch.random.default_generator`` (inside a DataLoader's background
thread: from that thread's own seeded generator), so ``minitorch.manual_seed``
makes them reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Sequence, Union

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import minitorch
from minitorch.utils.data import get_worker_info

if TYPE_CHECKING:
    from minitorch import Generator, Tensor

Image = Union[np.ndarray, "Tensor"]
PADDING_MODES = ("constant", "edge", "reflect", "symmetric")  # the np.pad modes torchvision offers


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
class ToTensor:
    """``uint8`` HWC array -> ``float32`` CHW Tensor in [0, 1]; a NHWC batch -> NCHW.

    Arrays of other dtypes only change layout, they are not rescaled (as in
    torchvision). A 2-D array is a grayscale image and gets one channel.
    """

    supports_batches = True

    def __call__(self, image: np.ndarray) -> Tensor:
        if not isinstance(image, np.ndarray):
            raise TypeError(f"ToTensor expects a NumPy array (HWC or NHWC), got {type(image).__name__}")
        if image.ndim == 2:
            image = image[:, :, None]
        if image.ndim not in (3, 4):
            raise ValueError(f"ToTensor expects an HWC image or an NHWC batch, got shape {image.shape}")
        channels_first = np.moveaxis(image, -1, -3)
        if image.dtype != np.uint8:
            return minitorch.from_numpy(np.ascontiguousarray(channels_first))
        scaled = channels_first.astype(np.float32, order="C")
        scaled /= 255
        return minitorch.from_numpy(scaled)


@dataclass
class Normalize:
    """``(x - mean) / std`` per channel, on a float CHW Tensor or NCHW batch.

    ``mean`` and ``std`` hold one value per channel (or one value for all).
    With ``inplace=True`` the input Tensor itself is overwritten and returned.
    """

    supports_batches = True

    mean: Sequence[float]
    std: Sequence[float]
    inplace: bool = False

    def __post_init__(self) -> None:
        self.mean, self.std = tuple(map(float, self.mean)), tuple(map(float, self.std))
        if 0.0 in self.std:
            raise ValueError(f"Normalize: std {self.std} contains a zero, which would divide by zero")

    def __call__(self, tensor: Tensor) -> Tensor:
        if not isinstance(tensor, minitorch.Tensor):
            raise TypeError(f"Normalize expects a Tensor (apply ToTensor first), got {type(tensor).__name__}")
        if tensor.ndim not in (3, 4):
            raise ValueError(f"Normalize expects a CHW Tensor or an NCHW batch, got shape {tuple(tensor.shape)}")
        values = tensor.numpy()
        if values.dtype.kind != "f":
            raise TypeError(f"Normalize expects a float Tensor, got {values.dtype} (apply ToTensor first)")
        mean = self._per_channel("mean", self.mean, values)
        std = self._per_channel("std", self.std, values)
        if not self.inplace:
            return minitorch.from_numpy((values - mean) / std)
        values -= mean
        values /= std
        return tensor

    @staticmethod
    def _per_channel(name: str, numbers: tuple, values: np.ndarray) -> np.ndarray:
        """``numbers`` shaped (C, 1, 1) to broadcast over the channels of ``values``."""
        channels = values.shape[-3]
        if len(numbers) not in (1, channels):
            raise ValueError(f"Normalize: {name} has {len(numbers)} values but the tensor has {channels} channels")
        return np.asarray(numbers, dtype=values.dtype).reshape(-1, 1, 1)


@dataclass
class RandomCrop:
    """Pad the image (``padding``, with ``fill`` zeros by default), then cut out ``size`` at a random place.

    ``size`` is an int (square) or ``(height, width)``. ``padding`` is an int
    for all sides, ``(left/right, top/bottom)`` or ``(left, top, right, bottom)``.
    ``pad_if_needed`` pads an image smaller than ``size`` so the crop fits.
    ``padding_mode`` is ``"constant"`` (uses ``fill``), ``"edge"``, ``"reflect"`` or ``"symmetric"``.
    """

    supports_batches = True

    size: int | Sequence[int]
    padding: int | Sequence[int] | None = None
    pad_if_needed: bool = False
    fill: float = 0
    padding_mode: str = "constant"
    generator: Generator | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.size = _height_width(self.size)
        self.padding = _left_top_right_bottom(self.padding)
        if self.padding_mode not in PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {PADDING_MODES}, got {self.padding_mode!r}")

    def __call__(self, image: Image) -> Image:
        batch = self._pad(_as_nhwc(image))
        count, height, width, _ = batch.shape
        crop_height, crop_width = self.size
        if crop_height > height or crop_width > width:
            raise ValueError(
                f"RandomCrop: crop size {self.size} is larger than the (padded) image size {(height, width)}"
            )
        rng = _numpy_rng(self.generator)
        tops = rng.integers(0, height - crop_height + 1, size=count)  # one offset per image
        lefts = rng.integers(0, width - crop_width + 1, size=count)
        # Every possible crop of every image, as a view (nothing is copied yet):
        # windows[n, top, left] is image n's crop at (top, left), of shape (C, crop_height, crop_width).
        windows = sliding_window_view(batch, self.size, axis=(1, 2))
        crops = windows[np.arange(count), tops, lefts]  # one gather for the whole batch: (N, C, h, w)
        return _like(np.moveaxis(crops, 1, -1), image)

    def _pad(self, batch: np.ndarray) -> np.ndarray:
        left, top, right, bottom = self.padding
        if self.pad_if_needed:  # as torchvision: pad both sides by the missing amount
            missing_height = max(self.size[0] - (batch.shape[1] + top + bottom), 0)
            missing_width = max(self.size[1] - (batch.shape[2] + left + right), 0)
            top, bottom = top + missing_height, bottom + missing_height
            left, right = left + missing_width, right + missing_width
        if not any((left, top, right, bottom)):
            return batch
        widths = ((0, 0), (top, bottom), (left, right), (0, 0))
        if self.padding_mode == "constant":
            return np.pad(batch, widths, mode="constant", constant_values=self.fill)
        return np.pad(batch, widths, mode=self.padding_mode)


@dataclass
class RandomHorizontalFlip:
    """Mirror each image left-to-right with probability ``p``."""

    supports_batches = True

    p: float = 0.5
    generator: Generator | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not 0.0 <= self.p <= 1.0:
            raise ValueError(f"RandomHorizontalFlip: p must be a probability in [0, 1], got {self.p}")

    def __call__(self, image: Image) -> Image:
        batch = _as_nhwc(image)
        flip = _numpy_rng(self.generator).random(len(batch)) < self.p  # one coin per image
        flipped = batch.copy()
        flipped[flip] = batch[flip, :, ::-1]  # reverse the width axis of the chosen images
        return _like(flipped, image)


# ----- helpers -----


def _numpy_rng(generator: Generator | None) -> np.random.Generator:
    """The NumPy generator to draw from: the given one, the loader thread's, or the default."""
    if generator is None:
        worker = get_worker_info()
        generator = worker.generator if worker is not None else minitorch.random.default_generator
    return generator.numpy_rng


def _as_nhwc(image: Image) -> np.ndarray:
    """A view of ``image`` as an NHWC array (N = 1 for a single image); no copy."""
    is_tensor = isinstance(image, minitorch.Tensor)
    if not (is_tensor or isinstance(image, np.ndarray)):
        raise TypeError(f"expected a NumPy array or a Tensor, got {type(image).__name__}")
    if image.ndim not in (3, 4):
        layouts = "a CHW or NCHW Tensor" if is_tensor else "an HWC or NHWC array"
        raise ValueError(f"expected {layouts}, got shape {tuple(image.shape)}")
    array = np.moveaxis(image.numpy(), -3, -1) if is_tensor else image
    return array if array.ndim == 4 else array[None]


def _like(batch: np.ndarray, image: Image) -> Image:
    """Put an NHWC result back into the type and layout of ``image``, as a contiguous array."""
    result = batch if image.ndim == 4 else batch[0]
    if isinstance(image, minitorch.Tensor):
        return minitorch.from_numpy(np.ascontiguousarray(np.moveaxis(result, -1, -3)))
    return np.ascontiguousarray(result)


def _height_width(size: int | Sequence[int]) -> tuple[int, int]:
    pair = (size, size) if isinstance(size, int) else tuple(size)
    if len(pair) == 1:
        pair = pair * 2
    if len(pair) != 2 or not all(isinstance(n, int) and n > 0 for n in pair):
        raise ValueError(f"size must be a positive int or a (height, width) pair, got {size!r}")
    return pair


def _left_top_right_bottom(padding: int | Sequence[int] | None) -> tuple[int, int, int, int]:
    if padding is None:
        return (0, 0, 0, 0)
    sides = (padding,) * 4 if isinstance(padding, int) else tuple(padding)
    if len(sides) == 2:
        sides = sides * 2  # (left/right, top/bottom)
    if len(sides) != 4 or not all(isinstance(n, int) and n >= 0 for n in sides):
        raise ValueError(
            "padding must be a non-negative int, (left/right, top/bottom) or (left, top, right, bottom), "
            f"got {padding!r}"
        )
    return sides
