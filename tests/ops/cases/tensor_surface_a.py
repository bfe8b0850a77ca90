"""Op-table cases of the tensor surface, part A (elementwise maths, reductions, scans, sorting,
indexing, shapes): see ``op_cases.py`` for what an :class:`OpCase` is and how it is run."""
from __future__ import annotations

import numpy as np

from minitorch.testing import integer_arrays, shapes
from tests.ops.cases.base import (
    ANY, AT_LEAST_1D, AT_LEAST_2D, MATRIX, NONZERO, OFF_GRID, POSITIVE, SMALL, THREE_D, WITH_EMPTY, OpCase, args,
    broadcast, floats, masks, ties, unary,
)

UNIT = dict(min_value=-0.9, max_value=0.9)  # inside the domain of asin, acos, atanh
ABOVE_ONE = dict(min_value=1.1, max_value=3.0)  # acosh
PROBABILITY = dict(min_value=0.05, max_value=0.95)  # logit
OFF_INTEGERS = dict(avoid=(-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0), margin=0.05)  # floor, frac: away from jumps
SQUARE = shapes(min_dims=2, max_dims=2, min_side=1, max_side=4).map(lambda s: (s[0], s[0]))
BATCH_OF_MATRICES = shapes(min_dims=2, max_dims=4, max_side=4)

CASES = [
    # ----- trigonometric and hyperbolic -----
    OpCase("sin", lambda lib, x: lib.sin(x), unary()),
    OpCase("sin_method", lambda lib, x: x.sin(), unary(WITH_EMPTY)),
    OpCase("cos", lambda lib, x: x.cos(), unary()),
    OpCase("tan", lambda lib, x: lib.tan(x), unary(min_value=-1.2, max_value=1.2)),
    OpCase("asin", lambda lib, x: x.asin(), unary(**UNIT)),
    OpCase("acos", lambda lib, x: lib.acos(x), unary(**UNIT)),
    OpCase("atan", lambda lib, x: x.atan(), unary()),
    OpCase("arctan_alias", lambda lib, x: lib.arctan(x), unary()),
    OpCase("sinh", lambda lib, x: x.sinh(), unary()),
    OpCase("cosh", lambda lib, x: lib.cosh(x), unary()),
    OpCase("asinh", lambda lib, x: x.asinh(), unary()),
    OpCase("acosh", lambda lib, x: lib.acosh(x), unary(**ABOVE_ONE)),
    OpCase("atanh", lambda lib, x: x.atanh(), unary(**UNIT)),
    OpCase("atan2", lambda lib, y, x: lib.atan2(y, x), broadcast(NONZERO, NONZERO)),  # the branch cut: y = 0, x < 0
    OpCase("atan2_method", lambda lib, y, x: y.atan2(x), broadcast(NONZERO, ANY)),
    OpCase("hypot", lambda lib, a, b: lib.hypot(a, b), broadcast(NONZERO, NONZERO)),
    OpCase("sin_float32", lambda lib, x: x.float().sin(), unary(), rtol=1e-6, atol=1e-6, gradcheck=False),
    # ----- exponentials and logarithms -----
    OpCase("exp2", lambda lib, x: lib.exp2(x), unary()),
    OpCase("expm1", lambda lib, x: x.expm1(), unary()),
    OpCase("log2", lambda lib, x: lib.log2(x), unary(min_value=0.1)),
    OpCase("log10", lambda lib, x: x.log10(), unary(min_value=0.1)),
    OpCase("log1p", lambda lib, x: lib.log1p(x), unary(min_value=-0.9)),
    OpCase("rsqrt", lambda lib, x: x.rsqrt(), unary(min_value=0.2)),
    OpCase("reciprocal", lambda lib, x: lib.reciprocal(x), unary(**NONZERO)),
    OpCase("logit", lambda lib, x: lib.logit(x), unary(**PROBABILITY)),
    OpCase("logit_eps", lambda lib, x: x.logit(eps=0.2), unary(min_value=0.0, max_value=1.0, avoid=(0.0, 0.2, 0.8, 1.0))),
    # Exactly 0 and 1: the gradient is 0 (x was clamped), but as in PyTorch its derivative is NaN (0·1/0): no gradcheck.
    OpCase("logit_eps_at_0_and_1", lambda lib, x: (x * 0 + lib.tensor([0.0, 1.0], dtype=lib.float64, device=x.device)).logit(eps=0.2),
           unary((2,)), gradcheck=False),
    OpCase("logaddexp", lambda lib, a, b: lib.logaddexp(a, b), broadcast(ANY, ANY)),
    # Far apart: as in PyTorch, the second derivative is NaN where e^(b-a) overflows (its backward is
    # 1/(1 + e^(b-a))), which finite differences do not see: no gradcheck. Both near 800: naive eᵃ overflows.
    OpCase("logaddexp_large", lambda lib, a, b: a.logaddexp(b * 400), broadcast(ANY, ANY), gradcheck=False),
    OpCase("logaddexp_large_close", lambda lib, a, b: (a + 800).logaddexp(b * 20 + 800), broadcast(ANY, ANY)),
    OpCase("xlogy", lambda lib, a, b: lib.xlogy(a, b), broadcast(ANY, POSITIVE)),
    OpCase("xlogy_zero_x", lambda lib, a, b: lib.xlogy(a * 0, b), broadcast(ANY, ANY), gradcheck=False),
    OpCase("xlogy_scalar", lambda lib, b: lib.xlogy(2.0, b), unary(**POSITIVE)),
    # ----- rounding and remainders (gradient 0 for steps) -----
    OpCase("sign", lambda lib, x: lib.sign(x), unary(), gradcheck=False),
    OpCase("sgn", lambda lib, x: x.sgn() * x, unary(**NONZERO)),
    OpCase("floor", lambda lib, x: lib.floor(x), unary(**OFF_INTEGERS)),
    OpCase("ceil", lambda lib, x: x.ceil(), unary(**OFF_INTEGERS)),
    OpCase("trunc", lambda lib, x: lib.trunc(x), unary(**OFF_INTEGERS)),
    OpCase("frac", lambda lib, x: x.frac(), unary(**OFF_INTEGERS)),
    OpCase("round", lambda lib, x: lib.round(x * 2.5), unary(), gradcheck=False),
    OpCase("round_halves_to_even", lambda lib, x: lib.round(lib.floor(x * 4) + 0.5), unary(), gradcheck=False),
    OpCase("round_decimals", lambda lib, x: lib.round(x * 13.37, decimals=1), unary(), gradcheck=False),
    OpCase("round_negative_decimals", lambda lib, x: x.mul(1000).round(decimals=-2), unary(), gradcheck=False),
    OpCase("fmod", lambda lib, a, b: lib.fmod(a, b), broadcast(ANY, dict(min_value=0.5, max_value=2.0)),
           gradcheck=False),
    OpCase("fmod_scalar", lambda lib, a: a.fmod(1.5), unary(), gradcheck=False),
    OpCase("remainder", lambda lib, a, b: lib.remainder(a, b), broadcast(ANY, NONZERO), gradcheck=False),
    OpCase("mod_operator", lambda lib, a: a % 1.25, unary(), gradcheck=False),
    # ----- softmax as torch.softmax and Tensor.softmax -----
    OpCase("softmax_fn", lambda lib, x: lib.softmax(x, -1), unary(AT_LEAST_1D)),
    OpCase("softmax_method", lambda lib, x: x.softmax(dim=0), unary(AT_LEAST_1D)),
    OpCase("log_softmax_fn", lambda lib, x: lib.log_softmax(x, dim=1), unary(AT_LEAST_2D)),
    OpCase("log_softmax_method", lambda lib, x: x.log_softmax(-1), unary(AT_LEAST_1D)),
    OpCase("softmax_dtype", lambda lib, x: x.float().softmax(-1, dtype=lib.float64), unary(AT_LEAST_1D),
           rtol=1e-6, atol=1e-6, gradcheck=False),
    # ----- triangles and diagonals -----
    OpCase("tril", lambda lib, x: lib.tril(x), unary(BATCH_OF_MATRICES)),
    OpCase("tril_offset", lambda lib, x: x.tril(-1), unary(BATCH_OF_MATRICES)),
    OpCase("triu", lambda lib, x: x.triu(), unary(BATCH_OF_MATRICES)),
    OpCase("triu_offset", lambda lib, x: lib.triu(x, diagonal=2), unary(BATCH_OF_MATRICES)),
    OpCase("diagonal", lambda lib, x: lib.diagonal(x), unary(AT_LEAST_2D)),
    OpCase("diagonal_offset_dims", lambda lib, x: x.diagonal(1, 0, 2), unary(THREE_D)),
    OpCase("diagonal_negative_offset", lambda lib, x: x.diagonal(-1, -1, 1), unary(THREE_D)),
    OpCase("diag_embed", lambda lib, x: lib.diag_embed(x), unary(AT_LEAST_1D)),
    OpCase("diag_embed_offset_dims", lambda lib, x: x.diag_embed(-1, 0, 2), unary((2, 3))),
    OpCase("diag_vector", lambda lib, x: lib.diag(x), unary((3,))),
    OpCase("diag_vector_offset", lambda lib, x: x.diag(2), unary((3,))),
    OpCase("diag_matrix", lambda lib, x: lib.diag(x, -1), unary(MATRIX)),
    OpCase("trace", lambda lib, x: lib.trace(x), unary(MATRIX)),
]

# ----- gather and scatter -----
INDEX_2x3 = integer_arrays((2, 3), 0, 3)  # positions along a dimension of size 4, repeats likely
ROWS = integer_arrays((4,), 0, 2)  # positions along a dimension of size 3


def _one_hot(lib, x, labels):
    return lib.zeros(labels.shape[0], 4, dtype=lib.float64).scatter_(1, labels.unsqueeze(1), 1.0) * x


CASES += [
    OpCase("gather", lambda lib, x, i: lib.gather(x, 1, i), args(floats((3, 4)), INDEX_2x3)),
    OpCase("gather_dim0", lambda lib, x, i: x.gather(0, i.T % 3), args(floats((3, 4)), INDEX_2x3)),
    OpCase("gather_negative_dim", lambda lib, x, i: x.gather(-1, i), args(floats((2, 4)), INDEX_2x3)),
    OpCase("take_along_dim", lambda lib, x, i: lib.take_along_dim(x, i[:1], dim=1), args(floats((3, 4)), INDEX_2x3)),
    OpCase("take_along_dim_flat", lambda lib, x, i: lib.take_along_dim(x, i), args(floats((2, 2)), INDEX_2x3)),
    OpCase("take", lambda lib, x, i: x.take(i), args(floats((2, 3)), integer_arrays((2, 2), -6, 5))),
    OpCase("index_select", lambda lib, x, i: lib.index_select(x, 0, i), args(floats((3, 2)), ROWS)),
    OpCase("index_select_dim1", lambda lib, x, i: x.index_select(1, i), args(floats((2, 3)), ROWS)),
    OpCase("masked_select", lambda lib, x, m: lib.masked_select(x, m), args(floats((2, 3)), masks((2, 3)))),
    OpCase("masked_select_broadcast", lambda lib, x, m: x.masked_select(m), args(floats((2, 3)), masks((3,)))),
    OpCase("scatter", lambda lib, x, s: lib.scatter(x, 1, lib.tensor([[0, 3, 1], [2, 1, 0]]), s),
           args(floats((2, 4)), floats((2, 3)))),
    OpCase("scatter_value", lambda lib, x, i: x.scatter(1, i, -2.5), args(floats((2, 4)), INDEX_2x3)),
    OpCase("scatter_add", lambda lib, x, i, s: lib.scatter_add(x, 1, i, s),
           args(floats((3, 4)), INDEX_2x3, floats((2, 3)))),
    OpCase("scatter_add_method_dim0", lambda lib, x, i, s: x.scatter_add(0, i % 2, s),
           args(floats((2, 3)), INDEX_2x3, floats((2, 3)))),
    OpCase("scatter_reduce_add", lambda lib, x, i, s: x.scatter(1, i, s, reduce="add"),
           args(floats((2, 4)), INDEX_2x3, floats((2, 3))), grad=(), gradcheck=False),  # PyTorch: no derivative
    OpCase("scatter_inplace_one_hot", _one_hot, args(floats((3, 4)), integer_arrays((3,), 0, 3))),
    OpCase("index_add", lambda lib, x, i, s: x.index_add(0, i, s), args(floats((3, 2)), ROWS, floats((4, 2)))),
    OpCase("index_add_alpha", lambda lib, x, i, s: lib.index_add(x, 1, i, s, alpha=-2),
           args(floats((2, 3)), ROWS, floats((2, 4)))),
    OpCase("index_copy", lambda lib, x, s: x.index_copy(1, lib.tensor([2, 0]), s), args(floats((3, 4)), floats((3, 2)))),
    OpCase("index_fill", lambda lib, x: lib.index_fill(x, 1, lib.tensor([2, 0, 2]), -1.5), unary((2, 3))),
    OpCase("masked_scatter", lambda lib, x, m, s: x.masked_scatter(m, s), args(floats((2, 3)), masks((2, 3)), floats((7,)))),
    OpCase("masked_scatter_broadcast", lambda lib, x, m, s: lib.masked_scatter(x, m, s),
           args(floats((2, 3)), masks((3,)), floats((2, 3)))),
    # ----- sorting: stable, NaN last; ties keep their order (values and gradients match PyTorch's stable sort) -----
    OpCase("sort", lambda lib, x: lib.sort(x), unary(AT_LEAST_1D, distinct=True)),
    OpCase("sort_descending_dim", lambda lib, x: x.sort(0, descending=True), unary(AT_LEAST_1D, distinct=True)),
    OpCase("sort_ties_stable", lambda lib, x: x.sort(dim=-1, stable=True), args(ties()), gradcheck=False),
    OpCase("sort_ties_descending", lambda lib, x: lib.sort(x, dim=0, descending=True, stable=True), args(ties()), gradcheck=False),
    OpCase("sort_0d", lambda lib, x: x.sort(), unary(())),
    OpCase("sort_empty", lambda lib, x: x.sort(0), unary((0, 2))),
    OpCase("argsort", lambda lib, x: lib.argsort(x, dim=0, stable=True), args(ties()), gradcheck=False),
    OpCase("argsort_descending", lambda lib, x: x.argsort(descending=True, stable=True), args(ties()), gradcheck=False),
    OpCase("msort", lambda lib, x: lib.msort(x), unary(AT_LEAST_1D, distinct=True)),
    OpCase("topk", lambda lib, x: lib.topk(x, 2), unary((3, 4), distinct=True)),
    OpCase("topk_smallest_dim0", lambda lib, x: x.topk(1, dim=0, largest=False), unary(AT_LEAST_1D, distinct=True)),
    OpCase("topk_all", lambda lib, x: x.topk(3), unary((2, 3), distinct=True)),
    OpCase("kthvalue", lambda lib, x: lib.kthvalue(x, 2), unary((3, 4), distinct=True)),
    OpCase("kthvalue_keepdim", lambda lib, x: x.kthvalue(1, 0, keepdim=True), unary(AT_LEAST_1D, distinct=True)),
    OpCase("median", lambda lib, x: x.median(), unary(AT_LEAST_1D, distinct=True)),
    OpCase("median_even_lower", lambda lib, x: lib.median(x, 1), unary((3, 4), distinct=True)),
    OpCase("median_ties", lambda lib, x: x.median(-1), args(ties()), gradcheck=False),
    OpCase("median_ties_all", lambda lib, x: lib.median(x), args(ties()), gradcheck=False),
    OpCase("nanmedian", lambda lib, x: lib.nanmedian(x, 0), unary(AT_LEAST_1D, distinct=True)),
    OpCase("mode", lambda lib, x: lib.mode(x), args(ties()), gradcheck=False),
    OpCase("mode_dim0_keepdim", lambda lib, x: x.mode(0, keepdim=True), args(ties()), gradcheck=False),
]

# ----- extremes: amax/amin share the gradient among ties, max(dim) gives it to one index -----
CASES += [
    OpCase("amax", lambda lib, x: lib.amax(x), unary(AT_LEAST_1D, distinct=True)),
    OpCase("amax_dim", lambda lib, x: x.amax(1), unary(AT_LEAST_2D, distinct=True)),
    OpCase("amin_dims_keepdim", lambda lib, x: lib.amin(x, (0, -1), keepdim=True), unary(THREE_D, distinct=True)),
    OpCase("amax_ties_share_evenly", lambda lib, x: lib.amax(x, dim=-1), args(ties()), gradcheck=False),
    OpCase("amin_ties_share_evenly", lambda lib, x: x.amin(), args(ties()), gradcheck=False),
    OpCase("max_dim_ties_one_index", lambda lib, x: x.max(dim=1).values, args(ties(MATRIX)), gradcheck=False),
    OpCase("aminmax", lambda lib, x: lib.aminmax(x), args(ties()), gradcheck=False),
    OpCase("aminmax_dim", lambda lib, x: x.aminmax(dim=0, keepdim=True), unary(AT_LEAST_1D, distinct=True)),
    OpCase("amax_empty_dim", lambda lib, x: x.amax(1), unary((0, 3))),
]

# ----- running ops, products, nan-reductions, norms -----
WITH_ZEROS = dict(min_value=-2.0, max_value=2.0)


def zeros_in(shape: tuple, count: int):
    """Float arrays of ``shape`` with ``count`` zeros planted at drawn places (prod's special cases)."""
    return floats(shape, avoid=(0.0,), margin=0.3, contiguous=True).flatmap(
        lambda a: integer_arrays((count,), 0, a.size - 1).map(lambda i: _planted(a, i)))


def _planted(array, positions):
    out = array.copy()
    out.reshape(-1)[positions] = 0.0
    return out


CASES += [
    OpCase("cumsum", lambda lib, x: lib.cumsum(x, 0), unary(AT_LEAST_1D)),
    OpCase("cumsum_method_neg_dim", lambda lib, x: x.cumsum(-1), unary(AT_LEAST_1D)),
    OpCase("cumsum_0d", lambda lib, x: x.cumsum(0), unary(())),
    OpCase("cumsum_axis_alias", lambda lib, x: lib.cumsum(x, axis=1), unary(AT_LEAST_2D)),
    OpCase("cumprod", lambda lib, x: lib.cumprod(x, 1), unary(AT_LEAST_2D, **NONZERO)),
    OpCase("cumprod_one_zero", lambda lib, x: x.cumprod(0), args(zeros_in((5,), 1))),
    OpCase("cumprod_two_zeros", lambda lib, x: lib.cumprod(x, -1), args(zeros_in((2, 4), 2))),
    OpCase("cummax", lambda lib, x: lib.cummax(x, 0), unary(AT_LEAST_1D, distinct=True)),
    OpCase("cummin", lambda lib, x: x.cummin(-1), unary(AT_LEAST_1D, distinct=True)),
    OpCase("cummax_ties_latest_index", lambda lib, x: x.cummax(1), args(ties(MATRIX)), gradcheck=False),
    OpCase("cummin_ties_latest_index", lambda lib, x: lib.cummin(x, 0), args(ties()), gradcheck=False),
    OpCase("prod", lambda lib, x: lib.prod(x), unary(AT_LEAST_1D, **NONZERO)),
    OpCase("prod_dim", lambda lib, x: x.prod(1), unary(AT_LEAST_2D, **NONZERO)),
    OpCase("prod_dim_keepdim", lambda lib, x: lib.prod(x, -1, keepdim=True), unary(AT_LEAST_1D, **NONZERO)),
    OpCase("prod_one_zero", lambda lib, x: x.prod(), args(zeros_in((2, 3), 1))),
    OpCase("prod_one_zero_dim", lambda lib, x: x.prod(0), args(zeros_in((3, 2), 1))),
    OpCase("prod_two_zeros", lambda lib, x: lib.prod(x), args(zeros_in((2, 3), 2))),
    OpCase("prod_empty", lambda lib, x: x.prod(0), unary((0, 2))),
    OpCase("logsumexp", lambda lib, x: lib.logsumexp(x, 1), unary(AT_LEAST_2D)),
    OpCase("logsumexp_dims_keepdim", lambda lib, x: x.logsumexp((0, 2), keepdim=True), unary(THREE_D)),
    OpCase("logsumexp_large", lambda lib, x: lib.logsumexp(x * 300, -1), unary(AT_LEAST_1D)),
    OpCase("nansum", lambda lib, x: lib.nansum(lib.log(x)), unary(AT_LEAST_1D, min_value=-1.0, max_value=2.0,
                                                                     avoid=(0.0,), margin=0.1)),
    OpCase("nanmean_dim", lambda lib, x: x.log().nanmean(0), unary(AT_LEAST_1D, min_value=-1.0, max_value=2.0,
                                                                  avoid=(0.0,), margin=0.1)),
    OpCase("std_mean", lambda lib, x: lib.std_mean(x, 0), unary(shapes(1, 3, min_side=2), distinct=True)),
    OpCase("var_mean_correction", lambda lib, x: lib.var_mean(x, dim=-1, correction=0, keepdim=True), unary(AT_LEAST_1D)),
    OpCase("vector_norm_fn_via_norm", lambda lib, x: lib.norm(x), unary(AT_LEAST_1D, **NONZERO)),
    OpCase("norm_dim", lambda lib, x: x.norm(dim=1), unary(AT_LEAST_2D, **NONZERO)),
    OpCase("norm_p1_keepdim", lambda lib, x: x.norm(1, -1, True), unary(AT_LEAST_1D, **NONZERO)),
    OpCase("norm_p3", lambda lib, x: lib.norm(x, p=3, dim=0), unary(AT_LEAST_1D, **NONZERO)),
    # dist: the drawn values lie in [-3, 3], so y + 10 keeps the difference off the norm's kink at 0
    OpCase("dist", lambda lib, x, y: lib.dist(x, y + 10), broadcast(ANY, ANY)),
    OpCase("dist_p3_method", lambda lib, x, y: x.dist(y + 10, 3), broadcast(ANY, ANY)),
    OpCase("norm_fro_dims", lambda lib, x: lib.norm(x, "fro", dim=(0, 1)), unary(THREE_D, **NONZERO)),
    OpCase("norm_inf", lambda lib, x: (x - 3.5).norm(float("inf"), dim=-1), unary(AT_LEAST_1D, distinct=True)),
    OpCase("norm_neg_inf", lambda lib, x: (x + 3.5).norm(float("-inf")), unary(AT_LEAST_1D, distinct=True)),
    OpCase("norm_inf_ties_share", lambda lib, x: x.norm(float("inf"), dim=1), args(ties(MATRIX)), gradcheck=False),
    OpCase("norm_at_zero", lambda lib, x: (x * 0).norm(dim=-1), unary(AT_LEAST_1D), gradcheck=False),
    OpCase("norm_p1_at_zero", lambda lib, x: (x * 0).norm(1), unary(AT_LEAST_1D), gradcheck=False),
    # ----- NumPy's axis= and keepdims= where PyTorch accepts them -----
    OpCase("sum_axis_keepdims", lambda lib, x: x.sum(axis=0, keepdims=True), unary(AT_LEAST_1D)),
    OpCase("sum_fn_axis", lambda lib, x: lib.sum(x, axis=(0, -1), keepdims=True), unary(THREE_D)),
    OpCase("mean_axis", lambda lib, x: lib.mean(x, axis=1), unary(AT_LEAST_2D)),
    OpCase("std_axis", lambda lib, x: x.std(axis=0), unary(shapes(1, 3, min_side=2), distinct=True)),
    OpCase("var_axis_keepdims", lambda lib, x: lib.var(x, axis=-1, keepdims=True), unary(shapes(1, 3, min_side=2))),
    OpCase("max_axis", lambda lib, x: x.max(axis=0), unary(AT_LEAST_1D, distinct=True)),
    OpCase("amax_axis", lambda lib, x: lib.amax(x, axis=0, keepdims=True), unary(AT_LEAST_1D, distinct=True)),
    OpCase("prod_axis", lambda lib, x: x.prod(axis=0, keepdims=True), unary(AT_LEAST_1D, **NONZERO)),
    OpCase("argmax_axis", lambda lib, x: lib.argmax(x, axis=-1, keepdims=True), args(ties()), gradcheck=False),
    OpCase("cat_axis", lambda lib, x, y: lib.cat([x, y], axis=1), args(floats((2, 1)), floats((2, 3)))),
    OpCase("concat_axis", lambda lib, x, y: lib.concat((x, y), axis=0), args(floats((1, 2)), floats((2, 2)))),
    OpCase("stack_axis", lambda lib, x, y: lib.stack([x, y], axis=-1), args(floats((3,)), floats((3,)))),
    OpCase("softmax_axis", lambda lib, x: lib.softmax(x, axis=-1), unary(AT_LEAST_1D)),
    OpCase("logsumexp_axis", lambda lib, x: x.logsumexp(axis=0, keepdims=True), unary(AT_LEAST_1D)),
    OpCase("median_axis", lambda lib, x: x.median(axis=0), unary(AT_LEAST_1D, distinct=True)),
]


def _unsqueeze_in_place(lib, x):
    y = x * 2
    y.unsqueeze_(1)
    y.transpose_(0, 1)
    return y.squeeze_(0)


# ----- copies in patterns, joining and cutting, views -----
CASES += [
    OpCase("repeat", lambda lib, x: x.repeat(2, 3), unary((2, 3))),
    OpCase("repeat_new_dims", lambda lib, x: x.repeat(2, 1, 2), unary(AT_LEAST_1D.filter(lambda s: len(s) <= 3)
                                                                       .map(lambda s: s[-2:]))),
    OpCase("repeat_tuple_0d", lambda lib, x: x.repeat((3,)), unary(())),
    OpCase("tile", lambda lib, x: lib.tile(x, (2,)), unary(AT_LEAST_1D)),
    OpCase("tile_method_more_dims", lambda lib, x: x.tile((2, 1, 2)), unary((2, 3))),
    OpCase("repeat_interleave", lambda lib, x: lib.repeat_interleave(x, 2), unary(SMALL)),
    OpCase("repeat_interleave_dim", lambda lib, x: x.repeat_interleave(3, dim=1), unary((2, 2))),
    OpCase("repeat_interleave_counts", lambda lib, x: x.repeat_interleave(lib.tensor([2, 0, 1]), dim=0),
           unary((3, 2))),
    OpCase("roll", lambda lib, x: lib.roll(x, 1), unary(AT_LEAST_1D)),
    OpCase("roll_dims", lambda lib, x: x.roll((1, -2), (0, 1)), unary(AT_LEAST_2D)),
    OpCase("flip", lambda lib, x: lib.flip(x, (0, -1)), unary(AT_LEAST_2D)),
    OpCase("flip_method", lambda lib, x: x.flip(0), unary(AT_LEAST_1D)),
    OpCase("fliplr", lambda lib, x: lib.fliplr(x), unary(AT_LEAST_2D)),
    OpCase("flipud", lambda lib, x: x.flipud(), unary(AT_LEAST_1D)),
    OpCase("rot90", lambda lib, x: lib.rot90(x), unary(AT_LEAST_2D)),
    OpCase("rot90_k_dims", lambda lib, x: x.rot90(3, [1, 2]), unary(THREE_D)),
    OpCase("rot90_negative_k", lambda lib, x: lib.rot90(x, -1, (-1, 0)), unary(MATRIX)),
    OpCase("hstack", lambda lib, x, y: lib.hstack([x, y]), args(floats((2, 1)), floats((2, 3)))),
    OpCase("hstack_vectors", lambda lib, x, y: lib.hstack((x, y)), args(floats((2,)), floats((3,)))),
    OpCase("vstack", lambda lib, x, y: lib.vstack([x, y]), args(floats((3,)), floats((2, 3)))),
    OpCase("dstack", lambda lib, x, y: lib.dstack([x, y]), args(floats((2, 3)), floats((2, 3)))),
    OpCase("column_stack", lambda lib, x, y: lib.column_stack([x, y]), args(floats((3,)), floats((3, 2)))),
    OpCase("atleast_3d", lambda lib, x: lib.atleast_3d(x), unary(SMALL)),
    OpCase("atleast_2d_many", lambda lib, x, y: lib.atleast_2d(x, y), args(floats(()), floats((3,)))),
    OpCase("tensor_split_sections", lambda lib, x: lib.tensor_split(x, 3), unary((7, 2))),
    OpCase("tensor_split_indices", lambda lib, x: x.tensor_split([1, 5, 9], dim=1), unary((2, 7))),
    OpCase("hsplit", lambda lib, x: lib.hsplit(x, 2), unary((3, 4))),
    OpCase("vsplit_indices", lambda lib, x: x.vsplit([1]), unary((3, 4))),
    OpCase("meshgrid_ij", lambda lib, x, y: lib.meshgrid(x, y, indexing="ij"), args(floats((2,)), floats((3,)))),
    OpCase("meshgrid_xy", lambda lib, x, y, z: lib.meshgrid([x, y, z], indexing="xy"),
           args(floats((2,)), floats((3,)), floats((4,)))),
    OpCase("narrow", lambda lib, x: lib.narrow(x, 1, 1, 2), unary((2, 4))),
    OpCase("narrow_negative_start", lambda lib, x: x.narrow(0, -2, 1), unary((3, 2))),
    OpCase("select", lambda lib, x: lib.select(x, 1, 2), unary((2, 4))),
    OpCase("select_negative_index", lambda lib, x: x.select(0, -1), unary((3, 2))),
    OpCase("movedim", lambda lib, x: lib.movedim(x, 0, -1), unary(THREE_D)),
    OpCase("movedim_many", lambda lib, x: x.movedim((0, 1), (2, 0)), unary(THREE_D)),
    OpCase("moveaxis", lambda lib, x: lib.moveaxis(x, -1, 0), unary(THREE_D)),
    OpCase("swapdims", lambda lib, x: x.swapdims(0, 1), unary(AT_LEAST_2D)),
    OpCase("ravel", lambda lib, x: lib.ravel(x), unary()),
    OpCase("ravel_method", lambda lib, x: x.t().ravel(), unary(MATRIX)),
    OpCase("in_place_views", _unsqueeze_in_place, unary((2, 3))),
    OpCase("expand_minus_one_leading", lambda lib, x: x.expand(2, -1, -1), unary((3, 1))),
]


def _adam_like_update(lib, p, m, v):
    p = p * 1
    p.lerp_(m, 0.25)
    return p.addcdiv_(m, v.exp(), value=-0.1).addcmul_(m, v, value=2)


# ----- three-tensor elementwise ops and the special values -----
AWAY_FROM_HALVES = dict(avoid=(-2.5, -1.5, -0.5, 0.5, 1.5, 2.5))
SPECIALS = np.array([np.nan, np.inf, -np.inf, 1.5, -2.0, 0.0])
CASES += [
    # bounds on a grid, min < max, and x kept away from the grid: finite differences cannot see a tie
    OpCase("clamp_tensor_bounds", lambda lib, x, lo, hi: lib.clamp(x, lo - 1.5, hi + 1.5),
           args(floats((2, 3), **AWAY_FROM_HALVES), ties((3,)), ties((2, 1)))),
    OpCase("clamp_tensor_min_only", lambda lib, x, lo: x.clamp(min=lo), broadcast(OFF_GRID, ties)),
    OpCase("clamp_tensor_max_only", lambda lib, x, hi: lib.clamp(x, max=hi), broadcast(OFF_GRID, ties)),
    OpCase("clip_tensor", lambda lib, x, lo, hi: x.clip(lo - 1.5, hi + 1.5),
           args(floats((2, 3), **AWAY_FROM_HALVES), ties((2, 3)), ties(()))),
    OpCase("clamp_tensor_min_above_max", lambda lib, x, lo, hi: lib.clamp(x, lo, hi),
           args(floats((2, 3), **OFF_GRID), ties((2, 3)), ties((3,))), gradcheck=False),
    OpCase("clamp_tensor_ties", lambda lib, x, lo, hi: lib.clamp(x, lo, hi), args(ties((2, 3)), ties((2, 3)), ties((3,))),
           gradcheck=False),  # x = min, x = max, min = max: who gets the gradient, as PyTorch
    OpCase("clamp_tensor_in_place", lambda lib, x, lo: (x * 1).clamp_(min=lo), args(floats((2, 3), **OFF_GRID), ties((3,)))),
    OpCase("lerp", lambda lib, a, b: lib.lerp(a, b, 0.3), broadcast(ANY, ANY)),
    OpCase("lerp_tensor_weight", lambda lib, a, b, w: a.lerp(b, w), broadcast(ANY, ANY, ANY)),
    OpCase("addcmul", lambda lib, x, a, b: lib.addcmul(x, a, b, value=0.5), broadcast(ANY, ANY, ANY)),
    OpCase("addcdiv", lambda lib, x, a, b: x.addcdiv(a, b, value=-2), broadcast(ANY, ANY, NONZERO)),
    OpCase("lerp_addcdiv_addcmul_in_place", _adam_like_update, args(floats((3,)), floats((3,)), floats((3,)))),
    OpCase("nan_to_num", lambda lib, x: lib.nan_to_num(x * lib.tensor(SPECIALS)), unary((6,)),
           gradcheck=False),  # the default replacements are ±1.8e308: finite differences overflow
    OpCase("nan_to_num_values", lambda lib, x: x.mul(lib.tensor(SPECIALS)).nan_to_num(1.0, 9.0, -9.0), unary((2, 6))),
    OpCase("isinf", lambda lib, x: lib.isinf(x * lib.tensor(SPECIALS)), unary((6,)), gradcheck=False),
    OpCase("isposinf", lambda lib, x: x.mul(lib.tensor(SPECIALS)).isposinf(), unary((6,)), gradcheck=False),
    OpCase("isneginf", lambda lib, x: lib.isneginf(x * lib.tensor(SPECIALS)), unary((6,)), gradcheck=False),
    OpCase("isclose", lambda lib, a, b: lib.isclose(a, b + a * 1e-6, rtol=1e-5), broadcast(ANY, ANY), gradcheck=False),
    OpCase("isclose_nan", lambda lib, a: a.mul(lib.tensor(SPECIALS)).isclose(a * lib.tensor(SPECIALS), equal_nan=True),
           unary((6,)), gradcheck=False),
]

# ----- special functions (NumPy only: series, continued fraction, Lanczos, asymptotic series) -----
WIDE = dict(min_value=-6.0, max_value=6.0)
CASES += [
    OpCase("erf", lambda lib, x: lib.erf(x), unary(**WIDE)),
    OpCase("erf_method_tails", lambda lib, x: (x * 4).erf(), unary()),
    OpCase("erfc", lambda lib, x: lib.erfc(x), unary(**WIDE), rtol=1e-10),
    OpCase("erfc_far_tail", lambda lib, x: (x.abs() * 8 + 2).erfc(), unary(**NONZERO), rtol=1e-10, atol=0),
    OpCase("erfinv", lambda lib, x: lib.erfinv(x), unary(min_value=-0.999, max_value=0.999)),
    OpCase("erfinv_near_one", lambda lib, x: (1 - x.abs() * 1e-9).erfinv(), unary(**NONZERO), gradcheck=False),
    OpCase("erf_erfinv_round_trip", lambda lib, x: lib.erf(lib.erfinv(x)), unary(min_value=-0.99, max_value=0.99)),
    OpCase("lgamma", lambda lib, x: lib.lgamma(x), unary(min_value=0.05, max_value=30.0)),
    OpCase("lgamma_negative", lambda lib, x: x.lgamma(), unary(min_value=-4.0, max_value=0.0,
                                                              avoid=(-4.0, -3.0, -2.0, -1.0, 0.0), margin=0.05)),
    OpCase("lgamma_large", lambda lib, x: (x.abs() * 1e6 + 1).lgamma(), unary(), gradcheck=False),
    OpCase("digamma", lambda lib, x: lib.digamma(x), unary(min_value=0.05, max_value=30.0)),
    OpCase("digamma_negative", lambda lib, x: x.digamma(), unary(min_value=-4.0, max_value=0.0,
                                                                avoid=(-4.0, -3.0, -2.0, -1.0, 0.0), margin=0.05)),
    OpCase("special_float32", lambda lib, x: x.float().erf() + x.float().lgamma() + x.float().digamma(),
           unary(min_value=0.1), rtol=1e-5, atol=1e-5, gradcheck=False),
]

# ----- scatter_reduce: every reduction, with and without the input's own values -----
SLOT_INDEX = integer_arrays((2, 5), 0, 3)
CASES += [
    OpCase(f"scatter_reduce_{reduce}{'' if include_self else '_exclude_self'}",
           lambda lib, x, i, s, reduce=reduce, include_self=include_self: x.scatter_reduce(
               1, i, s, reduce, include_self=include_self),
           args(floats((2, 4), distinct=True, min_value=0.5), SLOT_INDEX, floats((2, 5), distinct=True, max_value=-0.5)))
    for reduce in ("sum", "prod", "mean", "amax", "amin") for include_self in (True, False)
] + [
    OpCase("scatter_reduce_amax_ties", lambda lib, x, i, s: lib.scatter_reduce(x, 1, i, s, "amax", include_self=False),
           args(ties((2, 4)), SLOT_INDEX, ties((2, 5))), gradcheck=False),
    # gradgrad=False: PyTorch raises on double backward when two src zeros share a slot, which ties draw
    # (tests/ops/test_scatter_reduce_gradgrad.py checks lone zeros, and that both raise)
    OpCase("scatter_reduce_prod_zeros", lambda lib, x, i, s: lib.scatter_reduce(x, 1, i, s, "prod"),
           args(ties((2, 4)), SLOT_INDEX, ties((2, 5))), gradcheck=False, gradgrad=False),
]
