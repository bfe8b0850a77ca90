"""conv2d's argument checks: PyTorch's exception types and messages, naming the shapes at fault."""
from __future__ import annotations

from typing import Optional, Sequence

from minitorch.ops.geometry import Padding, Pair
from minitorch.tensor import Tensor


def check_conv_arguments(input: Tensor, weight: Tensor, bias: Optional[Tensor], stride: Pair, dilation: Pair,
                          groups: int) -> None:
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, "
                           f"but got input of size: {list(input.shape)}")
    if weight.ndim != 4:
        raise RuntimeError(f"conv2d expects a 4-D weight (out_channels, in_channels/groups, kH, kW), "
                           f"but got weight of size {list(weight.shape)}")
    if input.dtype.kind != "f":
        raise RuntimeError(f"conv2d expects a floating-point input, but got {input.dtype}")
    for name, tensor in (("weight", weight), ("bias", bias)):
        if tensor is not None and tensor.dtype != input.dtype:
            raise RuntimeError(f"Input type ({input.dtype}) and {name} type ({tensor.dtype}) should be the same")
    if min(stride) <= 0:
        raise RuntimeError(f"non-positive stride is not supported, but got stride={list(stride)}")
    if min(dilation) <= 0:
        raise RuntimeError(f"non-positive dilation is not supported, but got dilation={list(dilation)}")
    if groups <= 0:
        raise RuntimeError(f"non-positive groups is not supported, but got groups={groups}")
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                           f"but got weight of size {list(weight.shape)} instead")
    channels = input.shape[-3]
    if channels != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
                           f"{list(input.shape)} to have {weight.shape[1] * groups} channels, "
                           f"but got {channels} channels instead")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise RuntimeError(f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with "
                           f"{weight.shape[0]} elements, but got bias of size {list(bias.shape)} instead")


def check_kernel_fits(input_size: Sequence[int], kernel: Sequence[int], padding: Padding, dilation: Pair) -> None:
    padded = [input_size[d] + sum(padding[d]) for d in range(2)]
    spans = [dilation[d] * (kernel[d] - 1) + 1 for d in range(2)]
    if spans[0] > padded[0] or spans[1] > padded[1]:
        raise RuntimeError(f"Calculated padded input size per channel: ({padded[0]} x {padded[1]}). "
                           f"Kernel size: ({spans[0]} x {spans[1]}). "
                           "Kernel size can't be greater than actual input size")
