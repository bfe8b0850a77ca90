"""``minitorch.linalg``: PyTorch's ``torch.linalg`` namespace.

The code lives with the other ops: solvers and decompositions in ``ops/decompositions.py``,
norms in ``ops/matrix_norms.py``, products in ``ops/linalg.py``, ``ops/products.py`` and
``ops/einsum.py``. This module only gathers the names.
"""
from minitorch.ops.decompositions import (  # noqa: F401
    EighResult, LstsqResult, QRResult, SlogdetResult, SVDResult, cholesky, det, eigh, eigvalsh, inv, lstsq,
    pinv, qr, slogdet, solve, svd, svdvals,
)
from minitorch.ops.linalg import matmul  # noqa: F401
from minitorch.ops.matrix_norms import matrix_norm, norm, vector_norm  # noqa: F401
from minitorch.ops.products import linalg_cross as cross  # noqa: F401
from minitorch.ops.products import matrix_power  # noqa: F401


def multi_dot(tensors: list) -> "Tensor":  # noqa: F821  (a string: Tensor is not imported here)
    """``A @ B @ C ...`` of a list of matrices (1-D first and last operands act as vectors)."""
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    result = tensors[0]
    for other in tensors[1:]:
        result = matmul(result, other)
    return result
