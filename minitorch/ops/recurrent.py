"""One recurrent layer, one direction, run over a whole (packed) sequence: forward and backpropagation
through time side by side.

A recurrent layer applies the same cell at every time step: ``hₜ = cell(xₜ, hₜ₋₁)``. Two things make
it fast without leaving Python:

* the input's share of every gate, ``xₜ·W_ihᵀ + b_ih``, does not depend on the recurrence, so it is
  computed for **all** time steps in one matrix product up front;
* each time step is then one (batch × hidden) · (hidden × gates) product plus elementwise maths,
  over the whole batch at once. The loop over time is Python: that *is* the algorithm.

Sequences of different lengths travel *packed* (see ``nn/utils/rnn.py``): the rows of all sequences
at step 0, then at step 1, ..., longest first, with ``batch_sizes[t]`` rows at step ``t``. The
batch therefore shrinks as sequences end (their last ``h`` is their final state) and, run in
reverse, grows as sequences begin (starting from their initial state). A padded batch is simply a
packed one whose batch never changes size.

Backward walks the same steps in reverse order (backpropagation through time), collecting the
gradient of every gate pre-activation; the weight gradients are then two products over all rows::

    dW_ih = Σₜ dgatesₜᵀ·xₜ,   dW_hh = Σₜ dgatesₜᵀ·hₜ₋₁,   dx = dgates·W_ih.

The cells' maths (PyTorch's gate order) are the classes ``TanhCell``, ``ReluCell``, ``LSTMCell``,
``GRUCell`` below.

A double backward (``create_graph=True``) cannot reuse these in-place array buffers: it recomputes the
layer with Tensor ops and lets autograd differentiate that (``ops/recurrent_graph.py``).
"""
from __future__ import annotations

from typing import Any, Optional

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.recurrent_graph import layer_vjp
from minitorch.tensor import Tensor


def sigmoid(xp: Any, a: Any) -> Any:
    """σ(a) = 1/(1+e⁻ᵃ), written with tanh so that no exponent overflows."""
    return 0.5 * (xp.tanh(0.5 * a) + 1.0)


def sigmoid_into(xp: Any, a: Any, out: Any) -> None:
    """``out[:] = σ(a)`` without temporaries (four passes over ``out``)."""
    xp.multiply(a, 0.5, out=out)
    xp.tanh(out, out=out)
    out += 1.0
    out *= 0.5


def hidden_part(h: Any, w_hh_t: Any, b_hh: Optional[Any]) -> Any:
    """``h·W_hhᵀ + b_hh``: the recurrent share of the gates (``w_hh_t`` is W_hhᵀ, made contiguous once
    per sequence: a small product with a transposed view is several times slower)."""
    out = h @ w_hh_t
    if b_hh is not None:
        out += b_hh
    return out


class TanhCell:
    """``h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)`` (Elman network)."""

    gates = 1
    cell_state = False
    buffers = ("h_prev", "out")

    @staticmethod
    def step(xp, gx, h, c, w_hh_t, b_hh, saved, rows):
        h_new = xp.tanh(gx + hidden_part(h, w_hh_t, b_hh))
        saved["out"][rows] = h_new
        return h_new, None

    @staticmethod
    def step_backward(xp, dh, dc, saved, rows, w_hh, dgx, dgh):
        """da = dh' ⊙ (1 − h'²); dh = da·W_hh."""
        out = saved["out"][rows]
        da = dh * (1 - out * out)
        dgx[rows] = da
        return da @ w_hh, None


class ReluCell(TanhCell):
    """``h' = relu(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)``."""

    @staticmethod
    def step(xp, gx, h, c, w_hh_t, b_hh, saved, rows):
        h_new = xp.maximum(gx + hidden_part(h, w_hh_t, b_hh), 0)
        saved["out"][rows] = h_new
        return h_new, None

    @staticmethod
    def step_backward(xp, dh, dc, saved, rows, w_hh, dgx, dgh):
        """da = dh' ⊙ 1[h' > 0]; dh = da·W_hh."""
        da = dh * (saved["out"][rows] > 0)
        dgx[rows] = da
        return da @ w_hh, None


class LSTMCell:
    """Gates i, f, g, o (in PyTorch's order) = σ, σ, tanh, σ of ``x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh``;
    ``c' = f ⊙ c + i ⊙ g`` and ``h' = o ⊙ tanh(c')`` (Hochreiter & Schmidhuber, 1997)."""

    gates = 4
    cell_state = True
    buffers = ("h_prev", "c_prev", "tanh_c", "gates")

    @staticmethod
    def step(xp, gx, h, c, w_hh_t, b_hh, saved, rows):
        a = gx + hidden_part(h, w_hh_t, b_hh)
        size = h.shape[1]
        gates = saved["gates"][rows]
        sigmoid_into(xp, a, gates)
        xp.tanh(a[:, 2 * size:3 * size], out=gates[:, 2 * size:3 * size])
        i, f, g, o = (gates[:, k * size:(k + 1) * size] for k in range(4))
        c_new = f * c + i * g
        tanh_c = xp.tanh(c_new)
        saved["c_prev"][rows] = c
        saved["tanh_c"][rows] = tanh_c
        return o * tanh_c, c_new

    @staticmethod
    def step_backward(xp, dh, dc, saved, rows, w_hh, dgx, dgh):
        """dc ← dc + dh ⊙ o ⊙ (1 − tanh² c'); then di = dc ⊙ g, df = dc ⊙ c, dg = dc ⊙ i,
        do = dh ⊙ tanh c', each times its activation's derivative; dc_prev = dc ⊙ f."""
        gates, tanh_c, c_prev = saved["gates"][rows], saved["tanh_c"][rows], saved["c_prev"][rows]
        size = dh.shape[1]
        i, f, g, o = (gates[:, k * size:(k + 1) * size] for k in range(4))
        dc = dc + dh * o * (1 - tanh_c * tanh_c)
        da = dgx[rows]
        da[:, :size] = dc * g * i * (1 - i)
        da[:, size:2 * size] = dc * c_prev * f * (1 - f)
        da[:, 2 * size:3 * size] = dc * i * (1 - g * g)
        da[:, 3 * size:] = dh * tanh_c * o * (1 - o)
        return da @ w_hh, dc * f


class GRUCell:
    """Gates r, z (σ) and candidate n (tanh), in PyTorch's order:
    ``n = tanh(x·W_inᵀ + b_in + r ⊙ (h·W_hnᵀ + b_hn))`` and ``h' = (1 − z) ⊙ n + z ⊙ h`` (Cho et al., 2014)."""

    gates = 3
    cell_state = False
    buffers = ("h_prev", "gates", "hidden_n")

    @staticmethod
    def step(xp, gx, h, c, w_hh_t, b_hh, saved, rows):
        gh = hidden_part(h, w_hh_t, b_hh)
        size = h.shape[1]
        gates = saved["gates"][rows]
        gates[:, :2 * size] = sigmoid(xp, gx[:, :2 * size] + gh[:, :2 * size])
        r, z = gates[:, :size], gates[:, size:2 * size]
        hidden_n = gh[:, 2 * size:]
        gates[:, 2 * size:] = xp.tanh(gx[:, 2 * size:] + r * hidden_n)
        n = gates[:, 2 * size:]
        saved["hidden_n"][rows] = hidden_n
        return n + z * (h - n), None

    @staticmethod
    def step_backward(xp, dh, dc, saved, rows, w_hh, dgx, dgh):
        """dn = dh ⊙ (1 − z), dz = dh ⊙ (h − n), dh_prev = dh ⊙ z + dgh·W_hh, where the hidden
        share of n's pre-activation is scaled by r: d(r ⊙ hn)/dhn = r, /dr = hn."""
        gates, hidden_n, h_prev = saved["gates"][rows], saved["hidden_n"][rows], saved["h_prev"][rows]
        size = dh.shape[1]
        r, z, n = gates[:, :size], gates[:, size:2 * size], gates[:, 2 * size:]
        dan = dh * (1 - z) * (1 - n * n)
        da_x, da_h = dgx[rows], dgh[rows]
        da_x[:, :size] = dan * hidden_n * r * (1 - r)
        da_x[:, size:2 * size] = dh * (h_prev - n) * z * (1 - z)
        da_x[:, 2 * size:] = dan
        da_h[:, :2 * size] = da_x[:, :2 * size]
        da_h[:, 2 * size:] = dan * r
        return dh * z + da_h @ w_hh, None


CELLS = {"RNN_TANH": TanhCell, "RNN_RELU": ReluCell, "LSTM": LSTMCell, "GRU": GRUCell}


def resize(xp: Any, state: Any, size: int, source: Any, sink: Any) -> Any:
    """The batch at a new step has ``size`` rows: rows beyond it have finished (their state goes to
    ``sink``), missing rows begin (their state comes from ``source``)."""
    rows = state.shape[0]
    if rows > size:
        sink[size:rows] = state[size:]
        return state[:size]
    if rows < size:
        return xp.concatenate([state, source[rows:size]])
    return state


class Recurrence(ArrayFunction):
    @staticmethod
    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, mode, batch_sizes, reverse):
        xp = array_module(x)
        cell = CELLS[mode]
        inputs = (x, h0, c0, w_ih, w_hh, b_ih, b_hh)  # all saved: a double backward recomputes from them
        gx = x @ w_ih.T  # every time step's input share of the gates, in one product
        if b_ih is not None:
            gx += b_ih
        if b_hh is not None and cell is not GRUCell:  # both biases simply add up (GRU's n gate scales b_hn)
            gx += b_hh
            b_hh = None
        rows, size = x.shape[0], w_hh.shape[1]
        saved = {name: xp.empty((rows, size * (cell.gates if name == "gates" else 1)), x.dtype)
                 for name in cell.buffers}
        out, h_n = xp.empty((rows, size), x.dtype), xp.empty_like(h0)
        c_n = xp.empty_like(c0) if cell.cell_state else None
        h, c = h0[:0], (c0[:0] if cell.cell_state else None)
        w_hh_t = xp.ascontiguousarray(w_hh.T)
        for step_rows in steps(batch_sizes, reverse):
            h = resize(xp, h, step_rows.stop - step_rows.start, h0, h_n)
            if cell.cell_state:
                c = resize(xp, c, h.shape[0], c0, c_n)
            saved["h_prev"][step_rows] = h
            h, c = cell.step(xp, gx[step_rows], h, c, w_hh_t, b_hh, saved, step_rows)
            out[step_rows] = h
        resize(xp, h, 0, h0, h_n)
        ctx.cell, ctx.mode, ctx.batch_sizes, ctx.reverse = cell, mode, batch_sizes, reverse
        ctx.save_for_backward(*inputs, saved)
        if cell.cell_state:
            resize(xp, c, 0, c0, c_n)
            return out, h_n, c_n
        return out, h_n

    @staticmethod
    def backward(ctx, grad_out, grad_h_n, grad_c_n=None):
        """Backpropagation through time: the steps in reverse, then dx = dG·W_ih,
        dW_ih = dGᵀ·x, dW_hh = dG_hᵀ·h_prev, db = Σ dG over rows."""
        x, h0, c0, w_ih, w_hh, b_ih, b_hh, saved = ctx.saved_tensors
        if isinstance(x, Tensor):  # create_graph: the forward again with Tensor ops (ops/recurrent_graph.py)
            order = steps(ctx.batch_sizes, ctx.reverse)
            return layer_vjp(ctx.mode, (x, h0, c0, w_ih, w_hh, b_ih, b_hh), ctx.needs_input_grad, order,
                             (grad_out, grad_h_n, grad_c_n)) + (None, None, None)
        xp, cell = array_module(x), ctx.cell
        dgx = xp.empty((x.shape[0], w_hh.shape[0]), x.dtype)
        dgh = xp.empty_like(dgx) if cell is GRUCell else dgx
        dh0 = xp.empty_like(grad_h_n)
        dc0 = xp.empty_like(grad_c_n) if cell.cell_state else None
        dh, dc = grad_h_n[:0], (grad_c_n[:0] if cell.cell_state else None)
        for step_rows in steps(ctx.batch_sizes, not ctx.reverse):
            dh = resize(xp, dh, step_rows.stop - step_rows.start, grad_h_n, dh0) + grad_out[step_rows]
            if cell.cell_state:
                dc = resize(xp, dc, dh.shape[0], grad_c_n, dc0)
            dh, dc = cell.step_backward(xp, dh, dc, saved, step_rows, w_hh, dgx, dgh)
        resize(xp, dh, 0, grad_h_n, dh0)
        if cell.cell_state:
            resize(xp, dc, 0, grad_c_n, dc0)
        need = ctx.needs_input_grad
        return (
            dgx @ w_ih if need[0] else None,
            dh0 if need[1] else None,
            dc0 if need[2] else None,
            dgx.T @ x if need[3] else None,
            dgh.T @ saved["h_prev"] if need[4] else None,
            dgx.sum(axis=0) if need[5] else None,
            dgh.sum(axis=0) if need[6] else None,
            None, None, None,
        )


def steps(batch_sizes: tuple, reverse: bool) -> list:
    """The rows of each time step in the packed data, in time order or in reverse."""
    order, start = [], 0
    for size in batch_sizes:
        order.append(slice(start, start + size))
        start += size
    return order[::-1] if reverse else order


def recurrence(mode: str, x: Tensor, h0: Tensor, c0: Optional[Tensor], w_ih: Tensor, w_hh: Tensor,
               b_ih: Optional[Tensor], b_hh: Optional[Tensor], batch_sizes: tuple, reverse: bool) -> tuple:
    """One layer in one direction over packed rows ``x`` (Σ batch_sizes, input_size) from initial
    states (batch_sizes[0], hidden_size): returns (outputs of every row, h_n[, c_n])."""
    return Recurrence.apply(x, h0, c0, w_ih, w_hh, b_ih, b_hh, mode, tuple(batch_sizes), reverse)
