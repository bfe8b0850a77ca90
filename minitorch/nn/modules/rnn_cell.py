"""One step of a recurrent layer as a layer of its own: ``RNNCell``, ``LSTMCell``, ``GRUCell``.

A cell maps (input (B, input_size), state (B, hidden_size)) to the next state; writing the loop
over time yourself (``for x_t in x: h = cell(x_t, h)``) is how teaching code shows what ``nn.RNN``
does inside. The maths are the same ops as the layers' (``ops/recurrent.py``), run for one step.
Weights: ``weight_ih`` (gates·hidden, input), ``weight_hh`` (gates·hidden, hidden), ``bias_ih``,
``bias_hh``, all from U(−1/√hidden, 1/√hidden), as in PyTorch.
"""
from __future__ import annotations

import math
from typing import Any, Optional

from minitorch.creation import empty, zeros
from minitorch.nn import init
from minitorch.nn.module import Module
from minitorch.nn.parameter import Parameter
from minitorch.ops.recurrent import CELLS, recurrence
from minitorch.tensor import Tensor


class RNNCellBase(Module):
    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = Parameter(empty((num_chunks * hidden_size, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(empty((num_chunks * hidden_size, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            text += f", nonlinearity={self.nonlinearity}"
        return text

    def step(self, mode: str, input: Tensor, states: list) -> tuple:
        """Check shapes as PyTorch does, run one step; (h', c') or (h',) with the input's batching."""
        name = type(self).__name__
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        for i, state in enumerate(states):
            if state is not None and state.ndim not in (1, 2):
                what = f"hx[{i}]" if len(states) == 2 else "hidden"
                raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {state.ndim}D instead")
        batched = input.ndim == 2
        if not batched:
            input = input.unsqueeze(0)
        batch = input.shape[0]
        if input.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} expected {self.input_size}")
        ready = []
        for i, state in enumerate(states):
            if state is None:
                state = zeros((batch, self.hidden_size), dtype=input.dtype, device=input.device)
            elif not batched:
                state = state.unsqueeze(0)
            if state.shape[0] != batch:
                raise RuntimeError(f"Input batch size {batch} doesn't match hidden{i} batch size {state.shape[0]}")
            if state.shape[1] != self.hidden_size:
                raise RuntimeError(
                    f"hidden{i} has inconsistent hidden_size: got {state.shape[1]}, expected {self.hidden_size}"
                )
            ready.append(state)
        dtypes = {t.dtype for t in [input, *ready, self.weight_ih]}
        if len(dtypes) > 1:
            raise RuntimeError("mat1 and mat2 must have the same dtype, but got " + " and ".join(map(str, dtypes)))
        cell_state = ready[1] if len(ready) == 2 else None
        _, *finals = recurrence(mode, input, ready[0], cell_state, self.weight_ih, self.weight_hh, self.bias_ih,
                                self.bias_hh, (batch,), reverse=False)
        return tuple(finals if batched else [state.squeeze(0) for state in finals])


class RNNCell(RNNCellBase):
    """``h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)`` (or relu)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tensor:
        mode = "RNN_" + self.nonlinearity.upper()
        if mode not in CELLS:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return self.step(mode, input, [hx])[0]


class LSTMCell(RNNCellBase):
    """One LSTM step; ``hx`` is (h, c) and the result is (h', c')."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Optional[tuple] = None) -> tuple:
        return self.step("LSTM", input, list(hx) if hx is not None else [None, None])


class GRUCell(RNNCellBase):
    """One GRU step: ``h' = (1 − z) ⊙ n + z ⊙ h``."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tensor:
        return self.step("GRU", input, [hx])[0]
