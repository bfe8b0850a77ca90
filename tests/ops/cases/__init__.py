"""The op table: every :class:`~tests.ops.cases.base.OpCase`, gathered from one file per kind of op.

To add a case, append it to the ``CASES`` list of its kind (or add a file and name it in
``KINDS``); ``tests/ops/test_op_parity.py`` and ``tests/ops/test_op_gradcheck.py`` pick it up.
"""
from tests.ops.cases import (
    activation, conv, dtype, elementwise, graph, index, linalg, linear, loss, nn_surface_a, nn_surface_b, normalization, padding,
    pool, reduce, shape, tensor_surface_a, tensor_surface_b,
)
from tests.ops.cases.base import OpCase

KINDS = [elementwise, reduce, linalg, shape, index, dtype, graph,
         linear, activation, conv, pool, normalization, padding, loss, nn_surface_a, nn_surface_b, tensor_surface_a, tensor_surface_b]
CASES: list[OpCase] = [case for kind in KINDS for case in kind.CASES]

__all__ = ["CASES", "KINDS", "OpCase"]
