"""All of a model's parameters as one flat vector, and back (for second-order or evolutionary methods)."""
from __future__ import annotations

from typing import Iterable

from minitorch.ops.shape import cat
from minitorch.tensor import Tensor


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """The parameters flattened and concatenated, in order (differentiable, a new tensor)."""
    parameters = list(parameters)
    _check_one_device(parameters)
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of ``vec`` into the parameters (each takes as many values as it has)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    parameters = list(parameters)
    _check_one_device(parameters)
    needed = sum(p.numel() for p in parameters)
    if vec.ndim != 1 or vec.numel() < needed:
        raise RuntimeError(f"vector_to_parameters: a vector of size {list(vec.shape)} cannot fill {needed} parameters")
    pointer = 0
    for param in parameters:
        count = param.numel()
        param.data = Tensor._wrap(vec._data[pointer:pointer + count].reshape(param.shape))
        pointer += count


def _check_one_device(parameters: list) -> None:
    devices = {str(p.device) for p in parameters}
    if len(devices) > 1:
        raise TypeError(f"Found two parameters on different devices, these are {' and '.join(sorted(devices))}")
