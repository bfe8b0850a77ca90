"""Shape ops: reshape/view, transpose/permute, flatten, squeeze/unsqueeze, expand, cat/stack/split."""
from __future__ import annotations

from minitorch.testing import shapes
from tests.ops.cases.base import AT_LEAST_1D, MATRIX, THREE_D, OpCase, args, floats, unary

CASES = [
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
]
