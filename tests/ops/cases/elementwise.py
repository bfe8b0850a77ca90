"""Elementwise ops: arithmetic with broadcasting and Python scalars, unary maths, clamp, maximum/minimum."""
from __future__ import annotations

from tests.ops.cases.base import ANY, NONZERO, OFF_GRID, POSITIVE, OpCase, args, broadcast, floats, ties, unary

OFF_ZERO = dict(avoid=(0.0,))  # pow's exponent: PyTorch's convention at exactly 0 has its own case

CASES = [
    # ----- arithmetic, broadcasting, Python scalars on either side -----
    OpCase("add", lambda lib, x, y: x + y, broadcast(ANY, ANY)),
    OpCase("add_fn_alpha", lambda lib, x, y: lib.add(x, y, alpha=2.5), broadcast(ANY, ANY)),
    OpCase("add_scalar", lambda lib, x: x + 2, unary()),
    OpCase("radd_scalar", lambda lib, x: 2.5 + x, unary()),
    OpCase("add_self", lambda lib, x: x + x, unary()),
    OpCase("sub", lambda lib, x, y: x - y, broadcast(ANY, ANY)),
    OpCase("sub_fn_alpha", lambda lib, x, y: lib.sub(x, y, alpha=3), broadcast(ANY, ANY)),
    OpCase("rsub_scalar", lambda lib, x: 2.5 - x, unary()),
    OpCase("mul", lambda lib, x, y: x * y, broadcast(ANY, ANY)),
    OpCase("mul_fn", lambda lib, x, y: lib.mul(x, y), broadcast(ANY, ANY)),
    OpCase("rmul_scalar", lambda lib, x: 3 * x, unary()),
    OpCase("mul_self", lambda lib, x: x * x, unary()),
    OpCase("div", lambda lib, x, y: x / y, broadcast(ANY, NONZERO)),
    OpCase("div_fn", lambda lib, x, y: lib.div(x, y), broadcast(ANY, NONZERO)),
    OpCase("div_scalar", lambda lib, x: x / 4, unary()),
    OpCase("rdiv_scalar", lambda lib, x: 2.5 / x, unary(**NONZERO)),
    OpCase("neg", lambda lib, x: -x, unary()),
    OpCase("neg_fn", lambda lib, x: lib.neg(x), unary()),
    OpCase("pow_int", lambda lib, x: x**3, unary()),
    OpCase("pow_square", lambda lib, x: x**2, unary()),
    OpCase("pow_float", lambda lib, x: x**1.5, unary(**POSITIVE)),
    OpCase("pow_negative", lambda lib, x: x**-0.5, unary(**POSITIVE)),
    OpCase("pow_zero", lambda lib, x: x**0, unary()),
    OpCase("pow_fn", lambda lib, x: lib.pow(x, 2.5), unary(**POSITIVE)),
    OpCase("rpow_scalar", lambda lib, x: 2.5**x, unary()),
    OpCase("pow_tensor", lambda lib, x, y: x**y, broadcast(POSITIVE, OFF_ZERO)),
    OpCase("pow_tensor_0d", lambda lib, x, y: x**y, args(floats(**POSITIVE), floats((), **OFF_ZERO))),
    # An exponent of exactly 0: PyTorch's backward is where(b = 0, 0, b·aᵇ⁻¹), whose own derivative in b
    # is 0 there (not 1/a), so its second derivative disagrees with finite differences: no gradcheck.
    OpCase("pow_tensor_zero_exponent", lambda lib, x, y: x ** (y * 0), broadcast(POSITIVE, ANY), gradcheck=False),
    OpCase("square", lambda lib, x: lib.square(x), unary()),
    # ----- unary maths -----
    OpCase("exp", lambda lib, x: x.exp(), unary()),
    OpCase("exp_fn", lambda lib, x: lib.exp(x), unary()),
    OpCase("log", lambda lib, x: x.log(), unary(min_value=0.1)),
    OpCase("log_fn", lambda lib, x: lib.log(x), unary(min_value=0.1)),
    OpCase("sqrt", lambda lib, x: x.sqrt(), unary(min_value=0.1)),
    OpCase("sqrt_fn", lambda lib, x: lib.sqrt(x), unary(min_value=0.1)),
    OpCase("tanh", lambda lib, x: x.tanh(), unary()),
    OpCase("tanh_fn", lambda lib, x: lib.tanh(x), unary()),
    OpCase("sigmoid", lambda lib, x: x.sigmoid(), unary(min_value=-8.0, max_value=8.0)),
    OpCase("sigmoid_fn", lambda lib, x: lib.sigmoid(x), unary()),
    OpCase("relu", lambda lib, x: x.relu(), unary(avoid=(0.0,))),
    OpCase("relu_fn", lambda lib, x: lib.relu(x), unary(avoid=(0.0,))),
    OpCase("abs", lambda lib, x: x.abs(), unary(avoid=(0.0,))),
    OpCase("abs_builtin", lambda lib, x: abs(x), unary(avoid=(0.0,))),
    OpCase("clamp", lambda lib, x: x.clamp(-1.0, 1.0), unary(avoid=(-1.0, 1.0))),
    OpCase("clamp_min", lambda lib, x: x.clamp(min=0.5), unary(avoid=(0.5,))),
    OpCase("clamp_max", lambda lib, x: lib.clamp(x, max=-0.5), unary(avoid=(-0.5,))),
    OpCase("clip", lambda lib, x: x.clip(-1, 1), unary(avoid=(-1.0, 1.0))),
    # x keeps away from y's grid values: finite differences cannot see near-ties
    OpCase("maximum", lambda lib, x, y: lib.maximum(x, y), broadcast(OFF_GRID, ties)),
    OpCase("minimum", lambda lib, x, y: lib.minimum(y, x), broadcast(OFF_GRID, ties)),
    OpCase("maximum_ties", lambda lib, x, y: lib.maximum(x, y), args(ties((2, 3)), ties((2, 3))), gradcheck=False),
    OpCase("minimum_ties", lambda lib, x, y: lib.minimum(x, y), args(ties((2, 3)), ties((3,))), gradcheck=False),
]
