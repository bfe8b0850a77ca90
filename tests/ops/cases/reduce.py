"""Reductions: sum, mean, var, std, max/min (with and without dim, ties), argmax/argmin, vector norms."""
from __future__ import annotations

from minitorch.testing import shapes
from tests.ops.cases.base import AT_LEAST_1D, AT_LEAST_2D, MATRIX, THREE_D, OpCase, args, floats, ties, unary
from tests.ops.cases.tensor_surface_a import zeros_in

CASES = [
    # ----- reductions -----
    OpCase("sum", lambda lib, x: x.sum(), unary()),
    OpCase("sum_fn", lambda lib, x: lib.sum(x), unary()),
    OpCase("sum_dim", lambda lib, x: x.sum(1), unary(AT_LEAST_2D)),
    OpCase("sum_dim_neg_keepdim", lambda lib, x: x.sum(-1, keepdim=True), unary(AT_LEAST_1D)),
    OpCase("sum_dims_tuple", lambda lib, x: x.sum((0, 2)), unary(THREE_D)),
    OpCase("sum_dims_keepdim", lambda lib, x: lib.sum(x, dim=(-1, 0), keepdim=True), unary(THREE_D)),
    OpCase("sum_0d_dim", lambda lib, x: x.sum(0), unary(())),
    OpCase("mean", lambda lib, x: x.mean(), unary()),
    OpCase("mean_dim", lambda lib, x: x.mean(0), unary(AT_LEAST_1D)),
    OpCase("mean_dims_keepdim", lambda lib, x: lib.mean(x, (1, 2), keepdim=True), unary(THREE_D)),
    OpCase("var", lambda lib, x: x.var(), unary(shapes(1, 3, min_side=2))),
    OpCase("var_dim", lambda lib, x: x.var(1), unary(shapes(2, 3, min_side=2))),
    OpCase("var_biased_keepdim", lambda lib, x: x.var(0, unbiased=False, keepdim=True), unary(AT_LEAST_1D)),
    OpCase("var_correction", lambda lib, x: lib.var(x, (0, 1), correction=0), unary(AT_LEAST_2D)),
    OpCase("std", lambda lib, x: x.std(), unary(shapes(1, 3, min_side=2), distinct=True)),
    OpCase("std_dim", lambda lib, x: x.std(-1, keepdim=True), unary(shapes(1, 3, min_side=2), distinct=True)),
    OpCase("std_dims", lambda lib, x: lib.std(x, (0, 2)), unary(THREE_D, distinct=True)),
    OpCase("std_of_constants", lambda lib, x: x.std(0), args(ties((3, 2))), gradcheck=False),  # gradient 0 at std 0
    OpCase("var_of_one_element", lambda lib, x: x.var(), unary((1,)), gradcheck=False),  # nan, as PyTorch
    # no degrees of freedom left (n - correction <= 0): inf; the gradient is PyTorch's: over every element a
    # constant nan/inf, over dims 2(x - mean)/(n - correction) with the negative divisor as it is
    OpCase("var_correction_equals_n", lambda lib, x: x.var(correction=3), unary((3,), distinct=True), gradcheck=False),
    OpCase("var_dim_correction_beyond_n", lambda lib, x: x.var(1, correction=4), unary((2, 3), distinct=True),
           gradcheck=False),
    OpCase("std_dim_correction_beyond_n", lambda lib, x: x.std(0, correction=3), unary((2, 2), distinct=True),
           gradcheck=False),
    OpCase("max", lambda lib, x: x.max(), unary(AT_LEAST_1D, distinct=True)),
    OpCase("min_fn", lambda lib, x: lib.min(x), unary(AT_LEAST_1D, distinct=True)),
    OpCase("max_ties", lambda lib, x: x.max(), args(ties()), gradcheck=False),
    OpCase("min_ties", lambda lib, x: x.min(), args(ties()), gradcheck=False),
    OpCase("max_dim", lambda lib, x: x.max(1), unary(AT_LEAST_2D, distinct=True)),
    OpCase("max_dim_keepdim", lambda lib, x: lib.max(x, dim=-1, keepdim=True), unary(AT_LEAST_1D, distinct=True)),
    OpCase("min_dim", lambda lib, x: x.min(0), unary(AT_LEAST_1D, distinct=True)),
    OpCase("max_dim_ties", lambda lib, x: x.max(-1), args(ties()), gradcheck=False),
    OpCase("min_dim_ties", lambda lib, x: x.min(0, keepdim=True), args(ties()), gradcheck=False),
    OpCase("max_dim_values", lambda lib, x: x.max(dim=0).values * 2, unary(AT_LEAST_1D, distinct=True)),
    OpCase("argmax", lambda lib, x: x.argmax(), args(ties()), gradcheck=False),
    OpCase("argmax_dim", lambda lib, x: lib.argmax(x, dim=1), args(ties(MATRIX)), gradcheck=False),
    OpCase("argmin_dim_keepdim", lambda lib, x: x.argmin(0, keepdim=True), args(ties()), gradcheck=False),
    OpCase("argmin", lambda lib, x: lib.argmin(x), args(ties()), gradcheck=False),
    # ----- vector norms of every kind of p, at zero elements too (PyTorch's |x|^(p-1) = 0 at 0 for p < 1) -----
    OpCase("vector_norm_p_half", lambda lib, x: lib.linalg.vector_norm(x, 0.5, dim=1),
           args(floats((2, 3), avoid=(0.0,), margin=0.3))),
    OpCase("vector_norm_p_half_zeros", lambda lib, x: lib.linalg.vector_norm(x, 0.5, dim=1),
           args(zeros_in((2, 3), 2)), gradcheck=False),
    OpCase("vector_norm_p_negative", lambda lib, x: lib.linalg.vector_norm(x, -1.5, dim=0),
           args(floats((3, 2), avoid=(0.0,), margin=0.3))),
    OpCase("vector_norm_p_negative_zeros", lambda lib, x: lib.linalg.vector_norm(x, -1, dim=0),
           args(zeros_in((3, 2), 1)), gradcheck=False),
    OpCase("vector_norm_p_one_and_half_zeros", lambda lib, x: lib.linalg.vector_norm(x, 1.5, dim=1),
           args(zeros_in((2, 3), 2)), gradcheck=False),
    OpCase("vector_norm_p3_zeros", lambda lib, x: lib.linalg.vector_norm(x, 3), args(zeros_in((2, 3), 2)),
           gradcheck=False),
]
