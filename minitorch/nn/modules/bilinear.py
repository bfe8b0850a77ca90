"""``Bilinear`` (y = x₁ᵀ A x₂ + b, one matrix A per output feature), ``Unflatten``, ``Unfold`` and ``Fold``."""
from __future__ import annotations

import math
from typing import Any, Sequence

from minitorch.creation import empty
from minitorch.nn import functional as F
from minitorch.nn import init
from minitorch.nn.module import Module
from minitorch.nn.parameter import Parameter
from minitorch.tensor import Tensor


class Bilinear(Module):
    """``y[..., k] = Σᵢⱼ x1[..., i] · weight[k, i, j] · x2[..., j] + bias[k]``.

    Weight (out, in1, in2) and bias start as U(−1/√in1, 1/√in1), as in PyTorch.
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        self.weight = Parameter(empty((out_features, in1_features, in2_features), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        if input1.shape[:-1] != input2.shape[:-1] or input1.shape[-1] != self.in1_features \
                or input2.shape[-1] != self.in2_features:
            raise RuntimeError(f"bilinear: expected inputs of shapes (*, {self.in1_features}) and "
                               f"(*, {self.in2_features}) with the same leading dims, got {list(input1.shape)} "
                               f"and {list(input2.shape)}")
        batch = input1.shape[:-1]
        x1 = input1.reshape(-1, self.in1_features)
        x2 = input2.reshape(-1, self.in2_features)
        mixed = (x1 @ self.weight) * x2  # (out, n, in2): row k is x1ᵀ A_k, times x2
        out = mixed.sum(-1).transpose(0, 1)
        if self.bias is not None:
            out = out + self.bias
        return out.reshape(*batch, self.out_features)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class Unflatten(Module):
    """Split dim ``dim`` into ``unflattened_size`` (the inverse of ``Flatten``)."""

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size) if isinstance(unflattened_size, list) \
            else unflattened_size

    def forward(self, input: Tensor) -> Tensor:
        dim = self.dim % input.ndim
        return input.reshape(*input.shape[:dim], *self.unflattened_size, *input.shape[dim + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Unfold(Module):
    """Every sliding kh×kw block of (N, C, H, W) images as a column: (N, C·kh·kw, L)."""

    def __init__(self, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> None:
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, "
                f"stride={self.stride}")


class Fold(Module):
    """Columns (N, C·kh·kw, L) added back into (N, C, H, W) images of ``output_size``."""

    def __init__(self, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")
