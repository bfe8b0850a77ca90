"""Batches of sequences of different lengths: padding and packing (``torch.nn.utils.rnn``).

A *padded* batch is a (T, B, *) tensor whose short sequences are filled up with a padding value.
A recurrent layer would run over the padding as if it were data, so sequences travel *packed*
instead: a :class:`PackedSequence` holds the rows of all sequences at step 0, then those at step 1,
and so on, sorted longest first, with ``batch_sizes[t]`` (how many sequences are still running at
step ``t``) to cut them apart again. A recurrent layer then simply runs a smaller batch at the later
steps (``minitorch/ops/recurrent.py``).

Packing is a boolean mask ``t < length[b]`` applied to the padded tensor (one gather, in time-major
order); unpacking is the reverse gather, with the padding value filling the holes. Both are plain
indexing ops, so gradients flow through them.
"""
from __future__ import annotations

from typing import Any, NamedTuple, Optional, Sequence, Union

import numpy as np

from minitorch.creation import full, tensor
from minitorch.ops.shape import cat
from minitorch.tensor import Tensor


class PackedSequence(NamedTuple):
    """``data`` (Σ lengths, *), ``batch_sizes`` (longest length,) on the CPU, and the permutation
    that sorted the batch by length (``sorted_indices``) with its inverse (``unsorted_indices``),
    or None when the batch was already sorted."""

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Optional[Tensor] = None
    unsorted_indices: Optional[Tensor] = None

    def to(self, *args: Any, **kwargs: Any) -> "PackedSequence":
        """The same sequence with ``data`` moved/cast (``batch_sizes`` stays on the CPU)."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        move = (lambda i: None if i is None else i.to(data.device))
        return PackedSequence(data, self.batch_sizes, move(self.sorted_indices), move(self.unsorted_indices))

    @property
    def is_cuda(self) -> bool:
        return self.data.device.type == "cuda"


def lengths_array(lengths: Union[Tensor, Sequence[int]]) -> np.ndarray:
    """Sequence lengths as a 1-D int64 NumPy array (PyTorch keeps them on the CPU)."""
    if isinstance(lengths, Tensor):
        if lengths.ndim != 1 or lengths.device.type != "cpu":
            raise RuntimeError(
                f"'lengths' argument should be a 1D CPU int64 tensor, but got {lengths.ndim}D "
                f"{lengths.device} {lengths.dtype} tensor"
            )
        return lengths.numpy().astype(np.int64)
    values = np.asarray(lengths, dtype=np.int64)
    if values.ndim != 1:
        raise RuntimeError(f"'lengths' argument should be a 1D sequence of ints, but got shape {list(values.shape)}")
    return values


def pack_padded_sequence(input: Tensor, lengths: Union[Tensor, Sequence[int]], batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded (T, B, *) batch (``batch_first``: (B, T, *)) whose sequence ``b`` has
    ``lengths[b]`` valid steps. With ``enforce_sorted=False`` the batch is sorted by length first
    and the permutation is remembered, so unpacking restores the original order."""
    lengths = lengths_array(lengths)
    sorted_indices = unsorted_indices = None
    if enforce_sorted:
        if np.any(lengths[:-1] < lengths[1:]):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
                "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement "
                "if you do not need ONNX exportability."
            )
    else:
        order = np.argsort(-lengths, kind="stable")
        lengths = lengths[order]
        sorted_indices = tensor(order, device=input.device)
        unsorted_indices = tensor(np.argsort(order), device=input.device)
        input = _select_batch(input, order, batch_first)
    if lengths.size and lengths.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0")
    if batch_first:
        input = input.transpose(0, 1)
    if lengths.size != input.shape[1] or (lengths.size and lengths[0] > input.shape[0]):
        raise RuntimeError(
            f"pack_padded_sequence: lengths {lengths.tolist()} do not fit an input of {input.shape[0]} steps "
            f"and a batch of {input.shape[1]} (input of shape {list(input.shape)})"
        )
    steps = np.arange(lengths.max(initial=0))
    valid = steps[:, None] < lengths[None, :]  # (T, B): step t of sequence b is data
    batch_sizes = tensor(valid.sum(axis=1).astype(np.int64))
    return PackedSequence(input[: steps.size][valid], batch_sizes, sorted_indices, unsorted_indices)


def _select_batch(input: Tensor, order: np.ndarray, batch_first: bool) -> Tensor:
    return input[order] if batch_first else input[:, order]


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: Optional[int] = None) -> tuple:
    """Undo packing: (padded (T, B, *) tensor, lengths), in the batch order before packing."""
    data, batch_sizes = sequence.data, sequence.batch_sizes.numpy()
    steps = batch_sizes.size
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in input, but got "
                f"total_length={total_length} and max sequence length being {steps}"
            )
        steps = total_length
    batch = int(batch_sizes[0]) if batch_sizes.size else 0
    lengths = (batch_sizes[None, :] > np.arange(batch)[:, None]).sum(axis=1).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(batch_sizes)])[:-1]
    t, b = np.arange(steps)[:, None], np.arange(batch)[None, :]
    rows = np.where(t < lengths[None, :], starts[np.minimum(t, batch_sizes.size - 1)] + b, data.shape[0])
    padded = with_padding_row(data, padding_value)[rows]
    if sequence.unsorted_indices is not None:
        order = sequence.unsorted_indices.cpu().numpy()
        padded, lengths = padded[:, order], lengths[order]
    return (padded.transpose(0, 1) if batch_first else padded), tensor(lengths)


def with_padding_row(data: Tensor, padding_value: float) -> Tensor:
    """``data`` with one extra row of ``padding_value`` at the end, for gathers to point at."""
    return cat([data, full((1, *data.shape[1:]), padding_value, dtype=data.dtype, device=data.device)])


def pad_sequence(sequences: Sequence[Tensor], batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack tensors of shapes (Lᵢ, *) into one (max L, B, *) tensor (``batch_first``: (B, max L, *)),
    filling the shorter ones up with ``padding_value`` on the right (or the left)."""
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    lengths = np.array([s.shape[0] for s in sequences], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)])[:-1]
    t = np.arange(lengths.max())[:, None]
    if padding_side == "left":
        t = t - (lengths.max() - lengths)[None, :]
    rows = np.where((t >= 0) & (t < lengths[None, :]), starts[None, :] + t, lengths.sum())
    padded = with_padding_row(cat(sequences), padding_value)[rows.T if batch_first else rows]
    return padded


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of (Lᵢ, *) tensors (longest first unless ``enforce_sorted=False``)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences: Tensor, lengths: Union[Tensor, Sequence[int]],
                   batch_first: bool = False) -> list:
    """The list of (Lᵢ, *) tensors a padded batch was made of."""
    if batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [padded_sequences[:length, b] for b, length in enumerate(lengths_array(lengths).tolist())]


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    """The list of (Lᵢ, *) tensors a packed batch was made of."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
