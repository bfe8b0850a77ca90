"""``Conv2d``: a learnable 2-D convolution over (N, C, H, W) images."""
from __future__ import annotations

import math
from typing import Any, Tuple, Union

from minitorch.creation import empty
from minitorch.nn import functional as F
from minitorch.nn import init
from minitorch.nn.module import Module
from minitorch.nn.modules.linear import reset_bias
from minitorch.nn.parameter import Parameter
from minitorch.ops.geometry import pair
from minitorch.tensor import Tensor

IntOrPair = Union[int, Tuple[int, int]]


class Conv2d(Module):
    """Slide ``out_channels`` learnable (in_channels/groups)×kH×kW filters over the input.

    ``padding`` is an int, a pair, ``'valid'`` (no padding) or ``'same'`` (output as large as
    the input; stride 1 only). Weight and bias start as U(−1/√fan_in, 1/√fan_in), with
    fan_in = in_channels/groups · kH · kW, as in PyTorch.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntOrPair, stride: IntOrPair = 1,
                 padding: Union[str, IntOrPair] = 0, dilation: IntOrPair = 1, groups: int = 1,
                 bias: bool = True, padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        _check_arguments(in_channels, out_channels, groups, padding, stride, padding_mode)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = pair(kernel_size, "kernel_size")
        self.stride = pair(stride, "stride")
        self.padding = padding if isinstance(padding, str) else pair(padding, "padding")
        self.dilation = pair(dilation, "dilation")
        self.groups = groups
        self.padding_mode = padding_mode
        self.output_padding = (0, 0)
        weight_shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = Parameter(empty(weight_shape, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            reset_bias(self.bias, self.weight)

    def forward(self, input: Tensor) -> Tensor:
        if self.padding_mode != "zeros":  # pad by copying pixels first, then convolve without padding
            padded = F.pad(input, self._padding_amounts(), mode=self.padding_mode)
            return F.conv2d(padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def _padding_amounts(self) -> tuple:
        """F.pad's (left, right, top, bottom) for ``padding`` (an int pair, or 'same': the odd one after)."""
        if self.padding == "valid":
            return (0, 0, 0, 0)
        if self.padding == "same":
            totals = [d * (k - 1) for d, k in zip(self.dilation, self.kernel_size)]
            return (totals[1] // 2, totals[1] - totals[1] // 2, totals[0] // 2, totals[0] - totals[0] // 2)
        return (self.padding[1], self.padding[1], self.padding[0], self.padding[0])

    def extra_repr(self) -> str:
        """PyTorch's text: settings left at their defaults are not printed."""
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


def _check_arguments(in_channels: int, out_channels: int, groups: int, padding: Any, stride: Any,
                     padding_mode: str) -> None:
    if groups <= 0:
        raise ValueError("groups must be a positive integer")
    if in_channels % groups:
        raise ValueError("in_channels must be divisible by groups")
    if out_channels % groups:
        raise ValueError("out_channels must be divisible by groups")
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"Invalid padding string '{padding}', should be one of {{'valid', 'same'}}")
        if padding == "same" and pair(stride, "stride") != (1, 1):
            raise ValueError("padding='same' is not supported for strided convolutions")
    modes = ["zeros", "reflect", "replicate", "circular"]
    if padding_mode not in modes:
        raise ValueError(f"padding_mode must be one of {modes}, but got padding_mode='{padding_mode}'")
