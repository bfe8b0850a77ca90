"""Piecewise activations: rectifiers, their clipped and shrunk variants, and the ELU family.

Each is a :class:`~minitorch.ops.activation_base.Activation` op: the formula and its derivative side by
side. At a kink the derivative takes PyTorch's one-sided value, stated in each ``slope`` docstring
(e.g. ``leaky_relu'(0) = negative_slope``, ``hardtanh'(±1) = 0``). At NaN the slopes follow what
PyTorch's vectorised CPU kernels give a tensor of any size (its scalar loop, which handles a few
leftover elements, sometimes differs): 0 for hardtanh and the shrinks, 1 for threshold.
"""
from __future__ import annotations

import math
from typing import Any

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.inplace import apply_inplace
from minitorch.ops.activation_base import Activation, activate
from minitorch.ops.pointwise import in_dtype_of
from minitorch.random import rng_on
from minitorch.tensor import Tensor

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


class LeakyRelu(Activation):
    @staticmethod
    def value(x, negative_slope):
        return array_module(x).where(x > 0, x, x * negative_slope)

    @staticmethod
    def slope(x, negative_slope):
        """1 for x > 0, else negative_slope (also at 0)."""
        return in_dtype_of(array_module(x).where(x > 0, 1.0, negative_slope), x)


class Hardtanh(Activation):
    @staticmethod
    def value(x, low, high):
        return array_module(x).clip(x, low, high)

    @staticmethod
    def slope(x, low, high):
        """1 strictly inside (low, high), 0 outside and at the corners (and at NaN)."""
        return in_dtype_of((x > low) & (x < high), x)


class Hardsigmoid(Activation):
    @staticmethod
    def value(x):
        return array_module(x).clip(x / 6 + 0.5, 0, 1)

    @staticmethod
    def slope(x):
        """1/6 strictly inside (−3, 3), else 0."""
        return in_dtype_of((x > -3) & (x < 3), x) / 6


class Hardswish(Activation):
    @staticmethod
    def value(x):
        return x * array_module(x).clip(x / 6 + 0.5, 0, 1)

    @staticmethod
    def slope(x):
        """0 for x ≤ −3, x/3 + 1/2 strictly inside (−3, 3), 1 for x ≥ 3."""
        xp = array_module(x)
        return in_dtype_of(xp.where(x <= -3, 0.0, xp.where(x < 3, x / 3 + 0.5, 1.0)), x)


class Hardshrink(Activation):
    @staticmethod
    def value(x, lambd):
        return x * ((x > lambd) | (x < -lambd))

    @staticmethod
    def slope(x, lambd):
        """1 where |x| > λ, else 0 (and at NaN)."""
        return in_dtype_of((x > lambd) | (x < -lambd), x)


class Softshrink(Activation):
    @staticmethod
    def value(x, lambd):
        """0 on [−λ, λ], else x moved λ towards 0 (NaN stays NaN)."""
        xp = array_module(x)
        inside = (x >= -lambd) & (x <= lambd)
        return xp.where(inside, 0.0, x - lambd * xp.sign(x)).astype(x.dtype, copy=False)

    @staticmethod
    def slope(x, lambd):
        """1 where |x| > λ, else 0 (and at NaN)."""
        return in_dtype_of((x > lambd) | (x < -lambd), x)


class Threshold(Activation):
    @staticmethod
    def value(x, threshold, replacement):
        """x where x > threshold, else the replacement (NaN stays NaN)."""
        return array_module(x).where(x <= threshold, replacement, x).astype(x.dtype, copy=False)

    @staticmethod
    def slope(x, threshold, replacement):
        """1 where x > threshold, else 0 (1 at NaN)."""
        return in_dtype_of(~(x <= threshold), x)


class Elu(Activation):
    """ELU, CELU and SELU in one: ``scale · (x if x > 0 else α·(exp(x·input_scale) − 1))``."""

    @staticmethod
    def value(x, alpha, scale, input_scale):
        xp = array_module(x)
        negative = alpha * xp.expm1(xp.minimum(x, 0) * input_scale)
        return (scale * xp.where(x > 0, x, negative)).astype(x.dtype, copy=False)

    @staticmethod
    def slope(x, alpha, scale, input_scale):
        """scale for x > 0, else scale · α · input_scale · exp(x · input_scale) (also at 0)."""
        xp = array_module(x)
        negative = alpha * input_scale * xp.exp(xp.where(x < 0, x, 0.0) * input_scale)
        return in_dtype_of(scale * xp.where(x > 0, 1.0, negative), x)


class PRelu(ArrayFunction):
    @staticmethod
    def forward(ctx, x, weight):
        slope = _along_channels(weight, x)
        ctx.save_for_backward(x, weight)
        return array_module(x).where(x > 0, x, x * slope)

    @staticmethod
    def backward(ctx, grad):
        """dx = g · (1 if x > 0 else w);  dw = Σ g · x over the elements with x ≤ 0 that share w."""
        x, weight = ctx.saved_tensors
        xp = array_module(x)
        grad_x = grad * xp.where(x > 0, 1.0, _along_channels(weight, x))
        grad_weight = None
        if ctx.needs_input_grad[1]:
            contribution = grad * xp.where(x > 0, 0.0, x)
            axes = None if _shared(weight) else (0,) + tuple(range(2, x.ndim))
            grad_weight = contribution.sum(axis=axes).reshape(weight.shape)
        return grad_x, grad_weight


def _shared(weight: Any) -> bool:
    """One slope for all channels (a weight of one element)."""
    return math.prod(weight.shape) == 1


def _along_channels(weight: Any, x: Any) -> Any:
    """PReLU's weight broadcast along dim 1, the channels (a 0-D or 1-D input has one channel)."""
    if _shared(weight):
        return weight.reshape(())
    return weight.reshape((1, -1) + (1,) * (x.ndim - 2))


class RandomSlope(ArrayFunction):
    @staticmethod
    def forward(ctx, x, slopes):
        ctx.save_for_backward(x)  # as PyTorch: the gradient belongs to x's graph (with derivative 0)
        ctx.slopes = slopes
        return x * slopes

    @staticmethod
    def backward(ctx, grad):
        """dx = g · a, with a the slope drawn for each element in the forward pass."""
        return grad * array_module(grad).asarray(ctx.slopes), None


# ----- the public functions -----
def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, else negative_slope · x."""
    return activate(LeakyRelu, input, negative_slope, inplace=inplace)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, inplace=True)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """x clipped to [min_val, max_val]."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return activate(Hardtanh, input, min_val, max_val, inplace=inplace)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6): hardtanh on [0, 6]."""
    return activate(Hardtanh, input, 0.0, 6.0, inplace=inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """A piecewise-linear sigmoid: clip(x/6 + 1/2, 0, 1)."""
    return activate(Hardsigmoid, input, inplace=inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x · hardsigmoid(x) (MobileNetV3)."""
    return activate(Hardswish, input, inplace=inplace)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > λ, else 0."""
    return activate(Hardshrink, input, lambd)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x moved λ towards 0, and 0 where |x| ≤ λ."""
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    return activate(Softshrink, input, lambd)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else value."""
    return activate(Threshold, input, threshold, value, inplace=inplace)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return activate(Threshold, input, threshold, value, inplace=True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, else α(eˣ − 1)."""
    return activate(Elu, input, alpha, 1.0, 1.0, inplace=inplace)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, inplace=True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, else α(e^(x/α) − 1): ELU with a derivative continuous at 0."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return activate(Elu, input, alpha, 1.0, 1.0 / alpha, inplace=inplace)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return celu(input, alpha, inplace=True)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale · elu(x, α) with the self-normalising constants of Klambauer et al. (2017)."""
    return activate(Elu, input, SELU_ALPHA, SELU_SCALE, 1.0, inplace=inplace)


def selu_(input: Tensor) -> Tensor:
    return selu(input, inplace=True)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """leaky_relu with a learnt slope: one for all channels, or one per channel (dim 1)."""
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.numel() != 1 and weight.numel() != channels:
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                           f"{weight.numel()} and channel size = {channels}.")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"prelu: input type ({input.dtype}) and weight type ({weight.dtype}) should be the same")
    return PRelu.apply(input, weight)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    """Randomised leaky ReLU: in training each x ≤ 0 gets a slope drawn from U(lower, upper);
    in evaluation the slope is their mean (lower + upper)/2."""
    if lower > upper:
        raise RuntimeError(f"Lower bound should be less than or equal to the upper bound, "
                           f"got lower={lower} and upper={upper}")
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace=inplace)
    slopes = rng_on(None, input.device).uniform(lower, upper, size=input.shape).astype(input.dtype)  # on its device
    slopes = array_module(slopes).where(input._data > 0, 1.0, slopes).astype(input.dtype, copy=False)
    if inplace:
        return apply_inplace(input, RandomSlope, slopes)
    return RandomSlope.apply(input, slopes)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:
    return rrelu(input, lower, upper, training, inplace=True)
