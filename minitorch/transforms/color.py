"""Transforms that change pixel values: colour jitter, grayscale, blur, erasing.

On arrays and Tensors each image of a batch draws its own factors, and the formulas
(``_color.py``) take one factor per image, so a batch is still one vectorised call.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from minitorch.tensor import Tensor
from minitorch.transforms import _color
from minitorch.transforms import functional as F
from minitorch.transforms._layout import Image, as_batch, is_pil, like, numpy_rng, symmetric_range

if TYPE_CHECKING:
    from minitorch import Generator

JITTER_STEPS = ("brightness", "contrast", "saturation", "hue")
NEUTRAL = {"brightness": (1.0, 1.0), "contrast": (1.0, 1.0), "saturation": (1.0, 1.0), "hue": (0.0, 0.0)}  # no change
_BATCH_JITTER = {"brightness": _color.adjust_brightness, "contrast": _color.adjust_contrast,
                 "saturation": _color.adjust_saturation, "hue": _color.adjust_hue}


@dataclass
class ColorJitter:
    """Random brightness, contrast, saturation and hue changes, applied in a random order (torchvision's).

    A number ``v`` means a factor drawn from ``[max(0, 1 - v), 1 + v]`` (``[-v, v]`` for hue,
    at most 0.5); a pair ``(low, high)`` is the range itself.
    """

    brightness: float | Sequence[float] = 0
    contrast: float | Sequence[float] = 0
    saturation: float | Sequence[float] = 0
    hue: float | Sequence[float] = 0
    generator: Generator | None = field(default=None, repr=False)
    supports_batches = True

    def __post_init__(self) -> None:
        self._ranges = {}
        for name in ("brightness", "contrast", "saturation"):
            self._ranges[name] = symmetric_range(getattr(self, name), name, center=1.0, clip_first=True)
            if self._ranges[name][0] < 0:
                raise ValueError(f"{name} values should be non-negative, got {self._ranges[name]}")
        self._ranges["hue"] = symmetric_range(self.hue, "hue", bound=0.5)

    def _draw(self, count: int) -> tuple[np.ndarray, dict[str, np.ndarray | None]]:
        """A random order of the four steps and the factors of each, per image (None: the step is off)."""
        rng = numpy_rng(self.generator)
        order = rng.permuted(np.tile(np.arange(4), (count, 1)), axis=1)
        factors = {name: None if self._ranges[name] == NEUTRAL[name] else rng.uniform(*self._ranges[name], size=count)
                   for name in JITTER_STEPS}
        return order, factors

    def __call__(self, img: Image) -> Image:
        if is_pil(img):
            order, factors = self._draw(1)
            for step in order[0]:
                name = JITTER_STEPS[step]
                if factors[name] is not None:
                    img = getattr(F, f"adjust_{name}")(img, float(factors[name][0]))
            return img
        batch = as_batch(img).copy()
        order, factors = self._draw(len(batch))
        for position in range(4):  # at each position, each image does the step its own order puts there
            for step, name in enumerate(JITTER_STEPS):
                chosen = order[:, position] == step
                if factors[name] is not None and chosen.any():
                    batch[chosen] = _BATCH_JITTER[name](batch[chosen], factors[name][chosen])
        return like(batch, img)


@dataclass
class Grayscale:
    """Convert to grayscale (luma), with 1 or 3 identical output channels."""

    num_output_channels: int = 1
    supports_batches = True

    def __call__(self, img: Image) -> Image:
        return F.rgb_to_grayscale(img, self.num_output_channels)


@dataclass
class RandomGrayscale:
    """Convert to grayscale with probability ``p``, keeping the number of channels."""

    p: float = 0.1
    generator: Generator | None = field(default=None, repr=False)
    supports_batches = True

    def __call__(self, img: Image) -> Image:
        rng = numpy_rng(self.generator)
        if is_pil(img):
            channels = 1 if img.mode == "L" else 3
            return F.rgb_to_grayscale(img, channels) if rng.random() < self.p else img
        batch = as_batch(img)
        chosen = rng.random(len(batch)) < self.p
        out = batch.copy()
        if chosen.any():
            out[chosen] = _color.rgb_to_grayscale(batch[chosen], batch.shape[-1])
        return like(out, img)


@dataclass
class GaussianBlur:
    """Blur with a Gaussian of odd ``kernel_size`` and a sigma drawn uniformly from ``sigma`` per image."""

    kernel_size: int | Sequence[int]
    sigma: float | Sequence[float] = (0.1, 2.0)
    generator: Generator | None = field(default=None, repr=False)
    supports_batches = True

    def __post_init__(self) -> None:
        size = (self.kernel_size,) * 2 if isinstance(self.kernel_size, numbers.Integral) else tuple(self.kernel_size)
        self.kernel_size = size * 2 if len(size) == 1 else size
        if any(k <= 0 or k % 2 == 0 for k in self.kernel_size):
            raise ValueError("Kernel size value should be an odd and positive number.")
        if isinstance(self.sigma, numbers.Number):
            if self.sigma <= 0:
                raise ValueError("If sigma is a single number, it must be positive.")
            self.sigma = (float(self.sigma), float(self.sigma))
        elif not 0.0 < self.sigma[0] <= self.sigma[1]:
            raise ValueError("sigma values should be positive and of the form (min, max).")

    def __call__(self, img: Image) -> Image:
        rng = numpy_rng(self.generator)
        if is_pil(img):
            return F.gaussian_blur(img, self.kernel_size, float(rng.uniform(*self.sigma)))
        batch = as_batch(img)
        sigma = rng.uniform(*self.sigma, size=len(batch))
        return like(_color.gaussian_blur(batch, self.kernel_size, np.stack([sigma, sigma], axis=1)), img)


@dataclass
class RandomErasing:
    """With probability ``p``, set a random box (``scale`` of the area, aspect ``ratio``) to ``value``.

    ``value`` is a number, one number per channel, or ``"random"`` (standard normal noise).
    Works on Tensors (as torchvision) and arrays, each image of a batch with its own box.
    """

    p: float = 0.5
    scale: tuple[float, float] = (0.02, 0.33)
    ratio: tuple[float, float] = (0.3, 3.3)
    value: Any = 0
    inplace: bool = False
    generator: Generator | None = field(default=None, repr=False)
    supports_batches = True
    attempts = 10

    def __post_init__(self) -> None:
        if not isinstance(self.value, (numbers.Number, str, tuple, list)):
            raise TypeError("Argument value should be either a number or str or a sequence")
        if isinstance(self.value, str) and self.value != "random":
            raise ValueError("If value is str, it should be 'random'")
        if self.scale[0] > self.scale[1] or self.ratio[0] > self.ratio[1]:
            raise ValueError("Scale and ratio should be of kind (min, max)")
        if not 0 <= self.p <= 1:
            raise ValueError("Random erasing probability should be between 0 and 1")

    def get_boxes(self, height: int, width: int, count: int) -> np.ndarray:
        """(count, 4) boxes (top, left, h, w): the first of 10 tries that fits strictly inside; else empty."""
        rng = numpy_rng(self.generator)
        shape = (count, self.attempts)
        area = height * width * rng.uniform(self.scale[0], self.scale[1], size=shape)
        aspect = np.exp(rng.uniform(math.log(self.ratio[0]), math.log(self.ratio[1]), size=shape))
        h = np.round(np.sqrt(area * aspect)).astype(np.int64)
        w = np.round(np.sqrt(area / aspect)).astype(np.int64)
        fits = (h < height) & (w < width)
        rows, first = np.arange(count), fits.argmax(axis=1)
        h, w = np.where(fits[rows, first], h[rows, first], 0), np.where(fits[rows, first], w[rows, first], 0)
        tops = (rng.random(count) * (height - h + 1)).astype(np.int64)
        lefts = (rng.random(count) * (width - w + 1)).astype(np.int64)
        return np.stack([tops, lefts, h, w], axis=1)

    def __call__(self, img: Image) -> Image:
        if is_pil(img):
            raise TypeError("RandomErasing works on Tensors (and arrays); apply ToTensor first")
        batch = as_batch(img)
        count, height, width, channels = batch.shape
        tops, lefts, h, w = self.get_boxes(height, width, count).T
        rng = numpy_rng(self.generator)
        erase = rng.random(count) < self.p
        ys, xs = np.arange(height).reshape(1, -1, 1), np.arange(width).reshape(1, 1, -1)
        inside = ((ys >= tops[:, None, None]) & (ys < (tops + h)[:, None, None])
                  & (xs >= lefts[:, None, None]) & (xs < (lefts + w)[:, None, None]) & erase[:, None, None])
        if isinstance(self.value, str):
            fill = rng.standard_normal(batch.shape).astype(batch.dtype)
        else:
            values = [self.value] if isinstance(self.value, numbers.Number) else list(self.value)
            if len(values) not in (1, channels):
                raise ValueError(f"If value is a sequence, it should have either a single value or {channels} (number of input channels)")
            fill = np.asarray(values, dtype=batch.dtype).reshape(1, 1, 1, -1)
        out = np.where(inside[..., None], fill, batch)
        result = like(out, img)
        if self.inplace and isinstance(img, Tensor):
            img._write(result.numpy())
            return img
        return result
