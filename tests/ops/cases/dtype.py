"""Dtypes: casts and mixed float32/float64 graphs (the gradient of a cast comes back in the input's dtype)."""
from __future__ import annotations

import numpy as np

from tests.ops.cases.base import ANY, OpCase, args, broadcast, floats, unary

CASES = [
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
]
