"""Gradient checking: compare backward's Jacobian with central finite differences.

For a function ``f`` of tensors, the analytic Jacobian comes from backward (one pass per
output element, with a one-hot upstream gradient) and the numerical one from
``(f(x + eps) - f(x - eps)) / (2 eps)`` for each input element. They must agree to within
``atol + rtol * |numerical|`` everywhere. Use float64 inputs: float32 rounding swamps eps.

A failure names the input, the element, both values, and whether the element sits at a *kink*
or a *tie* (relu at 0, the max of equal values), where the function has no derivative and the
two one-sided differences disagree, so no finite difference can be trusted there.

``fast_mode=True`` checks one random direction per input and output instead of the whole
Jacobian (``v·J·u`` against the central difference along ``u``, Chainer's ``check_backward``
idea): one backward instead of one per output element. When it fails, the full check runs to
explain where.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Sequence, Union

import numpy as np

from minitorch.autograd import grad_mode
from minitorch.autograd.api import grad
from minitorch.backend import array_module
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
    *,
    fast_mode: bool = False,
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
            if fast_mode:
                failure = _fast_failure(func, inputs, in_index, out_index, output, eps, atol, rtol)
                if failure is None:
                    continue
                if not raise_exception:
                    return False
                try:  # the full check explains where
                    gradcheck(func, inputs, eps, atol, rtol)
                except GradcheckError as full:
                    raise GradcheckError(f"{failure}; the full check (fast_mode=False) says:\n{full}") from None
                raise GradcheckError(failure + "\n(the full check with fast_mode=False passes: the mismatch is small)")
            analytic = _analytic_jacobian(func, inputs, in_index, out_index, output)
            numerical = _numerical_jacobian(func, inputs, in_index, out_index, eps)
            error = np.abs(analytic - numerical) - (atol + rtol * np.abs(numerical))
            if error.size and error.max() > 0:
                report = _report(func, inputs, analytic, numerical, error, in_index, out_index, eps, atol, rtol)
                if not raise_exception:
                    return False
                raise GradcheckError(report)
    return True


def gradgradcheck(
    func: Callable[..., Any],
    inputs: Union[Tensor, Sequence[Any]],
    grad_outputs: Any = None,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    gen_non_contig_grad_outputs: bool = False,
    raise_exception: bool = True,
    *,
    fast_mode: bool = False,
) -> bool:
    """True if second derivatives from double backward match finite differences of the first.

    The first derivative ``g(x, v) = vᵀ·∂func/∂x`` for random upstream gradients ``v`` is itself
    a function of ``x`` and ``v``, computed by ``grad(..., create_graph=True)``; this runs
    :func:`gradcheck` on it, which differentiates it once more by backward and compares.
    """
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    outputs = _outputs_of(func, inputs)
    differentiable = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    if grad_outputs is None:
        generator = np.random.default_rng(0)
        grad_outputs = []
        for out in outputs:
            values = generator.standard_normal(tuple(out.shape) + ((2,) if gen_non_contig_grad_outputs else ()))
            values = _like(out._data, values)[..., 0] if gen_non_contig_grad_outputs else _like(out._data, values)
            grad_outputs.append(Tensor._wrap(values, requires_grad=out.dtype == np.float64))
    grad_outputs = [grad_outputs] if isinstance(grad_outputs, Tensor) else list(grad_outputs)
    count = len(inputs)

    @grad_mode.enable_grad()  # also while gradcheck's finite differences run under no_grad
    def first_derivative(*values: Any) -> tuple:
        xs, vs = values[:count], values[count:]
        outs = _outputs_of(func, xs)
        wanted = [x for x in xs if isinstance(x, Tensor) and x.requires_grad]
        pairs = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]
        if not pairs:
            return tuple(Tensor._wrap(array_module(x._data).zeros_like(x._data)) for x in wanted)
        return grad([o for o, _ in pairs], wanted, [v for _, v in pairs], create_graph=True,
                    materialize_grads=True)

    if not differentiable:
        raise ValueError("gradgradcheck expects at least one input tensor with requires_grad=True")
    return gradcheck(first_derivative, inputs + tuple(grad_outputs), eps, atol, rtol, raise_exception,
                     fast_mode=fast_mode)


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
        one_hot = array_module(output._data).zeros(output.numel(), dtype=output._data.dtype)  # on its device
        one_hot[j] = 1
        seed = Tensor._wrap(one_hot.reshape(output.shape))
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


def _fast_failure(func: Callable[..., Any], inputs: tuple, in_index: int, out_index: int, output: Tensor,
                  eps: float, atol: float, rtol: float) -> Any:
    """None when ``v·J·u`` from backward matches the central difference along ``u``, else a message.

    Output elements that are NaN (at or near the point) are left out of ``v``, as the full check
    leaves them out (a NaN never counts as a mismatch there)."""
    target = inputs[in_index]
    generator = np.random.default_rng(0)
    u = generator.uniform(-1, 1, target.shape)
    v = generator.uniform(-1, 1, output.shape)
    values = target._data
    original = values.copy()
    with grad_mode.no_grad():
        values += _like(values, eps * u)
        plus = _outputs_of(func, inputs)[out_index]._cpu_array().astype(np.float64)
        values[...] = original - _like(values, eps * u)
        minus = _outputs_of(func, inputs)[out_index]._cpu_array().astype(np.float64)
        values[...] = original
    v = np.where(np.isnan(plus) | np.isnan(minus), 0.0, v)
    numerical = float((v * np.nan_to_num(plus - minus) / (2 * eps)).sum())
    analytic = 0.0
    if output.requires_grad:
        fresh = _outputs_of(func, inputs)[out_index]
        seed = Tensor._wrap(_like(fresh._data, v))
        (g,) = grad(fresh, [target], grad_outputs=[seed], allow_unused=True)
        analytic = 0.0 if g is None else float(np.nansum(g._cpu_array() * u))
    tolerance = atol * np.abs(u).sum() * np.abs(v).sum() + rtol * abs(numerical)
    if abs(analytic - numerical) <= tolerance:
        return None
    return (f"Jacobian mismatch for output {out_index} with respect to input {in_index} in fast mode: along a "
            f"random direction, v·J·u is {analytic:.8g} from backward but {numerical:.8g} by finite differences")


def _like(array: Any, values: np.ndarray) -> Any:
    """``values`` as an array of ``array``'s kind (NumPy or CuPy) and dtype."""
    return array_module(array).asarray(values, dtype=array.dtype)


def _report(func: Callable[..., Any], inputs: tuple, analytic: np.ndarray, numerical: np.ndarray,
            error: np.ndarray, in_index: int, out_index: int, eps: float, atol: float, rtol: float) -> str:
    """The worst element first (which input, which element, both values), then any kinks or ties."""
    row, column = np.unravel_index(np.argmax(error), error.shape)
    target = inputs[in_index]
    output_shape = _outputs_of(func, inputs)[out_index].shape
    element = tuple(int(i) for i in np.unravel_index(column, target.shape))
    lines = [
        f"Jacobian mismatch for output {out_index} with respect to input {in_index}: worst at output element "
        f"{row}, input element {column}: analytic {analytic[row, column]:.8g} vs numerical "
        f"{numerical[row, column]:.8g}",
        f"that is d output{out_index}{_index(row, output_shape)} / d input{in_index}{list(element)} "
        f"at input{in_index}{list(element)} = {target._cpu_array()[element]:.8g}; allowed difference "
        f"{atol + rtol * abs(numerical[row, column]):.3g} (atol + rtol * |numerical|)",
    ]
    columns = np.unique(np.nonzero(error > 0)[1])
    for kink in [c for c in columns if _at_kink(func, inputs, in_index, out_index, int(c), eps, atol, rtol)][:5]:
        where = _index(kink, target.shape)
        warning = (f"input{in_index}{where} = {target._cpu_array()[tuple(where)]:.8g} sits at a kink or a tie (e.g. "
                   "relu at 0, max of equal values): the one-sided differences disagree, so finite differences "
                   "are meaningless there; move the input away from it")
        warnings.warn(warning, RuntimeWarning, stacklevel=4)
        lines.append("warning: " + warning)
    lines.append(f"analytic:\n{analytic}\nnumerical:\n{numerical}")
    return "\n".join(lines)


def _index(flat: int, shape: tuple) -> list:
    return [int(i) for i in np.unravel_index(flat, shape)]


def _at_kink(func: Callable[..., Any], inputs: tuple, in_index: int, out_index: int, column: int, eps: float,
             atol: float, rtol: float) -> bool:
    """Do the right and left differences of some output element disagree at input element ``column``?"""
    values = inputs[in_index]._data
    position = np.unravel_index(column, values.shape)
    original = values[position].item()
    with grad_mode.no_grad():
        at = _outputs_of(func, inputs)[out_index]._cpu_array().astype(np.float64)
        values[position] = original + eps
        right = (_outputs_of(func, inputs)[out_index]._cpu_array().astype(np.float64) - at) / eps
        values[position] = original - eps
        left = (at - _outputs_of(func, inputs)[out_index]._cpu_array().astype(np.float64)) / eps
        values[position] = original
    return bool((np.abs(right - left) > 10 * (atol + rtol * np.maximum(np.abs(right), np.abs(left)))).any())
