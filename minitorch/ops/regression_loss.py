"""Regression losses: L1, smooth L1, Huber, Kullback-Leibler, Poisson and Gaussian negative log-likelihood.

Each of the first four is a :class:`~minitorch.ops.pointwise_loss.PointwiseLoss`: the element
loss ℓ(x, y) of the difference d = x − y (or of x and y) next to its partials. The two
likelihoods are compositions of differentiable ops, as in PyTorch.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from minitorch.backend import array_module
from minitorch.ops.loss import accepts_legacy_reduction, check_reduction
from minitorch.ops.pointwise_loss import PointwiseLoss, pointwise_loss
from minitorch.tensor import Tensor


class L1(PointwiseLoss):
    """ℓ = |x − y|."""

    @staticmethod
    def losses(x, y, option):
        difference = x - y
        return array_module(x).abs(difference), (difference,)

    @staticmethod
    def partials(saved, option):
        """∂ℓ/∂x = sign(x − y) (0 at 0), ∂ℓ/∂y = −sign(x − y)."""
        sign = array_module(saved[0]).sign(saved[0])
        return sign, -sign


class SmoothL1(PointwiseLoss):
    """ℓ = d²/(2β) where |d| < β, else |d| − β/2 (d = x − y; β = 0 is L1)."""

    @staticmethod
    def losses(x, y, beta):
        xp = array_module(x)
        difference = x - y
        size = xp.abs(difference)
        if beta == 0:
            return size, (difference,)
        return xp.where(size < beta, 0.5 * difference * difference / beta, size - 0.5 * beta), (difference,)

    @staticmethod
    def partials(saved, beta):
        """∂ℓ/∂x = d/β where |d| < β, else sign(d); ∂ℓ/∂y = −∂ℓ/∂x."""
        (difference,) = saved
        xp = array_module(difference)
        sign = xp.sign(difference)
        d_input = sign if beta == 0 else xp.where(xp.abs(difference) < beta, difference / beta, sign)
        return d_input, -d_input


class Huber(PointwiseLoss):
    """ℓ = d²/2 where |d| < δ, else δ·(|d| − δ/2): smooth L1 scaled by δ."""

    @staticmethod
    def losses(x, y, delta):
        xp = array_module(x)
        difference = x - y
        size = xp.abs(difference)
        return xp.where(size < delta, 0.5 * difference * difference, delta * (size - 0.5 * delta)), (difference,)

    @staticmethod
    def partials(saved, delta):
        """∂ℓ/∂x = d where |d| ≤ δ, else δ·sign(d); ∂ℓ/∂y = −∂ℓ/∂x."""
        (difference,) = saved
        xp = array_module(difference)
        d_input = xp.clip(difference, -delta, delta)
        return d_input, -d_input


class KLDiv(PointwiseLoss):
    """ℓ = y·(log y − x) (0 where y = 0), x a log-probability; with ``log_target``: eʸ·(y − x)."""

    @staticmethod
    def losses(x, y, log_target):
        xp = array_module(x)
        if log_target:
            target_probs = xp.exp(y)
            return target_probs * (y - x), (x, y, target_probs)
        with _quiet():
            log_y = xp.where(y > 0, xp.log(xp.where(y > 0, y, 1)), 0)
        return y * log_y - y * x, (x, y, log_y)

    @staticmethod
    def partials(saved, log_target):
        """∂ℓ/∂x = −y, ∂ℓ/∂y = log y + 1 − x (0 where y = 0); log targets: −eʸ and eʸ·(y + 1 − x)."""
        x, y, third = saved
        if log_target:
            return -third, third * (y + 1 - x)
        return -y, array_module(y).where(y == 0, 0, third + 1 - x)


def _quiet() -> Any:
    return np.errstate(divide="ignore", invalid="ignore")


@accepts_legacy_reduction
def l1_loss(input: Tensor, target: Tensor, *, reduction: str = "mean") -> Tensor:
    """Mean absolute error |input − target| (or the sum, or each term)."""
    return pointwise_loss(L1, "l1_loss", input, target, reduction)


@accepts_legacy_reduction
def smooth_l1_loss(input: Tensor, target: Tensor, *, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Squared error below ``beta``, absolute error above it: robust to outliers, smooth at 0."""
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta, got {beta}")
    return pointwise_loss(SmoothL1, "smooth_l1_loss", input, target, reduction, float(beta))


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Any = None) -> Tensor:
    """Squared error below ``delta``, ``delta``·absolute error above it (elementwise ``weight`` optional)."""
    if delta <= 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta, got {delta}")
    return pointwise_loss(Huber, "huber_loss", input, target, reduction, float(delta), weight)


@accepts_legacy_reduction
def kl_div(input: Tensor, target: Tensor, *, reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence KL(target ‖ exp(input)) of log-probabilities ``input``.

    ``reduction='batchmean'`` (the mathematical KL divergence of a batch) divides the sum by the
    batch size; ``'mean'`` divides by the number of elements, and warns.
    """
    if reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support size."
            "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
            "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
            stacklevel=2,
        )
    if reduction == "batchmean":
        total = pointwise_loss(KLDiv, "kl_div", input, target, "sum", bool(log_target))
        return total / input.shape[0] if input.ndim else total
    return pointwise_loss(KLDiv, "kl_div", input, target, reduction, bool(log_target))


# ----- likelihoods, composed of differentiable ops -----
@accepts_legacy_reduction
def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False, *,
                     eps: float = 1e-8, reduction: str = "mean") -> Tensor:
    """−log P(target | rate) for a Poisson rate: eˣ − y·x for a log-rate x (``log_input``), else
    x − y·log(x + eps); ``full`` adds Stirling's y·log y − y + ½·log(2πy) where y > 1."""
    check_reduction(reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        with _quiet():  # as PyTorch: log 0 = −inf is masked out (its gradient at y = 0 stays nan)
            stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0.0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Any, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    """−log N(target | input, var) up to a constant: ½·(log var + (input − target)²/var).

    ``var`` may have the input's shape, lack its last dimension, or have 1 there (one variance
    per sample); it is clamped to at least ``eps`` for stability, with the gradient passing as if
    it were not (as in PyTorch).
    """
    check_reduction(reduction)
    if not isinstance(var, Tensor):
        var = input.new_full(input.shape, float(var))
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif not (input.shape[:-1] == var.shape[:-1] and var.shape[-1:] == (1,)):
            raise ValueError(f"var is of incorrect size: {list(var.shape)} for an input of size {list(input.shape)}")
    if bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    var = var + (var.clamp(min=eps) - var).detach()  # the clamped value, the unclamped gradient
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss
