"""``minitorch.transforms.functional`` (``TF``): the transforms as plain functions with explicit parameters.

Each function accepts a ``PIL.Image`` (then Pillow's own operation does the work, as in
torchvision), a NumPy array image (H, W[, C]) or batch (N, H, W, C), or a Tensor image
(C, H, W) or batch (N, C, H, W), and returns the same kind. A batch gets the same parameters
for every image here; the ``Random*`` classes draw parameters per image.
"""
from __future__ import annotations

import numbers
from typing import Any, Sequence

import numpy as np

from minitorch.creation import from_numpy
from minitorch.tensor import Tensor
from minitorch.transforms import _color
from minitorch.transforms._convert import (  # noqa: F401  (conversions are part of the functional API)
    convert_image_dtype, normalize, pil_to_array, pil_to_tensor, to_pil_image, to_tensor,
)
from minitorch.transforms._layout import (
    Image, InterpolationMode, as_batch, image_size, interpolation_mode, is_pil, left_top_right_bottom, like, pil_module,
)
from minitorch.transforms._resample import expanded_size, inverse_affine_matrix, resize_batch, warp_batch

PADDING_MODES = ("constant", "edge", "reflect", "symmetric")  # torchvision's names, which np.pad shares

# ----- geometry -----


def hflip(img: Image) -> Image:
    if is_pil(img):
        return img.transpose(pil_module().FLIP_LEFT_RIGHT)
    return like(as_batch(img)[:, :, ::-1], img)


def vflip(img: Image) -> Image:
    if is_pil(img):
        return img.transpose(pil_module().FLIP_TOP_BOTTOM)
    return like(as_batch(img)[:, ::-1], img)


def crop(img: Image, top: int, left: int, height: int, width: int) -> Image:
    """The box at (top, left) of size (height, width); parts outside the image are zeros."""
    if is_pil(img):
        return img.crop((left, top, left + width, top + height))
    batch = as_batch(img)
    image_h, image_w = batch.shape[1:3]
    if top < 0 or left < 0 or top + height > image_h or left + width > image_w:
        pads = (max(-left, 0), max(-top, 0), max(left + width - image_w, 0), max(top + height - image_h, 0))
        batch = _pad_batch(batch, pads, 0, "constant")
        top, left = max(top, 0), max(left, 0)
    return like(batch[:, top:top + height, left:left + width], img)


def center_crop(img: Image, output_size: int | Sequence[int]) -> Image:
    """The central (height, width) box; an image smaller than that is padded with zeros first."""
    if isinstance(output_size, numbers.Integral):
        output_size = (int(output_size), int(output_size))
    elif len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    crop_h, crop_w = output_size
    image_h, image_w = image_size(img)
    if crop_w > image_w or crop_h > image_h:
        pads = [(crop_w - image_w) // 2 if crop_w > image_w else 0, (crop_h - image_h) // 2 if crop_h > image_h else 0,
                (crop_w - image_w + 1) // 2 if crop_w > image_w else 0, (crop_h - image_h + 1) // 2 if crop_h > image_h else 0]
        img = pad(img, pads, fill=0)
        image_h, image_w = image_size(img)
        if crop_w == image_w and crop_h == image_h:
            return img
    top = int(round((image_h - crop_h) / 2.0))  # Python's round: half to even, as torchvision
    left = int(round((image_w - crop_w) / 2.0))
    return crop(img, top, left, crop_h, crop_w)


def pad(img: Image, padding: int | Sequence[int], fill: float | Sequence[float] = 0, padding_mode: str = "constant") -> Image:
    """Add ``padding`` pixels (int, (left/right, top/bottom) or (left, top, right, bottom)) around the image."""
    if padding_mode not in PADDING_MODES:
        raise ValueError(f"Padding mode should be either constant, edge, reflect or symmetric, got {padding_mode!r}")
    sides = left_top_right_bottom(padding)
    if is_pil(img):
        if padding_mode == "constant":
            from PIL import ImageOps

            return ImageOps.expand(img, border=sides, fill=_pil_fill(fill, img))
        padded = _pad_batch(as_batch(pil_to_array(img)), sides, fill, padding_mode)
        return pil_module().fromarray(like(padded, pil_to_array(img)))
    return like(_pad_batch(as_batch(img), sides, fill, padding_mode), img)


def _pad_batch(batch: np.ndarray, sides: Sequence[int], fill: Any, padding_mode: str) -> np.ndarray:
    left, top, right, bottom = sides
    if not any(sides):
        return batch
    widths = ((0, 0), (top, bottom), (left, right), (0, 0))
    if padding_mode != "constant":
        return np.pad(batch, widths, mode=padding_mode)
    if isinstance(fill, numbers.Number):
        return np.pad(batch, widths, mode="constant", constant_values=fill)
    padded = np.pad(batch, widths, mode="constant")
    mask = np.ones(batch.shape[1:3], dtype=bool)
    padded[:, ~np.pad(mask, widths[1:3])] = np.asarray(fill, dtype=batch.dtype)
    return padded


def _pil_fill(fill: Any, img: Any) -> Any:
    if fill is None:
        return None
    bands = len(img.getbands())
    if isinstance(fill, numbers.Number):
        return fill if bands == 1 else tuple([fill] * bands)
    return tuple(fill) if bands > 1 else fill[0]


def resized_output_size(height: int, width: int, size: int | Sequence[int], max_size: int | None = None) -> tuple[int, int]:
    """torchvision's rule: an int (or [int]) is the new shorter side, the longer keeps the aspect ratio."""
    if isinstance(size, numbers.Integral) or len(size) == 1:
        requested = int(size) if isinstance(size, numbers.Integral) else int(size[0])
        short, long = (width, height) if width <= height else (height, width)
        new_short, new_long = requested, int(requested * long / short)
        if max_size is not None:
            if max_size <= requested:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the requested size for the smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        return (new_long, new_short) if width <= height else (new_short, new_long)
    if max_size is not None:
        raise ValueError("max_size should only be passed if size specifies the length of the smaller edge")
    return int(size[0]), int(size[1])


def resize(img: Image, size: int | Sequence[int], interpolation: InterpolationMode | str = InterpolationMode.BILINEAR,
           max_size: int | None = None, antialias: bool | None = True) -> Image:
    """Resize to ``size`` ((h, w), or the shorter side); see ``_resample.py`` for the exact weights."""
    mode = interpolation_mode(interpolation)
    height, width = image_size(img)
    out_h, out_w = resized_output_size(height, width, size, max_size)
    if is_pil(img):
        return img if (out_h, out_w) == (height, width) else img.resize((out_w, out_h), mode.pil)
    if (out_h, out_w) == (height, width):
        return img
    return like(resize_batch(as_batch(img), (out_h, out_w), mode, bool(antialias)), img)


def resized_crop(img: Image, top: int, left: int, height: int, width: int, size: int | Sequence[int],
                 interpolation: InterpolationMode | str = InterpolationMode.BILINEAR, antialias: bool | None = True) -> Image:
    """``resize(crop(img, top, left, height, width), size)``."""
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def rotate(img: Image, angle: float, interpolation: InterpolationMode | str = InterpolationMode.NEAREST,
           expand: bool = False, center: Sequence[int] | None = None, fill: Any = None) -> Image:
    """Rotate by ``angle`` degrees counter-clockwise around ``center`` (default: the image centre)."""
    mode = interpolation_mode(interpolation)
    if is_pil(img):
        return img.rotate(angle, mode.pil, expand, center, fillcolor=_pil_fill(fill, img))
    batch = as_batch(img)
    height, width = batch.shape[1:3]
    center_f = [0.0, 0.0] if center is None else [c - s * 0.5 for c, s in zip(center, (width, height))]
    matrix = inverse_affine_matrix(tuple(center_f), -angle, (0.0, 0.0), 1.0, (0.0, 0.0))
    out_w, out_h = expanded_size(matrix, width, height) if expand else (width, height)
    return like(warp_batch(batch, matrix[None], (out_h, out_w), mode, _fill_list(fill, batch)), img)


def affine(img: Image, angle: float, translate: Sequence[float], scale: float, shear: float | Sequence[float],
           interpolation: InterpolationMode | str = InterpolationMode.NEAREST, fill: Any = None,
           center: Sequence[int] | None = None) -> Image:
    """Rotate, translate (pixels), scale and shear (degrees, x then y) around the centre, as torchvision."""
    mode = interpolation_mode(interpolation)
    shear = _shear_pair(shear)
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if is_pil(img):
        width, height = img.size
        pivot = (width * 0.5, height * 0.5) if center is None else tuple(center)
        matrix = inverse_affine_matrix(pivot, angle, tuple(translate), scale, shear)
        return img.transform(img.size, pil_module().AFFINE, [float(m) for m in matrix], mode.pil, fillcolor=_pil_fill(fill, img))
    batch = as_batch(img)
    height, width = batch.shape[1:3]
    center_f = (0.0, 0.0) if center is None else tuple(c - s * 0.5 for c, s in zip(center, (width, height)))
    matrix = inverse_affine_matrix(center_f, angle, tuple(float(t) for t in translate), scale, shear)
    return like(warp_batch(batch, matrix[None], (height, width), mode, _fill_list(fill, batch)), img)


def _shear_pair(shear: float | Sequence[float]) -> tuple[float, float]:
    if isinstance(shear, numbers.Number):
        return float(shear), 0.0
    shear = tuple(float(s) for s in shear)
    return (shear[0], 0.0) if len(shear) == 1 else (shear[0], shear[1])


def _fill_list(fill: Any, batch: np.ndarray) -> list[float] | None:
    """torchvision's tensor fill: None (zeros outside), or one value per channel."""
    if fill is None:
        return None
    values = [float(fill)] * batch.shape[-1] if isinstance(fill, numbers.Number) else [float(v) for v in fill]
    if len(values) == 1:
        values = values * batch.shape[-1]
    if len(values) != batch.shape[-1]:
        raise ValueError(f"The number of elements in 'fill' does not match the number of channels of the image "
                         f"({len(values)} != {batch.shape[-1]})")
    return values


# ----- colour -----


def rgb_to_grayscale(img: Image, num_output_channels: int = 1) -> Image:
    """Luma ``0.2989 R + 0.587 G + 0.114 B`` in 1 or 3 channels (PIL: ``convert("L")``)."""
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if is_pil(img):
        gray = img.convert("L")
        return gray if num_output_channels == 1 else pil_module().merge("RGB", [gray, gray, gray])
    return like(_color.rgb_to_grayscale(as_batch(img), num_output_channels), img)


to_grayscale = rgb_to_grayscale


def _enhance(img: Any, name: str, factor: float) -> Any:
    from PIL import ImageEnhance

    return getattr(ImageEnhance, name)(img).enhance(factor)


def adjust_brightness(img: Image, brightness_factor: float) -> Image:
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    if is_pil(img):
        return _enhance(img, "Brightness", brightness_factor)
    return like(_color.adjust_brightness(as_batch(img), brightness_factor), img)


def adjust_contrast(img: Image, contrast_factor: float) -> Image:
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")
    if is_pil(img):
        return _enhance(img, "Contrast", contrast_factor)
    return like(_color.adjust_contrast(as_batch(img), contrast_factor), img)


def adjust_saturation(img: Image, saturation_factor: float) -> Image:
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")
    if is_pil(img):
        return _enhance(img, "Color", saturation_factor)
    return like(_color.adjust_saturation(as_batch(img), saturation_factor), img)


def adjust_hue(img: Image, hue_factor: float) -> Image:
    """Turn the hue by ``hue_factor`` (in [-0.5, 0.5]) of a full turn."""
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    if is_pil(img):
        if img.mode in {"L", "1", "I", "F"}:
            return img
        PILImage = pil_module()
        hue, saturation, value = img.convert("HSV").split()
        shifted = np.array(hue, dtype=np.uint8)
        shifted += np.array(hue_factor * 255).astype(np.uint8)  # uint8 arithmetic wraps around: a turn
        hsv = PILImage.merge("HSV", (PILImage.fromarray(shifted), saturation, value))
        return hsv.convert(img.mode)
    return like(_color.adjust_hue(as_batch(img), hue_factor), img)


def gaussian_blur(img: Image, kernel_size: int | Sequence[int], sigma: float | Sequence[float] | None = None) -> Image:
    """Blur with a Gaussian kernel (odd sizes; default sigma ``0.3 * ((k - 1) * 0.5 - 1) + 0.8``), reflect padding.

    As torchvision, a PIL image is blurred with the tensor formula (not Pillow's own blur).
    """
    kernel = (int(kernel_size), int(kernel_size)) if isinstance(kernel_size, numbers.Integral) else tuple(kernel_size)
    kernel = kernel * 2 if len(kernel) == 1 else kernel
    if any(k <= 0 or k % 2 == 0 for k in kernel):
        raise ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")
    if sigma is None:
        sigmas = [k * 0.15 + 0.35 for k in kernel]
    else:
        sigmas = [float(sigma)] * 2 if isinstance(sigma, numbers.Number) else [float(s) for s in sigma]
        sigmas = sigmas * 2 if len(sigmas) == 1 else sigmas
    if any(s <= 0 for s in sigmas):
        raise ValueError(f"sigma should have positive values. Got {sigma}")
    if is_pil(img):
        array = pil_to_array(img)
        blurred = _color.gaussian_blur(as_batch(array), kernel, np.array([sigmas]))
        return pil_module().fromarray(like(blurred, array))
    return like(_color.gaussian_blur(as_batch(img), kernel, np.array([sigmas])), img)


def erase(img: Tensor, i: int, j: int, h: int, w: int, v: Any, inplace: bool = False) -> Tensor:
    """Set the box at row ``i``, column ``j`` of size (h, w) to ``v`` (a number or a tensor)."""
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(img).__name__}")
    fill = v.detach().numpy() if isinstance(v, Tensor) else v
    box = (Ellipsis, slice(i, i + h), slice(j, j + w))
    target = img if inplace else from_numpy(img.detach().numpy().copy())
    target._write(fill, index=box)
    return target
