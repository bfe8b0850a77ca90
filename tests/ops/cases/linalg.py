"""Matrix products: matmul in every rank combination, mm, bmm, dot."""
from __future__ import annotations

from tests.ops.cases.base import OpCase, matmul_pair

CASES = [
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
]
