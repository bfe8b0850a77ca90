"""Colour arithmetic on NHWC arrays, with torchvision's tensor formulas (one factor per image).

- grayscale: ``L = 0.2989 R + 0.587 G + 0.114 B`` (ITU-R 601-2 luma, as Pillow's ``convert("L")``);
- brightness, contrast and saturation *blend* the image with black, its mean gray level, or
  its grayscale version: ``clip(f * image + (1 - f) * other, 0, full)``;
- hue rotates the hue channel in HSV space by ``hue_factor`` turns.

As in torchvision, integer images are truncated (not rounded) back to their dtype after a
blend or a grayscale conversion, and rounded after a blur.
"""
from __future__ import annotations

import numpy as np

from minitorch.transforms._layout import cast_like, max_value, working_float


def per_image(factors: np.ndarray | float, dtype: np.dtype) -> np.ndarray:
    return np.asarray(factors, dtype=dtype).reshape(-1, 1, 1, 1)


def rgb_to_grayscale(batch: np.ndarray, channels: int = 1) -> np.ndarray:
    """(N, H, W, 3) -> (N, H, W, channels) luma; a one-channel image is returned as it is."""
    if batch.shape[-1] == 1:
        gray = batch
    elif batch.shape[-1] == 3:
        values = working_float(batch)
        gray = cast_like(values @ np.array([0.2989, 0.587, 0.114], dtype=values.dtype), batch.dtype, round_=False)[..., None]
    else:
        raise TypeError(f"grayscale conversion needs 1 or 3 channels, got {batch.shape[-1]}")
    return np.repeat(gray, channels, axis=-1) if channels != gray.shape[-1] else gray


def blend(batch: np.ndarray, other: np.ndarray | float, factors: np.ndarray | float) -> np.ndarray:
    values = working_float(batch)
    factor = per_image(factors, values.dtype)
    mixed = factor * values + (1.0 - factor) * other
    return cast_like(np.clip(mixed, 0, max_value(batch.dtype)), batch.dtype, round_=False)


def adjust_brightness(batch: np.ndarray, factors: np.ndarray | float) -> np.ndarray:
    return blend(batch, 0.0, factors)


def adjust_contrast(batch: np.ndarray, factors: np.ndarray | float) -> np.ndarray:
    gray = rgb_to_grayscale(batch) if batch.shape[-1] == 3 else batch
    mean = working_float(gray).mean(axis=(1, 2, 3), keepdims=True, dtype=np.float64)
    return blend(batch, mean.astype(working_float(batch).dtype), factors)


def adjust_saturation(batch: np.ndarray, factors: np.ndarray | float) -> np.ndarray:
    if batch.shape[-1] == 1:
        return batch
    return blend(batch, working_float(rgb_to_grayscale(batch)), factors)


def adjust_hue(batch: np.ndarray, hue_factors: np.ndarray | float) -> np.ndarray:
    if batch.shape[-1] == 1:
        return batch
    values = working_float(batch)
    if batch.dtype.kind != "f":
        values = values / max_value(batch.dtype)
    hue, saturation, value = _rgb_to_hsv(values)
    hue = np.mod(hue + per_image(hue_factors, values.dtype)[..., 0], 1.0)
    rgb = _hsv_to_rgb(hue, saturation, value)
    if batch.dtype.kind != "f":
        return cast_like(rgb * max_value(batch.dtype), batch.dtype, round_=False)
    return rgb.astype(batch.dtype, copy=False)


def _rgb_to_hsv(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    high, low = rgb.max(axis=-1), rgb.min(axis=-1)
    gray = high == low
    spread = high - low
    saturation = spread / np.where(gray, 1, high)
    divisor = np.where(gray, 1, spread)
    rc, gc, bc = (high - r) / divisor, (high - g) / divisor, (high - b) / divisor
    hue = ((high == r) * (bc - gc) + ((high == g) & (high != r)) * (2.0 + rc - bc)
           + ((high != g) & (high != r)) * (4.0 + gc - rc))
    return np.fmod(hue / 6.0 + 1.0, 1.0), saturation, high


def _hsv_to_rgb(hue: np.ndarray, saturation: np.ndarray, value: np.ndarray) -> np.ndarray:
    sector = np.floor(hue * 6.0)
    f = hue * 6.0 - sector
    sector = sector.astype(np.int64) % 6
    p = np.clip(value * (1.0 - saturation), 0, 1)
    q = np.clip(value * (1.0 - saturation * f), 0, 1)
    t = np.clip(value * (1.0 - saturation * (1.0 - f)), 0, 1)
    # in sector k the (r, g, b) are these of (v, p, q, t)
    r = np.choose(sector, [value, q, p, p, t, value])
    g = np.choose(sector, [t, value, value, q, p, p])
    b = np.choose(sector, [p, p, t, value, value, q])
    return np.stack([r, g, b], axis=-1)


def gaussian_kernel(size: int, sigma: np.ndarray) -> np.ndarray:
    """(N, size) normalised 1-D Gaussian weights, one row per sigma, as torchvision's."""
    half = (size - 1) * 0.5
    x = np.linspace(-half, half, size).reshape(1, -1)
    pdf = np.exp(-0.5 * (x / np.asarray(sigma, dtype=np.float64).reshape(-1, 1)) ** 2)
    return pdf / pdf.sum(axis=1, keepdims=True)


def gaussian_blur(batch: np.ndarray, kernel_size: tuple[int, int], sigmas: np.ndarray) -> np.ndarray:
    """Blur each image with its own (sigma_x, sigma_y); reflect padding; one weighted sum per kernel tap."""
    values = working_float(batch)
    kernel_x = gaussian_kernel(kernel_size[0], sigmas[:, 0]).astype(values.dtype)
    kernel_y = gaussian_kernel(kernel_size[1], sigmas[:, 1]).astype(values.dtype)
    half_x, half_y = kernel_size[0] // 2, kernel_size[1] // 2
    padded = np.pad(values, ((0, 0), (half_y, half_y), (half_x, half_x), (0, 0)), mode="reflect")
    height, width = batch.shape[1:3]
    rows = sum(kernel_y[:, k, None, None, None] * padded[:, k:k + height] for k in range(kernel_size[1]))
    out = sum(kernel_x[:, k, None, None, None] * rows[:, :, k:k + width] for k in range(kernel_size[0]))
    return cast_like(out, batch.dtype)
