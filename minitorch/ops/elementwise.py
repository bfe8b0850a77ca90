"""Elementwise ops: arithmetic, unary maths, comparisons, ``where`` and dtype casts.

Binary ops broadcast their inputs; their backward sums each gradient back to its input's
shape (:func:`unbroadcast`). Python numbers are passed through as constants: they need no
gradient and keep float32 tensors float32.
"""
from __future__ import annotations

from typing import Any, Optional, Union

import numpy as np

from minitorch import dtypes
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.broadcast import broadcast_shapes, unbroadcast
from minitorch.tensor import Tensor

Number = Union[int, float, bool]
Operand = Union[Tensor, Number]


# ----- turning operands into tensors of one dtype, as PyTorch does -----
def as_operand(value: Any, like: Tensor) -> Operand:
    """Python numbers stay numbers; NumPy scalars become numbers; arrays and lists become tensors."""
    if isinstance(value, np.generic):  # first: np.float64 is also a Python float
        return value.item()
    if isinstance(value, (Tensor, int, float)):
        return value
    if isinstance(value, (np.ndarray, list, tuple)) or hasattr(value, "__array_namespace__"):
        from minitorch.creation import tensor

        return tensor(value, device=like.device)
    raise TypeError(f"unsupported operand type {type(value).__name__} for a Tensor op")


def promote_operands(a: Tensor, b: Operand) -> tuple:
    """Cast ``a`` (and ``b``) to the dtype PyTorch would compute ``a op b`` in."""
    if isinstance(b, Tensor):
        if a._data.dtype == b._data.dtype:
            return a, b
        dtype = dtypes.promote(a._data.dtype, a._data.ndim, b._data.dtype, b._data.ndim)
        return cast(a, dtype), cast(b, dtype)
    dtype = dtypes.promote_with_scalar(a._data.dtype, b)
    return (a if dtype == a._data.dtype else cast(a, dtype)), b


def binary(op: type, a: Any, b: Any, reflected: bool = False, floating: bool = False) -> Tensor:
    """Apply a binary op (``b op a`` when ``reflected``), with promotion and clear shape errors.

    ``floating``: the result is a float even for integer operands (true division).
    """
    b = as_operand(b, a)
    a, b = promote_operands(a, b)
    if floating and a._data.dtype.kind != "f":
        a, b = promote_operands(cast(a, dtypes.default_float), b)
    left, right = (b, a) if reflected else (a, b)
    try:
        return op.apply(left, right)
    except ValueError:
        broadcast_shapes(op.__name__.lower(), _shape(left), _shape(right))
        raise


def _shape(value: Operand) -> tuple:
    return value.shape if isinstance(value, Tensor) else ()


def _shape_of(value: Any) -> tuple:
    return getattr(value, "shape", ())


# ----- arithmetic -----
class Add(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (_shape_of(a), _shape_of(b))
        return a + b

    @staticmethod
    def backward(ctx, grad):
        """d(a+b)/da = 1, d(a+b)/db = 1."""
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(grad, ctx.shapes[0]) if need_a else None,
            unbroadcast(grad, ctx.shapes[1]) if need_b else None,
        )


class Sub(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (_shape_of(a), _shape_of(b))
        return a - b

    @staticmethod
    def backward(ctx, grad):
        """d(a-b)/da = 1, d(a-b)/db = -1."""
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(grad, ctx.shapes[0]) if need_a else None,
            unbroadcast(-grad, ctx.shapes[1]) if need_b else None,
        )


class Mul(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (_shape_of(a), _shape_of(b))
        if ctx.needs_input_grad:  # recording: keep only what backward reads (x * 2 keeps no x)
            need_a, need_b = ctx.needs_input_grad
            ctx.save_for_backward(a if need_b else None, b if need_a else None)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        """d(ab)/da = b, d(ab)/db = a."""
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        shape_a, shape_b = ctx.shapes
        return (
            unbroadcast(grad * b, shape_a) if need_a else None,
            unbroadcast(grad * a, shape_b) if need_b else None,
        )


class Div(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        """d(a/b)/da = 1/b, d(a/b)/db = -a/b²."""
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(grad / b, _shape_of(a)) if need_a else None,
            unbroadcast(-grad * a / (b * b), _shape_of(b)) if need_b else None,
        )


class Pow(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        out = a**b
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        """d(aᵇ)/da = b·aᵇ⁻¹, d(aᵇ)/db = aᵇ·ln a (0 where a = 0 and b ≥ 0, as PyTorch)."""
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        xp = array_module(out)
        grad_a = grad_b = None
        with np.errstate(divide="ignore", invalid="ignore"):
            if need_a:
                if hasattr(b, "shape"):
                    local = xp.where(b == 0, 0, b * a ** (b - 1))
                else:  # a Python exponent; x**0 is constant, its gradient 0 even at x = 0
                    local = b * a ** (b - 1) if b != 0 else xp.zeros_like(a)
                grad_a = unbroadcast(grad * local, _shape_of(a))
            if need_b:
                local = xp.where((a == 0) & (b >= 0), 0, out * xp.log(a))
                grad_b = unbroadcast(grad * local, _shape_of(b))
        return grad_a, grad_b


class Neg(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        """d(-x)/dx = -1."""
        return -grad


def add(input: Tensor, other: Operand, *, alpha: Number = 1) -> Tensor:
    return binary(Add, input, other if alpha == 1 else other * alpha)


def sub(input: Tensor, other: Operand, *, alpha: Number = 1) -> Tensor:
    return binary(Sub, input, other if alpha == 1 else other * alpha)


def mul(input: Tensor, other: Operand) -> Tensor:
    return binary(Mul, input, other)


def div(input: Tensor, other: Operand, *, rounding_mode: Optional[str] = None) -> Tensor:
    """True division; integer inputs give float32, as in PyTorch."""
    if rounding_mode is not None:
        return _rounded_div(input, other, rounding_mode)
    return binary(Div, input, other, floating=True)


def _rounded_div(input: Tensor, other: Operand, mode: str) -> Tensor:
    if mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{mode}'")
    xp = array_module(input._data)
    divisor = other._data if isinstance(other, Tensor) else other
    quotient = input._data / divisor
    rounded = xp.trunc(quotient) if mode == "trunc" else xp.floor(quotient)
    if input._data.dtype.kind != "f":
        rounded = rounded.astype(input._data.dtype)
    return Tensor(rounded)


def pow(input: Tensor, exponent: Operand) -> Tensor:
    if isinstance(exponent, Tensor) or isinstance(exponent, float) or input._data.dtype.kind == "f":
        return binary(Pow, input, exponent)
    if exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return binary(Pow, input, exponent)


def rsub(input: Tensor, other: Operand) -> Tensor:
    return binary(Sub, input, other, reflected=True)


def rdiv(input: Tensor, other: Operand) -> Tensor:
    return binary(Div, input, other, reflected=True, floating=True)


def rpow(input: Tensor, base: Operand) -> Tensor:
    return binary(Pow, input, base, reflected=True)


def neg(input: Tensor) -> Tensor:
    if input._data.dtype == dtypes.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. "
            "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return Neg.apply(input)


# ----- unary maths -----
class Exp(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        y = array_module(x).exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        """d/dx eˣ = eˣ."""
        (y,) = ctx.saved_tensors
        return grad * y


class Log(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).log(x)

    @staticmethod
    def backward(ctx, grad):
        """d/dx ln x = 1/x."""
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        y = array_module(x).sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        """d/dx √x = 1/(2√x)."""
        (y,) = ctx.saved_tensors
        return grad / (2 * y)


class Tanh(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        y = array_module(x).tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        """d/dx tanh x = 1 - tanh² x."""
        (y,) = ctx.saved_tensors
        return grad * (1 - y * y)


class Sigmoid(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        xp = array_module(x)
        y = xp.exp(-xp.logaddexp(0, -x)).astype(x.dtype, copy=False)  # 1/(1+e⁻ˣ) without overflow
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        """d/dx σ(x) = σ(x)(1 - σ(x))."""
        (y,) = ctx.saved_tensors
        return grad * y * (1 - y)


class Relu(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        y = array_module(x).maximum(x, 0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        """d/dx relu(x) = 1[x > 0]."""
        (y,) = ctx.saved_tensors
        return grad * (y > 0)


class Abs(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).abs(x)

    @staticmethod
    def backward(ctx, grad):
        """d/dx |x| = sign(x) (0 at 0)."""
        (x,) = ctx.saved_tensors
        return grad * array_module(x).sign(x)


class Clamp(ArrayFunction):
    @staticmethod
    def forward(ctx, x, low, high):
        ctx.save_for_backward(x)
        ctx.bounds = (low, high)
        return array_module(x).clip(x, low, high)

    @staticmethod
    def backward(ctx, grad):
        """d/dx clamp(x, lo, hi) = 1[lo ≤ x ≤ hi]."""
        (x,) = ctx.saved_tensors
        low, high = ctx.bounds
        inside = True
        if low is not None:
            inside = x >= low
        if high is not None:
            inside = inside & (x <= high)
        return grad * inside, None, None


def exp(input: Tensor) -> Tensor:
    return Exp.apply(_floating(input))


def log(input: Tensor) -> Tensor:
    return Log.apply(_floating(input))


def sqrt(input: Tensor) -> Tensor:
    return Sqrt.apply(_floating(input))


def tanh(input: Tensor) -> Tensor:
    return Tanh.apply(_floating(input))


def sigmoid(input: Tensor) -> Tensor:
    return Sigmoid.apply(_floating(input))


def relu(input: Tensor) -> Tensor:
    return Relu.apply(input)


def abs(input: Tensor) -> Tensor:
    return Abs.apply(input)


def clamp(input: Tensor, min: Optional[Number] = None, max: Optional[Number] = None) -> Tensor:
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    for bound in (min, max):  # an integer tensor clamped to a float bound becomes float32
        if bound is not None:
            input = promote_operands(input, _plain(bound))[0]
    return Clamp.apply(input, _plain(min), _plain(max))


clip = clamp


def _plain(bound: Any) -> Any:
    return bound.item() if isinstance(bound, (Tensor, np.generic)) else bound


def square(input: Tensor) -> Tensor:
    return mul(input, input)


def _floating(input: Tensor) -> Tensor:
    """Integer tensors are computed in float32, as PyTorch does for exp, log, sqrt ..."""
    return input if input._data.dtype.kind == "f" else cast(input, dtypes.default_float)


class Extreme(ArrayFunction):
    """Elementwise maximum (or minimum) of two tensors; ties share the gradient equally."""

    @staticmethod
    def forward(ctx, a, b, largest):
        ctx.save_for_backward(a, b)
        ctx.largest = largest
        xp = array_module(a)
        return xp.maximum(a, b) if largest else xp.minimum(a, b)

    @staticmethod
    def backward(ctx, grad):
        """d max(a, b)/da = 1[a > b] + ½·1[a = b]."""
        a, b = ctx.saved_tensors
        wins = (a > b) if ctx.largest else (a < b)
        share = array_module(a).where(a == b, 0.5, wins).astype(grad.dtype, copy=False)
        need_a, need_b, _ = ctx.needs_input_grad
        return (
            unbroadcast(grad * share, a.shape) if need_a else None,
            unbroadcast(grad * (1 - share), b.shape) if need_b else None,
            None,
        )


def maximum(input: Tensor, other: Tensor) -> Tensor:
    return _extreme(input, other, largest=True)


def minimum(input: Tensor, other: Tensor) -> Tensor:
    return _extreme(input, other, largest=False)


def _extreme(input: Tensor, other: Any, largest: bool) -> Tensor:
    a, b = promote_operands(input, as_operand(other, input))
    try:
        return Extreme.apply(a, b, largest)
    except ValueError:
        broadcast_shapes("maximum" if largest else "minimum", _shape(a), _shape(b))
        raise


# ----- selection -----
class Where(ArrayFunction):
    @staticmethod
    def forward(ctx, condition, a, b):
        ctx.save_for_backward(condition)  # saved, so changing the mask in place is caught
        ctx.shapes = (_shape_of(a), _shape_of(b))
        return array_module(condition).where(condition, a, b)

    @staticmethod
    def backward(ctx, grad):
        """d where(c, a, b)/da = 1[c], d/db = 1[not c]."""
        _, need_a, need_b = ctx.needs_input_grad
        (condition,) = ctx.saved_tensors
        return (
            None,
            unbroadcast(grad * condition, ctx.shapes[0]) if need_a else None,
            unbroadcast(grad * ~condition, ctx.shapes[1]) if need_b else None,
        )


def where(condition: Tensor, input: Operand, other: Operand) -> Tensor:
    """``input`` where ``condition`` holds, else ``other`` (broadcast together)."""
    if condition.dtype != dtypes.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype {condition.dtype}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):  # two numbers: input decides
        from minitorch.creation import tensor

        input = tensor(input, device=condition.device)
    if isinstance(input, Tensor):
        input, other = promote_operands(input, as_operand(other, input))
    else:
        other, input = promote_operands(other, as_operand(input, other))
    try:
        return Where.apply(condition, input, other)
    except ValueError:
        broadcast_shapes("where", condition.shape, broadcast_shapes("where", _shape(input), _shape(other)))
        raise


def masked_fill(input: Tensor, mask: Tensor, value: Number) -> Tensor:
    return where(mask, _plain(value), input) if not isinstance(value, Tensor) else where(mask, value, input)


# ----- dtype casts and copies -----
class Cast(ArrayFunction):
    @staticmethod
    def forward(ctx, x, dtype):
        ctx.input_dtype = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        """d cast(x)/dx = 1, in x's dtype."""
        return grad.astype(ctx.input_dtype), None


def cast(input: Tensor, dtype: Any) -> Tensor:
    """``input`` in another dtype; only float-to-float casts keep the gradient (as in PyTorch)."""
    dtype = dtypes.as_dtype(dtype)
    if dtype == input._data.dtype:
        return input
    if dtype.kind == "f" and input._data.dtype.kind == "f":
        return Cast.apply(input, dtype)
    return Tensor(input._data.astype(dtype))


class Clone(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        """d clone(x)/dx = 1."""
        return grad


def clone(input: Tensor) -> Tensor:
    return Clone.apply(input)


# ----- comparisons: bool tensors, outside the graph -----
def _compare(ufunc_name: str) -> Any:
    def compare(input: Tensor, other: Any) -> Tensor:
        other = as_operand(other, input)
        right = other._data if isinstance(other, Tensor) else other
        try:
            return Tensor(getattr(array_module(input._data), ufunc_name)(input._data, right))
        except ValueError:
            broadcast_shapes(ufunc_name, input.shape, _shape(other))
            raise

    compare.__name__ = {"equal": "eq", "not_equal": "ne", "less": "lt", "less_equal": "le",
                        "greater": "gt", "greater_equal": "ge"}[ufunc_name]
    compare.__doc__ = f"Elementwise ``{ufunc_name.replace('_', ' ')}`` as a bool tensor (no gradient)."
    return compare


eq = _compare("equal")
ne = _compare("not_equal")
lt = _compare("less")
le = _compare("less_equal")
gt = _compare("greater")
ge = _compare("greater_equal")


def _bitwise(ufunc_name: str) -> Any:
    def bitwise(input: Tensor, other: Any) -> Tensor:
        other = as_operand(other, input)
        for value in (input, other):
            _check_integral(value, ufunc_name)
        right = other._data if isinstance(other, Tensor) else other
        return Tensor(getattr(array_module(input._data), ufunc_name)(input._data, right))

    bitwise.__name__ = ufunc_name
    bitwise.__doc__ = f"Elementwise ``{ufunc_name}`` of bool or integer tensors (``&``, ``|``, ``^``)."
    return bitwise


def _check_integral(value: Any, name: str) -> None:
    kind = value._data.dtype.kind if isinstance(value, Tensor) else ("f" if isinstance(value, float) else "i")
    if kind == "f":
        raise RuntimeError(f"{name}: only bool and integer tensors are supported, got a floating point operand")


bitwise_and = _bitwise("bitwise_and")
bitwise_or = _bitwise("bitwise_or")
bitwise_xor = _bitwise("bitwise_xor")


def bitwise_not(input: Tensor) -> Tensor:
    """``~x``: logical not of a bool tensor (a mask), bitwise not of an integer tensor."""
    _check_integral(input, "bitwise_not")
    return Tensor(array_module(input._data).invert(input._data))


def logical_not(input: Tensor) -> Tensor:
    return Tensor(array_module(input._data).logical_not(input._data))


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both tensors have the same shape and values."""
    return input.shape == other.shape and bool((input._data == other._data).all())


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> bool:
    return bool(array_module(input._data).allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isnan(input: Tensor) -> Tensor:
    return Tensor(array_module(input._data).isnan(input._data))


def isfinite(input: Tensor) -> Tensor:
    return Tensor(array_module(input._data).isfinite(input._data))
