"""Constant padding: ``F.pad(x, (left, right, top, bottom, ...), value=0)``.

``pad`` lists (before, after) pairs starting from the *last* dimension, as PyTorch does. A
negative amount crops instead. The forward copies ``x`` into the middle of a filled array;
the backward cuts that middle back out of the gradient.
"""
from __future__ import annotations

from typing import Optional, Sequence

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.tensor import Tensor


def pad_pairs(pad: Sequence[int], ndim: int) -> list:
    """PyTorch's flat, last-dimension-first ``pad`` as one (before, after) pair per dimension."""
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > ndim:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension but got "
            f"padding length {len(pad)} and input of dimension {ndim}"
        )
    given = [(int(pad[i]), int(pad[i + 1])) for i in range(0, len(pad), 2)]
    return [(0, 0)] * (ndim - len(given)) + given[::-1]


def placement(shape: tuple, pairs: list) -> tuple:
    """Slices that take the kept part of the input and put it into the output."""
    source, target = [], []
    for size, (before, after) in zip(shape, pairs):
        source.append(slice(max(-before, 0), size - max(-after, 0)))
        target.append(slice(max(before, 0), max(before, 0) + size - max(-before, 0) - max(-after, 0)))
    return tuple(source), tuple(target)


class ConstantPad(ArrayFunction):
    @staticmethod
    def forward(ctx, x, pairs, value):
        out_shape = tuple(size + before + after for size, (before, after) in zip(x.shape, pairs))
        if any(size < 0 for size in out_shape):
            raise RuntimeError(f"padding {pairs} would make the shape {list(x.shape)} negative: {list(out_shape)}")
        out = array_module(x).full(out_shape, value, dtype=x.dtype)
        source, ctx.target = placement(x.shape, pairs)
        ctx.cropped = [(kept.start, size - kept.stop) for kept, size in zip(source, x.shape)]
        out[ctx.target] = x[source]
        return out

    @staticmethod
    def backward(ctx, grad):
        """d pad(x)/dx = 1 where x landed in the output, so the gradient is that window (with zeros
        padded back where x was cropped: a ConstantPad again, which has a backward of its own)."""
        window = grad[ctx.target]
        if not any(before or after for before, after in ctx.cropped):
            return window, None, None
        return ConstantPad.call(window, ctx.cropped, 0), None, None


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: Optional[float] = None) -> Tensor:
    """Pad (or, with negative amounts, crop) the last ``len(pad) // 2`` dimensions with ``value``."""
    if mode != "constant":
        raise NotImplementedError(f"pad: minitorch implements mode='constant' only, got mode={mode!r}")
    return ConstantPad.apply(input, pad_pairs(pad, input.ndim), 0 if value is None else value)
