"""In-place ops: ``add_``, ``mul_``, ``zero_``, ``copy_``, ``x[i] = v`` ...

Each writes into the tensor's existing memory through :meth:`Tensor._write`, which bumps its
version counter, so a graph node that saved this tensor for backward notices and refuses to
compute a stale gradient.

* Outside the graph (grad mode off, or nothing requires grad) the write is a single NumPy/CuPy
  call with ``out=`` — this is what optimizers and initialisers use.
* Inside the graph, the op is computed out of place as a normal node, the result is copied into
  the tensor's memory, and the tensor becomes that node's output (its ``grad_fn`` moves on).
  Leaves that require grad cannot be changed this way, as in PyTorch.
"""
from __future__ import annotations

from typing import Any, Optional

from minitorch.autograd import grad_mode
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module, to_device
from minitorch.ops.arithmetic import Add, Div, Mul, Neg, Sub
from minitorch.ops.broadcast import unbroadcast
from minitorch.ops.cast import cast
from minitorch.ops.index import on_device_of, owned, to_array_index
from minitorch.ops.operands import as_operand, plain
from minitorch.ops.unary import Clamp, Exp, Relu, Sigmoid, Tanh
from minitorch.random import rng_on
from minitorch.tensor import Tensor


def builds_graph(target: Tensor, *args: Any) -> bool:
    if not grad_mode._grad_enabled:
        return False
    return target._requires_grad or any(isinstance(a, Tensor) and a._requires_grad for a in args)


def apply_inplace(target: Tensor, op: type, *args: Any) -> Tensor:
    """Compute ``op(target, *args)`` and store the result in ``target``'s memory."""
    if builds_graph(target, *args):
        _check_can_rebase(target)
        out = op.apply(_snapshot(target), *args)
        _write(target, out._data)
        target.grad_fn, target._output_nr, target._requires_grad = out.grad_fn, out._output_nr, True
    else:  # a fresh node that records nothing serves as the ctx
        _write(target, op.forward(op(), target._data, *_arrays(args)))
    return target


def compose_inplace(target: Tensor, fn: Any, *args: Any) -> Tensor:
    """``apply_inplace`` for an op written as a composition of ops (``lerp_``, ``addcmul_``):
    ``fn(target, *args)`` is computed on a snapshot of ``target`` and written back into it."""
    if builds_graph(target, *args):
        _check_can_rebase(target)
        out = fn(_snapshot(target), *args)
        _write(target, out._data)
        target.grad_fn, target._output_nr, target._requires_grad = out.grad_fn, out._output_nr, True
    else:
        with grad_mode.no_grad():
            _write(target, fn(target, *args)._data)
    return target


def _check_can_rebase(target: Tensor) -> None:
    if target.grad_fn is None and target._requires_grad:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation; "
            "wrap it in `with minitorch.no_grad():` (as optimizers do) or use an out-of-place op"
        )
    if target._base is not None and target._base._requires_grad:
        raise RuntimeError(
            "an in-place operation on a view of a tensor that requires grad is not supported by "
            "minitorch; use an out-of-place op (e.g. x = x + y)"
        )


def _snapshot(target: Tensor) -> Tensor:
    """``target``'s history with a private copy of its current values.

    The op may save its input for backward (``mul_`` does); the write that follows must not
    overwrite what it saved, or ``a.mul_(w)`` could not be differentiated with respect to ``w``.
    """
    snapshot = Tensor._from_op(target._data.copy(), target.grad_fn, target._output_nr)
    snapshot._requires_grad = target._requires_grad
    return snapshot


def _write(target: Tensor, values: Any) -> None:
    try:
        target._write(values)
    except ValueError:
        raise RuntimeError(
            f"output with shape {list(target.shape)} doesn't match the broadcast shape "
            f"{list(getattr(values, 'shape', ()))} of an in-place operation"
        ) from None


def _arrays(args: tuple) -> list:
    return [a._data if isinstance(a, Tensor) else a for a in args]


# ----- arithmetic: x.add_(y), x += y ... -----
def _ufunc_inplace(target: Tensor, name: str, other: Any) -> Tensor:
    """``target = target (name) other`` by a single ufunc call writing into ``target``."""
    target._check_writable()  # before the ufunc writes through out=
    xp = array_module(target._data)
    other = as_operand(other, target)
    try:
        target._write(getattr(xp, name)(target._data, other._data if isinstance(other, Tensor) else other, out=target._data))
    except TypeError as error:
        other_dtype = other.dtype if isinstance(other, Tensor) else type(other).__name__
        raise RuntimeError(
            f"result type {other_dtype} can't be cast to the desired output type {target.dtype} "
            f"of an in-place {name}"
        ) from error
    except ValueError:
        raise RuntimeError(
            f"output with shape {list(target.shape)} doesn't match the broadcast shape of "
            f"{list(target.shape)} and {list(getattr(other, 'shape', ()))} in an in-place {name}"
        ) from None
    return target


def _binary_inplace(op: type, name: str) -> Any:
    def method(self: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
        if alpha != 1:
            other = other * alpha
        if builds_graph(self, other):
            other = as_operand(other, self)
            if isinstance(other, Tensor) and other.dtype != self.dtype:
                other = cast(other, self.dtype)
            return apply_inplace(self, op, other)
        return _ufunc_inplace(self, name, other)

    method.__name__ = f"{name}_"
    method.__doc__ = f"In-place ``{name}``: writes into this tensor and bumps its version."
    return method


add_ = _binary_inplace(Add, "add")
sub_ = _binary_inplace(Sub, "subtract")
mul_ = _binary_inplace(Mul, "multiply")
div_ = _binary_inplace(Div, "divide")


# ----- unary maths: x.relu_(), x.clamp_(...) ... -----
def _unary_inplace(op: type, name: str) -> Any:
    def method(self: Tensor) -> Tensor:
        return apply_inplace(self, op)

    method.__name__ = f"{name}_"
    method.__doc__ = f"In-place ``{name}``."
    return method


relu_ = _unary_inplace(Relu, "relu")
exp_ = _unary_inplace(Exp, "exp")
neg_ = _unary_inplace(Neg, "neg")
sigmoid_ = _unary_inplace(Sigmoid, "sigmoid")
tanh_ = _unary_inplace(Tanh, "tanh")


def clamp_(self: Tensor, min: Optional[Any] = None, max: Optional[Any] = None) -> Tensor:
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return apply_inplace(self, Clamp, plain(min), plain(max))


# ----- overwriting: fill_, zero_, copy_, x[i] = v, random fills -----
class Fill(ArrayFunction):
    @staticmethod
    def forward(ctx, x, value):
        return array_module(x).full_like(x, value)

    @staticmethod
    def backward(ctx, grad):
        """d fill(x, v)/dx = 0: the old values are gone."""
        return array_module(grad).zeros_like(grad), None


def fill_(self: Tensor, value: Any) -> Tensor:
    """Set every element to ``value``."""
    if builds_graph(self):
        return apply_inplace(self, Fill, plain(value))
    self._write(plain(value))
    return self


def zero_(self: Tensor) -> Tensor:
    """Set every element to 0."""
    return fill_(self, 0)


class CopyFrom(ArrayFunction):
    @staticmethod
    def forward(ctx, x, src):
        ctx.shape = getattr(src, "shape", ())
        return array_module(x).broadcast_to(src, x.shape).astype(x.dtype, copy=True)

    @staticmethod
    def backward(ctx, grad):
        """d copy_(x, src)/dx = 0, d/dsrc = 1 (summed over broadcast)."""
        return None, unbroadcast(grad, ctx.shape)


def copy_(self: Tensor, src: Tensor) -> Tensor:
    """Copy ``src``'s values (broadcast, converted to this dtype and device) into this tensor."""
    if builds_graph(self, src):
        return apply_inplace(self, CopyFrom, src.to(self.dtype).to(self.device))
    values = to_device(src._data if isinstance(src, Tensor) else src, self.device)
    _write(self, values)
    return self


class SetItem(ArrayFunction):
    @staticmethod
    def forward(ctx, x, index, value):
        ctx.index = owned(index)
        ctx.value_shape = getattr(value, "shape", ())
        out = x.copy()
        out[index] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        """d (x with x[i] = v)/dx = 1 outside i, 0 at i; d/dv = the gradient at i."""
        need_x, _, need_value = ctx.needs_input_grad
        grad_x = grad_value = None
        if need_x:
            grad_x = SetItem.call(grad, ctx.index, 0)
        if need_value:
            grad_value = unbroadcast(grad[ctx.index], ctx.value_shape)
        return grad_x, None, grad_value


def setitem(input: Tensor, index: Any, value: Any) -> None:
    """``input[index] = value`` in place (differentiable when ``input`` is not a leaf)."""
    array_index = on_device_of(to_array_index(index), array_module(input._data))
    if isinstance(value, Tensor):
        value = value.to(input.dtype) if value.dtype != input.dtype else value
    try:
        if builds_graph(input, value):
            apply_inplace(input, SetItem, array_index, value)
        else:
            input._write(value._data if isinstance(value, Tensor) else value, array_index)
    except (IndexError, ValueError) as error:  # a bad index stays an IndexError, bad shapes are RuntimeErrors
        shape = list(value.shape) if isinstance(value, Tensor) else "scalar"
        raise (IndexError if isinstance(error, IndexError) else RuntimeError)(
            f"{error} (assigning a value of shape {shape} into a tensor of shape {list(input.shape)})"
        ) from None


def masked_fill_(self: Tensor, mask: Tensor, value: Any) -> Tensor:
    setitem(self, mask, value)
    return self


def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Tensor:
    """Fill with samples from U(a, b), drawn on the tensor's device."""
    return _fill_random(self, rng_on(generator, self.device).uniform(a, b, self.shape))


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Tensor:
    """Fill with samples from N(mean, std²)."""
    return _fill_random(self, rng_on(generator, self.device).standard_normal(self.shape) * std + mean)


def _fill_random(self: Tensor, values: Any) -> Tensor:
    if builds_graph(self):
        _check_can_rebase(self)
    _write(self, to_device(values.astype(self.dtype, copy=False), self.device))
    return self
