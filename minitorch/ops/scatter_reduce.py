"""``scatter_reduce``: combine the values sent to each position with sum, prod, mean, amax or amin.

Every output position ("slot") collects its *members*: the ``src`` values scattered to it and,
with ``include_self=True``, the input's own value there. The members are sorted by slot, so
each slot's members sit side by side, and one ``ufunc.reduceat`` reduces every slot at once.
Slots that receive nothing keep the input's value. Backward, by reduction (a slot's gradient is
sent to its members with gather; an input value that is not a member keeps its gradient):

* sum: each member gets the slot's gradient; mean: that divided by the number of members;
* amax/amin: the members equal to the result share the gradient evenly (as in PyTorch, an
  input value equal to the result counts in the share even with ``include_self=False``);
* prod: "the product of the other members", ``result / member``; where a member is 0 that
  product is the slot's reduction with the member replaced by 1 (for ``src``, only where it is
  the slot's lone zero: with two zeros every other-product is 0). Written with differentiable ops
  on the output, this is also right to second order, except where two ``src`` zeros share a slot:
  there, as in PyTorch, differentiating the gradient again raises.
"""
from __future__ import annotations

import numpy as np

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.gather import Gather, add_along, flat_positions, gather_array
from minitorch.ops.index import GetItemBackward
from minitorch.ops.inplace import apply_inplace
from minitorch.ops.scatter import Scatter, _crop, _scatter_args
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
        result = out.reshape(x.shape)
        ctx.axis, ctx.index, ctx.reduce, ctx.include_self = axis, index, reduce, include_self
        ctx.src_shape, ctx.filled, ctx.counts = src.shape, filled, counts
        ctx.arrays = (x, _crop(src, index.shape), result)  # constants: which members are zeros or maxima
        ctx.save_for_backward(x, src, result)  # prod's shares are differentiable functions of these
        return result

    @staticmethod
    def backward(ctx, grad):
        """Each member's share of its slot's gradient (see the module docstring)."""
        x, src, result = ctx.saved_tensors
        crop = tuple(slice(0, n) for n in ctx.index.shape)
        src = src[crop] if tuple(ctx.src_shape) != tuple(ctx.index.shape) else src
        with np.errstate(divide="ignore", invalid="ignore"):
            grad_x, grad_src = getattr(ScatterReduce, "_" + ctx.reduce)(ctx, grad, x, src, result)
        if not ctx.include_self:  # the input's value is no member where something was scattered
            grad_x = Scatter.call(grad, ctx.axis, ctx.index, 0, False)
        if tuple(ctx.src_shape) != tuple(ctx.index.shape):  # zeros where src was not read
            grad_src = GetItemBackward.call(grad_src, ctx.src_shape, crop)
        return grad_x, None, None, grad_src, None, None

    @staticmethod
    def _sum(ctx, grad, x, src, result):
        return grad, Gather.call(grad, ctx.axis, ctx.index)

    @staticmethod
    def _mean(ctx, grad, x, src, result):
        """Each member's share is the slot's gradient over the slot's member count."""
        x_array = ctx.arrays[0]
        count = array_module(x_array).ones(x_array.size, dtype=x_array.dtype)
        count[ctx.filled] = ctx.counts
        count = count.reshape(x_array.shape)
        return grad / count, Gather.call(grad, ctx.axis, ctx.index) / gather_array(count, ctx.axis, ctx.index)

    @staticmethod
    def _amax(ctx, grad, x, src, result):
        """The members equal to the result share the slot's gradient evenly."""
        x_array, src_array, result_array = ctx.arrays
        self_hit = x_array == result_array
        src_hit = src_array == gather_array(result_array, ctx.axis, ctx.index)
        ties = self_hit + add_along(x_array.shape, ctx.axis, ctx.index, src_hit.astype(x_array.dtype))
        self_share = (self_hit / ties).astype(x_array.dtype)
        src_share = (src_hit / gather_array(ties, ctx.axis, ctx.index)).astype(x_array.dtype)
        return grad * self_share, Gather.call(grad, ctx.axis, ctx.index) * src_share

    _amin = _amax

    @staticmethod
    def _prod(ctx, grad, x, src, result):
        """The product of the other members: ``result / member``, or the product with a zero member
        replaced by 1 (see the module docstring)."""
        xp = array_module(grad)
        x_array, src_array, _ = ctx.arrays
        axis, index = ctx.axis, ctx.index
        self_zero = x_array == 0
        if self_zero.any():
            unzeroed = xp.where(self_zero, 1, x)
            grad_x = grad * ScatterReduce.call(unzeroed, axis, index, src, "prod", ctx.include_self) / unzeroed
        else:
            grad_x = grad * result / x
        src_zero = src_array == 0
        zeros_in_slot = gather_array(add_along(x_array.shape, axis, index, src_zero.astype(x_array.dtype)), axis, index)
        grad_src = Gather.call(grad * result, axis, index) / xp.where(src_zero, 1, src)
        lone_zero = src_zero & (zeros_in_slot == 1)
        if lone_zero.any():
            others = ScatterReduce.call(x, axis, index, xp.where(lone_zero, 1, src), "prod", ctx.include_self)
            grad_src = xp.where(lone_zero, Gather.call(grad * others, axis, index), grad_src)
        if (zeros_in_slot > 1).any():
            grad_src = NoDoubleBackward.call(grad_src, "scatter_reduce(): Double backward is unsupported for src when "
                                             ">1 zeros in src are scattered to the same position")
        return grad_x, grad_src


class NoDoubleBackward(ArrayFunction):
    """The identity, whose own derivative raises (PyTorch's ``DelayedError``): marks a gradient that is
    right but cannot be differentiated again."""

    @staticmethod
    def forward(ctx, x, message):
        ctx.message = message
        return x

    @staticmethod
    def backward(ctx, grad):
        """Not differentiable: raises."""
        raise RuntimeError(ctx.message)


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
