"""1-D pooling of (N, C, L) sequences (as 2-D pooling of images one pixel high) and power-average
pooling ``lp_pool2d``: ``(Σ_window xᵖ)^(1/p)``, between average (p = 1) and max pooling (p → ∞)."""
from __future__ import annotations

from typing import Any, Optional, Tuple, Union

from minitorch.ops.geometry import pair
from minitorch.ops.conv1d import single
from minitorch.ops.pool import avg_pool2d, max_pool2d
from minitorch.tensor import Tensor


def _as_images(input: Tensor, name: str) -> Tensor:
    if input.ndim not in (2, 3):
        raise RuntimeError(f"{name}: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got: {list(input.shape)}")
    return input.unsqueeze(-2)


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Union[Tensor, Tuple[Tensor, Tensor]]:
    """The largest value of each window along the last dim, as ``torch.nn.functional.max_pool1d``."""
    kernel = single(kernel_size, "kernel_size")
    stride = kernel if stride is None or stride == [] else single(stride, "stride")
    result = max_pool2d(_as_images(input, "max_pool1d"), (1, kernel), (1, stride), (0, single(padding, "padding")),
                        (1, single(dilation, "dilation")), ceil_mode, return_indices)
    if return_indices:
        return result[0].squeeze(-2), result[1].squeeze(-2)
    return result.squeeze(-2)


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """The mean of each window along the last dim, as ``torch.nn.functional.avg_pool1d``."""
    kernel = single(kernel_size, "kernel_size")
    stride = kernel if stride is None or stride == [] else single(stride, "stride")
    return avg_pool2d(_as_images(input, "avg_pool1d"), (1, kernel), (1, stride), (0, single(padding, "padding")),
                      ceil_mode, count_include_pad).squeeze(-2)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size: Any, stride: Optional[Any] = None,
              ceil_mode: bool = False) -> Tensor:
    """``(Σ_window xᵖ)^(1/p)`` over each window: kh·kw times the window's mean of xᵖ, to the power 1/p."""
    kh, kw = pair(kernel_size, "kernel_size")
    return (avg_pool2d(input ** norm_type, (kh, kw), stride, 0, ceil_mode) * (kh * kw)) ** (1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int, stride: Optional[Any] = None,
              ceil_mode: bool = False) -> Tensor:
    """``(Σ_window xᵖ)^(1/p)`` over windows along the last dim."""
    kernel = single(kernel_size, "kernel_size")
    return (avg_pool1d(input ** norm_type, kernel, stride, 0, ceil_mode) * kernel) ** (1.0 / norm_type)
