"""Recurrent layers: ``RNN`` (Elman, tanh or relu), ``LSTM`` and ``GRU``, stacked and bidirectional.

Each layer of the stack runs over the whole sequence in each direction (``ops/recurrent.py``: one
product for all inputs up front, then one step per time step), and its outputs (both directions
side by side) are the next layer's inputs, with dropout between layers while training.

Weights are named and shaped as PyTorch's, so ``state_dict`` files load both ways: for layer ``k``
(``_reverse`` for the backward direction) ``weight_ih_lk`` (gates·hidden, input), ``weight_hh_lk``
(gates·hidden, hidden), ``bias_ih_lk`` and ``bias_hh_lk``, with the gates stacked in PyTorch's
order (LSTM: i, f, g, o; GRU: r, z, n). All start as U(−1/√hidden, 1/√hidden).

Inputs are (T, B, features) — (B, T, features) with ``batch_first`` — or unbatched (T, features),
or a :class:`~minitorch.nn.utils.rnn.PackedSequence`. ``proj_size`` (LSTM projections) is not
implemented.
"""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

from minitorch.creation import empty, zeros
from minitorch.nn import functional as F
from minitorch.nn import init
from minitorch.nn.module import Module
from minitorch.nn.parameter import Parameter
from minitorch.nn.utils.rnn import PackedSequence
from minitorch.ops.recurrent import CELLS, recurrence
from minitorch.ops.shape import cat, stack
from minitorch.tensor import Tensor


class RNNBase(Module):
    """What RNN, LSTM and GRU share: the weights of every layer and direction, and the stack's forward."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_sizes(input_size, hidden_size, num_layers, bias, batch_first, dropout)
        if proj_size != 0:
            raise NotImplementedError("minitorch's LSTM has no proj_size (projections of the hidden state)")
        if mode not in CELLS:
            raise ValueError("Unrecognized RNN mode: " + mode)
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, proj_size
        gate_size = CELLS[mode].gates * hidden_size
        directions = 2 if bidirectional else 1
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input_size = input_size if layer == 0 else hidden_size * directions
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                shapes = {"weight_ih": (gate_size, layer_input_size), "weight_hh": (gate_size, hidden_size)}
                if bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                for name, shape in shapes.items():
                    setattr(self, name + suffix, Parameter(empty(shape, device=device, dtype=dtype)))
                self._all_weights.append([name + suffix for name in shapes])
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias from U(−1/√hidden_size, 1/√hidden_size), as in PyTorch."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    @property
    def all_weights(self) -> list:
        """[[weight_ih, weight_hh, bias_ih, bias_hh] for each layer and direction]."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """A no-op: PyTorch packs the weights into one cuDNN buffer here; minitorch needs no such buffer."""

    def forward(self, input: Any, hx: Any = None) -> tuple:
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes, sorted_indices, unsorted_indices = input
            steps_sizes, batched = batch_sizes.tolist(), True
            batch = steps_sizes[0] if steps_sizes else 0
        else:
            if input.ndim not in (2, 3):
                tensor_word = " tensor" if self.mode.startswith("RNN") else ""
                raise ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.ndim}D{tensor_word} "
                                 "instead")
            batched, sorted_indices, unsorted_indices = input.ndim == 3, None, None
            if not batched:
                input = input.unsqueeze(0 if self.batch_first else 1)
            if self.batch_first:
                input = input.transpose(0, 1)
            steps, batch = input.shape[0], input.shape[1]
            if steps == 0:
                raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
            data, steps_sizes = input.reshape(steps * batch, input.shape[2]), [batch] * steps
        states = self.initial_states(hx, data, batch, batched)
        if sorted_indices is not None:
            states = [state[:, sorted_indices] for state in states]
        output, finals = self.run_layers(data, states, steps_sizes)
        if packed:
            if unsorted_indices is not None:
                finals = [state[:, unsorted_indices] for state in finals]
            output = PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices)
        else:
            output = output.reshape(len(steps_sizes), batch, output.shape[-1])
            if self.batch_first:
                output = output.transpose(0, 1)
            if not batched:
                output = output.squeeze(0 if self.batch_first else 1)
                finals = [state.squeeze(1) for state in finals]
        return output, (tuple(finals) if self.mode == "LSTM" else finals[0])

    def run_layers(self, data: Tensor, states: list, batch_sizes: list) -> tuple:
        """Run the stack over packed rows: (last layer's outputs, [h_n] or [h_n, c_n])."""
        directions = 2 if self.bidirectional else 1
        finals: list = [[] for _ in states]
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                k = layer * directions + direction
                w_ih, w_hh, *biases = self.all_weights[k]
                b_ih, b_hh = biases if biases else (None, None)
                cell_state = states[1][k] if len(states) == 2 else None
                result = recurrence(self.mode, data, states[0][k], cell_state, w_ih, w_hh, b_ih, b_hh,
                                    batch_sizes, reverse=direction == 1)
                outputs.append(result[0])
                for collected, final in zip(finals, result[1:]):
                    collected.append(final)
            data = outputs[0] if directions == 1 else cat(outputs, 1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                data = F.dropout(data, self.dropout, True)
        return data, [stack(collected) for collected in finals]

    def initial_states(self, hx: Any, data: Tensor, batch: int, batched: bool) -> list:
        """[h0] or [h0, c0] of shape (layers·directions, batch, hidden): ``hx``, checked, or zeros."""
        expected = (self.num_layers * (2 if self.bidirectional else 1), batch, self.hidden_size)
        count = 2 if self.mode == "LSTM" else 1
        if hx is None:
            self.check_input(data)
            return [zeros(expected, dtype=data.dtype, device=data.device) for _ in range(count)]
        states = list(hx) if count == 2 else [hx]
        want = 3 if batched else 2
        if any(state.ndim != want for state in states):
            kind = "batched 3-D" if batched else "unbatched 2-D"
            if count == 2:
                dims = ", ".join(f"{state.ndim}-D" for state in states)
                raise RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but got ({dims}) tensors")
            raise RuntimeError(f"For {kind} input, hx should also be {want}-D but got {states[0].ndim}-D tensor")
        if not batched:
            states = [state.unsqueeze(1) for state in states]
        self.check_input(data)
        for i, state in enumerate(states):
            if tuple(state.shape) != expected:
                name = f"hidden[{i}]" if count == 2 else "hidden"
                raise RuntimeError(f"Expected {name} size {expected}, got {list(state.shape)}")
        return states

    def check_input(self, data: Tensor) -> None:
        weight_dtype = self.weight_ih_l0.dtype
        if data.dtype != weight_dtype:
            raise ValueError(
                f"RNN input dtype ({data.dtype}) does not match weight dtype ({weight_dtype}). "
                f"Convert input: input.to({weight_dtype}), or convert model: model.to({data.dtype})"
            )
        if data.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got {data.shape[-1]}"
            )

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        for name, default in (("num_layers", 1), ("bias", True), ("batch_first", False), ("dropout", 0.0),
                              ("bidirectional", False)):
            if getattr(self, name) != default:
                text += f", {name}={getattr(self, name)}"
        return text


def check_sizes(input_size: Any, hidden_size: Any, num_layers: Any, bias: Any, batch_first: Any,
                dropout: Any) -> None:
    """PyTorch's checks of a recurrent layer's arguments, with its messages."""
    if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
        raise ValueError("dropout should be a number in range [0, 1] representing the probability of an element "
                         "being zeroed")
    if dropout > 0 and num_layers == 1:
        warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
                      f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}")
    for name, value in (("bias", bias), ("batch_first", batch_first)):
        if not isinstance(value, bool):
            raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{name} must be greater than zero")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")


class RNN(RNNBase):
    """Elman RNN: ``hₜ = tanh(xₜ·W_ihᵀ + b_ih + hₜ₋₁·W_hhᵀ + b_hh)`` (or relu); returns
    (output of the last layer at every step, h_n of every layer and direction)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device: Any = None, dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_" + nonlinearity.upper(), input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, device=device, dtype=dtype)


class LSTM(RNNBase):
    """Long short-term memory; returns (output, (h_n, c_n)). ``hx`` is a pair (h0, c0)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device, dtype)


class GRU(RNNBase):
    """Gated recurrent unit; returns (output, h_n)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)

