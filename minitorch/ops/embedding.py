"""Embeddings: a lookup table of learnt vectors, indexed by integers (word ids, class ids ...).

``embedding(ids, W)[..., :] = W[ids[...], :]`` is plain row selection; its backward adds each
output row's gradient into the row of W it was read from (rows read twice get both). The row
``padding_idx`` gets no gradient, so a padding token's vector stays as it is. ``one_hot`` is the
same lookup in the identity matrix, without a gradient. ``embedding_bag`` sums or averages the
rows of each bag (a segment of the indices) without materialising the (indices, dim) rows twice.
"""
from __future__ import annotations

from typing import Any, Optional

from minitorch import dtypes
from minitorch.autograd import grad_mode
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module, scatter_add
from minitorch.tensor import Tensor


class Embedding(ArrayFunction):
    @staticmethod
    def forward(ctx, weight, indices, padding_idx, scale_grad_by_freq):
        ctx.indices = indices
        ctx.weight_shape, ctx.padding_idx, ctx.scale_grad_by_freq = weight.shape, padding_idx, scale_grad_by_freq
        return weight[indices]

    @staticmethod
    def backward(ctx, grad):
        """dW[r] = Σ over positions p with ids[p] = r of dY[p] (÷ count of r with scale_grad_by_freq);
        dW[padding_idx] = 0."""
        return EmbeddingBackward.call(grad, ctx.indices, ctx.weight_shape, ctx.padding_idx,
                                      ctx.scale_grad_by_freq), None, None, None


class EmbeddingBackward(ArrayFunction):
    """Embedding's backward as an op of its own: each position's gradient added into its row."""

    @staticmethod
    def forward(ctx, grad, indices, weight_shape, padding_idx, scale_grad_by_freq):
        xp = array_module(grad)
        flat = indices.reshape(-1)
        rows = grad.reshape(flat.size, weight_shape[1])
        counts = None
        if scale_grad_by_freq:
            counts = xp.bincount(flat, minlength=weight_shape[0])
            rows = rows / counts[flat][:, None]
        grad_weight = xp.zeros(weight_shape, dtype=grad.dtype)
        scatter_add(grad_weight, flat, rows)
        if padding_idx is not None:
            grad_weight[padding_idx] = 0
        ctx.indices, ctx.padding_idx, ctx.counts, ctx.dtype = indices, padding_idx, counts, grad.dtype
        return grad_weight

    @staticmethod
    def backward(ctx, grad):
        """Adding rows is linear in the gradient: its derivative reads the same rows back
        (÷ the same counts, 0 for the padding row)."""
        rows = Embedding.call(grad, ctx.indices, None, False)
        if ctx.counts is not None or ctx.padding_idx is not None:
            xp = array_module(ctx.indices)  # a constant factor per position, on the indices' device
            factor = xp.ones(ctx.indices.shape)
            if ctx.counts is not None:
                factor = factor / ctx.counts[ctx.indices]
            if ctx.padding_idx is not None:
                factor = factor * (ctx.indices != ctx.padding_idx)
            rows = rows * factor[..., None].astype(ctx.dtype)
        return rows, None, None, None, None


def _check_indices(input: Tensor, rows: int, name: str = "indices") -> None:
    if input.dtype.kind not in "iu":
        raise RuntimeError(f"Expected tensor for argument #1 '{name}' to have one of the following scalar types: "
                           f"Long, Int; but got {input.dtype} instead (call .long() on the indices)")
    if input.numel() and (int(input._data.min()) < 0 or int(input._data.max()) >= rows):
        raise IndexError(f"index out of range in self: indices must lie in [0, {rows}), "
                         f"got values from {int(input._data.min())} to {int(input._data.max())}")


def padding_index(padding_idx: Optional[int], rows: int) -> Optional[int]:
    """``padding_idx`` as a row number (negative counts from the end), checked against ``rows``."""
    if padding_idx is None:
        return None
    if not -rows <= padding_idx < rows:
        raise AssertionError(f"Padding_idx must be within num_embeddings: got {padding_idx} for {rows} rows")
    return padding_idx + rows if padding_idx < 0 else padding_idx


def renormalize_rows(weight: Tensor, input: Tensor, max_norm: float, norm_type: float) -> None:
    """``max_norm``: rescale, in place and outside the graph, each row that ``input`` reads whose
    ``norm_type``-norm exceeds ``max_norm`` to norm ``max_norm`` (PyTorch's ``embedding_renorm_``)."""
    xp = array_module(weight._data)
    rows = xp.unique(input._data.reshape(-1))
    selected = weight._data[rows]
    norms = (xp.abs(selected) ** norm_type).sum(axis=1) ** (1.0 / norm_type)
    scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(selected.dtype)
    with grad_mode.no_grad():
        weight._write(selected * scale[:, None], index=rows)


def embedding(input: Tensor, weight: Tensor, padding_idx: Optional[int] = None, max_norm: Optional[float] = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of ``weight`` (num_embeddings, dim) picked by the integer ``input``: shape input.shape + (dim,)."""
    if weight.ndim != 2:
        raise RuntimeError(f"'weight' must be 2-D, but got weight of size {list(weight.shape)}")
    _check_indices(input, weight.shape[0])
    if sparse:
        raise NotImplementedError("minitorch has no sparse gradients: use sparse=False")
    padding_idx = padding_index(padding_idx, weight.shape[0])
    if max_norm is not None:
        renormalize_rows(weight, input, max_norm, norm_type)
    return Embedding.apply(weight, input._data, padding_idx, scale_grad_by_freq)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 tensor of shape tensor.shape + (num_classes,): 1 at each index, 0 elsewhere.

    ``num_classes=-1`` means one more than the largest index.
    """
    if tensor.dtype != dtypes.int64:
        raise RuntimeError(f"one_hot is only applicable to index tensor of type LongTensor, got {tensor.dtype}.")
    values = tensor._data
    xp = array_module(values)
    if values.size and int(values.min()) < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if values.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(values.max()) + 1
    elif values.size and int(values.max()) >= num_classes:
        raise RuntimeError(f"Class values must be smaller than num_classes ({num_classes}), "
                           f"got a largest value of {int(values.max())}.")
    return Tensor._wrap(xp.eye(num_classes, dtype=xp.int64)[values] if num_classes else
                  xp.zeros(values.shape + (0,), dtype=xp.int64))


class BagReduce(ArrayFunction):
    @staticmethod
    def forward(ctx, rows, bag_of_row, bags, divisor):
        xp = array_module(rows)
        out = xp.zeros((bags, rows.shape[1]), dtype=rows.dtype)
        scatter_add(out, bag_of_row, rows)
        ctx.bag_of_row, ctx.divisor = bag_of_row, divisor
        return out / divisor[:, None]

    @staticmethod
    def backward(ctx, grad):
        """Each row of a bag gets the bag's gradient (÷ the bag's size for 'mean')."""
        return (grad / ctx.divisor[:, None])[ctx.bag_of_row], None, None, None


def embedding_bag(input: Tensor, weight: Tensor, offsets: Optional[Tensor] = None, max_norm: Optional[float] = None,
                  norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                  sparse: bool = False, per_sample_weights: Optional[Tensor] = None,
                  include_last_offset: bool = False, padding_idx: Optional[int] = None) -> Tensor:
    """The sum or mean of the embedding rows of each bag: the rows of a 2-D ``input``, or the segments
    of a 1-D ``input`` starting at ``offsets``. Rows equal to ``padding_idx`` are left out."""
    if mode not in ("sum", "mean"):
        raise NotImplementedError(f"embedding_bag: minitorch implements mode 'sum' and 'mean', got {mode!r}")
    xp = array_module(weight._data)
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             "fixed length sequences. However, found offsets of type Tensor")
        bags, length = input.shape
        bag_of_row = xp.repeat(xp.arange(bags), length)
        input = input.reshape(-1)
    elif input.ndim == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.ndim != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        starts = offsets._data[:-1] if include_last_offset else offsets._data
        bags = starts.shape[0]
        bag_of_row = xp.searchsorted(starts, xp.arange(input.shape[0]), side="right") - 1
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}")
    rows = embedding(input, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse)
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError("embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                      f"supported for mode='sum' (got mode='{mode}')")
        rows = rows * per_sample_weights.reshape(-1, 1)
    keep = xp.ones(input.shape[0], dtype=bool)
    padding_idx = padding_index(padding_idx, weight.shape[0])
    if padding_idx is not None:
        keep = input._data != padding_idx
    sizes = xp.bincount(bag_of_row[keep], minlength=bags).astype(weight.dtype)
    divisor = xp.maximum(sizes, 1) if mode == "mean" else xp.ones(bags, dtype=weight.dtype)
    if padding_idx is not None:
        rows = rows * Tensor._wrap(keep[:, None].astype(weight.dtype))
    return BagReduce.apply(rows, bag_of_row, bags, divisor)
