"""Read and write image files as uint8 (C, H, W) Tensors, as ``torchvision.io``.

``read_image("cat.png")`` gives a uint8 Tensor of shape (C, H, W): C = 1 for grayscale,
3 for RGB, 4 with an alpha channel (``mode`` converts: ``ImageReadMode.RGB`` ...). Decoding is
done by Pillow (an optional dependency, imported on first use).
"""
from __future__ import annotations

import io
import os
from enum import Enum

import numpy as np

from minitorch import dtypes
from minitorch.creation import from_numpy
from minitorch.tensor import Tensor
from minitorch.transforms._layout import pil_module


class ImageReadMode(Enum):
    """The channels to decode into: as stored, or converted to gray / RGB (with or without alpha)."""

    UNCHANGED = "UNCHANGED"
    GRAY = "L"
    GRAY_ALPHA = "LA"
    RGB = "RGB"
    RGB_ALPHA = "RGBA"


def read_file(path: str | os.PathLike) -> Tensor:
    """The bytes of a file as a 1-D uint8 Tensor."""
    return from_numpy(np.fromfile(os.fspath(path), dtype=np.uint8))


def decode_image(input: Tensor | str | os.PathLike, mode: ImageReadMode | str = ImageReadMode.UNCHANGED,
                 apply_exif_orientation: bool = False) -> Tensor:
    """Decode PNG, JPEG, GIF, BMP, WebP ... bytes (a 1-D uint8 Tensor) or a file into a uint8 (C, H, W) Tensor."""
    if isinstance(input, (str, os.PathLike)):
        input = read_file(input)
    if not isinstance(input, Tensor) or input.ndim != 1 or input.dtype != dtypes.uint8:
        found = f"{input.dtype} tensor of shape {tuple(input.shape)}" if isinstance(input, Tensor) else type(input).__name__
        raise RuntimeError(f"Expected a 1-D uint8 tensor of encoded bytes (or a path), got {found}")
    mode = ImageReadMode[mode.upper()] if isinstance(mode, str) else mode
    PILImage = pil_module()
    try:
        image = PILImage.open(io.BytesIO(input.numpy().tobytes()))
        image.load()
    except (OSError, SyntaxError) as error:  # Pillow raises these for unknown or broken data
        raise RuntimeError(f"could not decode the image ({error})") from error
    if apply_exif_orientation:
        from PIL import ImageOps

        image = ImageOps.exif_transpose(image)
    if mode is not ImageReadMode.UNCHANGED:
        image = image.convert(mode.value)
    elif image.mode not in ("L", "LA", "RGB", "RGBA", "I;16", "I"):
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    array = np.asarray(image)
    array = array[:, :, None] if array.ndim == 2 else array
    return from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))


decode_png = decode_jpeg = decode_image


def read_image(path: str | os.PathLike, mode: ImageReadMode | str = ImageReadMode.UNCHANGED,
               apply_exif_orientation: bool = False) -> Tensor:
    """Read a PNG, JPEG (or any image Pillow knows) into a uint8 (C, H, W) Tensor."""
    return decode_image(read_file(path), mode, apply_exif_orientation)


def write_png(input: Tensor, filename: str | os.PathLike, compression_level: int = 6) -> None:
    """Write a uint8 (C, H, W) Tensor with 1, 2, 3 or 4 channels to a PNG file."""
    write_image(input, filename, format="PNG", compress_level=compression_level)


def write_jpeg(input: Tensor, filename: str | os.PathLike, quality: int = 75) -> None:
    """Write a uint8 (C, H, W) Tensor with 1 or 3 channels to a JPEG file."""
    write_image(input, filename, format="JPEG", quality=quality)


def write_image(input: Tensor, filename: str | os.PathLike, format: str, **options) -> None:
    if not isinstance(input, Tensor) or input.ndim != 3 or input.dtype != dtypes.uint8:
        raise RuntimeError("Input tensor must be a uint8 tensor of shape (C, H, W)")
    array = np.moveaxis(input.detach().cpu().numpy(), 0, -1)
    pil_module().fromarray(np.ascontiguousarray(array[..., 0] if array.shape[-1] == 1 else array)).save(
        filename, format=format, **options)
