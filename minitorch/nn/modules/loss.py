"""Loss layers: ``CrossEntropyLoss``, ``NLLLoss``, ``MSELoss`` (wrappers of ``nn.functional``).

Options after ``weight`` are keyword-only: PyTorch's deprecated ``size_average``/``reduce``
arguments sit between them positionally, so a positional call fails loudly instead of silently
meaning something else.
"""
from __future__ import annotations

from typing import Optional

from minitorch.nn import functional as F
from minitorch.nn.module import Module
from minitorch.ops.loss import check_reduction, legacy_reduction
from minitorch.tensor import Tensor


class _Loss(Module):
    """``reduction``: ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``.

    The legacy ``size_average``/``reduce`` flags still work, with PyTorch's deprecation warning.
    """

    def __init__(self, *, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                 reduction: str = "mean") -> None:
        super().__init__()
        if size_average is not None or reduce is not None:
            reduction = legacy_reduction(size_average, reduce, stacklevel=4)
        check_reduction(reduction)
        self.reduction = reduction


class _WeightedLoss(_Loss):
    """Class weights live in a buffer, so they follow ``.to(device)`` and appear in ``state_dict``."""

    def __init__(self, weight: Optional[Tensor] = None, *, size_average: Optional[bool] = None,
                 reduce: Optional[bool] = None, reduction: str = "mean") -> None:
        super().__init__(size_average=size_average, reduce=reduce, reduction=reduction)
        self.register_buffer("weight", weight)


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of logits (N, C[, d...]) against class indices (N[, d...]) or class probabilities.

    ``weight`` rescales each class, ``ignore_index`` targets contribute nothing, and
    ``label_smoothing`` ε mixes the one-hot target with the uniform distribution: (1−ε)·onehot + ε/C.
    """

    def __init__(self, weight: Optional[Tensor] = None, *, size_average: Optional[bool] = None,
                 ignore_index: int = -100, reduce: Optional[bool] = None, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(weight, size_average=size_average, reduce=reduce, reduction=reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(input, target, self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities (e.g. the output of ``LogSoftmax``)."""

    def __init__(self, weight: Optional[Tensor] = None, *, size_average: Optional[bool] = None,
                 ignore_index: int = -100, reduce: Optional[bool] = None, reduction: str = "mean") -> None:
        super().__init__(weight, size_average=size_average, reduce=reduce, reduction=reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


class MSELoss(_Loss):
    """Mean squared error ``mean((input − target)²)`` (or the sum, or each term)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)
