"""Conversions between PIL images, NumPy arrays and Tensors, and of a Tensor image's dtype and scale.

Part of ``transforms.functional`` (which re-exports these functions).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from minitorch import dtypes
from minitorch.creation import empty, from_numpy
from minitorch.tensor import Tensor
from minitorch.transforms._layout import is_pil, max_value, pil_module

PIL_MODES_BY_CHANNELS = {2: "LA", 3: "RGB", 4: "RGBA"}
PIL_MODES_BY_DTYPE = {np.dtype(np.uint8): "L", np.dtype(np.int16): "I;16", np.dtype(np.int32): "I",
                      np.dtype(np.float32): "F"}


def pil_to_array(pic: Any) -> np.ndarray:
    """A PIL image's pixels as an (H, W) or (H, W, C) array (mode "1" becomes uint8 0 / 255)."""
    array = np.array(pic, copy=True)
    return array.astype(np.uint8) * 255 if pic.mode == "1" else array


def to_tensor(pic: Any) -> Tensor:
    """PIL image or HWC / NHWC array -> CHW / NCHW Tensor; uint8 is scaled to float32 in [0, 1]."""
    if is_pil(pic):
        pic = pil_to_array(pic)
    if not isinstance(pic, np.ndarray):
        raise TypeError(f"ToTensor expects a PIL Image or a NumPy array (HWC or NHWC), got {type(pic).__name__}")
    if pic.ndim == 2:
        pic = pic[:, :, None]
    if pic.ndim not in (3, 4):
        raise ValueError(f"ToTensor expects an HWC image or an NHWC batch, got shape {pic.shape}")
    channels_first = np.moveaxis(pic, -1, -3)
    if pic.dtype != np.uint8:
        return from_numpy(np.ascontiguousarray(channels_first))
    scaled = channels_first.astype(np.float32, order="C")
    scaled /= 255
    return from_numpy(scaled)


def pil_to_tensor(pic: Any) -> Tensor:
    """PIL image or HWC / NHWC array -> CHW / NCHW Tensor of the same dtype, values unchanged."""
    if is_pil(pic):
        pic = pil_to_array(pic)
    if not isinstance(pic, np.ndarray):
        raise TypeError(f"PILToTensor expects a PIL Image or a NumPy array, got {type(pic).__name__}")
    if pic.ndim == 2:
        pic = pic[:, :, None]
    return from_numpy(np.ascontiguousarray(np.moveaxis(pic, -1, -3)))


def to_pil_image(pic: Any, mode: str | None = None) -> Any:
    """CHW Tensor or HWC array -> PIL image; floats are multiplied by 255 and truncated to uint8 (torchvision)."""
    PILImage = pil_module()
    if isinstance(pic, Tensor):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        array = pic.detach().cpu().numpy()
        array = np.moveaxis(array, 0, -1) if array.ndim == 3 else array
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        array = pic
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic).__name__}.")
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim == 3 and array.shape[-1] > 4:
        raise ValueError(f"pic should not have > 4 channels. Got {array.shape[-1]} channels.")
    if array.dtype.kind == "f" and mode != "F":
        array = (array * 255).astype(np.uint8)
    if array.ndim == 2:
        default = PIL_MODES_BY_DTYPE.get(array.dtype)
        if default is None:
            raise TypeError(f"Input type {array.dtype} is not supported")
    else:
        array = array.astype(np.uint8, copy=False)
        default = PIL_MODES_BY_CHANNELS[array.shape[-1]]
    image = PILImage.fromarray(np.ascontiguousarray(array.astype(np.float32) if default == "F" else array))
    return image if mode is None or mode == image.mode else image.convert(mode)


def normalize(tensor: Tensor, mean: Sequence[float], std: Sequence[float], inplace: bool = False) -> Tensor:
    """``(x - mean) / std`` per channel of a float CHW Tensor or NCHW batch (one value, or one per channel).

    With ``inplace=True`` the input Tensor itself is overwritten and returned.
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"Normalize expects a Tensor (apply ToTensor first), got {type(tensor).__name__}")
    if tensor.ndim not in (3, 4):
        raise ValueError(f"Normalize expects a CHW Tensor or an NCHW batch, got shape {tuple(tensor.shape)}")
    values = tensor.numpy()
    if values.dtype.kind != "f":
        raise TypeError(f"Normalize expects a float Tensor, got {values.dtype} (apply ToTensor first)")
    mean, std = _per_channel("mean", mean, values), _per_channel("std", std, values)
    if (std == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {values.dtype}, leading to division by zero.")
    if not inplace:
        return from_numpy((values - mean) / std)
    values -= mean
    values /= std
    tensor._write(values)  # the values changed in place: count a new version
    return tensor


def _per_channel(name: str, numbers: Sequence[float], values: np.ndarray) -> np.ndarray:
    """``numbers`` shaped (C, 1, 1) to broadcast over the channels of ``values``."""
    numbers = tuple(numbers)
    channels = values.shape[-3]
    if len(numbers) not in (1, channels):
        raise ValueError(f"Normalize: {name} has {len(numbers)} values but the tensor has {channels} channels")
    return np.asarray(numbers, dtype=values.dtype).reshape(-1, 1, 1)


def convert_image_dtype(image: Tensor, dtype: Any = dtypes.float32) -> Tensor:
    """Change dtype and rescale: uint8 0..255 <-> float 0..1, as torchvision (float -> int: ``x * (max + 1 - 1e-3)``, truncated)."""
    if not isinstance(image, Tensor):
        raise TypeError(f"Input img should be Tensor Image, got {type(image).__name__}")
    source = image.detach().numpy()
    target = np.dtype(empty(0, dtype=dtype).numpy().dtype)
    if source.dtype == target:
        return image
    if source.dtype.kind == "f" and target.kind == "f":
        return from_numpy(source.astype(target))
    if source.dtype.kind == "f":
        if source.dtype == np.float32 and target in (np.int32, np.int64) or source.dtype == np.float64 and target == np.int64:
            raise RuntimeError(f"The cast from {source.dtype} to {target} cannot be performed safely.")
        return from_numpy((source * (max_value(target) + 1.0 - 1e-3)).astype(target))
    if target.kind == "f":
        return from_numpy(source.astype(target) / target.type(max_value(source.dtype)))
    # integer to integer: shift the bits, as torchvision
    source_max, target_max = int(max_value(source.dtype)), int(max_value(target))
    if source_max > target_max:
        factor = (source_max + 1) // (target_max + 1)
        return from_numpy((source // factor).astype(target))
    factor = (target_max + 1) // (source_max + 1)
    return from_numpy(source.astype(target) * factor)
