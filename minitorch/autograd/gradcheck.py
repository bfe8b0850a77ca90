"""Gradient checking: compare backward's Jacobian with central finite differences.

For a function ``f`` of tensors, the analytic Jacobian comes from backward (one pass per
output element, with a one-hot upstream gradient) and the numerical one from
``(f(x + eps) - f(x - eps)) / (2 eps)`` for each input element. They must agree to within
``atol + rtol * |numerical|`` everywhere. Use float64 inputs: float32 rounding swamps eps.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence, Union

import numpy as np

from minitorch.autograd import grad_mode
from minitorch.autograd.api import grad
from minitorch.tensor import Tensor


class GradcheckError(RuntimeError):
    """Raised by :func:`gradcheck` when analytic and numerical gradients disagree."""


def gradcheck(
    func: Callable[..., Any],
    inputs: Union[Tensor, Sequence[Any]],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """True if backward's gradients of ``func(*inputs)`` match finite differences, else raise."""
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    differentiable = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not differentiable:
        raise ValueError("gradcheck expects at least one input tensor with requires_grad=True")
    for i in differentiable:
        if inputs[i].dtype != np.float64:
            raise GradcheckError(
                f"input {i} is {inputs[i].dtype}: gradcheck needs float64 inputs, since float32 rounding "
                "swamps the finite-difference step"
            )
    outputs = _outputs_of(func, inputs)
    for out_index, output in enumerate(outputs):
        for in_index in differentiable:
            analytic = _analytic_jacobian(func, inputs, in_index, out_index, output)
            numerical = _numerical_jacobian(func, inputs, in_index, out_index, eps)
            error = np.abs(analytic - numerical) - (atol + rtol * np.abs(numerical))
            if error.size and error.max() > 0:
                if not raise_exception:
                    return False
                raise GradcheckError(_report(analytic, numerical, error, in_index, out_index))
    return True


def _outputs_of(func: Callable[..., Any], inputs: tuple) -> list:
    result = func(*inputs)
    return [result] if isinstance(result, Tensor) else [r for r in result if isinstance(r, Tensor)]


def _analytic_jacobian(func: Callable[..., Any], inputs: tuple, in_index: int, out_index: int,
                       output: Tensor) -> np.ndarray:
    """Row j: the gradient of output element j with respect to input ``in_index``."""
    target = inputs[in_index]
    jacobian = np.zeros((output.numel(), target.numel()))
    if not output.requires_grad:
        return jacobian
    for j in range(output.numel()):
        fresh = _outputs_of(func, inputs)[out_index]
        one_hot = np.zeros(output.numel())
        one_hot[j] = 1.0
        seed = Tensor._wrap(one_hot.reshape(output.shape).astype(output.dtype))
        (g,) = grad(fresh, [target], grad_outputs=[seed], allow_unused=True)
        if g is not None:
            jacobian[j] = g._cpu_array().reshape(-1)
    return jacobian


def _numerical_jacobian(func: Callable[..., Any], inputs: tuple, in_index: int, out_index: int,
                        eps: float) -> np.ndarray:
    """Column k: the central difference of every output element when input element k moves."""
    values = inputs[in_index]._data
    columns = []
    with grad_mode.no_grad():
        for position in np.ndindex(values.shape):
            original = values[position].item()
            values[position] = original + eps
            plus = _outputs_of(func, inputs)[out_index]._cpu_array().astype(np.float64).reshape(-1)
            values[position] = original - eps
            minus = _outputs_of(func, inputs)[out_index]._cpu_array().astype(np.float64).reshape(-1)
            values[position] = original
            columns.append((plus - minus) / (2 * eps))
    if not columns:  # an empty input: a Jacobian with no columns
        return np.zeros((_outputs_of(func, inputs)[out_index].numel(), 0))
    return np.stack(columns, axis=1)


def _report(analytic: np.ndarray, numerical: np.ndarray, error: np.ndarray, in_index: int,
            out_index: int) -> str:
    row, column = np.unravel_index(np.argmax(error), error.shape)
    return (
        f"Jacobian mismatch for output {out_index} with respect to input {in_index}: worst at "
        f"output element {row}, input element {column}: analytic {analytic[row, column]:.8g} vs "
        f"numerical {numerical[row, column]:.8g}\nanalytic:\n{analytic}\nnumerical:\n{numerical}"
    )
