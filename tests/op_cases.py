"""The op table: one declarative entry per op case, driving two test files.

* ``test_ops_parity.py`` runs each case on minitorch and on PyTorch (float64 unless the case
  says otherwise) and compares the outputs and the gradient of every differentiable input,
  for a random upstream gradient.
* ``test_ops_gradcheck.py`` compares each case's backward with finite differences
  (:func:`minitorch.gradcheck`).

A case's ``fn(lib, *inputs)`` is written once for both libraries: ``lib`` is ``minitorch`` or
``torch``, and ``inputs`` are tensors built from the NumPy arrays its ``inputs`` strategy draws.
Float inputs are differentiable unless ``grad`` names the ones that are.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from minitorch.testing import arrays, broadcastable_shapes, integer_arrays, shapes


@dataclass(frozen=True)
class OpCase:
    name: str
    fn: Callable[..., Any]
    inputs: st.SearchStrategy  # tuples of NumPy arrays
    grad: Optional[tuple] = None  # indices of the differentiable inputs; None: every float input
    rtol: float = 1e-7  # parity tolerances (float64 results computed in a different order)
    atol: float = 1e-10
    gradcheck: bool = True  # False where finite differences mean nothing (ties, float32, no gradient)

    def requires_grad(self, index: int, array: np.ndarray) -> bool:
        if array.dtype.kind != "f":
            return False
        return self.grad is None or index in self.grad

    def __str__(self) -> str:
        return self.name


# ----- input strategies -----
SMALL = shapes(min_dims=0, max_dims=3, max_side=3)
MATRIX = shapes(min_dims=2, max_dims=2, max_side=4)
AT_LEAST_1D = shapes(min_dims=1, max_dims=3, max_side=3)
AT_LEAST_2D = shapes(min_dims=2, max_dims=3, max_side=3)
THREE_D = shapes(min_dims=3, max_dims=3, min_side=2, max_side=3)
WITH_EMPTY = shapes(min_dims=1, max_dims=3, min_side=0, max_side=3)


def floats(shape: Any = SMALL, **options: Any) -> st.SearchStrategy:
    """One float64 array (see :func:`minitorch.testing.arrays` for ``options``)."""
    return arrays(shape, **options)


def args(*parts: st.SearchStrategy) -> st.SearchStrategy:
    return st.tuples(*parts)


def unary(shape: Any = SMALL, **options: Any) -> st.SearchStrategy:
    return args(floats(shape, **options))


def broadcast(*options: Any, min_dims: int = 0, max_dims: int = 3) -> st.SearchStrategy:
    """Arrays of mutually broadcastable shapes, one per option: a dict of :func:`arrays` options,
    or a function from a shape to a strategy (such as :func:`ties`)."""

    def draw(shape: tuple, option: Any) -> st.SearchStrategy:
        return option(shape) if callable(option) else arrays(shape, **option)

    return broadcastable_shapes(len(options), min_dims=min_dims, max_dims=max_dims).flatmap(
        lambda drawn: st.tuples(*(draw(shape, option) for shape, option in zip(drawn, options)))
    )


def ties(shape: Any = shapes(min_dims=1, max_dims=2, max_side=4)) -> st.SearchStrategy:
    """Float arrays from {-1, 0, 1}: equal elements (ties) are the rule, not the exception."""
    return hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 0.0, 1.0]))


def masks(shape: tuple) -> st.SearchStrategy:
    return hnp.arrays(np.bool_, shape)


def matmul_pair(left: str, right: str) -> st.SearchStrategy:
    """Matmul operands by pattern: ``n, k, m`` (1-3, shared ``k``), batch sizes ``b`` = 2, ``c`` = 3, ``1``.

    ``matmul_pair("k", "km")`` is a vector times a matrix, ``matmul_pair("b1nk", "ckm")`` a
    batch product whose batch dimensions broadcast to ``(2, 3)``.
    """
    sizes = st.fixed_dictionaries({"n": st.integers(1, 3), "k": st.integers(1, 3), "m": st.integers(1, 3)})

    def operands(drawn: dict) -> st.SearchStrategy:
        lookup = {**drawn, "b": 2, "c": 3, "1": 1, "0": 0}
        return args(floats(tuple(lookup[c] for c in left)), floats(tuple(lookup[c] for c in right)))

    return sizes.flatmap(operands)


NONZERO = dict(avoid=(0.0,), margin=0.5)
POSITIVE = dict(min_value=0.5, max_value=2.0)
ANY: dict = {}
OFF_GRID = dict(avoid=(-1.0, 0.0, 1.0))  # away from the values of ties()


# ----- the ops, as fn(lib, *inputs) -----
def _set_row(lib: Any, x: Any, v: Any) -> Any:
    y = x * 1
    y[0] = v
    return y


def _set_slice_scalar(lib: Any, x: Any) -> Any:
    y = x * 1
    y[:, 1:] = 0.5
    return y


def _set_mask(lib: Any, x: Any, mask: Any) -> Any:
    y = x * 1
    y[mask] = 0.0
    return y


def _set_mask_tensor(lib: Any, x: Any, v: Any) -> Any:
    y = x * 1
    y[x > 0] = v
    return y


def _set_fancy(lib: Any, x: Any, v: Any) -> Any:
    y = x * 1
    y[[2, 0]] = v
    return y


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
    OpCase("pow_tensor", lambda lib, x, y: x**y, broadcast(POSITIVE, ANY)),
    OpCase("pow_tensor_0d", lambda lib, x, y: x**y, args(floats(**POSITIVE), floats(()))),
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
    # ----- matrix products -----
    OpCase("matmul_vec_vec", lambda lib, a, b: a @ b, matmul_pair("k", "k")),
    OpCase("matmul_vec_mat", lambda lib, a, b: a @ b, matmul_pair("k", "km")),
    OpCase("matmul_mat_vec", lambda lib, a, b: a @ b, matmul_pair("nk", "k")),
    OpCase("matmul_mat_mat", lambda lib, a, b: lib.matmul(a, b), matmul_pair("nk", "km")),
    OpCase("matmul_batched", lambda lib, a, b: a @ b, matmul_pair("bnk", "bkm")),
    OpCase("matmul_batch_mat", lambda lib, a, b: a @ b, matmul_pair("bnk", "km")),
    OpCase("matmul_mat_batch", lambda lib, a, b: a.matmul(b), matmul_pair("nk", "bkm")),
    OpCase("matmul_broadcast_batch", lambda lib, a, b: a @ b, matmul_pair("b1nk", "ckm")),
    OpCase("matmul_batch_vec", lambda lib, a, b: a @ b, matmul_pair("bnk", "k")),
    OpCase("matmul_vec_batch", lambda lib, a, b: a @ b, matmul_pair("k", "bkm")),
    OpCase("matmul_empty_inner", lambda lib, a, b: a @ b, matmul_pair("n0", "0m")),
    OpCase("mm", lambda lib, a, b: lib.mm(a, b), matmul_pair("nk", "km")),
    OpCase("bmm", lambda lib, a, b: a.bmm(b), matmul_pair("bnk", "bkm")),
    OpCase("dot", lambda lib, a, b: lib.dot(a, b), matmul_pair("k", "k")),
    # ----- shapes -----
    OpCase("reshape_flat", lambda lib, x: x.reshape(-1), unary()),
    OpCase("reshape_infer", lambda lib, x: x.reshape(3, -1), unary((2, 3, 2))),
    OpCase("reshape_fn", lambda lib, x: lib.reshape(x, (2, 1, -1)), unary((3, 2))),
    OpCase("view", lambda lib, x: x.view(-1, 2), unary((2, 3, 2), contiguous=True)),
    OpCase("view_tuple", lambda lib, x: x.view((4, 3)), unary((2, 6), contiguous=True)),
    OpCase("view_as", lambda lib, x, y: x.view_as(y), args(floats((2, 3), contiguous=True), floats((3, 2)))),
    OpCase("transpose", lambda lib, x: x.transpose(0, -1), unary(AT_LEAST_1D)),
    OpCase("transpose_fn", lambda lib, x: lib.transpose(x, 1, 2), unary(THREE_D)),
    OpCase("permute", lambda lib, x: x.permute(2, 0, 1), unary(THREE_D)),
    OpCase("permute_tuple_fn", lambda lib, x: lib.permute(x, (1, -1, 0)), unary(THREE_D)),
    OpCase("T", lambda lib, x: x.T * 1, unary(MATRIX)),
    OpCase("mT", lambda lib, x: x.mT, unary(THREE_D)),
    OpCase("t", lambda lib, x: x.t(), unary(shapes(1, 2))),
    OpCase("flatten", lambda lib, x: x.flatten(), unary()),
    OpCase("flatten_from", lambda lib, x: lib.flatten(x, 1), unary(THREE_D)),
    OpCase("flatten_range", lambda lib, x: x.flatten(0, 1), unary(THREE_D)),
    OpCase("squeeze", lambda lib, x: x.squeeze(), unary((1, 3, 1))),
    OpCase("squeeze_dim", lambda lib, x: x.squeeze(0), unary((1, 3, 1))),
    OpCase("squeeze_non_one", lambda lib, x: lib.squeeze(x, 1), unary((1, 3, 1))),
    OpCase("unsqueeze", lambda lib, x: x.unsqueeze(1), unary(AT_LEAST_1D)),
    OpCase("unsqueeze_neg", lambda lib, x: lib.unsqueeze(x, -1), unary()),
    OpCase("expand", lambda lib, x: x.expand(2, 3, 4), unary((3, 1))),
    OpCase("expand_keep", lambda lib, x: x.expand(4, -1, 2), unary((3, 1))),
    OpCase("expand_as", lambda lib, x, y: x.expand_as(y), args(floats((1, 3)), floats((2, 3)))),
    OpCase("broadcast_to", lambda lib, x: lib.broadcast_to(x, (2, 3)), unary((3,))),
    OpCase("contiguous", lambda lib, x: x.t().contiguous().view(-1), unary(MATRIX)),
    OpCase("clone", lambda lib, x: x.clone(), unary()),
    OpCase("clone_then_op", lambda lib, x: x.clone() * x, unary()),
    # ----- indexing -----
    OpCase("index_int", lambda lib, x: x[1], unary((3, 4))),
    OpCase("index_negative_int", lambda lib, x: x[-1, 2], unary((3, 4))),
    OpCase("index_slices", lambda lib, x: x[1:, ::2], unary((3, 4))),
    OpCase("index_ellipsis_none", lambda lib, x: x[..., None, -1], unary((2, 3, 4))),
    OpCase("index_int_tensor_repeats", lambda lib, x, i: x[i], args(floats((3, 2)), integer_arrays((5,), 0, 2))),
    OpCase("index_int_list_repeats", lambda lib, x: x[[0, 0, 2, 0]], unary((3, 2))),
    OpCase("index_two_int_arrays", lambda lib, x, i, j: x[i, j],
           args(floats((3, 4)), integer_arrays((4,), 0, 2), integer_arrays((4,), -4, 3))),
    OpCase("index_slice_and_array", lambda lib, x, i: x[:, i], args(floats((2, 3)), integer_arrays((2, 2), 0, 2))),
    OpCase("index_mask", lambda lib, x, m: x[m], args(floats((3, 4)), masks((3, 4)))),
    OpCase("index_row_mask", lambda lib, x, m: x[m], args(floats((3, 4)), masks((3,)))),
    OpCase("index_mask_from_values", lambda lib, x: x[x > 0], unary((3, 4), avoid=(0.0,))),
    OpCase("setitem_row", _set_row, args(floats((3, 4)), floats((4,)))),
    OpCase("setitem_row_broadcast", _set_row, args(floats((3, 4)), floats((1,)))),
    OpCase("setitem_slice_scalar", _set_slice_scalar, unary((3, 4))),
    OpCase("setitem_mask", _set_mask, args(floats((3, 4)), masks((3, 4)))),
    OpCase("setitem_mask_0d_value", _set_mask_tensor, args(floats((3, 4), avoid=(0.0,)), floats(()))),
    OpCase("setitem_int_list", _set_fancy, args(floats((3, 2)), floats((2, 2)))),
    # ----- joining and splitting -----
    OpCase("cat", lambda lib, x, y: lib.cat([x, y]), args(floats((2, 3)), floats((1, 3)))),
    OpCase("cat_dim", lambda lib, x, y, z: lib.cat((x, y, z), dim=-1),
           args(floats((2, 1)), floats((2, 3)), floats((2, 2)))),
    OpCase("cat_constant", lambda lib, x, y: lib.cat([x, y], 1), args(floats((2, 1)), floats((2, 2))), grad=(0,)),
    OpCase("cat_empty", lambda lib, x, y: lib.cat([x, y], 0), args(floats((0, 3)), floats((2, 3)))),
    OpCase("stack", lambda lib, x, y: lib.stack([x, y]), args(floats((2, 3)), floats((2, 3)))),
    OpCase("stack_last", lambda lib, x, y: lib.stack([x, y, x], dim=-1), args(floats((3,)), floats((3,)))),
    OpCase("split", lambda lib, x: x.split(2), unary((5, 2))),
    OpCase("split_sizes", lambda lib, x: lib.split(x, [1, 3], dim=1), unary((2, 4))),
    OpCase("split_one_used", lambda lib, x: x.split(2, dim=1)[1] * 2, unary((2, 4))),
    OpCase("chunk", lambda lib, x: x.chunk(3), unary((5, 2))),
    OpCase("chunk_dim", lambda lib, x: lib.chunk(x, 2, dim=-1), unary((2, 3))),
    OpCase("unbind", lambda lib, x: x.unbind(1), unary((2, 3))),
    # ----- selection and comparisons -----
    OpCase("where", lambda lib, c, x, y: lib.where(c, x, y), args(masks((2, 3)), floats((2, 3)), floats((3,)))),
    OpCase("where_from_values", lambda lib, x, y: lib.where(x > 0, x, y * 2), broadcast(dict(avoid=(0.0,)), ANY)),
    OpCase("where_scalar", lambda lib, x: lib.where(x > 0, x, 0.0), unary(avoid=(0.0,))),
    OpCase("where_method", lambda lib, c, x, y: x.where(c, y), args(masks((3,)), floats((2, 3)), floats(()))),
    OpCase("masked_fill", lambda lib, x, m: x.masked_fill(m, -1.5), args(floats((2, 3)), masks((2, 3)))),
    OpCase("lt", lambda lib, x, y: x < y, broadcast(ANY, ANY), gradcheck=False),
    OpCase("le", lambda lib, x, y: x <= y, args(ties((2, 3)), ties((2, 3))), gradcheck=False),
    OpCase("gt_scalar", lambda lib, x: x > 0.5, unary(), gradcheck=False),
    OpCase("ge_fn", lambda lib, x, y: lib.ge(x, y), args(ties((2, 3)), ties((3,))), gradcheck=False),
    OpCase("eq", lambda lib, x, y: x == y, args(ties((2, 3)), ties((2, 3))), gradcheck=False),
    OpCase("ne_scalar", lambda lib, x: x != 0, args(ties()), gradcheck=False),
    OpCase("eq_fn", lambda lib, x, y: lib.eq(x, y), args(ties((3,)), ties((2, 3))), gradcheck=False),
    # ----- dtypes: the gradient of a cast comes back in the input's dtype -----
    OpCase("to_float32", lambda lib, x: x.float(), unary(), rtol=1e-6, atol=1e-6, gradcheck=False),
    OpCase("float32_to_float64", lambda lib, x: x.double() * 2, args(floats(dtype=np.float32)),
           rtol=1e-6, atol=1e-6, gradcheck=False),
    OpCase("float32_round_trip", lambda lib, x: x.to(lib.float32).double() * 2, unary(),
           rtol=1e-6, atol=1e-6, gradcheck=False),
    OpCase("float32_times_float64", lambda lib, x, y: x.float() * y, broadcast(ANY, ANY),
           rtol=1e-6, atol=1e-6, gradcheck=False),
    OpCase("float32_times_float64_0d", lambda lib, x, y: x.float() * y, args(floats(), floats(())),
           rtol=1e-6, atol=1e-6, gradcheck=False),
    OpCase("float32_graph", lambda lib, x, y: ((x @ y).tanh() * 2.5).sum(0),
           args(floats((2, 3), dtype=np.float32), floats((3, 2), dtype=np.float32)),
           rtol=1e-4, atol=1e-5, gradcheck=False),  # float32 tanh saturates: 1 - y² cancels
    OpCase("float32_reductions", lambda lib, x: (x.exp().mean(0) + x.var(0)).max(),
           args(floats((3, 2), dtype=np.float32, distinct=True)), rtol=1e-5, atol=1e-6, gradcheck=False),
    # ----- empty tensors (PyTorch allows them) -----
    OpCase("add_empty", lambda lib, x, y: x + y, args(floats((0, 3)), floats((3,)))),
    OpCase("unary_empty", lambda lib, x: (x.exp() * 2).sigmoid(), unary(WITH_EMPTY)),
    OpCase("sum_empty", lambda lib, x: x.sum(0), unary((0, 3))),
    OpCase("mean_empty", lambda lib, x: x.mean(), unary((0, 2)), gradcheck=False),
    OpCase("max_dim_empty", lambda lib, x: x.max(1), unary((0, 3))),
    # ----- graphs of several ops -----
    OpCase("mlp_layer", lambda lib, x, w, b: (x @ w + b).relu().sum(1),
           args(floats((3, 2)), floats((2, 4)), floats((4,))), gradcheck=False),
    OpCase("softmax_by_hand", lambda lib, x: (x - x.max(1, keepdim=True).values).exp()
           / (x - x.max(1, keepdim=True).values).exp().sum(1, keepdim=True), unary(MATRIX, distinct=True)),
    OpCase("layer_norm_by_hand", lambda lib, x: (x - x.mean(-1, keepdim=True))
           / (x.var(-1, unbiased=False, keepdim=True) + 1e-5).sqrt(), unary((2, 3), distinct=True)),
    OpCase("diamond", lambda lib, x: x.exp() * x.tanh() + x.exp(), unary()),
]
from ops_cases_nn_b import CASES as _EXTRA  # noqa: E402
CASES += _EXTRA
