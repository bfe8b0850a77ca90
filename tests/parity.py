"""The parity harness: the same computation in minitorch and in PyTorch, the same numbers.

:func:`check_parity` is the one place where outputs and gradients are compared. It drives the op
table (``tests/ops/test_op_parity.py``) and the module tests (``tests/nn``):

1. NumPy arrays become leaves in both libraries (float ones require grad where asked); anything
   else (an option dict, a dim, ``None``) reaches both calls unchanged;
2. ``fn(lib, *inputs)`` runs with ``lib`` = ``minitorch`` and ``lib`` = ``torch``;
3. outputs must agree in shape, dtype, values and ``requires_grad``;
4. one random upstream gradient (not ``.sum()``, whose matrix of ones hides transposed or
   mis-broadcast gradients) flows back through both graphs, and every leaf's gradient must agree.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import numpy as np
import pytest

import minitorch
from minitorch.testing import as_leaf, assert_close, dtype_name

torch = pytest.importorskip("torch")


def flat(result: Any) -> list:
    """A result as a list of tensors (``max(dim)``, ``split`` and ``return_indices`` give several)."""
    return list(result) if isinstance(result, (tuple, list)) else [result]


def leaves_both(inputs: Sequence[Any], grads: Sequence[bool], device: str = "cpu") -> tuple:
    """(minitorch inputs, torch inputs): arrays become leaves, other values pass through as they are."""
    def ours(value: Any, grad: bool) -> Any:
        return as_leaf(value, device, grad) if isinstance(value, np.ndarray) else value

    def theirs(value: Any, grad: bool) -> Any:
        return torch.tensor(value.copy(), requires_grad=grad) if isinstance(value, np.ndarray) else value

    return [ours(v, g) for v, g in zip(inputs, grads)], [theirs(v, g) for v, g in zip(inputs, grads)]


def check_parity(fn: Callable[..., Any], inputs: Sequence[Any], grads: Sequence[bool], rng: np.random.Generator,
                 device: str = "cpu", rtol: Optional[float] = None, atol: Optional[float] = None) -> tuple:
    """Run ``fn(lib, *inputs)`` in both libraries, compare outputs, backpropagate and compare gradients.

    Returns (minitorch inputs, torch inputs), gradients filled in, for further checks.
    """
    ours, theirs = leaves_both(inputs, grads, device)
    our_outputs, their_outputs = flat(fn(minitorch, *ours)), flat(fn(torch, *theirs))
    assert len(our_outputs) == len(their_outputs), "number of outputs"
    for i, (mine, reference) in enumerate(zip(our_outputs, their_outputs)):
        assert_close(mine, reference, rtol=rtol, atol=atol, msg=f"output {i}")
        assert mine.device == minitorch.device(device), f"output {i}: on {mine.device}, not {device}"
        assert mine.requires_grad == reference.requires_grad, f"output {i}: requires_grad"

    differentiable = [i for i, out in enumerate(their_outputs) if out.requires_grad]
    if differentiable:
        upstream = [rng.standard_normal(tuple(their_outputs[i].shape)).astype(dtype_name(their_outputs[i]))
                    for i in differentiable]
        torch.autograd.backward([their_outputs[i] for i in differentiable], [torch.tensor(g) for g in upstream])
        minitorch.autograd.backward([our_outputs[i] for i in differentiable],
                                    [minitorch.tensor(g, device=device) for g in upstream])
    assert_grads_close(zip(ours, theirs), rtol=rtol, atol=atol)
    return ours, theirs


def assert_grads_close(pairs: Any, rtol: Optional[float] = None, atol: Optional[float] = None) -> None:
    """Every (minitorch tensor, torch tensor) pair that PyTorch tracks has the same gradient."""
    for position, (mine, reference) in enumerate(pairs):
        if not isinstance(reference, torch.Tensor) or not reference.requires_grad:
            continue
        assert (mine.grad is None) == (reference.grad is None), f"input {position}: gradient presence"
        if reference.grad is not None:
            assert_close(mine.grad, reference.grad, rtol=rtol, atol=atol, msg=f"gradient of input {position}")
            assert mine.grad.device == mine.device, f"gradient of input {position}: on {mine.grad.device}"


def copy_weights(source: Any, target: minitorch.nn.Module) -> None:
    """Load the torch module ``source``'s parameters and buffers into ``target`` through NumPy."""
    target.load_state_dict({key: value.detach().numpy() for key, value in source.state_dict().items()})


def leaves(array: np.ndarray, requires_grad: bool = True) -> tuple:
    """(minitorch tensor, torch tensor) holding copies of ``array``; float ones require grad."""
    grad = requires_grad and array.dtype.kind == "f"
    return minitorch.tensor(array, requires_grad=grad), torch.tensor(np.array(array), requires_grad=grad)


def backward_both(ours: Any, theirs: Any, rng: np.random.Generator) -> None:
    """Backpropagate one random upstream gradient (of the output's shape) through both graphs."""
    upstream = rng.standard_normal(tuple(theirs.shape)).astype(np.float64)
    ours.backward(minitorch.tensor(upstream.astype(ours.dtype)))
    theirs.backward(torch.tensor(upstream, dtype=theirs.dtype))


def check_double_backward(fn: Callable[..., Any], inputs: Sequence[Any], grads: Sequence[bool],
                          rng: np.random.Generator, device: str = "cpu", rtol: Optional[float] = None,
                          atol: Optional[float] = None) -> None:
    """Second-order parity: the gradient of ``Σ w·g`` with respect to the inputs *and* the upstream
    gradients ``v``, where ``g = vᵀ·∂fn/∂inputs`` comes from ``grad(..., create_graph=True)`` and
    ``v``, ``w`` are random. That is every Hessian-vector product the op's double backward owes."""
    ours, theirs = leaves_both(inputs, grads, device)
    our_outputs, their_outputs = flat(fn(minitorch, *ours)), flat(fn(torch, *theirs))
    differentiable = [i for i, out in enumerate(their_outputs) if out.requires_grad]
    wanted = [i for i, t in enumerate(theirs) if isinstance(t, torch.Tensor) and t.requires_grad]
    if not differentiable or not wanted:
        return
    upstream = [rng.standard_normal(tuple(their_outputs[i].shape)) for i in differentiable]
    their_v = [torch.tensor(u, dtype=their_outputs[i].dtype, requires_grad=True)
               for u, i in zip(upstream, differentiable)]
    our_v = [minitorch.tensor(u, dtype=our_outputs[i].dtype, device=device, requires_grad=True)
             for u, i in zip(upstream, differentiable)]
    their_g = torch.autograd.grad([their_outputs[i] for i in differentiable], [theirs[i] for i in wanted],
                                  their_v, create_graph=True, allow_unused=True)
    our_g = minitorch.autograd.grad([our_outputs[i] for i in differentiable], [ours[i] for i in wanted],
                                    our_v, create_graph=True, allow_unused=True)
    for k, (mine, reference) in enumerate(zip(our_g, their_g)):
        if reference is not None:
            assert mine is not None, f"first gradient of input {wanted[k]}: missing"
            assert_close(mine, reference, rtol=rtol, atol=atol, msg=f"first gradient of input {wanted[k]}")
    second = [(k, rng.standard_normal(tuple(g.shape))) for k, g in enumerate(their_g)
              if g is not None and g.requires_grad]
    if not second:
        return
    their_total = sum((their_g[k] * torch.tensor(w, dtype=their_g[k].dtype)).sum() for k, w in second)
    our_total = sum((our_g[k] * minitorch.tensor(w, dtype=our_g[k].dtype, device=device)).sum()
                    for k, w in second if our_g[k] is not None and our_g[k].requires_grad)
    targets_theirs = [theirs[i] for i in wanted] + their_v
    targets_ours = [ours[i] for i in wanted] + our_v
    their_h = torch.autograd.grad(their_total, targets_theirs, allow_unused=True)
    if not isinstance(our_total, minitorch.Tensor):  # no first gradient has a history in minitorch
        our_h = [None] * len(targets_ours)
    else:
        our_h = minitorch.autograd.grad(our_total, targets_ours, allow_unused=True)
    if any(t.dtype == torch.float32 for t in targets_theirs):  # rounded twice over: ten times the tolerance
        rtol, atol = 10 * (rtol or 1e-4), 10 * (atol or 1e-5)
    names = [f"input {i}" for i in wanted] + [f"upstream gradient {j}" for j in range(len(our_v))]
    for name, mine, reference, target in zip(names, our_h, their_h, targets_theirs):
        reference = torch.zeros_like(target) if reference is None else reference
        mine = minitorch.zeros(tuple(target.shape), dtype=getattr(minitorch, dtype_name(target))) \
            if mine is None else mine
        assert_close(mine.cpu() if hasattr(mine, "cpu") else mine, reference, rtol=rtol, atol=atol,
                     msg=f"second derivative with respect to {name}")
