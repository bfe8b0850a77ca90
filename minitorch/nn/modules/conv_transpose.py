"""``Conv1d``, ``ConvTranspose1d`` and ``ConvTranspose2d``: the other members of the convolution family.

A transposed convolution's weight is (in_channels, out_channels/groups, kH, kW), the transpose of a
convolution's; PyTorch's default initialisation computes the fan-in from its dim 1 all the same,
and so does this one.
"""
from __future__ import annotations

import math
from typing import Any, Optional, Sequence, Tuple, Union

from minitorch.creation import empty
from minitorch.nn import functional as F
from minitorch.nn import init
from minitorch.nn.module import Module
from minitorch.nn.modules.conv import Conv2d
from minitorch.nn.modules.linear import reset_bias
from minitorch.nn.parameter import Parameter
from minitorch.ops.geometry import pair
from minitorch.ops.conv1d import single
from minitorch.ops.conv_transpose import transposed_output_size
from minitorch.tensor import Tensor


def conv_extra_repr(layer: Module, zeros: tuple, ones: tuple) -> str:
    """PyTorch's text for any convolution: settings left at their defaults are not printed."""
    text = f"{layer.in_channels}, {layer.out_channels}, kernel_size={layer.kernel_size}, stride={layer.stride}"
    if layer.padding != zeros:
        text += f", padding={layer.padding}"
    if layer.dilation != ones:
        text += f", dilation={layer.dilation}"
    if layer.output_padding != zeros:
        text += f", output_padding={layer.output_padding}"
    if layer.groups != 1:
        text += f", groups={layer.groups}"
    if layer.bias is None:
        text += ", bias=False"
    if layer.padding_mode != "zeros":
        text += f", padding_mode={layer.padding_mode}"
    return text


class Conv1d(Conv2d):
    """Slide ``out_channels`` learnable (in_channels/groups)×k filters along (N, C, L) sequences."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Union[int, Tuple[int]], stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None) -> None:
        padding_2d = padding if isinstance(padding, str) else (0, single(padding, "padding"))
        super().__init__(in_channels, out_channels, (1, single(kernel_size, "kernel_size")),
                         (1, single(stride, "stride")), padding_2d, (1, single(dilation, "dilation")), groups, bias,
                         padding_mode, device, dtype)
        self.weight = Parameter(self.weight.squeeze(2))  # (out, in/groups, k)
        self.kernel_size, self.stride, self.dilation = self.kernel_size[1:], self.stride[1:], self.dilation[1:]
        self.padding = padding if isinstance(padding, str) else self.padding[1:]
        self.output_padding = (0,)

    def forward(self, input: Tensor) -> Tensor:
        return F.conv1d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def extra_repr(self) -> str:
        return conv_extra_repr(self, (0,), (1,))


class ConvTranspose2d(Module):
    """Transposed convolution: each input pixel adds a kernel-weighted window to the output, which is
    about ``stride`` times larger (``output_padding`` adds rows/columns at the far edge to pick among
    the sizes a strided convolution maps to the same size)."""

    spatial_dims = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        self.in_channels, self.out_channels, self.groups, self.padding_mode = in_channels, out_channels, groups, "zeros"
        as_tuple = self._as_tuple
        self.kernel_size, self.stride = as_tuple(kernel_size, "kernel_size"), as_tuple(stride, "stride")
        self.padding, self.dilation = as_tuple(padding, "padding"), as_tuple(dilation, "dilation")
        self.output_padding = as_tuple(output_padding, "output_padding")
        self.weight = Parameter(empty((in_channels, out_channels // groups) + self.kernel_size, device=device,
                                      dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    @staticmethod
    def _as_tuple(value: Any, name: str) -> tuple:
        return pair(value, name)

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            reset_bias(self.bias, self.weight)

    def _output_padding(self, input: Tensor, output_size: Optional[Sequence[int]]) -> tuple:
        """The output_padding that gives ``output_size`` (the last dims of it), or the layer's own."""
        if output_size is None:
            return self.output_padding
        dims = self.spatial_dims
        wanted = list(output_size)[-dims:]
        if len(list(output_size)) not in (dims, dims + 1, dims + 2):
            raise ValueError(f"ConvTranspose{dims}D: for {input.ndim}D input, output_size must have {dims} or {dims + 2} "
                             f"elements (got {len(list(output_size))})")
        smallest = transposed_output_size(tuple(input.shape[-dims:]) + (1,) * (2 - dims), self.kernel_size + (1,) * (2 - dims),
                                          self.stride + (1,) * (2 - dims), self.padding + (0,) * (2 - dims),
                                          (0, 0), self.dilation + (1,) * (2 - dims))[:dims]
        extra = []
        for d in range(dims):
            largest = smallest[d] + self.stride[d] - 1
            if not smallest[d] <= wanted[d] <= largest:
                raise ValueError(f"requested an output size of {wanted}, but valid sizes range from "
                                 f"{list(smallest)} to {[s + st - 1 for s, st in zip(smallest, self.stride)]} "
                                 f"(for an input of {list(input.shape[-dims:])})")
            extra.append(wanted[d] - smallest[d])
        return tuple(extra)

    def forward(self, input: Tensor, output_size: Optional[Sequence[int]] = None) -> Tensor:
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                  self._output_padding(input, output_size), self.groups, self.dilation)

    def extra_repr(self) -> str:
        return conv_extra_repr(self, (0,) * self.spatial_dims, (1,) * self.spatial_dims)


class ConvTranspose1d(ConvTranspose2d):
    """Transposed convolution of (N, C, L) sequences."""

    spatial_dims = 1

    @staticmethod
    def _as_tuple(value: Any, name: str) -> tuple:
        return (single(value, name),)

    def forward(self, input: Tensor, output_size: Optional[Sequence[int]] = None) -> Tensor:
        return F.conv_transpose1d(input, self.weight, self.bias, self.stride, self.padding,
                                  self._output_padding(input, output_size), self.groups, self.dilation)
