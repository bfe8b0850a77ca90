"""The double backward of a recurrent layer: its forward again, written with differentiable Tensor ops.

``Recurrence`` (ops/recurrent.py) runs the cells on raw arrays and writes every step's gates into
buffers in place: fast, and exactly what first-order training needs, but nothing there can be
recorded. Under ``create_graph=True`` its backward therefore takes another road: it runs the *same*
layer again from the op's inputs (x, h0, c0, the weights and biases, each wired into the graph) with
minitorch's Tensor ops, one cell equation per step, and asks autograd for the vector-Jacobian product
``vᵀ·∂(out, h_n, c_n)/∂inputs`` with ``create_graph=True``. That product is recorded like any other
computation, so it can be differentiated again (and again). This is backpropagation through time
done by autograd itself; it costs a second forward, paid only when a higher derivative is asked for.

The recomputation starts from an :class:`Alias` of each input, and the product is asked for with
respect to those aliases: ``autograd.grad`` runs only the nodes on a path to what it is asked about,
so it stops there. That gives the partial derivatives this op owes (were ``h0`` computed from ``x``,
asking about ``x`` itself would also count the path through ``h0``, which the engine sends on anyway).
"""
from __future__ import annotations

from typing import Any, Optional

from minitorch.autograd import api
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.tensor import Tensor


class Alias(ArrayFunction):
    """The identity: a node standing in front of an input, where a gradient can stop."""

    @staticmethod
    def forward(ctx, value):
        return value

    @staticmethod
    def backward(ctx, grad):
        """d value/d value = 1."""
        return grad


def _tanh_cell(a: Tensor, h: Tensor, c: Any) -> tuple:
    """h' = tanh(a)."""
    return a.tanh(), None


def _relu_cell(a: Tensor, h: Tensor, c: Any) -> tuple:
    """h' = relu(a)."""
    return a.relu(), None


def _lstm_cell(a: Tensor, h: Tensor, c: Tensor) -> tuple:
    """i, f, g, o = σ, σ, tanh, σ of the four quarters of a; c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh c'."""
    i, f, g, o = a.chunk(4, 1)
    c_new = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c_new.tanh(), c_new


STEPS = {"RNN_TANH": _tanh_cell, "RNN_RELU": _relu_cell, "LSTM": _lstm_cell}


def _gru_step(gx: Tensor, gh: Tensor, h: Tensor) -> Tensor:
    """r, z = σ(gx + gh) on the first two thirds; n = tanh(gx_n + r ⊙ gh_n); h' = n + z ⊙ (h − n)."""
    size = h.shape[1]
    r = (gx[:, :size] + gh[:, :size]).sigmoid()
    z = (gx[:, size:2 * size] + gh[:, size:2 * size]).sigmoid()
    n = (gx[:, 2 * size:] + r * gh[:, 2 * size:]).tanh()
    return n + z * (h - n)


def _affine(a: Tensor, w: Tensor, b: Optional[Tensor]) -> Tensor:
    """a·Wᵀ + b."""
    out = a @ w.T
    return out if b is None else out + b


def _in_row_order(pieces: list) -> Tensor:
    """Pieces ``(first row, rows)`` gathered in any order, concatenated by their first row."""
    pieces = sorted(pieces, key=lambda piece: piece[0])
    tensors = [tensor for _, tensor in pieces]
    return tensors[0] if len(tensors) == 1 else array_module(tensors[0]).concatenate(tensors, axis=0)


def _resize(xp: Any, state: Tensor, size: int, source: Tensor, finished: list) -> Tensor:
    """The state for a step of ``size`` rows: finished rows leave (into ``finished``), new rows join
    from ``source`` (the initial state) — ops/recurrent.py's ``resize``, out of place."""
    rows = state.shape[0]
    if rows > size:
        finished.append((size, state[size:]))
        return state[:size]
    if rows < size:
        return source[:size] if rows == 0 else xp.concatenate([state, source[rows:size]], axis=0)
    return state


def layer_forward(mode: str, x: Tensor, h0: Tensor, c0: Optional[Tensor], w_ih: Tensor, w_hh: Tensor,
                  b_ih: Optional[Tensor], b_hh: Optional[Tensor], order: list) -> tuple:
    """One layer over packed rows ``x`` with Tensor ops; ``order`` lists each step's rows (a slice),
    in the order they are processed. Returns (out, h_n[, c_n]) as ``Recurrence.forward`` does."""
    xp = array_module(x)
    gx = _affine(x, w_ih, b_ih)  # every step's input share of the gates, in one product
    lstm = mode == "LSTM"
    h, c = h0[:0], (c0[:0] if lstm else None)
    outputs: list = []
    h_done: list = []
    c_done: list = []
    for rows in order:
        size = rows.stop - rows.start
        h = _resize(xp, h, size, h0, h_done)
        if lstm:
            c = _resize(xp, c, size, c0, c_done)
        gh = _affine(h, w_hh, b_hh)
        if mode == "GRU":
            h = _gru_step(gx[rows], gh, h)
        else:
            h, c = STEPS[mode](gx[rows] + gh, h, c)
        outputs.append((rows.start, h))
    h_done.append((0, h))
    result = (_in_row_order(outputs), _in_row_order(h_done))
    if lstm:
        c_done.append((0, c))
        result += (_in_row_order(c_done),)
    return result


def layer_vjp(mode: str, inputs: tuple, needs: tuple, order: list, grads: tuple) -> tuple:
    """``vᵀ·∂(out, h_n[, c_n])/∂inputs`` with ``create_graph=True``: one gradient (or None) per input
    ``(x, h0, c0, w_ih, w_hh, b_ih, b_hh)``, for those ``needs`` marks; ``grads`` are the vectors v."""
    wanted = [i for i, (value, need) in enumerate(zip(inputs, needs)) if need and isinstance(value, Tensor)]
    aliases = {i: Alias.apply(inputs[i]) for i in wanted}
    outputs = layer_forward(mode, *(aliases.get(i, value) for i, value in enumerate(inputs)), order)
    found = api.grad(list(outputs), list(aliases.values()), list(grads[:len(outputs)]),
                     create_graph=True, allow_unused=True)
    result: list = [None] * len(inputs)
    for i, gradient in zip(wanted, found):
        result[i] = gradient
    return tuple(result)
