"""In-place ops: ``add_``, ``mul_``, ``zero_``, ``copy_``, ``x[i] = v`` ...

Each writes into the tensor's existing memory and bumps its version counter, so a graph node
that saved this tensor for backward notices and refuses to compute a stale gradient.

* Outside the graph (grad mode off, or nothing requires grad) the write is a single NumPy/CuPy
  call with ``out=`` — this is what optimizers and initialisers use.
* Inside the graph, the op is computed out of place as a normal node, the result is copied into
  the tensor's memory, and the tensor becomes that node's output (its ``grad_fn`` moves on).
  Leaves that require grad cannot be changed this way, as in PyTorch.
"""
from __future__ import annotations

from typing import Any, Optional

from minitorch.autograd import grad_mode
from minitorch.backend import array_module
from minitorch.ops import elementwise as ew
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
    else:
        _write(target, op.forward(_NoContext(), target._data, *_arrays(args)))
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


class _NoContext:
    """Stands in for ``ctx`` when an op's forward runs outside the graph."""

    needs_input_grad = ()

    def save_for_backward(self, *values: Any) -> None:
        pass

    def mark_non_differentiable(self, *values: Any) -> None:
        pass


def _ufunc_inplace(target: Tensor, name: str, other: Any) -> Tensor:
    """``target = target (name) other`` by a single ufunc call writing into ``target``."""
    target._check_writable()  # before the ufunc writes through out=
    xp = array_module(target._data)
    other = ew.as_operand(other, target)
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
            other = ew.as_operand(other, self)
            if isinstance(other, Tensor) and other.dtype != self.dtype:
                other = ew.cast(other, self.dtype)
            return apply_inplace(self, op, other)
        return _ufunc_inplace(self, name, other)

    method.__name__ = f"{name}_"
    method.__doc__ = f"In-place ``{name}``: writes into this tensor and bumps its version."
    return method


add_ = _binary_inplace(ew.Add, "add")
sub_ = _binary_inplace(ew.Sub, "subtract")
mul_ = _binary_inplace(ew.Mul, "multiply")
div_ = _binary_inplace(ew.Div, "divide")


def _unary_inplace(op: type, name: str) -> Any:
    def method(self: Tensor) -> Tensor:
        return apply_inplace(self, op)

    method.__name__ = f"{name}_"
    method.__doc__ = f"In-place ``{name}``."
    return method


relu_ = _unary_inplace(ew.Relu, "relu")
exp_ = _unary_inplace(ew.Exp, "exp")
neg_ = _unary_inplace(ew.Neg, "neg")
sigmoid_ = _unary_inplace(ew.Sigmoid, "sigmoid")
tanh_ = _unary_inplace(ew.Tanh, "tanh")


def clamp_(self: Tensor, min: Optional[Any] = None, max: Optional[Any] = None) -> Tensor:
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return apply_inplace(self, ew.Clamp, ew._plain(min), ew._plain(max))


def zero_(self: Tensor) -> Tensor:
    """Set every element to 0."""
    return fill_(self, 0)


def fill_(self: Tensor, value: Any) -> Tensor:
    """Set every element to ``value``."""
    if builds_graph(self):
        return apply_inplace(self, Fill, ew._plain(value))
    self._write(ew._plain(value))
    return self


class Fill(ew.ArrayFunction):
    @staticmethod
    def forward(ctx, x, value):
        return array_module(x).full_like(x, value)

    @staticmethod
    def backward(ctx, grad):
        """d fill(x, v)/dx = 0: the old values are gone."""
        return array_module(grad).zeros_like(grad), None


def copy_(self: Tensor, src: Tensor) -> Tensor:
    """Copy ``src``'s values (broadcast, converted to this dtype and device) into this tensor."""
    from minitorch.backend import to_device

    if builds_graph(self, src):
        return apply_inplace(self, CopyFrom, src.to(self.dtype).to(self.device))
    values = to_device(src._data if isinstance(src, Tensor) else src, self.device)
    _write(self, values)
    return self


class CopyFrom(ew.ArrayFunction):
    @staticmethod
    def forward(ctx, x, src):
        ctx.shape = getattr(src, "shape", ())
        return array_module(x).broadcast_to(src, x.shape).astype(x.dtype, copy=True)

    @staticmethod
    def backward(ctx, grad):
        """d copy_(x, src)/dx = 0, d/dsrc = 1 (summed over broadcast)."""
        from minitorch.ops.broadcast import unbroadcast

        return None, unbroadcast(grad, ctx.shape)


def masked_fill_(self: Tensor, mask: Tensor, value: Any) -> Tensor:
    from minitorch.ops.index import setitem

    setitem(self, mask, value)
    return self


def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Tensor:
    """Fill with samples from U(a, b) (drawn on the CPU so a seed gives the same values everywhere)."""
    from minitorch.random import rng_of

    return _fill_random(self, rng_of(generator).uniform(a, b, self.shape))


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Tensor:
    """Fill with samples from N(mean, std²)."""
    from minitorch.random import rng_of

    return _fill_random(self, rng_of(generator).normal(mean, std, self.shape))


def _fill_random(self: Tensor, values: Any) -> Tensor:
    from minitorch.backend import to_device

    if builds_graph(self):
        _check_can_rebase(self)
    _write(self, to_device(values.astype(self.dtype, copy=False), self.device))
    return self
