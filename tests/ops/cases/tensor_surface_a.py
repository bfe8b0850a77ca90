"""Op-table cases of the tensor surface, part A (elementwise maths, reductions, scans, sorting,
indexing, shapes): see ``op_cases.py`` for what an :class:`OpCase` is and how it is run."""
from __future__ import annotations

import numpy as np

from minitorch.testing import integer_arrays, shapes
from tests.ops.cases.base import (
    ANY, AT_LEAST_1D, AT_LEAST_2D, MATRIX, NONZERO, POSITIVE, SMALL, THREE_D, WITH_EMPTY, OpCase, args,
    broadcast, floats, ties, unary,
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
    OpCase("logit_eps", lambda lib, x: x.logit(eps=0.2), unary(min_value=0.0, max_value=1.0, avoid=(0.2, 0.8))),
    OpCase("logaddexp", lambda lib, a, b: lib.logaddexp(a, b), broadcast(ANY, ANY)),
    OpCase("logaddexp_large", lambda lib, a, b: a.logaddexp(b * 400), broadcast(ANY, ANY)),
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
