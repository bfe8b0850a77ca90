"""Where a sliding window sits on an image: the arithmetic convolutions and pools share.

A window of ``kernel`` pixels per axis, its taps ``dilation`` apart, slides ``stride`` pixels
at a time over an input padded on each side. Output pixel y of an axis sees the padded input at
``y·stride + i·dilation`` for each tap i, so along one axis::

    output length = (padded length − dilation·(kernel − 1) − 1) // stride + 1

Everything here is plain integers and slices; the arrays live in ``ops/layout.py``, ``ops/conv.py``
and ``ops/pool.py``.
"""
from __future__ import annotations

import functools
import operator
from typing import Iterator, Sequence, Tuple, Union

Pair = Tuple[int, int]
IntOrPair = Union[int, Sequence[int]]
Padding = Tuple[Pair, Pair]  # ((top, bottom), (left, right))


def pair(value: IntOrPair, name: str) -> Pair:
    """``3`` → ``(3, 3)``; a sequence of two ints stays a pair; anything else is an error."""
    try:
        single = operator.index(value)
        return (single, single)
    except TypeError:
        pass
    values = tuple(value)
    if len(values) != 2:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of 2 values, "
                           f"but got {name}={list(values)}")
    return (operator.index(values[0]), operator.index(values[1]))


def kernel_offsets(kernel: Pair, stride: Pair, dilation: Pair, out_size: Pair) -> Iterator[tuple]:
    """For each kernel offset (i, j), row-major: ``(i, j, rows, cols)`` where ``x_pad[:, rows, cols]``
    is the (Ho, Wo) grid of values that offset sees, x_pad[:, y·sh + i·dh, x·sw + j·dw]."""
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel, stride, dilation, out_size
    for i in range(kh):
        for j in range(kw):
            yield i, j, slice(i * dh, i * dh + (ho - 1) * sh + 1, sh), slice(j * dw, j * dw + (wo - 1) * sw + 1, sw)


def windows_overlap(kernel: Pair, stride: Pair, dilation: Pair) -> bool:
    """Whether one input pixel can fall in two windows (then gradients must add up)."""
    return any(stride[d] < dilation[d] * (kernel[d] - 1) + 1 for d in range(2))


# ----- convolution: explicit padding, floor mode -----
def conv_output_size(size: Sequence[int], kernel: Sequence[int], stride: Pair, padding: Padding,
                     dilation: Pair) -> Pair:
    """Output (Ho, Wo): how many dilated kernels fit, ``stride`` apart, in the padded input."""
    return tuple(
        (size[d] + sum(padding[d]) - dilation[d] * (kernel[d] - 1) - 1) // stride[d] + 1 for d in range(2)
    )


def conv_padding(padding: Union[str, IntOrPair], kernel: Sequence[int], stride: Pair, dilation: Pair) -> Padding:
    """``((top, bottom), (left, right))`` from an int, a pair, ``'valid'`` or ``'same'``.

    ``'same'`` pads d·(k−1) in total, the odd one on the bottom/right side, as PyTorch does.
    """
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0), (0, 0))
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if stride != (1, 1):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        totals = [dilation[d] * (kernel[d] - 1) for d in range(2)]
        return tuple((total // 2, total - total // 2) for total in totals)
    height, width = pair(padding, "padding")
    if height < 0 or width < 0:
        raise RuntimeError("negative padding is not supported")
    return ((height, height), (width, width))


# ----- pooling: symmetric padding, optional ceil mode -----
def pool_output_length(size: int, kernel: int, stride: int, padding: int, dilation: int, ceil_mode: bool) -> int:
    """Windows along one axis: PyTorch's formula. With ``ceil_mode`` a last, partial window counts,
    as long as it starts inside the input or its left padding."""
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    length = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (length - 1) * stride >= size + padding:
        length -= 1
    return length


@functools.lru_cache(maxsize=256)  # a network asks the same few questions every step
def pool_geometry(size: Sequence[int], kernel: Pair, stride: Pair, padding: Pair, dilation: Pair,
                  ceil_mode: bool) -> Tuple[Pair, Padding]:
    """The output size (Ho, Wo) and the padding each side that makes every window fit.

    The far side gets what the last window needs: more than ``padding`` in ceil mode, less when
    the windows stop short of the input's edge.
    """
    out_size = tuple(pool_output_length(size[d], kernel[d], stride[d], padding[d], dilation[d], ceil_mode)
                     for d in range(2))
    reach = [(out_size[d] - 1) * stride[d] + dilation[d] * (kernel[d] - 1) + 1 for d in range(2)]
    sides = tuple((padding[d], max(reach[d] - size[d] - padding[d], 0)) for d in range(2))
    return out_size, sides
