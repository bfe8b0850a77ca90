"""``einsum``: products and sums of tensors named by index letters (``'ij,jk->ik'`` is a matmul).

Backward is einsum again: the gradient of operand i is the output gradient contracted with all
the other operands, written back onto operand i's letters: d/dA_i = einsum(out, others... -> s_i).
Letters only operand i has (summed away) are broadcast back; size-1 (broadcast) dims summed.
"""
from __future__ import annotations

import string
from typing import Any

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.operands import promote_operands
from minitorch.tensor import Tensor


class Einsum(ArrayFunction):
    @staticmethod
    def forward(ctx, spec, *operands):
        ctx.spec = spec
        ctx.save_for_backward(*operands)
        return array_module(operands[0]).einsum(spec, *operands)

    @staticmethod
    def backward(ctx, grad):
        """d/dA_i = einsum(grad, A_j (j ≠ i) -> letters of A_i), then broadcast back to A_i's shape."""
        operands = ctx.saved_tensors
        inputs, output = ctx.spec.split("->")
        letters = inputs.split(",")
        sizes = _letter_sizes(letters, operands)
        grads: list = [None]
        for i, (mine, operand) in enumerate(zip(letters, operands)):
            if not ctx.needs_input_grad[i + 1]:
                grads.append(None)
                continue
            others = [s for j, s in enumerate(letters) if j != i]
            part = _gradient_of(mine, output, others, grad, [o for j, o in enumerate(operands) if j != i], sizes)
            axes = tuple(k for k, n in enumerate(operand.shape) if n == 1 and part.shape[k] != 1)
            grads.append(part.sum(axis=axes, keepdims=True) if axes else part)
        return tuple(grads)


def _gradient_of(mine: str, output: str, others: list, grad: Any, other_operands: list, sizes: dict) -> Any:
    """The gradient on one operand's letters ``mine``: contract, broadcast letters summed only here,
    and put a repeated letter's gradient on the diagonal (``'ii'``: a Kronecker delta per repeat)."""
    xp = array_module(grad)
    reachable = set(output).union(*others)
    unique = "".join(dict.fromkeys(mine))
    kept = "".join(c for c in unique if c in reachable)
    part = xp.einsum(",".join([output, *others]) + "->" + kept, grad, *other_operands)
    part = xp.broadcast_to(part.reshape([sizes[c] if c in reachable else 1 for c in unique]),
                           [sizes[c] for c in unique])
    if len(unique) == len(mine):
        return part
    spare = iter(c for c in string.ascii_letters if c not in mine + output + "".join(others))
    full, deltas, seen = "", [], set()
    for c in mine:
        if c in seen:
            repeat = next(spare)
            full += repeat
            deltas.append((c + repeat, xp.eye(sizes[c], dtype=grad.dtype)))
        else:
            full += c
            seen.add(c)
    terms = ",".join([unique] + [term for term, _ in deltas])
    return xp.einsum(terms + "->" + full, part, *(eye for _, eye in deltas))


def _letter_sizes(letters: list, operands: tuple) -> dict:
    """Each letter's size across all operands (the broadcast size)."""
    sizes: dict = {}
    for subscripts, operand in zip(letters, operands):
        for c, n in zip(subscripts, operand.shape):
            sizes[c] = max(sizes.get(c, 1), n)
    return sizes


def einsum(equation: str, *operands: Any) -> Tensor:
    """``einsum('ij,jk->ik', a, b)``; also implicit outputs (``'ij,jk'``), ``...`` for leading dims,
    and the operands given as one list."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands or not all(isinstance(o, Tensor) for o in operands):
        raise TypeError("einsum(): expected an equation and one or more tensors")
    named = equation.split("->")[0].count(",") + 1
    if named != len(operands):
        raise RuntimeError(f"einsum(): {named} operands in the equation {equation!r}, but {len(operands)} given")
    spec = _explicit(equation, operands)
    inputs = spec.split("->")[0].split(",")
    for subscripts, operand in zip(inputs, operands):
        if len(subscripts) != operand.ndim:
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({len(subscripts)}) does not match the "
                f"number of dimensions ({operand.ndim}) for operand {inputs.index(subscripts)} of shape {list(operand.shape)}"
            )
    common = operands[0]
    for other in operands[1:]:
        common = promote_operands(common, other)[0]
    operands = tuple(o if o._data.dtype == common._data.dtype else o.to(common.dtype) for o in operands)
    try:
        return Einsum.apply(spec, *operands)
    except ValueError as error:
        shapes = ", ".join(str(list(o.shape)) for o in operands)
        raise RuntimeError(f"einsum(): operands of shapes {shapes} do not fit {equation!r}: {error}") from None


def _explicit(equation: str, operands: tuple) -> str:
    """The equation with ``...`` spelled out as letters and the output written explicitly."""
    equation = equation.replace(" ", "")
    inputs, arrow, output = equation.partition("->")
    used = set(equation) - set(".,->")
    spare = [c for c in string.ascii_letters if c not in used]
    parts = inputs.split(",")
    width = max((o.ndim - (len(p) - 3) for p, o in zip(parts, operands) if "..." in p), default=0)
    ellipsis = "".join(spare[:width])
    spelled = []
    for p, o in zip(parts, operands):
        if "..." in p:
            n = o.ndim - (len(p) - 3)
            p = p.replace("...", ellipsis[width - n:] if n else "")
        spelled.append(p)
    if not arrow:
        counts = "".join(s for s in spelled)
        output = ellipsis + "".join(sorted(c for c in set(counts) - set(ellipsis) if counts.count(c) == 1))
    else:
        output = output.replace("...", ellipsis)
    return ",".join(spelled) + "->" + output
