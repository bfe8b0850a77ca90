"""Transforms that move pixels: resize, crop, flip, pad, rotate, warp.

On a PIL image they call Pillow (as torchvision does). On an array or Tensor batch, each image
gets its own random parameters, drawn at once, and the work is one vectorised call (a gather,
two matrix products for a resize, one grid sample for a warp), with no loop over the images.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from minitorch.transforms import functional as F
from minitorch.transforms._layout import (
    Image, InterpolationMode, as_batch, height_width, image_size, interpolation_mode, is_pil, left_top_right_bottom,
    like, numpy_rng, symmetric_range,
)
from minitorch.transforms._resample import inverse_affine_matrix, resize_batch, warp_batch

if TYPE_CHECKING:
    from minitorch import Generator


@dataclass
class Resize:
    """Resize to ``size``: (height, width), or an int for the shorter side (aspect ratio kept).

    ``interpolation`` bilinear (default), nearest or bicubic; ``antialias`` (default True) smooths
    when shrinking a tensor, as Pillow always does; ``max_size`` caps the longer side.
    """

    size: int | Sequence[int]
    interpolation: InterpolationMode | str = InterpolationMode.BILINEAR
    max_size: int | None = None
    antialias: bool | None = True
    supports_batches = True

    def __post_init__(self) -> None:
        if not isinstance(self.size, (numbers.Integral, Sequence)) or (
                isinstance(self.size, Sequence) and len(self.size) not in (1, 2)):
            raise TypeError(f"Size should be int or sequence of 1 or 2 ints. Got {self.size!r}")
        self.interpolation = interpolation_mode(self.interpolation)

    def __call__(self, img: Image) -> Image:
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)


@dataclass
class CenterCrop:
    """Cut out the central ``size`` box (padded with zeros first if the image is smaller)."""

    size: int | Sequence[int]
    supports_batches = True

    def __post_init__(self) -> None:
        self.size = height_width(self.size)

    def __call__(self, img: Image) -> Image:
        return F.center_crop(img, self.size)


@dataclass
class Pad:
    """Pad each side (int, (left/right, top/bottom) or (left, top, right, bottom)) with ``fill`` or by ``padding_mode``."""

    padding: int | Sequence[int]
    fill: float | Sequence[float] = 0
    padding_mode: str = "constant"
    supports_batches = True

    def __post_init__(self) -> None:
        left_top_right_bottom(self.padding)
        if self.padding_mode not in F.PADDING_MODES:
            raise ValueError(f"Padding mode should be either constant, edge, reflect or symmetric, got {self.padding_mode!r}")

    def __call__(self, img: Image) -> Image:
        return F.pad(img, self.padding, self.fill, self.padding_mode)


@dataclass
class RandomCrop:
    """Pad the image (``padding``, with ``fill`` zeros by default), then cut out ``size`` at a random place.

    ``size`` is an int (square) or ``(height, width)``. ``padding`` is an int
    for all sides, ``(left/right, top/bottom)`` or ``(left, top, right, bottom)``.
    ``pad_if_needed`` pads an image smaller than ``size`` so the crop fits.
    ``padding_mode`` is ``"constant"`` (uses ``fill``), ``"edge"``, ``"reflect"`` or ``"symmetric"``.
    """

    size: int | Sequence[int]
    padding: int | Sequence[int] | None = None
    pad_if_needed: bool = False
    fill: float = 0
    padding_mode: str = "constant"
    generator: Generator | None = field(default=None, repr=False)
    supports_batches = True

    def __post_init__(self) -> None:
        self.size = height_width(self.size)
        self.padding = left_top_right_bottom(self.padding)
        if self.padding_mode not in F.PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {F.PADDING_MODES}, got {self.padding_mode!r}")

    def __call__(self, image: Image) -> Image:
        if is_pil(image):
            padded = F.pad(image, self._sides(*image_size(image)), self.fill, self.padding_mode)
            height, width = image_size(padded)
            self._check_fits(height, width)
            rng = numpy_rng(self.generator)
            top, left = rng.integers(0, height - self.size[0] + 1), rng.integers(0, width - self.size[1] + 1)
            return F.crop(padded, int(top), int(left), *self.size)
        batch = as_batch(image)
        batch = F._pad_batch(batch, self._sides(*batch.shape[1:3]), self.fill, self.padding_mode)
        count, height, width, _ = batch.shape
        self._check_fits(height, width)
        rng = numpy_rng(self.generator)
        tops = rng.integers(0, height - self.size[0] + 1, size=count)  # one offset per image
        lefts = rng.integers(0, width - self.size[1] + 1, size=count)
        # Every possible crop of every image, as a view (nothing is copied yet):
        # windows[n, top, left] is image n's crop at (top, left), of shape (C, crop_height, crop_width).
        windows = sliding_window_view(batch, self.size, axis=(1, 2))
        crops = windows[np.arange(count), tops, lefts]  # one gather for the whole batch: (N, C, h, w)
        return like(np.moveaxis(crops, 1, -1), image)

    def _sides(self, height: int, width: int) -> tuple[int, int, int, int]:
        left, top, right, bottom = self.padding
        if self.pad_if_needed:  # as torchvision: pad both sides by the missing amount
            missing_height = max(self.size[0] - (height + top + bottom), 0)
            missing_width = max(self.size[1] - (width + left + right), 0)
            top, bottom = top + missing_height, bottom + missing_height
            left, right = left + missing_width, right + missing_width
        return left, top, right, bottom

    def _check_fits(self, height: int, width: int) -> None:
        if self.size[0] > height or self.size[1] > width:
            raise ValueError(
                f"RandomCrop: crop size {self.size} is larger than the (padded) image size {(height, width)}"
            )


@dataclass
class _RandomFlip:
    p: float = 0.5
    generator: Generator | None = field(default=None, repr=False)
    supports_batches = True
    axis = 2  # NHWC axis to reverse

    def __post_init__(self) -> None:
        if not 0.0 <= self.p <= 1.0:
            raise ValueError(f"{type(self).__name__}: p must be a probability in [0, 1], got {self.p}")

    def __call__(self, image: Image) -> Image:
        if is_pil(image):
            flip = F.hflip if self.axis == 2 else F.vflip
            return flip(image) if numpy_rng(self.generator).random() < self.p else image
        batch = as_batch(image)
        chosen = numpy_rng(self.generator).random(len(batch)) < self.p  # one coin per image
        flipped = batch.copy()
        flipped[chosen] = np.flip(batch[chosen], axis=self.axis)
        return like(flipped, image)


class RandomHorizontalFlip(_RandomFlip):
    """Mirror each image left-to-right with probability ``p``."""


class RandomVerticalFlip(_RandomFlip):
    """Mirror each image top-to-bottom with probability ``p``."""

    axis = 1


@dataclass
class RandomResizedCrop:
    """Crop a random box (``scale`` of the area, aspect ``ratio``), then resize it to ``size`` (torchvision's rule)."""

    size: int | Sequence[int]
    scale: tuple[float, float] = (0.08, 1.0)
    ratio: tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0)
    interpolation: InterpolationMode | str = InterpolationMode.BILINEAR
    antialias: bool | None = True
    generator: Generator | None = field(default=None, repr=False)
    supports_batches = True
    attempts = 10

    def __post_init__(self) -> None:
        self.size = height_width(self.size)
        self.interpolation = interpolation_mode(self.interpolation)
        if self.scale[0] > self.scale[1] or self.ratio[0] > self.ratio[1]:
            raise ValueError("Scale and ratio should be of kind (min, max)")

    def get_boxes(self, height: int, width: int, count: int) -> np.ndarray:
        """(count, 4) boxes (top, left, height, width): the first of 10 random tries that fits, else the central crop."""
        rng = numpy_rng(self.generator)
        shape = (count, self.attempts)
        area = height * width * rng.uniform(self.scale[0], self.scale[1], size=shape)
        aspect = np.exp(rng.uniform(math.log(self.ratio[0]), math.log(self.ratio[1]), size=shape))
        w = np.round(np.sqrt(area * aspect)).astype(np.int64)
        h = np.round(np.sqrt(area / aspect)).astype(np.int64)
        fits = (w > 0) & (w <= width) & (h > 0) & (h <= height)
        first = fits.argmax(axis=1)
        rows = np.arange(count)
        h, w, found = h[rows, first], w[rows, first], fits[rows, first]
        tops = (rng.random(count) * (height - h + 1)).astype(np.int64)
        lefts = (rng.random(count) * (width - w + 1)).astype(np.int64)
        fallback_h, fallback_w = self._central(height, width)
        boxes = np.stack([tops, lefts, h, w], axis=1)
        boxes[~found] = [(height - fallback_h) // 2, (width - fallback_w) // 2, fallback_h, fallback_w]
        return boxes

    def _central(self, height: int, width: int) -> tuple[int, int]:
        in_ratio = width / height
        if in_ratio < min(self.ratio):
            return int(round(width / min(self.ratio))), width
        if in_ratio > max(self.ratio):
            return height, int(round(height * max(self.ratio)))
        return height, width

    def __call__(self, img: Image) -> Image:
        height, width = image_size(img)
        if is_pil(img):
            top, left, h, w = (int(v) for v in self.get_boxes(height, width, 1)[0])
            return F.resized_crop(img, top, left, h, w, self.size, self.interpolation, self.antialias)
        batch = as_batch(img)
        boxes = self.get_boxes(height, width, len(batch))
        return like(resize_batch(batch, self.size, self.interpolation, bool(self.antialias), boxes), img)


def _degrees(degrees: float | Sequence[float]) -> tuple[float, float]:
    return symmetric_range(degrees, "degrees")


@dataclass
class RandomRotation:
    """Rotate by an angle drawn uniformly from ``degrees`` ((-d, d) for a number), counter-clockwise.

    ``expand`` enlarges the output to hold the whole rotated image (then one angle serves a batch).
    """

    degrees: float | Sequence[float]
    interpolation: InterpolationMode | str = InterpolationMode.NEAREST
    expand: bool = False
    center: Sequence[int] | None = None
    fill: float | Sequence[float] = 0
    generator: Generator | None = field(default=None, repr=False)
    supports_batches = True

    def __post_init__(self) -> None:
        self.degrees = _degrees(self.degrees)
        self.interpolation = interpolation_mode(self.interpolation)

    def __call__(self, img: Image) -> Image:
        rng = numpy_rng(self.generator)
        if is_pil(img) or self.expand:
            angle = float(rng.uniform(*self.degrees))
            return F.rotate(img, angle, self.interpolation, self.expand, self.center, self.fill)
        batch = as_batch(img)
        height, width = batch.shape[1:3]
        center = (0.0, 0.0) if self.center is None else tuple(c - s * 0.5 for c, s in zip(self.center, (width, height)))
        angles = rng.uniform(*self.degrees, size=len(batch))
        matrices = inverse_affine_matrix(center, -angles, (0.0, 0.0), 1.0, (0.0, 0.0))  # (N, 6)
        fill = F._fill_list(self.fill, batch)
        return like(warp_batch(batch, matrices, (height, width), self.interpolation, fill), img)


@dataclass
class RandomAffine:
    """Random rotation (``degrees``), translation (fractions of width and height), scale and shear, as torchvision."""

    degrees: float | Sequence[float]
    translate: tuple[float, float] | None = None
    scale: tuple[float, float] | None = None
    shear: float | Sequence[float] | None = None
    interpolation: InterpolationMode | str = InterpolationMode.NEAREST
    fill: float | Sequence[float] = 0
    center: Sequence[int] | None = None
    generator: Generator | None = field(default=None, repr=False)
    supports_batches = True

    def __post_init__(self) -> None:
        self.degrees = _degrees(self.degrees)
        self.interpolation = interpolation_mode(self.interpolation)
        if self.translate is not None and not all(0.0 <= t <= 1.0 for t in self.translate):
            raise ValueError("translation values should be between 0 and 1")
        if self.scale is not None and any(s <= 0 for s in self.scale):
            raise ValueError("scale values should be positive")
        if self.shear is not None:
            shear = self.shear
            self.shear = (-shear, shear) if isinstance(shear, numbers.Number) else tuple(float(s) for s in shear)
            if len(self.shear) not in (2, 4):
                raise ValueError("shear should be a number or a sequence of 2 or 4 numbers")

    def get_params(self, width: int, height: int, count: int) -> dict[str, np.ndarray]:
        """Per image: angle, (tx, ty) in whole pixels, scale, (shear_x, shear_y), as torchvision draws them."""
        rng = numpy_rng(self.generator)
        angle = rng.uniform(*self.degrees, size=count)
        if self.translate is not None:
            max_dx, max_dy = self.translate[0] * width, self.translate[1] * height
            tx = np.round(rng.uniform(-max_dx, max_dx, size=count))
            ty = np.round(rng.uniform(-max_dy, max_dy, size=count))
        else:
            tx = ty = np.zeros(count)
        scale = rng.uniform(*self.scale, size=count) if self.scale is not None else np.ones(count)
        shear_x = shear_y = np.zeros(count)
        if self.shear is not None:
            shear_x = rng.uniform(self.shear[0], self.shear[1], size=count)
            if len(self.shear) == 4:
                shear_y = rng.uniform(self.shear[2], self.shear[3], size=count)
        return {"angle": angle, "tx": tx, "ty": ty, "scale": scale, "shear_x": shear_x, "shear_y": shear_y}

    def __call__(self, img: Image) -> Image:
        height, width = image_size(img)
        if is_pil(img):
            p = {key: float(value[0]) for key, value in self.get_params(width, height, 1).items()}
            return F.affine(img, p["angle"], (p["tx"], p["ty"]), p["scale"], (p["shear_x"], p["shear_y"]),
                            self.interpolation, self.fill, self.center)
        batch = as_batch(img)
        p = self.get_params(width, height, len(batch))
        center = (0.0, 0.0) if self.center is None else tuple(c - s * 0.5 for c, s in zip(self.center, (width, height)))
        matrices = inverse_affine_matrix(center, p["angle"], (p["tx"], p["ty"]), p["scale"], (p["shear_x"], p["shear_y"]))
        fill = F._fill_list(self.fill, batch)
        return like(warp_batch(batch, matrices, (height, width), self.interpolation, fill), img)
