"""``scatter_reduce``: combine the values sent to each position with sum, prod, mean, amax or amin.

Every output position ("slot") collects its *members*: the ``src`` values scattered to it and,
with ``include_self=True``, the input's own value there. The members are sorted by slot, so
each slot's members sit side by side, and one ``ufunc.reduceat`` reduces every slot at once.
Slots that receive nothing keep the input's value. Backward, by reduction:

* sum: each member gets the slot's gradient; mean: that divided by the number of members;
* amax/amin: the members equal to the result share the gradient evenly (as in PyTorch, an
  input value equal to the result counts in the share even with ``include_self=False``);
* prod: "the product of the other members" — computed from the product of the non-zero members
  and the number of zeros, so a lone zero gets its gradient and two zeros give 0 (as ``prod``).
"""
from __future__ import annotations

import numpy as np

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.gather import flat_positions
from minitorch.ops.inplace import apply_inplace
from minitorch.ops.scatter import _crop, _scatter_args
from minitorch.sizes import numpy_names
from minitorch.tensor import Tensor

REDUCERS = {"sum": np.add, "prod": np.multiply, "mean": np.add, "amax": np.maximum, "amin": np.minimum}


class ScatterReduce(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axis, index, src, reduce, include_self):
        xp = array_module(x)
        values = _crop(src, index.shape).reshape(-1)
        slots = flat_positions(x.shape, axis, index).reshape(-1)
        if include_self:
            slots = xp.concatenate([xp.arange(x.size), slots])
            values = xp.concatenate([x.reshape(-1), values])
        order = xp.lexsort((values, slots))  # by slot, then by value
        slots, values = slots[order], values[order]
        starts = xp.nonzero(xp.concatenate([xp.ones(min(slots.size, 1), bool), slots[1:] != slots[:-1]]))[0]
        filled = slots[starts]
        counts = xp.diff(xp.append(starts, slots.size))
        out = x.reshape(-1).copy()
        if slots.size:
            reduced = getattr(xp, REDUCERS[reduce].__name__).reduceat(values, starts)
            if reduce == "mean":
                reduced = reduced / counts if x.dtype.kind == "f" else reduced // counts
            out[filled] = reduced
        ctx.shape, ctx.order, ctx.include_self, ctx.reduce = x.shape, order, include_self, reduce
        ctx.src_shape, ctx.index_shape = src.shape, index.shape
        ctx.members, ctx.result, ctx.input = (slots, values, filled, counts), out, x.reshape(-1)
        return out.reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        """Each member's share of its slot's gradient (see the module docstring)."""
        xp = array_module(grad)
        slots, values, filled, counts = ctx.members
        flat_grad = grad.reshape(-1)
        slot_grad = flat_grad[slots]
        result = ctx.result[slots]
        with np.errstate(divide="ignore", invalid="ignore"):
            if ctx.reduce == "sum":
                share = slot_grad
            elif ctx.reduce == "mean":
                per_slot = xp.zeros(flat_grad.size, dtype=grad.dtype)
                per_slot[filled] = counts
                share = slot_grad / per_slot[slots]
            elif ctx.reduce in ("amax", "amin"):
                hit = values == result
                ties = xp.bincount(slots, weights=hit, minlength=flat_grad.size)
                if not ctx.include_self:  # as PyTorch: an input value equal to the result still takes a share
                    ties = ties + (ctx.input == ctx.result)
                share = slot_grad * hit / ties[slots]
            else:
                share = slot_grad * ScatterReduce._others(xp, slots, values, flat_grad.size)
        members = xp.empty_like(share)
        members[ctx.order] = share  # back to the order members were listed in: self first, then src
        grad_x = flat_grad.copy()
        grad_x[filled] = 0  # a filled slot's input value is a member only with include_self
        offset = flat_grad.size if ctx.include_self else 0
        if ctx.include_self:
            grad_x = grad_x + members[:offset]
        need_x, _, _, need_src, _, _ = ctx.needs_input_grad
        grad_src = None
        if need_src:
            grad_src = xp.zeros(ctx.src_shape, dtype=grad.dtype)
            _crop(grad_src, ctx.index_shape)[...] = members[offset:].reshape(ctx.index_shape)
        return (grad_x.reshape(ctx.shape) if need_x else None), None, None, grad_src, None, None

    @staticmethod
    def _others(xp, slots, values, size):
        """The product of the other members of each member's slot, exact at zeros."""
        is_zero = values == 0
        zeros = xp.bincount(slots, weights=is_zero, minlength=size)[slots]
        nonzero = xp.ones(size, dtype=values.dtype)
        starts = xp.nonzero(xp.concatenate([xp.ones(min(slots.size, 1), bool), slots[1:] != slots[:-1]]))[0]
        nonzero[slots[starts]] = xp.multiply.reduceat(xp.where(is_zero, 1, values), starts)
        product = nonzero[slots]
        return xp.where(zeros == 0, product / xp.where(is_zero, 1, values), xp.where((zeros == 1) & is_zero, product, 0))


@numpy_names
def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """``input`` with ``src``'s values combined into the positions ``index`` names along ``dim``
    by ``reduce`` (``'sum'``, ``'prod'``, ``'mean'``, ``'amax'``, ``'amin'``)."""
    if reduce not in REDUCERS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_reduce(): argument 'src' must be Tensor, not {type(src).__name__}")
    axis, data, src = _scatter_args("scatter_reduce", input, dim, index, src)
    return ScatterReduce.apply(input, axis, data, src, reduce, include_self)


@numpy_names
def scatter_reduce_(self: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                    include_self: bool = True) -> Tensor:
    if reduce not in REDUCERS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    axis, data, src = _scatter_args("scatter_reduce_", self, dim, index, src)
    return apply_inplace(self, ScatterReduce, axis, data, src, reduce, include_self)
