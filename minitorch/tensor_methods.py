"""Tensor's maths methods: each is the op of the same name in ``minitorch/ops``.

``x.exp()`` *is* ``minitorch.ops.elementwise.exp(x)``: look there for the forward and backward.
Operators map as Python defines them (``a + b`` → ``__add__``, ``2 - a`` → ``__rsub__``,
``a += b`` → ``__iadd__``, an in-place op).
"""
from __future__ import annotations

from minitorch.ops import elementwise as ew
from minitorch.ops import index, inplace, linalg, reduce, shape
from minitorch.tensor import Tensor

_METHODS = {
    # arithmetic
    "add": ew.add, "sub": ew.sub, "subtract": ew.sub, "mul": ew.mul, "multiply": ew.mul,
    "div": ew.div, "divide": ew.div, "true_divide": ew.div, "pow": ew.pow, "neg": ew.neg,
    "negative": ew.neg, "square": ew.square, "maximum": ew.maximum, "minimum": ew.minimum,
    "__add__": ew.add, "__radd__": ew.add, "__sub__": ew.sub, "__rsub__": ew.rsub,
    "__mul__": ew.mul, "__rmul__": ew.mul, "__truediv__": ew.div, "__rtruediv__": ew.rdiv,
    "__pow__": ew.pow, "__rpow__": ew.rpow, "__neg__": ew.neg, "__abs__": ew.abs,
    "__matmul__": linalg.matmul,
    # unary maths
    "exp": ew.exp, "log": ew.log, "sqrt": ew.sqrt, "tanh": ew.tanh, "sigmoid": ew.sigmoid,
    "relu": ew.relu, "abs": ew.abs, "clamp": ew.clamp, "clip": ew.clamp,
    # selection, dtype, copies
    "where": lambda self, condition, other: ew.where(condition, self, other),
    "masked_fill": ew.masked_fill, "clone": ew.clone, "isnan": ew.isnan, "isfinite": ew.isfinite,
    "logical_not": ew.logical_not, "equal": ew.equal, "allclose": ew.allclose,
    # masks: ~m, m & n, m | n, m ^ n (bool or integer tensors)
    "bitwise_not": ew.bitwise_not, "bitwise_and": ew.bitwise_and, "bitwise_or": ew.bitwise_or,
    "bitwise_xor": ew.bitwise_xor, "__invert__": ew.bitwise_not, "__and__": ew.bitwise_and,
    "__rand__": ew.bitwise_and, "__or__": ew.bitwise_or, "__ror__": ew.bitwise_or,
    "__xor__": ew.bitwise_xor, "__rxor__": ew.bitwise_xor,
    # comparisons (bool tensors, no gradient)
    "eq": ew.eq, "ne": ew.ne, "lt": ew.lt, "le": ew.le, "gt": ew.gt, "ge": ew.ge,
    "__eq__": ew.eq, "__ne__": ew.ne, "__lt__": ew.lt, "__le__": ew.le, "__gt__": ew.gt, "__ge__": ew.ge,
    # reductions
    "sum": reduce.sum, "mean": reduce.mean, "var": reduce.var, "std": reduce.std,
    "max": reduce.max, "min": reduce.min, "argmax": reduce.argmax, "argmin": reduce.argmin,
    "all": reduce.all, "any": reduce.any,
    # linear algebra
    "matmul": linalg.matmul, "mm": linalg.mm, "bmm": linalg.bmm, "dot": linalg.dot,
    # shapes
    "reshape": shape.reshape, "view": shape.view, "view_as": shape.view_as, "reshape_as": shape.reshape_as,
    "flatten": shape.flatten, "unflatten": shape.unflatten, "squeeze": shape.squeeze,
    "unsqueeze": shape.unsqueeze, "permute": shape.permute, "transpose": shape.transpose,
    "swapaxes": shape.transpose, "t": shape.t, "expand": shape.expand, "expand_as": shape.expand_as,
    "broadcast_to": shape.broadcast_to, "contiguous": shape.contiguous,
    "is_contiguous": shape.is_contiguous, "split": shape.split, "chunk": shape.chunk,
    "unbind": shape.unbind,
    # indexing
    "__getitem__": index.getitem, "__setitem__": index.setitem,
    # in place
    "add_": inplace.add_, "sub_": inplace.sub_, "mul_": inplace.mul_, "div_": inplace.div_,
    "__iadd__": inplace.add_, "__isub__": inplace.sub_, "__imul__": inplace.mul_,
    "__itruediv__": inplace.div_, "relu_": inplace.relu_, "exp_": inplace.exp_, "neg_": inplace.neg_,
    "sigmoid_": inplace.sigmoid_, "tanh_": inplace.tanh_, "clamp_": inplace.clamp_,
    "clip_": inplace.clamp_, "zero_": inplace.zero_, "fill_": inplace.fill_, "copy_": inplace.copy_,
    "masked_fill_": inplace.masked_fill_, "uniform_": inplace.uniform_, "normal_": inplace.normal_,
}

for _name, _function in _METHODS.items():
    setattr(Tensor, _name, _function)

Tensor.T = property(shape.T, doc="All dimensions reversed.")
Tensor.mT = property(shape.mT, doc="The last two dimensions swapped.")
Tensor.__rmatmul__ = lambda self, other: linalg.matmul(ew.as_operand(other, self), self)
