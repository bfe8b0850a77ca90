"""1-D convolution of (N, C, L) sequences: a 2-D convolution of images one pixel high."""
from __future__ import annotations

from typing import Optional, Union

from minitorch.ops.conv import conv2d
from minitorch.ops.geometry import IntOrPair
from minitorch.tensor import Tensor


def single(value: IntOrPair, name: str) -> int:
    """``3`` or ``(3,)`` → 3."""
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of 1 values, "
                               f"but got {name}={list(value)}")
        return int(value[0])
    return int(value)


def conv1d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntOrPair = 1,
           padding: Union[str, IntOrPair] = 0, dilation: IntOrPair = 1, groups: int = 1) -> Tensor:
    """Slide (O, C/groups, k) filters along (N, C, L) sequences (or one (C, L) sequence), as
    ``torch.nn.functional.conv1d``."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2D (unbatched) or 3D (batched) input to conv1d, "
                           f"but got input of size: {list(input.shape)}")
    if weight.ndim != 3:
        raise RuntimeError(f"conv1d expects a 3-D weight (out_channels, in_channels/groups, kL), "
                           f"but got weight of size {list(weight.shape)}")
    padding = padding if isinstance(padding, str) else (0, single(padding, "padding"))
    out = conv2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, (1, single(stride, "stride")), padding,
                 (1, single(dilation, "dilation")), groups)
    return out.squeeze(-2)
