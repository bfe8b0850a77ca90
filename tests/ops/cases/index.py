"""Indexing and index assignment: ints, slices, integer arrays, masks; where, masked_fill, comparisons."""
from __future__ import annotations

from typing import Any

from minitorch.testing import integer_arrays
from tests.ops.cases.base import ANY, OpCase, args, broadcast, floats, masks, ties, unary


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
]
