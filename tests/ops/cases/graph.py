"""Empty tensors (PyTorch allows them) and graphs of several ops."""
from __future__ import annotations

from tests.ops.cases.base import MATRIX, WITH_EMPTY, OpCase, args, floats, unary

CASES = [
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
