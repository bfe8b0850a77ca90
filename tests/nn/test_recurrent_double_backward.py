"""Recurrent layers and cells differentiated twice, against PyTorch with copied weights (float64).

For upstream gradients ``v`` (leaves) the first derivative ``g = vᵀ·∂outputs/∂(x, h0[, c0], params)``
is taken with ``create_graph=True``; then the gradient of ``Σ w·g`` (random ``w``) with respect to the
input, the initial states, every parameter and ``v`` must match PyTorch to 1e-8: every
Hessian-vector product a double backward owes. Stacked, bidirectional, batch-first and packed
(unequal lengths) layers, and the three cells; one finite-difference ``gradgradcheck``.
"""
import numpy as np
import pytest

import minitorch
from minitorch.nn.utils import rnn as rnn_utils
from minitorch.ops.recurrent import recurrence
from minitorch.testing import assert_close
from tests.parity import copy_weights

torch = pytest.importorskip("torch")

MODES = [("RNN", {}), ("RNN", {"nonlinearity": "relu"}), ("LSTM", {}), ("GRU", {})]
IDS = ["tanh", "relu", "lstm", "gru"]
TOLERANCE = {"rtol": 1e-8, "atol": 1e-8}


def both(make, backend="cpu"):
    """(ours, theirs): the same module in both libraries, float64, PyTorch's weights in ours."""
    theirs = make(torch.nn).double()
    ours = make(minitorch.nn).double()
    copy_weights(theirs, ours)
    return ours.to(backend), theirs


def outputs_of(result):
    """A layer's result as a flat list of tensors (a PackedSequence as its data)."""
    if isinstance(result, (rnn_utils.PackedSequence, torch.nn.utils.rnn.PackedSequence)):
        return [result.data]
    if isinstance(result, (tuple, list)):
        return [t for part in result for t in outputs_of(part)]
    return [result]


def second_order(lib, module, run, arrays, rng_seed, backend="cpu"):
    """(g, h): the first gradients of Σ v·outputs w.r.t. the arrays' leaves and the parameters, and the
    gradients of Σ w·g w.r.t. those leaves, the parameters and v. ``run(lib, module, *leaves)`` runs it."""
    rng = np.random.default_rng(rng_seed)  # the same v and w in both libraries
    device = {"device": backend} if lib is minitorch else {}
    leaves = [lib.tensor(a, requires_grad=True, **device) for a in arrays]
    params = list(module.parameters())
    outputs = outputs_of(run(lib, module, *leaves))
    vs = [lib.tensor(rng.standard_normal(tuple(out.shape)), requires_grad=True, **device) for out in outputs]
    targets = leaves + params
    g = lib.autograd.grad(outputs, targets, vs, create_graph=True)
    total = sum((gk * lib.tensor(rng.standard_normal(tuple(gk.shape)), **device)).sum() for gk in g)
    h = lib.autograd.grad(total, targets + vs, allow_unused=True)
    return g, h


def check(make, run, arrays, seed=0, backend="cpu"):
    ours, theirs = both(make, backend)
    our_g, our_h = second_order(minitorch, ours, run, arrays, seed, backend)
    their_g, their_h = second_order(torch, theirs, run, arrays, seed)
    for k, (mine, reference) in enumerate(zip(our_g, their_g)):
        assert_close(mine, reference.detach(), **TOLERANCE, msg=f"first gradient {k}")
    assert len(our_h) == len(their_h)
    for k, (mine, reference) in enumerate(zip(our_h, their_h)):
        if mine is None or reference is None:  # no path at all, or zeros through a kink (relu): the same numbers
            present = mine if reference is None else reference
            assert present is None or not np.any(present.detach().cpu().numpy()), f"second gradient {k}: missing"
        else:
            assert_close(mine, reference, **TOLERANCE, msg=f"second gradient {k}")


def with_states(mode, layers, bidirectional, batch, hidden):
    """The initial states' arrays for a layer: h0, and c0 for an LSTM."""
    rng = np.random.default_rng(1)
    shape = (layers * (2 if bidirectional else 1), batch, hidden)
    return [rng.standard_normal(shape) for _ in range(2 if mode == "LSTM" else 1)]


def run_layer(lib, module, x, *states):
    return module(x, tuple(states) if len(states) == 2 else states[0])


@pytest.mark.parametrize("mode, options", MODES, ids=IDS)
@pytest.mark.parametrize("layers, bidirectional, batch_first", [(1, False, False), (2, True, True)],
                         ids=["single", "stacked-bidirectional-batch-first"])
def test_layer_second_derivatives_match_torch(backend, mode, options, layers, bidirectional, batch_first):
    x = np.random.default_rng(0).standard_normal((2, 4, 3) if batch_first else (4, 2, 3))
    states = with_states(mode, layers, bidirectional, 2, 5)

    def make(nn):
        return getattr(nn, mode)(3, 5, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first,
                                 **options)

    check(make, run_layer, [x, *states], backend=backend)


@pytest.mark.parametrize("mode, options", MODES, ids=IDS)
def test_packed_sequence_second_derivatives_match_torch(backend, mode, options):
    """Unequal lengths, not sorted: the batch shrinks forward and grows backward within each layer."""
    lengths = [2, 4, 1]
    x = np.random.default_rng(0).standard_normal((4, 3, 3))
    states = with_states(mode, 2, True, 3, 4)

    def make(nn):
        return getattr(nn, mode)(3, 4, num_layers=2, bidirectional=True, **options)

    def run(lib, module, x, *states):
        utils = rnn_utils if lib is minitorch else torch.nn.utils.rnn
        packed = utils.pack_padded_sequence(x, lengths, enforce_sorted=False)
        return run_layer(lib, module, packed, *states)

    check(make, run, [x, *states], backend=backend)


@pytest.mark.parametrize("cell, options", [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}), ("LSTMCell", {}),
                                           ("GRUCell", {})], ids=IDS)
def test_cell_second_derivatives_match_torch(cell, options):
    rng = np.random.default_rng(0)
    x, states = rng.standard_normal((3, 4)), [rng.standard_normal((3, 5)) for _ in range(2 if cell == "LSTMCell" else 1)]

    def make(nn):
        return getattr(nn, cell)(4, 5, **options)

    check(make, run_layer, [x, *states])


def test_lstm_gradgradcheck():
    """Finite differences of the first derivative agree with the double backward, for the input, both
    initial states and every weight of a tiny packed LSTM layer run in reverse (batch sizes 2, 2, 1:
    the batch grows as it goes)."""
    rng = np.random.default_rng(0)
    shapes = [(5, 1), (2, 2), (2, 2), (8, 1), (8, 2), (8,), (8,)]  # x, h0, c0, w_ih, w_hh, b_ih, b_hh
    inputs = [minitorch.tensor(rng.standard_normal(shape), requires_grad=True) for shape in shapes]

    def layer(*args):
        return recurrence("LSTM", *args, batch_sizes=(2, 2, 1), reverse=True)

    assert minitorch.autograd.gradgradcheck(layer, inputs)


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
def test_third_derivative_without_biases_matches_torch(mode):
    """The double backward is itself recorded: a third derivative (input and weights) matches too."""
    ours, theirs = both(lambda nn: getattr(nn, mode)(3, 4, num_layers=2, bias=False))
    rng = np.random.default_rng(0)
    x, v, w, u = rng.standard_normal((4, 2, 3)), rng.standard_normal((4, 2, 4)), *rng.standard_normal((2, 4, 2, 3))
    results = []
    for lib, module in ((minitorch, ours), (torch, theirs)):
        leaf, params = lib.tensor(x, requires_grad=True), list(module.parameters())
        (g,) = lib.autograd.grad(module(leaf)[0], [leaf], lib.tensor(v), create_graph=True)
        h = lib.autograd.grad((g * lib.tensor(w)).sum(), [leaf, *params], create_graph=True)
        k = lib.autograd.grad((h[0] * lib.tensor(u)).sum() + sum((hk * hk).sum() for hk in h[1:]), [leaf, *params])
        results.append([g, *h, *k])
    for i, (mine, reference) in enumerate(zip(*results)):
        assert_close(mine, reference.detach(), **TOLERANCE, msg=f"derivative {i}")


def test_first_order_backward_is_unchanged_by_a_double_backward():
    """A create_graph pass leaves the layer's graph usable for a plain backward, with PyTorch's numbers."""
    ours, theirs = both(lambda nn: nn.GRU(3, 4))
    x = np.random.default_rng(0).standard_normal((3, 2, 3))
    results = []
    for lib, module in ((minitorch, ours), (torch, theirs)):
        leaf = lib.tensor(x, requires_grad=True)
        out = module(leaf)[0]
        (g,) = lib.autograd.grad(out.sum(), [leaf], create_graph=True)
        out.pow(2).sum().backward()
        results.append((g, leaf.grad))
    for mine, reference in zip(*results):
        assert_close(mine, reference.detach(), **TOLERANCE)
