"""How the transforms see an image: whatever comes in, they compute on an NHWC NumPy batch.

Three kinds of image come in:

- a ``PIL.Image`` (what torchvision's datasets give): the transforms call Pillow's own
  operation, as torchvision does, and give back a ``PIL.Image``;
- a NumPy array as images are stored: (H, W), (H, W, C) or a batch (N, H, W, C), usually uint8;
- a Tensor as layers want it: (C, H, W) or (N, C, H, W) (or (H, W)), float or uint8.

For the last two, :func:`as_batch` gives a view (N, H, W, C) without copying, the transform
works on that with array code (one call for the whole batch, each image with its own random
parameters), and :func:`like` puts the result back into the caller's type and layout.
Pillow is optional: it is imported only when a PIL image is asked for.
"""
from __future__ import annotations

import numbers
from enum import Enum
from typing import TYPE_CHECKING, Any, Sequence, Union

import numpy as np

from minitorch import random
from minitorch.creation import from_numpy
from minitorch.tensor import Tensor
from minitorch.utils.data import get_worker_info

if TYPE_CHECKING:
    from minitorch.random import Generator

Image = Union[np.ndarray, "Tensor", Any]  # Any: a PIL.Image


class InterpolationMode(Enum):
    """How a resize or rotation computes a pixel between the input pixels, as torchvision's."""

    NEAREST = "nearest"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"

    @property
    def pil(self) -> int:
        """Pillow's resampling filter of the same name."""
        from PIL import Image as PILImage

        return {"nearest": PILImage.NEAREST, "bilinear": PILImage.BILINEAR, "bicubic": PILImage.BICUBIC}[self.value]


PIL_FILTER_CODES = {0: "nearest", 2: "bilinear", 3: "bicubic"}  # Image.NEAREST, BILINEAR, BICUBIC


def interpolation_mode(mode: InterpolationMode | str | int) -> InterpolationMode:
    """The mode named by an ``InterpolationMode``, its string value, or Pillow's filter constant."""
    if isinstance(mode, int) and not isinstance(mode, bool):
        mode = PIL_FILTER_CODES.get(mode, mode)
    try:
        return InterpolationMode(mode.value if isinstance(mode, InterpolationMode) else mode)
    except ValueError:
        raise ValueError(f"interpolation must be one of {[m.value for m in InterpolationMode]}, got {mode!r}") from None


def is_pil(image: Any) -> bool:
    """True for a ``PIL.Image``, without importing Pillow when it is not loaded."""
    return type(image).__module__.startswith("PIL.") and hasattr(image, "getbands")


def pil_module() -> Any:
    try:
        from PIL import Image as PILImage
    except ImportError as error:
        raise ImportError("PIL images need Pillow: pip install pillow (or the 'vision' extra)") from error
    return PILImage


def as_batch(image: Image) -> np.ndarray:
    """A view of an array or Tensor image as an NHWC array (N = 1 for one image; C = 1 for (H, W))."""
    is_tensor = isinstance(image, Tensor)
    if not (is_tensor or isinstance(image, np.ndarray)):
        raise TypeError(f"expected a PIL Image, a NumPy array or a Tensor, got {type(image).__name__}")
    if image.ndim not in (2, 3, 4):
        layouts = "a CHW or NCHW Tensor" if is_tensor else "an HWC or NHWC array"
        raise ValueError(f"expected {layouts}, got shape {tuple(image.shape)}")
    array = image.detach().numpy() if is_tensor else image
    if array.ndim == 2:
        return array[None, :, :, None]
    if is_tensor:
        array = np.moveaxis(array, -3, -1)
    return array if array.ndim == 4 else array[None]


def like(batch: np.ndarray, image: Image) -> Image:
    """Put an NHWC result back into the type and layout of ``image``, as a contiguous array."""
    if image.ndim == 2:
        result = batch[0, :, :, 0] if batch.shape[-1] == 1 else batch[0]
    else:
        result = batch if image.ndim == 4 else batch[0]
    if isinstance(image, Tensor):
        if result.ndim >= 3:
            result = np.moveaxis(result, -1, -3)
        return from_numpy(np.ascontiguousarray(result))
    return np.ascontiguousarray(result)


def image_size(image: Image) -> tuple[int, int]:
    """(height, width) of any kind of image."""
    if is_pil(image):
        return image.size[1], image.size[0]
    batch = as_batch(image)
    return batch.shape[1], batch.shape[2]


def numpy_rng(generator: Generator | None) -> np.random.Generator:
    """The NumPy generator to draw from: the given one, the loader thread's, or the default."""
    if generator is None:
        worker = get_worker_info()
        generator = worker.generator if worker is not None else random.default_generator
    return generator.numpy_rng


def max_value(dtype: np.dtype) -> float:
    """The value of full intensity: 1.0 for floats, the largest value for integers (255 for uint8)."""
    return 1.0 if np.dtype(dtype).kind == "f" else float(np.iinfo(dtype).max)


def cast_like(values: np.ndarray, dtype: np.dtype, round_: bool = True) -> np.ndarray:
    """Float results back to ``dtype``: integers are rounded (or truncated) and clipped to their range."""
    if np.dtype(dtype).kind == "f":
        return values.astype(dtype, copy=False)
    if round_:
        values = np.round(values)
    return np.clip(values, 0, max_value(dtype)).astype(dtype)


def working_float(array: np.ndarray) -> np.ndarray:
    """The array as floats to compute with: float arrays keep their dtype, integers become float32."""
    return array if array.dtype.kind == "f" else array.astype(np.float32)


def height_width(size: int | Sequence[int], name: str = "size") -> tuple[int, int]:
    pair = (size, size) if isinstance(size, numbers.Integral) else tuple(size)
    if len(pair) == 1:
        pair = pair * 2
    if len(pair) != 2 or not all(isinstance(n, numbers.Integral) and n > 0 for n in pair):
        raise ValueError(f"{name} must be a positive int or a (height, width) pair, got {size!r}")
    return int(pair[0]), int(pair[1])


def left_top_right_bottom(padding: int | Sequence[int] | None) -> tuple[int, int, int, int]:
    """torchvision's padding forms: one int, (left/right, top/bottom) or (left, top, right, bottom)."""
    if padding is None:
        return (0, 0, 0, 0)
    sides = (padding,) * 4 if isinstance(padding, numbers.Integral) else tuple(padding)
    if len(sides) == 1:
        sides = sides * 4
    if len(sides) == 2:
        sides = sides * 2
    if len(sides) != 4 or not all(isinstance(n, numbers.Integral) and n >= 0 for n in sides):
        raise ValueError(
            "padding must be a non-negative int, (left/right, top/bottom) or (left, top, right, bottom), "
            f"got {padding!r}"
        )
    return tuple(int(n) for n in sides)


def symmetric_range(value: float | Sequence[float], name: str, center: float = 0.0, bound: float | None = None,
                    clip_first: bool = False) -> tuple[float, float]:
    """A number ``v`` means ``[center - v, center + v]`` (clipped at 0 first with ``clip_first``); a pair is kept."""
    if isinstance(value, numbers.Number):
        if value < 0:
            raise ValueError(f"If {name} is a single number, it must be non negative.")
        low, high = center - value, center + value
        if clip_first:
            low = max(low, 0.0)
    elif len(value) == 2:
        low, high = float(value[0]), float(value[1])
    else:
        raise ValueError(f"{name} should be a single number or a list/tuple with length 2.")
    if bound is not None and not -bound <= low <= high <= bound:
        raise ValueError(f"{name} values should be between {(-bound, bound)}, but got {(low, high)}.")
    return float(low), float(high)
