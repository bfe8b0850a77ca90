"""``repr(tensor)`` in PyTorch's format: ``tensor([1., 2.], requires_grad=True)``."""
from __future__ import annotations

from typing import Any

import numpy as np

from minitorch import dtypes

_SHOWN_DTYPES = {dtypes.float32, dtypes.int64, dtypes.bool_}


def tensor_repr(tensor: Any) -> str:
    values = tensor._cpu_array()
    body = np.array2string(
        values, separator=", ", prefix="tensor(", threshold=1000, edgeitems=3,
        formatter={"bool": lambda v: "True" if v else "False"}, precision=4,
    )
    extras = []
    if tensor.is_cuda:
        extras.append(f"device='{tensor.device}'")
    if values.dtype not in _SHOWN_DTYPES or values.size == 0:
        extras.append(f"dtype=minitorch.{values.dtype}")
    if tensor.grad_fn is not None:
        extras.append(f"grad_fn=<{tensor.grad_fn.name()}>")
    elif tensor.requires_grad:
        extras.append("requires_grad=True")
    return "tensor(" + ", ".join([body] + extras) + ")"
