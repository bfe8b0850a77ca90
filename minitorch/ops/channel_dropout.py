"""Dropout of whole channels (``dropout1d``, ``dropout2d``) and alpha dropout (for SELU networks).

Neighbouring pixels of a feature map are strongly correlated, so zeroing single pixels hardly
regularises a convolutional layer; ``dropout2d`` zeroes whole channels instead: one keep/drop draw
per (sample, channel), broadcast over the pixels, kept values scaled by 1/(1 − p).
``alpha_dropout`` sets dropped values to SELU's negative saturation value and then rescales and
shifts, so that zero mean and unit variance are kept (Klambauer et al., 2017).
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from minitorch.backend import to_device
from minitorch.ops.rectifiers import SELU_ALPHA, SELU_SCALE
from minitorch.random import rng_of
from minitorch.tensor import Tensor


def _check_p(p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _keep(shape: tuple, p: float, like: Tensor) -> Tensor:
    """1 with probability 1 − p, else 0 (the default generator, on the CPU), on ``like``'s device."""
    keep = (rng_of(None).random(shape, dtype=np.float32) >= p).astype(like.dtype)
    return Tensor._wrap(to_device(keep, like.device))


def _channel_dropout(input: Tensor, p: float, training: bool, inplace: bool, batched: bool = True) -> Tensor:
    """One draw per (sample, channel), or per channel of an unbatched input."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    leading = 2 if batched else 1
    mask = _keep(tuple(input.shape[:leading]) + (1,) * (input.ndim - leading), p, input)
    if p < 1.0:
        mask = mask * (1.0 / (1.0 - p))
    return input.mul_(mask) if inplace else input * mask


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, L) (or (C, L)) inputs with probability ``p``; scale the rest by 1/(1 − p)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, "
                           "a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _channel_dropout(input, p, training, inplace, batched=input.ndim == 3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, H, W) images with probability ``p``; scale the rest by 1/(1 − p)."""
    if input.ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and will "
                      "result in an error in a future release.", stacklevel=2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a "
                      "batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, "
                      "please switch to using dropout1d instead.", stacklevel=2)
    return _channel_dropout(input, p, training, inplace)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout for SELU networks: dropped values become α' = −scale·α, then ``a·x + b`` restores
    mean 0 and variance 1, with a = ((1 − p)(1 + p·α'²))^(−1/2) and b = −a·α'·p."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    saturation = -SELU_SCALE * SELU_ALPHA
    a = 1.0 / math.sqrt((1 - p) * (1 + p * saturation ** 2))
    b = -a * saturation * p
    keep = _keep(tuple(input.shape), p, input)
    out = input * (keep * a) + (1 - keep) * (a * saturation) + b
    return input.copy_(out) if inplace else out
