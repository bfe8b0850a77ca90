"""Intermediates a backward reads again: kept from the forward, or recomputed under ``create_graph``.

A fused op's forward computes intermediates (GLU's gate σ(b), batch norm's 1/σ, cross-entropy's
probabilities) that its backward needs too. On a first-order backward it simply reuses forward's
arrays. With ``create_graph=True`` those arrays would be constants, so the second derivative would
miss how they change with the input; there the backward recomputes them from the saved inputs,
on Tensors, so that they carry the inputs' gradients. The cost falls on the second order only.
"""
from __future__ import annotations

from typing import Any, Callable

from minitorch.tensor import Tensor


def reuse_or_recompute(kept: Any, recompute: Callable[[], Any], saved: Any) -> Any:
    """``kept`` (forward's value) when ``saved`` is an array; ``recompute()`` when it is a Tensor
    wired into the graph (the backward runs under ``create_graph``)."""
    return recompute() if isinstance(saved, Tensor) else kept
