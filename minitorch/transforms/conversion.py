"""Transforms that change what an image *is* (PIL, array, Tensor, dtype, scale), and ``Lambda``."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from minitorch.tensor import Tensor
from minitorch.transforms import functional as F


@dataclass
class ToTensor:
    """PIL image or ``uint8`` HWC array -> ``float32`` CHW Tensor in [0, 1]; a NHWC batch -> NCHW.

    Arrays of other dtypes only change layout, they are not rescaled (as in
    torchvision). A 2-D array (or a one-band PIL image) gets one channel.
    """

    supports_batches = True

    def __call__(self, pic: Any) -> Tensor:
        return F.to_tensor(pic)


@dataclass
class PILToTensor:
    """PIL image (or HWC array) -> CHW Tensor of the same dtype, values unchanged (uint8 stays 0..255)."""

    supports_batches = True

    def __call__(self, pic: Any) -> Tensor:
        return F.pil_to_tensor(pic)


@dataclass
class ToPILImage:
    """CHW Tensor or HWC array -> ``PIL.Image`` (floats are scaled by 255); ``mode`` as Pillow's."""

    mode: str | None = None

    def __call__(self, pic: Any) -> Any:
        return F.to_pil_image(pic, self.mode)


@dataclass
class ConvertImageDtype:
    """Change a Tensor image's dtype and rescale its values (uint8 0..255 <-> float 0..1)."""

    dtype: Any
    supports_batches = True

    def __call__(self, image: Tensor) -> Tensor:
        return F.convert_image_dtype(image, self.dtype)


@dataclass
class Lambda:
    """Wrap a function of one image as a transform: ``Lambda(lambda x: x.repeat(3, 1, 1))``."""

    lambd: Callable[[Any], Any]

    def __post_init__(self) -> None:
        if not callable(self.lambd):
            raise TypeError(f"Argument lambd should be callable, got {type(self.lambd).__name__!r}")

    def __call__(self, image: Any) -> Any:
        return self.lambd(image)


@dataclass
class Normalize:
    """``(x - mean) / std`` per channel, on a float CHW Tensor or NCHW batch.

    ``mean`` and ``std`` hold one value per channel (or one value for all).
    With ``inplace=True`` the input Tensor itself is overwritten and returned.
    """

    mean: Sequence[float]
    std: Sequence[float]
    inplace: bool = False
    supports_batches = True

    def __post_init__(self) -> None:
        self.mean, self.std = tuple(map(float, self.mean)), tuple(map(float, self.std))
        if 0.0 in self.std:
            raise ValueError(f"Normalize: std {self.std} contains a zero, which would divide by zero")

    def __call__(self, tensor: Tensor) -> Tensor:
        return F.normalize(tensor, self.mean, self.std, self.inplace)
