"""``BatchNorm1d`` and ``BatchNorm2d``: normalise each channel by batch statistics while
training, and by running averages of them when evaluating (Ioffe & Szegedy, 2015)."""
from __future__ import annotations

from typing import Any, Optional

from minitorch import dtypes
from minitorch.creation import ones, tensor, zeros
from minitorch.nn import functional as F
from minitorch.nn import init
from minitorch.nn.module import Module
from minitorch.nn.parameter import Parameter
from minitorch.tensor import Tensor


class _BatchNorm(Module):
    """Shared by the 1-D and 2-D layers, which differ only in the input ranks they accept."""

    input_ranks: tuple = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        weight = Parameter(ones(num_features, device=device, dtype=dtype)) if affine else None
        bias = Parameter(zeros(num_features, device=device, dtype=dtype)) if affine and bias else None
        self.register_parameter("weight", weight)
        self.register_parameter("bias", bias)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked", tensor(0, dtype=dtypes.int64, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in self.input_ranks:
            expected = " or ".join(f"{rank}D" for rank in self.input_ranks)
            raise ValueError(f"expected {expected} input (got {input.ndim}D input)")
        momentum = self._momentum_for_this_batch()
        use_batch_statistics = self.training or self.running_mean is None
        track = not self.training or self.track_running_stats
        return F.batch_norm(
            input, self.running_mean if track else None, self.running_var if track else None,
            self.weight, self.bias, use_batch_statistics, momentum, self.eps,
        )

    def _momentum_for_this_batch(self) -> float:
        """``momentum``, or with ``momentum=None`` 1/(batches seen): a plain cumulative average."""
        if not (self.training and self.track_running_stats):
            return 0.0 if self.momentum is None else self.momentum
        self.num_batches_tracked.add_(1)
        if self.momentum is None:  # computed where the counter lives: reading it would stall a GPU
            return (1.0 / self.num_batches_tracked._data).astype(self.running_mean._data.dtype)
        return self.momentum

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs, per channel C."""

    input_ranks = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) images, per channel C."""

    input_ranks = (4,)
