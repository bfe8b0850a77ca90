"""Recurrent layers, cells and packing against PyTorch with copied weights (float64): outputs, final
states and the gradients of the input, the initial states and every weight, on hypothesis-drawn
sizes (time steps, batch, layers, directions, packed lengths); errors with PyTorch's messages."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch
import minitorch.nn as nn
from minitorch.nn.utils import rnn as rnn_utils
from minitorch.testing import assert_close
from tests.parity import copy_weights

torch = pytest.importorskip("torch")

SEEDS = st.integers(0, 2**32 - 1)
MODES = st.sampled_from([("RNN", {}), ("RNN", {"nonlinearity": "relu"}), ("LSTM", {}), ("GRU", {})])


def both(make, backend="cpu"):
    theirs = make(torch.nn).double()
    ours = make(nn).double().to(backend)
    copy_weights(theirs, ours)
    return ours, theirs


def leaf(array, backend="cpu"):
    return minitorch.tensor(array, requires_grad=True, device=backend), torch.tensor(array, requires_grad=True)


def flat(result):
    """A layer's result as a flat list of tensors (PackedSequence → its data)."""
    if isinstance(result, (rnn_utils.PackedSequence, torch.nn.utils.rnn.PackedSequence)):
        return [result.data]
    if isinstance(result, (tuple, list)):
        return [t for part in result for t in flat(part)]
    return [result]


def backward_both(ours, theirs, rng, backend="cpu"):
    """Compare the outputs, then push one random upstream gradient through both."""
    ours, theirs = flat(ours), flat(theirs)
    assert len(ours) == len(theirs)
    for i, (mine, reference) in enumerate(zip(ours, theirs)):
        assert_close(mine, reference, msg=f"output {i}")
    upstream = [rng.standard_normal(tuple(t.shape)) for t in theirs]
    torch.autograd.backward(theirs, [torch.tensor(g) for g in upstream])
    minitorch.autograd.backward(ours, [minitorch.tensor(g, device=backend) for g in upstream])


def assert_grads(pairs):
    for i, (mine, reference) in enumerate(pairs):
        assert_close(mine.grad, reference.grad, msg=f"gradient {i}")


@settings(max_examples=20)
@given(MODES, st.integers(1, 4), st.integers(1, 3), st.integers(1, 2), st.booleans(), st.booleans(),
       st.booleans(), st.booleans(), SEEDS)
def test_layers_match_torch(backend, mode, steps, batch, layers, bidirectional, batch_first, bias, with_hx, seed):
    name, extra = mode
    rng = np.random.default_rng(seed)
    ours, theirs = both(lambda lib: getattr(lib, name)(3, 4, layers, bias=bias, batch_first=batch_first,
                                                         bidirectional=bidirectional, **extra), backend)
    shape = (batch, steps, 3) if batch_first else (steps, batch, 3)
    x, xt = leaf(rng.standard_normal(shape), backend)
    inputs, states = [(x, xt)], (None, None)
    if with_hx:
        hidden = [leaf(rng.standard_normal((layers * (1 + bidirectional), batch, 4)), backend) for _ in
                  range(2 if name == "LSTM" else 1)]
        inputs += hidden
        states = tuple(zip(*hidden)) if name == "LSTM" else hidden[0]
    backward_both(ours(x, states[0]), theirs(xt, states[1]), rng, backend)
    assert_grads(inputs + list(zip(ours.parameters(), theirs.parameters())))


@settings(max_examples=20)
@given(MODES, st.lists(st.integers(1, 4), min_size=1, max_size=4), st.integers(1, 2), st.booleans(),
       st.booleans(), st.booleans(), SEEDS)
def test_packed_sequences_match_torch(mode, lengths, layers, bidirectional, batch_first, with_hx, seed):
    """Packed batches of any lengths, sorted by the caller or not: outputs, finals and gradients."""
    name, extra = mode
    rng = np.random.default_rng(seed)
    enforce_sorted = lengths == sorted(lengths, reverse=True)
    ours, theirs = both(lambda lib: getattr(lib, name)(3, 4, layers, batch_first=batch_first,
                                                         bidirectional=bidirectional, **extra))
    batch, steps = len(lengths), max(lengths)
    x, xt = leaf(rng.standard_normal((batch, steps, 3) if batch_first else (steps, batch, 3)))
    packed = rnn_utils.pack_padded_sequence(x, lengths, batch_first, enforce_sorted)
    packed_t = torch.nn.utils.rnn.pack_padded_sequence(xt, lengths, batch_first, enforce_sorted)
    for mine, reference in zip(packed, packed_t):
        if reference is not None:
            assert_close(mine, reference)
    inputs, states = [(x, xt)], (None, None)
    if with_hx:
        hidden = [leaf(rng.standard_normal((layers * (1 + bidirectional), batch, 4))) for _ in
                  range(2 if name == "LSTM" else 1)]
        inputs += hidden
        states = tuple(zip(*hidden)) if name == "LSTM" else hidden[0]
    out, finals = ours(packed, states[0])
    out_t, finals_t = theirs(packed_t, states[1])
    padded, padded_lengths = rnn_utils.pad_packed_sequence(out, batch_first, padding_value=0.5, total_length=steps + 1)
    padded_t, lengths_t = torch.nn.utils.rnn.pad_packed_sequence(out_t, batch_first, 0.5, steps + 1)
    assert padded_lengths.tolist() == lengths_t.tolist()
    backward_both([padded, finals], [padded_t, finals_t], rng)
    assert_grads(inputs + list(zip(ours.parameters(), theirs.parameters())))


@settings(max_examples=15)
@given(st.sampled_from(["RNNCell", "LSTMCell", "GRUCell"]), st.integers(1, 3), st.booleans(), st.booleans(),
       st.booleans(), SEEDS)
def test_cells_match_torch(name, batch, bias, batched, with_hx, seed):
    rng = np.random.default_rng(seed)
    ours, theirs = both(lambda lib: getattr(lib, name)(3, 4, bias=bias))
    lead = (batch,) if batched else ()
    x, xt = leaf(rng.standard_normal((*lead, 3)))
    inputs, states = [(x, xt)], (None, None)
    if with_hx:
        hidden = [leaf(rng.standard_normal((*lead, 4))) for _ in range(2 if name == "LSTMCell" else 1)]
        inputs += hidden
        states = tuple(zip(*hidden)) if name == "LSTMCell" else hidden[0]
    backward_both(ours(x, states[0]), theirs(xt, states[1]), rng)
    assert_grads(inputs + list(zip(ours.parameters(), theirs.parameters())))


def test_unbatched_input_and_relu_cell(rng):
    ours, theirs = both(lambda lib: lib.GRU(3, 4, 2, bidirectional=True))
    x, xt = leaf(rng.standard_normal((5, 3)))
    h, ht = leaf(rng.standard_normal((4, 4)))
    backward_both(ours(x, h), theirs(xt, ht), rng)
    assert_grads([(x, xt), (h, ht)])
    ours, theirs = both(lambda lib: lib.RNNCell(3, 4, nonlinearity="relu"))
    x, xt = leaf(rng.standard_normal((2, 3)))
    backward_both(ours(x), theirs(xt), rng)


def test_weights_names_shapes_and_state_dict_both_ways():
    theirs = torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True, bias=False)
    ours = nn.LSTM(3, 5, num_layers=2, bidirectional=True, bias=False)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
           [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    bound = 1 / np.sqrt(5)
    assert all(float(p.abs().max()) <= bound for p in ours.parameters())
    assert len(ours.all_weights) == 4 and ours.all_weights[1][0] is ours.weight_ih_l0_reverse
    assert [k for k in nn.GRUCell(2, 3).state_dict()] == [k for k in torch.nn.GRUCell(2, 3).state_dict()]


def test_reprs_match_torch():
    for make in (lambda lib: lib.RNN(3, 4, 2, "relu", False, True, 0.5, True), lambda lib: lib.LSTM(3, 4),
                 lambda lib: lib.GRU(3, 4, bias=False), lambda lib: lib.RNNCell(3, 4, False, "relu"),
                 lambda lib: lib.LSTMCell(3, 4)):
        assert repr(make(nn)) == repr(make(torch.nn))


def test_dropout_between_layers_only_in_training(rng):
    layer = nn.LSTM(3, 4, num_layers=2, dropout=0.5).double()
    x = minitorch.tensor(rng.standard_normal((6, 2, 3)))
    layer.eval()
    first, second = layer(x)[0], layer(x)[0]
    assert minitorch.equal(first, second)
    layer.train()
    assert not minitorch.equal(layer(x)[0], first)
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        nn.GRU(3, 4, dropout=0.2)


def test_float32_stays_float32(rng):
    out, (h, c) = nn.LSTM(3, 4)(minitorch.tensor(rng.standard_normal((2, 1, 3)).astype(np.float32)))
    assert out.dtype == h.dtype == c.dtype == minitorch.float32


# ----- packing utilities -----
@settings(max_examples=15)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.booleans(), st.sampled_from(["left", "right"]),
       SEEDS)
def test_pad_and_pack_sequence_match_torch(lengths, batch_first, side, seed):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal((n, 2)) for n in lengths]
    ours, theirs = zip(*(leaf(a) for a in arrays))
    padded = rnn_utils.pad_sequence(ours, batch_first, -1.0, side)
    padded_t = torch.nn.utils.rnn.pad_sequence(theirs, batch_first, -1.0, side)
    backward_both(padded, padded_t, rng)
    assert_grads(zip(ours, theirs))
    ordered = lengths == sorted(lengths, reverse=True)
    packed = rnn_utils.pack_sequence(ours, enforce_sorted=ordered)
    packed_t = torch.nn.utils.rnn.pack_sequence(theirs, enforce_sorted=ordered)
    for mine, reference in zip(packed, packed_t):
        assert (mine is None) == (reference is None)
        if reference is not None:
            assert_close(mine, reference)
    for mine, reference in zip(rnn_utils.unpack_sequence(packed), torch.nn.utils.rnn.unpack_sequence(packed_t)):
        assert_close(mine, reference)


def test_packing_errors_match_torch():
    x = minitorch.zeros(3, 2, 4)
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        rnn_utils.pack_padded_sequence(x, [2, 3])
    with pytest.raises(RuntimeError, match="greater than 0"):
        rnn_utils.pack_padded_sequence(x, [0, 2], enforce_sorted=False)
    with pytest.raises(RuntimeError, match=r"lengths \[4, 2\] do not fit an input of 3 steps"):
        rnn_utils.pack_padded_sequence(x, [4, 2])
    with pytest.raises(RuntimeError, match="1D CPU int64 tensor, but got 2D"):
        rnn_utils.pack_padded_sequence(x, minitorch.tensor([[3, 2]]))
    with pytest.raises(ValueError, match="total_length=2 and max sequence length being 3"):
        rnn_utils.pad_packed_sequence(rnn_utils.pack_padded_sequence(x, [3, 1]), total_length=2)
    with pytest.raises(RuntimeError, match="empty list of sequences"):
        rnn_utils.pad_sequence([])
    with pytest.raises(RuntimeError, match="one of left or right, but got middle"):
        rnn_utils.pad_sequence([x], padding_side="middle")


# ----- errors: PyTorch's types and messages, naming the sizes -----
LAYER_ERRORS = [
    (lambda: nn.LSTM(3, 4)(minitorch.zeros(2, 2, 2, 3)), ValueError, "LSTM: Expected input to be 2D or 3D, got 4D"),
    (lambda: nn.RNN(3, 4)(minitorch.zeros(3)), ValueError, "RNN: Expected input to be 2D or 3D, got 1D tensor"),
    (lambda: nn.GRU(3, 4)(minitorch.zeros(5, 2, 6)), RuntimeError, "Expected 3, got 6"),
    (lambda: nn.GRU(3, 4, 2)(minitorch.zeros(5, 2, 3), minitorch.zeros(1, 2, 4)), RuntimeError,
     r"Expected hidden size \(2, 2, 4\), got \[1, 2, 4\]"),
    (lambda: nn.LSTM(3, 4, 2)(minitorch.zeros(5, 2, 3), (minitorch.zeros(2, 2, 4), minitorch.zeros(2, 3, 4))),
     RuntimeError, r"Expected hidden\[1\] size \(2, 2, 4\), got \[2, 3, 4\]"),
    (lambda: nn.RNN(3, 4)(minitorch.zeros(5, 3), minitorch.zeros(1, 1, 4)), RuntimeError,
     "For unbatched 2-D input, hx should also be 2-D but got 3-D tensor"),
    (lambda: nn.LSTM(3, 4)(minitorch.zeros(5, 1, 3), (minitorch.zeros(1, 4), minitorch.zeros(1, 4))), RuntimeError,
     r"hx and cx should also be 3-D but got \(2-D, 2-D\) tensors"),
    (lambda: nn.GRU(3, 4)(minitorch.zeros(5, 1, 3, dtype=minitorch.float64)), ValueError,
     r"RNN input dtype \((torch\.)?float64\) does not match weight dtype \((torch\.)?float32\)"),
    (lambda: nn.RNNCell(3, 4)(minitorch.zeros(2, 5)), RuntimeError, "inconsistent input_size: got 5 expected 3"),
    (lambda: nn.GRUCell(3, 4)(minitorch.zeros(2, 3), minitorch.zeros(3, 4)), RuntimeError,
     "Input batch size 2 doesn't match hidden0 batch size 3"),
    (lambda: nn.LSTMCell(3, 4)(minitorch.zeros(2, 3), (minitorch.zeros(2, 4), minitorch.zeros(2, 5))),
     RuntimeError, "hidden1 has inconsistent hidden_size: got 5, expected 4"),
    (lambda: nn.RNNCell(3, 4)(minitorch.zeros(1, 2, 3)), ValueError, "RNNCell: Expected input to be 1D or 2D, got 3D"),
    (lambda: nn.RNN(3, 4, nonlinearity="gelu"), ValueError, "Unknown nonlinearity 'gelu'"),
    (lambda: nn.LSTM(3, 0), ValueError, "hidden_size must be greater than zero"),
    (lambda: nn.LSTM(3, 4, 0), ValueError, "num_layers must be greater than zero"),
    (lambda: nn.GRU(3, 4, dropout=1.5), ValueError, r"dropout should be a number in range \[0, 1\]"),
    (lambda: nn.GRU(3.0, 4), TypeError, "input_size should be of type int, got: float"),
    (lambda: nn.LSTM(3, 4, proj_size=2), NotImplementedError, "proj_size"),
    (lambda: nn.LSTM(3, 4)(minitorch.zeros(0, 2, 3)), RuntimeError, "sequence length to be larger than 0"),
]


@pytest.mark.parametrize("call, error, message", LAYER_ERRORS)
def test_errors_name_the_sizes(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ----- the fused op itself: finite differences through the time loop -----
@settings(max_examples=12)
@given(st.sampled_from(["RNN_TANH", "RNN_RELU", "LSTM", "GRU"]), st.booleans(), st.booleans(),
       st.lists(st.integers(1, 3), min_size=1, max_size=3), SEEDS)
def test_recurrence_gradcheck(mode, reverse, bias, sizes, seed):
    """Packed batches whose size shrinks (forward) or grows (reverse) over time: every input's gradient."""
    from minitorch.ops.recurrent import CELLS, recurrence

    rng = np.random.default_rng(seed)
    batch_sizes = sorted(sizes, reverse=True)
    gates = CELLS[mode].gates * 2

    def leaf_of(*shape):
        return minitorch.tensor(rng.standard_normal(shape) * 0.5, requires_grad=True)

    x, h0, c0 = leaf_of(sum(batch_sizes), 2), leaf_of(batch_sizes[0], 2), leaf_of(batch_sizes[0], 2)
    weights = [leaf_of(gates, 2), leaf_of(gates, 2)] + ([leaf_of(gates), leaf_of(gates)] if bias else [None, None])
    cell = c0 if mode == "LSTM" else None
    assert minitorch.gradcheck(lambda *a: recurrence(mode, a[0], a[1], a[2], *a[3:], batch_sizes, reverse),
                               (x, h0, cell, *weights))
