"""Losses: cross-entropy (fused with softmax), negative log-likelihood, mean squared error.

Classification losses see the logits as rows: an input of shape (N, C) or (N, C, d₁, ...)
becomes M rows of C class scores (the class axis moved last), and the target becomes M class
indices. Each row i has a weight ``w[yᵢ]`` (1 without class weights, 0 where
``yᵢ == ignore_index``); ``reduction='mean'`` divides the summed loss by Σ w[yᵢ], as PyTorch.

Cross-entropy is one node, not log_softmax followed by nll_loss: its gradient with respect
to the logits is simply ``(softmax − one_hot) · scale``, computed directly in one pass over
the (M, C) scores instead of backpropagating through two nodes and their temporaries.
"""
from __future__ import annotations

import functools
import math
import warnings
from typing import Any, Callable, Optional

import numpy as np

from minitorch import dtypes
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module, device_assert
from minitorch.ops.activation import LogSoftmax, log_softmax_array
from minitorch.ops.broadcast import broadcast_shapes, unbroadcast
from minitorch.ops.operands import promote_operands
from minitorch.ops.recompute import reuse_or_recompute
from minitorch.tensor import Tensor

REDUCTIONS = ("none", "mean", "sum")


# ----- rows of class scores -----
def class_last_rows(x: Any) -> Any:
    """(N, C, d₁, ...) → (N·d₁·..., C); (N, C) stays; an unbatched (C,) becomes one row."""
    if x.ndim == 1:
        return x[None, :]
    if x.ndim > 2:
        x = array_module(x).moveaxis(x, 1, -1)
    return x.reshape(-1, x.shape[-1])


def rows_to_input_shape(rows: Any, shape: tuple) -> Any:
    """The inverse of :func:`class_last_rows`."""
    if len(shape) <= 2:
        return rows.reshape(shape)
    moved = rows.reshape(shape[:1] + shape[2:] + shape[1:2])
    return array_module(rows).moveaxis(moved, -1, 1)


def loss_shape(input_shape: tuple) -> tuple:
    """The shape of unreduced losses: the input's without its class axis."""
    return input_shape[:1] + input_shape[2:] if len(input_shape) > 1 else ()


def check_targets_in_range(targets: Any, bad: Any) -> None:
    """An IndexError naming the first class index outside ``[0, num_classes)`` (``bad`` marks them).

    On a GPU the check runs on the device and raises at the next read of values on the host, as
    CUDA's device-side asserts do: testing here would stall the GPU once per batch.
    """
    first_bad = targets[bad.argmax()] if targets.size else targets.sum()
    device_assert(bad.any(), lambda: IndexError(f"Target {int(first_bad)} is out of bounds."))


def target_weights(targets: Any, valid: Any, class_weight: Optional[Any], dtype: Any) -> Any:
    """Each row's weight ``w[yᵢ]``: 1 without class weights, 0 for ignored rows."""
    if class_weight is None:
        return valid.astype(dtype)
    xp = array_module(targets)
    return xp.where(valid, class_weight[xp.where(valid, targets, 0)], 0).astype(dtype)


def reduce_losses(losses: Any, reduction: str, total_weight: Any, shape: tuple) -> Any:
    """Per-row losses → the reduced loss (the mean divides by the summed row weights)."""
    if reduction == "none":
        return losses.reshape(shape)
    if reduction == "sum":
        return losses.sum()
    with np.errstate(invalid="ignore", divide="ignore"):  # every target ignored: nan, as PyTorch
        return losses.sum() / total_weight


def row_scales(grad: Any, reduction: str, total_weight: Any) -> Any:
    """d(reduced loss)/d(row loss) times the incoming gradient: a scalar, or one per row."""
    if reduction == "none":
        return grad.reshape(-1)
    if reduction == "sum":
        return grad
    with np.errstate(invalid="ignore", divide="ignore"):
        return grad / total_weight


class IndexedTargets:
    """What the forward learns about the class indices and the backward needs again."""

    def __init__(self, targets: Any, ignore_index: int, class_weight: Optional[Any], num_classes: int, dtype: Any):
        xp = array_module(targets)
        self.rows = xp.arange(targets.size)
        flat = targets.reshape(-1)
        self.valid = flat != ignore_index
        in_range = (flat >= 0) & (flat < num_classes)
        check_targets_in_range(flat, self.valid & ~in_range)
        self.classes = xp.where(self.valid & in_range, flat, 0)  # ignored rows point at class 0, with weight 0
        self.weights = target_weights(self.classes, self.valid, class_weight, dtype)
        self.total_weight = self.weights.sum()

    def pick(self, rows: Any) -> Any:
        """The entry of each row at its target class."""
        return rows[self.rows, self.classes]


# ----- cross-entropy on logits -----
class CrossEntropy(ArrayFunction):
    """Softmax and negative log-likelihood of class-index targets, with optional label smoothing.

    Row i's target distribution is ``qᵢ = (1−ε)·w[yᵢ]·onehot(yᵢ) + (ε/C)·w`` (0 if ignored) and
    its loss is ``−Σ_c q_ic·log softmax(zᵢ)_c``.
    """

    @staticmethod
    def forward(ctx, logits, targets, class_weight, ignore_index, reduction, smoothing):
        num_classes = logits.shape[1] if logits.ndim > 1 else logits.shape[0]
        target = IndexedTargets(targets, ignore_index, class_weight, num_classes, logits.dtype)
        log_probs = log_softmax_array(class_last_rows(logits), axis=1)
        losses = target.pick(log_probs) * -(1.0 - smoothing) * target.weights
        spread = None  # the smoothing mass each class receives, (ε/C)·w
        if smoothing:
            spread = _smoothing_spread(class_weight, smoothing, num_classes, log_probs)
            losses -= (log_probs @ spread) * target.valid
        ctx.save_for_backward(logits)
        ctx.log_probs, ctx.target, ctx.spread, ctx.smoothing = log_probs, target, spread, smoothing
        ctx.reduction, ctx.input_shape = reduction, logits.shape
        return reduce_losses(losses, reduction, target.total_weight, targets.shape)

    @staticmethod
    def backward(ctx, grad):
        """d loss/d zᵢ = (softmax(zᵢ)·Σ_c q_ic − qᵢ)·scaleᵢ; plainly (softmax − one_hot)·scale."""
        (logits,) = ctx.saved_tensors
        log_probs = reuse_or_recompute(ctx.log_probs, lambda: log_softmax_rows(logits), logits)
        settings = (ctx.target, ctx.spread, ctx.smoothing, ctx.reduction, ctx.input_shape)
        return (CrossEntropyBackward.call(grad, log_probs, *settings),) + (None,) * 5


class CrossEntropyBackward(ArrayFunction):
    """Cross-entropy's gradient G(g, log p) as an op of its own, so that it has a derivative
    (double backward) while the first-order backward stays one pass with an in-place scatter."""

    @staticmethod
    def forward(ctx, grad, log_probs, target, spread, smoothing, reduction, input_shape):
        scales = row_scales(grad, reduction, target.total_weight)
        hit = (1.0 - smoothing) * target.weights * scales  # q's one-hot part, scaled
        mass = hit if spread is None else hit + spread.sum() * target.valid * scales
        grad_rows = array_module(log_probs).exp(log_probs)
        grad_rows *= mass[:, None]
        grad_rows[target.rows, target.classes] -= hit
        if spread is not None:
            grad_rows -= (target.valid * scales)[:, None] * spread
        ctx.save_for_backward(grad, log_probs)
        ctx.settings = (target, spread, smoothing, reduction, input_shape)
        return rows_to_input_shape(grad_rows, input_shape)

    @staticmethod
    def backward(ctx, gg):
        """With G_ic = sᵢ·(p_ic·bᵢ − aᵢ·[c = yᵢ] − vᵢ·spread_c), s the row scales (linear in g):
        d/d log p_ic = gg_ic·sᵢ·bᵢ·p_ic, d/dsᵢ = bᵢ·Σ_c gg_ic·p_ic − aᵢ·gg[i, yᵢ] − vᵢ·Σ_c gg_ic·spread_c."""
        grad, log_probs = ctx.saved_tensors
        target, spread, smoothing, reduction, input_shape = ctx.settings
        xp = array_module(gg)
        probs = xp.exp(log_probs)
        gg_rows = class_last_rows(gg)
        hit_share = (1.0 - smoothing) * target.weights  # aᵢ
        mass_share = hit_share if spread is None else hit_share + spread.sum() * target.valid  # bᵢ
        scales = row_scales(grad, reduction, target.total_weight)
        grad_log_probs = gg_rows * probs * (mass_share * scales)[:, None] if ctx.needs_input_grad[1] else None
        grad_grad = None
        if ctx.needs_input_grad[0]:
            per_row = mass_share * (gg_rows * probs).sum(axis=1) - hit_share * target.pick(gg_rows)
            if spread is not None:
                per_row = per_row - target.valid * (gg_rows * spread).sum(axis=1)
            grad_grad = row_scales_adjoint(per_row, grad.shape, reduction, target.total_weight)
        return (grad_grad, grad_log_probs) + (None,) * 5


def log_softmax_rows(logits: Tensor) -> Tensor:
    """log softmax over the classes of each row of ``logits`` (a Tensor, under create_graph)."""
    return LogSoftmax.apply(class_last_rows(logits), 1)


def row_scales_adjoint(per_row: Any, grad_shape: tuple, reduction: str, total_weight: Any) -> Any:
    """The transpose of :func:`row_scales`: d/d grad of Σᵢ per_rowᵢ·scaleᵢ."""
    if reduction == "none":
        return per_row.reshape(grad_shape)
    if reduction == "sum":
        return per_row.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        return per_row.sum() / total_weight


def _smoothing_spread(class_weight: Optional[Any], smoothing: float, num_classes: int, like: Any) -> Any:
    share = smoothing / num_classes
    if class_weight is None:
        return array_module(like).full(num_classes, share, dtype=like.dtype)
    return (class_weight * share).astype(like.dtype, copy=False)


class SoftTargetCrossEntropy(ArrayFunction):
    """Cross-entropy against class probabilities ``p`` (a float target of the input's shape)."""

    @staticmethod
    def forward(ctx, logits, probabilities, class_weight, reduction, smoothing):
        target = soft_target(probabilities, class_weight, smoothing)
        log_probs = log_softmax_array(class_last_rows(logits), axis=1)
        losses = -(log_probs * target).sum(axis=1)
        ctx.save_for_backward(logits, probabilities)
        ctx.log_probs, ctx.target, ctx.settings = log_probs, target, (class_weight, smoothing)
        ctx.reduction, ctx.input_shape, ctx.count = reduction, logits.shape, losses.size
        return reduce_losses(losses, reduction, losses.size, loss_shape(logits.shape))

    @staticmethod
    def backward(ctx, grad):
        """d loss/d zᵢ = (softmax(zᵢ)·Σ_c q_ic − qᵢ)·scaleᵢ, q the (smoothed, weighted) target."""
        logits, probabilities = ctx.saved_tensors
        log_probs = reuse_or_recompute(ctx.log_probs, lambda: log_softmax_rows(logits), logits)
        target = reuse_or_recompute(ctx.target, lambda: soft_target(probabilities, *ctx.settings), logits)
        scales = row_scales(grad, ctx.reduction, ctx.count)
        grad_rows = (array_module(log_probs).exp(log_probs) * target.sum(axis=1, keepdims=True) - target) \
            * (scales[:, None] if scales.ndim else scales)
        return rows_to_input_shape(grad_rows, ctx.input_shape), None, None, None, None


def soft_target(probabilities: Any, class_weight: Optional[Any], smoothing: float) -> Any:
    """The target rows q: the probabilities, smoothed towards uniform by ε, times the class weights."""
    num_classes = probabilities.shape[1] if probabilities.ndim > 1 else probabilities.shape[0]
    target = class_last_rows(probabilities)
    if smoothing:
        target = target * (1.0 - smoothing) + smoothing / num_classes
    if class_weight is not None:
        target = target * class_weight
    return target


# ----- negative log-likelihood of log-probabilities -----
class NLL(ArrayFunction):
    @staticmethod
    def forward(ctx, log_probs, targets, class_weight, ignore_index, reduction):
        num_classes = log_probs.shape[1] if log_probs.ndim > 1 else log_probs.shape[0]
        target = IndexedTargets(targets, ignore_index, class_weight, num_classes, log_probs.dtype)
        losses = -target.pick(class_last_rows(log_probs)) * target.weights
        ctx.target, ctx.reduction, ctx.input_shape = target, reduction, log_probs.shape
        return reduce_losses(losses, reduction, target.total_weight, targets.shape)

    @staticmethod
    def backward(ctx, grad):
        """d loss/d x[i, yᵢ] = −w[yᵢ]·scaleᵢ; every other entry gets 0."""
        return (NLLBackward.call(grad, ctx.target, ctx.reduction, ctx.input_shape),) + (None,) * 4


class NLLBackward(ArrayFunction):
    """NLL's gradient, a scatter of the row scales into zeros: an op whose own derivative (linear
    in the upstream gradient) is the gather of the same entries."""

    @staticmethod
    def forward(ctx, grad, target, reduction, input_shape):
        num_classes = input_shape[1] if len(input_shape) > 1 else input_shape[0]
        grad_rows = array_module(grad).zeros((target.rows.size, num_classes), dtype=grad.dtype)
        grad_rows[target.rows, target.classes] = -target.weights * row_scales(grad, reduction, target.total_weight)
        ctx.grad_shape, ctx.settings = grad.shape, (target, reduction)
        return rows_to_input_shape(grad_rows, input_shape)

    @staticmethod
    def backward(ctx, gg):
        """d/d scaleᵢ = −w[yᵢ]·gg[i, yᵢ], then through the row scales to the upstream gradient."""
        target, reduction = ctx.settings
        per_row = -target.weights * target.pick(class_last_rows(gg))
        return row_scales_adjoint(per_row, ctx.grad_shape, reduction, target.total_weight), None, None, None


# ----- mean squared error -----
class MSE(ArrayFunction):
    @staticmethod
    def forward(ctx, input, target, reduction):
        difference = input - target
        ctx.save_for_backward(input, target)
        ctx.difference, ctx.shapes, ctx.reduction = difference, (input.shape, target.shape), reduction
        squared = difference * difference
        return reduce_losses(squared, reduction, squared.size, squared.shape)

    @staticmethod
    def backward(ctx, grad):
        """d/d input = 2(input − target)·scale; d/d target = −2(input − target)·scale."""
        input, target = ctx.saved_tensors
        difference = reuse_or_recompute(ctx.difference, lambda: input - target, input)
        scale = grad / math.prod(difference.shape) if ctx.reduction == "mean" else grad
        grad_input = difference * (2 * scale)
        need_input, need_target, _ = ctx.needs_input_grad
        return (
            unbroadcast(grad_input, ctx.shapes[0]) if need_input else None,
            unbroadcast(-grad_input, ctx.shapes[1]) if need_target else None,
            None,
        )


# ----- the functions -----
def legacy_reduction(size_average: Optional[bool], reduce: Optional[bool], stacklevel: int = 3) -> str:
    """The ``reduction`` that PyTorch's deprecated ``size_average`` and ``reduce`` flags mean (with its warning)."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = ("mean" if size_average else "sum") if reduce else "none"
    warnings.warn(
        f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.",
        UserWarning, stacklevel=stacklevel,
    )
    return reduction


def accepts_legacy_reduction(loss: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """Let a loss function also take the deprecated ``size_average=``/``reduce=`` keywords (old code does)."""
    @functools.wraps(loss)
    def with_legacy_flags(*args: Any, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                          **kwargs: Any) -> Tensor:
        if size_average is not None or reduce is not None:
            kwargs["reduction"] = legacy_reduction(size_average, reduce)
        return loss(*args, **kwargs)
    return with_legacy_flags


@accepts_legacy_reduction
def cross_entropy(
    input: Tensor, target: Tensor, weight: Optional[Tensor] = None, *, ignore_index: int = -100,
    reduction: str = "mean", label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy between logits (N, C[, d...]) and class indices (N[, d...]) or probabilities.

    Class probabilities (a float target of the input's shape) are constants: they get no gradient.
    """
    check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_weight = _class_weight(input, weight)
    if target.dtype.kind == "f" and target.shape == input.shape:
        probabilities = target._data.astype(input.dtype, copy=False)
        return SoftTargetCrossEntropy.apply(input, probabilities, class_weight, reduction, float(label_smoothing))
    check_class_targets(input, target)
    return CrossEntropy.apply(input, target._data, class_weight, ignore_index, reduction, float(label_smoothing))


@accepts_legacy_reduction
def nll_loss(
    input: Tensor, target: Tensor, weight: Optional[Tensor] = None, *, ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood: ``−input[i, target[i]]`` (weighted), for log-probability inputs."""
    check_reduction(reduction)
    class_weight = _class_weight(input, weight)
    check_class_targets(input, target)
    return NLL.apply(input, target._data, class_weight, ignore_index, reduction)


@accepts_legacy_reduction
def mse_loss(input: Tensor, target: Tensor, *, reduction: str = "mean") -> Tensor:
    """Mean (or summed) squared difference ``(input − target)²``."""
    check_reduction(reduction)
    if input.shape != target.shape:
        broadcast_shapes("mse_loss", input.shape, target.shape)
        warnings.warn(
            f"Using a target size ({list(target.shape)}) that is different to the input size "
            f"({list(input.shape)}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            stacklevel=2,
        )
    input, target = promote_operands(input, target)
    return MSE.apply(input, target, reduction)


# ----- argument checks, with PyTorch's errors -----
def check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def check_class_targets(input: Tensor, target: Tensor) -> None:
    """Class-index targets must be int64 (or uint8) and shaped like the input without its class axis."""
    if input.ndim == 0:
        raise RuntimeError("a classification loss needs an input with a class dimension, got a 0-dim tensor")
    if target.dtype not in (dtypes.int64, dtypes.uint8):
        kind = {"f": "Float", "i": "Int", "b": "Bool", "u": "Byte"}[target.dtype.kind]
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {kind} ({target.dtype}); class "
            "indices need .long(), class probabilities a float target of the input's shape"
        )
    if input.ndim <= 2 and target.ndim != input.ndim - 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input.ndim >= 2 and target.ndim >= 1 and input.shape[0] != target.shape[0]:
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({target.shape[0]})."
        )
    expected = input.shape[:1] + input.shape[2:]
    if input.ndim > 2 and target.shape != expected:
        raise RuntimeError(f"Expected target size {list(expected)}, got {list(target.shape)}")


def _class_weight(input: Tensor, weight: Optional[Tensor]) -> Optional[Any]:
    """The class weights as an array in the input's dtype (they get no gradient)."""
    if weight is None:
        return None
    num_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    if weight.shape != (num_classes,):
        raise RuntimeError(
            f"weight tensor should be defined either for all {num_classes} classes or no classes "
            f"but got weight tensor of shape: {list(weight.shape)}"
        )
    return weight._data.astype(input.dtype, copy=False)
