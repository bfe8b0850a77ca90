"""The memory layout convolutions and pools keep images in: batch-innermost, (C, H, W, N).

The public shape of a batch of images is PyTorch's (N, C, H, W). Convolution is faster when the
images of a batch sit next to each other in memory (see ``ops/conv.py``), so conv and pool
outputs are (N, C, H, W)-shaped *views* of (C, H, W, N) arrays ("planes"). NumPy's elementwise
ops keep that layout, so the next conv or pool reads its input without a copy.

Every conv and pool crosses between the two shapes through :func:`to_planes` and
:func:`to_images`, which also let a single (C, H, W) image through as a batch of one.

**The price: some views are copies.** In PyTorch a conv output is C-contiguous, so every
``view`` of it exists. Here a view exists when it keeps the batch dimension apart
(``y.view(N, -1)`` and ``y.flatten(1)``, what classifiers do after their last pool, are true
views), or when the batch or each image is a single element. Otherwise, e.g. ``y.view(-1)``,
:func:`~minitorch.ops.shape.view` returns a *copy*, so PyTorch code that views a conv output
still runs; so does ``y.view(dtype)`` when the element size changes. A copy cannot stay in step
with the original, so minitorch refuses to let them drift apart silently:

* writing into the copy (an in-place op, ``copy[i] = v``, or either of them on a view of the
  copy) raises a RuntimeError;
* writing into the original conv/pool output (or a view of it) while such a copy is alive
  raises a RuntimeError too.

``reshape`` makes no such promise (PyTorch's ``reshape`` may copy, too), so its copies are
writable, and so are those of ``.contiguous()``. ``.data`` and ``.numpy()`` bypass the check,
as they bypass version tracking in PyTorch.
"""
from __future__ import annotations

import weakref
from typing import Any, Callable

import numpy as np

from minitorch.backend import array_module
from minitorch.ops.geometry import Padding, Pair
from minitorch.parallel import parallel_for
from minitorch.tensor import Tensor


# ----- crossing between the public (N, C, H, W) and the planes (C, H, W, N) -----
def to_planes(images: Any) -> Any:
    """(N, C, H, W) images, or one (C, H, W) image, as C-ordered (C, H, W, N) planes; free (no
    copy) when the images came from a conv or a pool."""
    planes = (images[None] if images.ndim == 3 else images).transpose(1, 2, 3, 0)
    if planes.flags.c_contiguous:
        return planes
    if array_module(images) is not np:
        return array_module(images).ascontiguousarray(planes)
    copy = np.empty(planes.shape, dtype=planes.dtype)  # a transposing copy: a band of rows per thread

    def copy_rows(rows: slice) -> None:  # rows, not channels: an RGB image has 3 channels, 2 threads
        copy[:, rows] = planes[:, rows]

    parallel_for(copy_rows, planes.shape[1], planes.size, uses_blas=False)
    return copy


def to_images(planes: Any, unbatched: bool) -> Any:
    """(C, H, W, N) planes as the (N, C, H, W) view the public API shows (no copy), or as the one
    (C, H, W) image of an ``unbatched`` input."""
    images = planes.transpose(3, 0, 1, 2)
    return images[0] if unbatched else images


def is_batch_innermost(x: Any) -> bool:
    """True for an (N, C, H, W) array laid out (C, H, W, N) in memory, as conv/pool outputs are."""
    return x.ndim == 4 and not x.flags.c_contiguous and x.transpose(1, 2, 3, 0).flags.c_contiguous


# ----- splitting a pass into independent pieces -----
def in_pieces(task: Callable[[slice], None], length: int, like: Any, work: int, uses_blas: bool = True) -> None:
    """``task(piece)`` for slices of ``range(length)`` (channels, rows of output ...) that together
    cover it: on the CPU one slice per thread, at once (``minitorch/parallel.py``; a single call
    for less than ``parallel.MIN_WORK`` elements of ``work``); for arrays ``like`` on a GPU one
    call for the whole range, which the GPU parallelises itself. BLAS runs on one thread inside
    (``uses_blas``: matrix products; pools have none and skip pinning it)."""
    if array_module(like) is np:
        parallel_for(task, length, work, uses_blas)
    else:
        task(slice(0, length))


# ----- padding the planes -----
def pad_planes(planes: Any, padding: Padding, fill: float = 0) -> Any:
    """(C, H, W, N) with ``fill`` around each image; ``planes`` itself when there is no padding."""
    (top, bottom), (left, right) = padding
    if top == bottom == left == right == 0:
        return planes
    c, h, w, n = planes.shape
    padded = array_module(planes).empty((c, top + h + bottom, left + w + right, n), dtype=planes.dtype)
    padded[:, top:top + h, left:left + w] = planes
    for border in (padded[:, :top], padded[:, top + h:], padded[:, top:top + h, :left],
                   padded[:, top:top + h, left + w:]):
        border.fill(fill)  # only the border: the inside was just written
    return padded


def crop_planes(padded: Any, padding: Padding, size: Pair) -> Any:
    """The inverse of :func:`pad_planes`: the (H, W) images inside ``padded``."""
    (top, _), (left, _) = padding
    return padded[:, top:top + size[0], left:left + size[1]]


# ----- copies that view() has to make -----
WHY_A_COPY = ("view() had to return a copy, not a view: conv and pool outputs keep their images "
              "batch-innermost, (C, H, W, N), in memory, where this view does not exist")


def refuse_write_into_copy() -> None:
    """The write check of a copy made by view(): every in-place write is an error."""
    raise RuntimeError(f"cannot write into this tensor in place: {WHY_A_COPY}, so the write would "
                       "not reach the conv/pool output it came from. Use .reshape(...) or "
                       ".contiguous().view(...) to get a tensor you mean to write into.")


class LiveCopies:
    """The write check of a conv/pool output that view() copied: an error while a copy is alive."""

    __slots__ = ("copies",)

    def __init__(self) -> None:
        self.copies: weakref.WeakSet = weakref.WeakSet()

    def __call__(self) -> None:
        if self.copies:
            raise RuntimeError(f"cannot write into this conv/pool output in place: {WHY_A_COPY}, and "
                               f"that copy (of shape {list(next(iter(self.copies)).shape)}) is still alive, so "
                               "it would silently keep the old values. Write before taking the view, "
                               "or take it with .reshape(...).")


def guard_copied_view(copy: Tensor, original: Tensor) -> Tensor:
    """Make ``copy``, a copy view() made of ``original``, and ``original`` refuse in-place writes
    (see the module docstring); the checks run in ``Tensor._write``."""
    copy._version_counter.write_check = refuse_write_into_copy
    check = original._version_counter.write_check
    if not isinstance(check, LiveCopies):
        check = original._version_counter.write_check = LiveCopies()
    check.copies.add(copy)
    return copy
