"""Helpers for the nn parity tests: the same numbers in minitorch and in PyTorch.

A parity test builds its inputs once as NumPy arrays, wraps them as leaves in both libraries
(:func:`leaves`), runs the same computation, backpropagates the same random upstream gradient
(:func:`backward_both`) and compares outputs and every leaf's gradient.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch

import minitorch
from minitorch.testing import assert_close


def leaves(array: np.ndarray, requires_grad: bool = True) -> tuple:
    """(minitorch tensor, torch tensor) holding copies of ``array``; float ones require grad."""
    grad = requires_grad and array.dtype.kind == "f"
    ours = minitorch.tensor(array, requires_grad=grad)
    theirs = torch.tensor(np.array(array), requires_grad=grad)
    return ours, theirs


def backward_both(ours: minitorch.Tensor, theirs: torch.Tensor, rng: np.random.Generator) -> None:
    """Backpropagate one random upstream gradient (of the output's shape) through both graphs."""
    upstream = rng.standard_normal(tuple(theirs.shape)).astype(np.float64)
    ours.backward(minitorch.tensor(upstream.astype(ours.dtype)))
    theirs.backward(torch.tensor(upstream, dtype=theirs.dtype))


def assert_grads_close(pairs: Sequence[tuple], **tolerances: Any) -> None:
    """Every (minitorch leaf, torch leaf) pair has the same gradient."""
    for position, (ours, theirs) in enumerate(pairs):
        if theirs.grad is None:
            assert ours.grad is None, f"leaf {position}: minitorch has a gradient, torch has none"
        else:
            assert_close(ours.grad, theirs.grad, msg=f"gradient of leaf {position}", **tolerances)


def copy_weights(source: torch.nn.Module, target: minitorch.nn.Module) -> None:
    """Load ``source``'s parameters and buffers into ``target`` through NumPy."""
    target.load_state_dict({key: value.detach().numpy() for key, value in source.state_dict().items()})
