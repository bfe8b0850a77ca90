"""Tensor's methods that are ops: the one table that attaches them to the class.

``Tensor`` (``tensor.py``) defines only what a tensor *is*. Its maths methods are the ops of
``minitorch/ops`` (and ``backward`` is :func:`minitorch.autograd.backward`), attached here, after
all of them are defined: ``x.exp()`` *is* ``minitorch.ops.unary.exp(x)``; look there for the
forward and backward. Operators map as Python defines them (``a + b`` → ``__add__``,
``2 - a`` → ``__rsub__``, ``a += b`` → ``__iadd__``, an in-place op). This is DeZero's
``setup_variable()`` and Chainer's ``install_variable_arithmetics()``: it lets ``tensor.py`` sit
at the bottom of the package and import nothing above it.
"""
from __future__ import annotations

from typing import Any

from minitorch import creation, printing
from minitorch.autograd import api
from minitorch import legacy  # tensor surface B
from minitorch.ops import products, sampling  # tensor surface B
from minitorch.ops import namespace  # noqa: F401  array_module(tensor): backward formulas under create_graph
from minitorch.ops import (
    arithmetic, cast, comparison, index, inplace, linalg, operands, reduce, selection, shape, transfer, unary,
)
from minitorch.ops import (  # tensor surface A
    activation, combining, counting, cumulative, exponentials, extrema, gather, inplace_math, nonfinite, norms,
    rounding, scatter, scatter_reduce, sorting, special, stacking, statistics, tiling, triangular, trig, views,
)
from minitorch.tensor import Tensor


def _where(self: Tensor, condition: Tensor, other: Any) -> Tensor:
    return selection.where(condition, self, other)


def _rmod(self: Tensor, other: Any) -> Tensor:
    return rounding.remainder(operands.as_operand(other, self), self)


def _tril_(self: Tensor, diagonal: int = 0) -> Tensor:
    return inplace.copy_(self, triangular.tril(self, diagonal))


def _triu_(self: Tensor, diagonal: int = 0) -> Tensor:
    return inplace.copy_(self, triangular.triu(self, diagonal))


def _rmatmul(self: Tensor, other: Any) -> Tensor:
    return linalg.matmul(operands.as_operand(other, self), self)


METHODS = {
    # arithmetic
    "add": arithmetic.add, "sub": arithmetic.sub, "subtract": arithmetic.sub, "mul": arithmetic.mul,
    "multiply": arithmetic.mul, "div": arithmetic.div, "divide": arithmetic.div,
    "true_divide": arithmetic.div, "floor_divide": arithmetic.floor_divide, "pow": arithmetic.pow,
    "neg": arithmetic.neg, "negative": arithmetic.neg,
    "__add__": arithmetic.add, "__radd__": arithmetic.add, "__sub__": arithmetic.sub,
    "__rsub__": arithmetic.rsub, "__mul__": arithmetic.mul, "__rmul__": arithmetic.mul,
    "__truediv__": arithmetic.div, "__rtruediv__": arithmetic.rdiv,
    "__floordiv__": arithmetic.floor_divide, "__rfloordiv__": arithmetic.rfloordiv,
    "__pow__": arithmetic.pow, "__rpow__": arithmetic.rpow, "__neg__": arithmetic.neg,
    "__matmul__": linalg.matmul, "__rmatmul__": _rmatmul,
    # unary maths
    "exp": unary.exp, "log": unary.log, "sqrt": unary.sqrt, "tanh": unary.tanh, "sigmoid": unary.sigmoid,
    "relu": unary.relu, "abs": unary.abs, "__abs__": unary.abs, "clamp": combining.clamp, "clip": combining.clamp,
    "square": unary.square,
    # choosing elements
    "maximum": selection.maximum, "minimum": selection.minimum, "where": _where,
    "masked_fill": selection.masked_fill,
    # comparisons (bool tensors, no gradient) and masks: ~m, m & n, m | n, m ^ n
    "eq": comparison.eq, "ne": comparison.ne, "lt": comparison.lt, "le": comparison.le,
    "gt": comparison.gt, "ge": comparison.ge, "__eq__": comparison.eq, "__ne__": comparison.ne,
    "__lt__": comparison.lt, "__le__": comparison.le, "__gt__": comparison.gt, "__ge__": comparison.ge,
    "isnan": comparison.isnan, "isfinite": comparison.isfinite, "logical_not": comparison.logical_not,
    "equal": comparison.equal, "allclose": comparison.allclose,
    "bitwise_not": comparison.bitwise_not, "bitwise_and": comparison.bitwise_and,
    "bitwise_or": comparison.bitwise_or, "bitwise_xor": comparison.bitwise_xor,
    "__invert__": comparison.bitwise_not, "__and__": comparison.bitwise_and,
    "__rand__": comparison.bitwise_and, "__or__": comparison.bitwise_or, "__ror__": comparison.bitwise_or,
    "__xor__": comparison.bitwise_xor, "__rxor__": comparison.bitwise_xor,
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
    "T": property(shape.T, doc="All dimensions reversed."),
    "mT": property(shape.mT, doc="The last two dimensions swapped."),
    # indexing
    "__getitem__": index.getitem, "__setitem__": inplace.setitem,
    # in place
    "add_": inplace.add_, "sub_": inplace.sub_, "mul_": inplace.mul_, "div_": inplace.div_,
    "__iadd__": inplace.add_, "__isub__": inplace.sub_, "__imul__": inplace.mul_,
    "__itruediv__": inplace.div_, "relu_": inplace.relu_, "exp_": inplace.exp_, "neg_": inplace.neg_,
    "sigmoid_": inplace.sigmoid_, "tanh_": inplace.tanh_, "clamp_": combining.clamp_,
    "clip_": combining.clamp_, "zero_": inplace.zero_, "fill_": inplace.fill_, "copy_": inplace.copy_,
    "masked_fill_": inplace.masked_fill_, "uniform_": inplace.uniform_, "normal_": inplace.normal_,
    # ----- tensor surface A: elementwise maths, triangles and diagonals -----
    "sin": trig.sin, "cos": trig.cos, "tan": trig.tan, "asin": trig.asin, "acos": trig.acos,
    "atan": trig.atan, "arcsin": trig.asin, "arccos": trig.acos, "arctan": trig.atan, "sinh": trig.sinh,
    "cosh": trig.cosh, "asinh": trig.asinh, "acosh": trig.acosh, "atanh": trig.atanh, "arcsinh": trig.asinh,
    "arccosh": trig.acosh, "arctanh": trig.atanh, "atan2": trig.atan2, "arctan2": trig.atan2,
    "hypot": trig.hypot,
    "exp2": exponentials.exp2, "expm1": exponentials.expm1, "log2": exponentials.log2,
    "log10": exponentials.log10, "log1p": exponentials.log1p, "rsqrt": exponentials.rsqrt,
    "reciprocal": exponentials.reciprocal, "logit": exponentials.logit, "logaddexp": exponentials.logaddexp,
    "xlogy": exponentials.xlogy,
    "sign": rounding.sign, "sgn": rounding.sgn, "floor": rounding.floor, "ceil": rounding.ceil,
    "round": rounding.round, "trunc": rounding.trunc, "fix": rounding.trunc, "frac": rounding.frac,
    "fmod": rounding.fmod, "remainder": rounding.remainder, "__mod__": rounding.remainder,
    "__rmod__": _rmod,
    "erf": special.erf, "erfc": special.erfc, "erfinv": special.erfinv, "lgamma": special.lgamma,
    "digamma": special.digamma, "erf_": inplace_math.erf_, "erfc_": inplace_math.erfc_,
    "erfinv_": inplace_math.erfinv_, "lgamma_": inplace_math.lgamma_, "digamma_": inplace_math.digamma_,
    "softmax": activation.softmax, "log_softmax": activation.log_softmax,
    "tril": triangular.tril, "triu": triangular.triu, "diagonal": triangular.diagonal,
    "diag_embed": triangular.diag_embed, "diag": triangular.diag, "trace": triangular.trace,
    "sin_": inplace_math.sin_, "cos_": inplace_math.cos_, "tan_": inplace_math.tan_,
    "asin_": inplace_math.asin_, "acos_": inplace_math.acos_, "atan_": inplace_math.atan_,
    "arcsin_": inplace_math.asin_, "arccos_": inplace_math.acos_, "arctan_": inplace_math.atan_,
    "sinh_": inplace_math.sinh_, "cosh_": inplace_math.cosh_, "asinh_": inplace_math.asinh_,
    "acosh_": inplace_math.acosh_, "atanh_": inplace_math.atanh_, "atan2_": inplace_math.atan2_,
    "arctan2_": inplace_math.atan2_, "hypot_": inplace_math.hypot_, "exp2_": inplace_math.exp2_,
    "expm1_": inplace_math.expm1_, "log2_": inplace_math.log2_, "log10_": inplace_math.log10_,
    "log1p_": inplace_math.log1p_, "rsqrt_": inplace_math.rsqrt_, "reciprocal_": inplace_math.reciprocal_,
    "logit_": inplace_math.logit_, "xlogy_": inplace_math.xlogy_, "sign_": inplace_math.sign_,
    "sgn_": inplace_math.sign_, "floor_": inplace_math.floor_, "ceil_": inplace_math.ceil_,
    "round_": inplace_math.round_, "trunc_": inplace_math.trunc_, "fix_": inplace_math.trunc_,
    "frac_": inplace_math.frac_, "fmod_": inplace_math.fmod_, "remainder_": inplace_math.remainder_,
    "__imod__": inplace_math.remainder_,
    "tril_": _tril_, "triu_": _triu_,
    "gather": gather.gather, "take_along_dim": gather.take_along_dim, "take": gather.take,
    "index_select": gather.index_select, "masked_select": gather.masked_select, "nonzero": gather.nonzero,
    "argwhere": gather.argwhere,
    "scatter": scatter.scatter, "scatter_": scatter.scatter_, "scatter_add": scatter.scatter_add,
    "scatter_add_": scatter.scatter_add_, "index_add": scatter.index_add, "index_add_": scatter.index_add_,
    "index_copy": scatter.index_copy, "index_copy_": scatter.index_copy_, "index_fill": scatter.index_fill,
    "index_fill_": scatter.index_fill_, "masked_scatter": scatter.masked_scatter,
    "masked_scatter_": scatter.masked_scatter_, "scatter_reduce": scatter_reduce.scatter_reduce,
    "scatter_reduce_": scatter_reduce.scatter_reduce_,
    "sort": sorting.sort, "argsort": sorting.argsort, "msort": sorting.msort, "topk": sorting.topk,
    "amax": extrema.amax, "amin": extrema.amin, "aminmax": extrema.aminmax,
    "cumsum": cumulative.cumsum, "cumprod": cumulative.cumprod, "cummax": cumulative.cummax,
    "cummin": cumulative.cummin, "cumsum_": cumulative.cumsum_, "cumprod_": cumulative.cumprod_,
    "prod": statistics.prod, "logsumexp": statistics.logsumexp, "nansum": statistics.nansum,
    "nanmean": statistics.nanmean, "count_nonzero": statistics.count_nonzero, "norm": norms.norm, "dist": norms.dist,
    "repeat": tiling.repeat, "tile": tiling.tile, "repeat_interleave": tiling.repeat_interleave,
    "roll": tiling.roll, "flip": tiling.flip, "fliplr": tiling.fliplr, "flipud": tiling.flipud,
    "rot90": tiling.rot90, "tensor_split": stacking.tensor_split, "hsplit": stacking.hsplit,
    "vsplit": stacking.vsplit, "dsplit": stacking.dsplit, "narrow": views.narrow, "select": views.select,
    "movedim": views.movedim,
    "moveaxis": views.movedim, "swapdims": views.swapdims, "ravel": views.ravel,
    "unsqueeze_": views.unsqueeze_, "squeeze_": views.squeeze_, "t_": views.t_, "transpose_": views.transpose_,
    "swapaxes_": views.transpose_, "swapdims_": views.transpose_,
    "unique": counting.unique, "unique_consecutive": counting.unique_consecutive, "bincount": counting.bincount,
    "histc": counting.histc,
    "lerp": combining.lerp, "lerp_": combining.lerp_, "addcmul": combining.addcmul,
    "addcmul_": combining.addcmul_, "addcdiv": combining.addcdiv, "addcdiv_": combining.addcdiv_,
    "isinf": nonfinite.isinf, "isposinf": nonfinite.isposinf, "isneginf": nonfinite.isneginf,
    "isreal": nonfinite.isreal, "isclose": nonfinite.isclose, "nan_to_num": nonfinite.nan_to_num,
    "nan_to_num_": nonfinite.nan_to_num_,
    "kthvalue": sorting.kthvalue, "median": sorting.median, "nanmedian": sorting.nanmedian, "mode": sorting.mode,
    # dtypes, devices, copies
    "to": transfer.to, "cpu": transfer.cpu, "cuda": transfer.cuda, "float": transfer.float,
    "double": transfer.double, "half": transfer.half, "long": transfer.long, "int": transfer.int,
    "bool": transfer.bool, "short": transfer.short, "char": transfer.char, "byte": transfer.byte,
    "type_as": transfer.type_as, "clone": cast.clone,
    # new tensors like this one
    "new_zeros": creation.new_zeros, "new_ones": creation.new_ones, "new_full": creation.new_full,
    "new_empty": creation.new_empty, "new_tensor": creation.new_tensor,
    # ----- tensor surface B: legacy spellings, random fills, linear algebra -----
    "type": legacy.tensor_type, "new": legacy.new, "resize_": legacy.resize_, "resize_as_": legacy.resize_as_,
    "random_": sampling.random_, "exponential_": sampling.exponential_, "geometric_": sampling.geometric_,
    "log_normal_": sampling.log_normal_, "cauchy_": sampling.cauchy_, "bernoulli_": sampling.bernoulli_,
    "bernoulli": sampling.bernoulli, "multinomial": sampling.multinomial,
    "outer": products.outer, "ger": products.outer, "inner": products.inner, "mv": products.mv,
    "addmm": products.addmm, "addmv": products.addmv, "baddbmm": products.baddbmm, "kron": products.kron,
    "matrix_power": products.matrix_power, "cross": products.cross,
    # autograd and printing
    "backward": api.backward, "__repr__": printing.tensor_repr,
    # gpu: DLPack export
    "__dlpack__": transfer.to_dlpack, "__dlpack_device__": transfer.dlpack_device,
}

for _name, _method in METHODS.items():
    setattr(Tensor, _name, _method)
