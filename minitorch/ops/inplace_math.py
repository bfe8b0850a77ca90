"""In-place elementwise maths: ``x.sin_()``, ``x.floor_()``, ``x.fmod_(2)`` ...

Each runs the out-of-place op's forward and writes the result into the tensor's memory through
:func:`~minitorch.ops.inplace.apply_inplace` (which bumps the version counter and, inside the
graph, makes the tensor the op's output). As in PyTorch, the result must fit the tensor's
dtype: ``int_tensor.sin_()`` is an error, since sin of an integer is a float.
"""
from __future__ import annotations

from typing import Any, Optional

from minitorch.ops import exponentials, rounding, special, trig
from minitorch.ops.inplace import apply_inplace
from minitorch.ops.operands import as_operand
from minitorch.tensor import Tensor


def _check_float(self: Tensor, name: str) -> None:
    if self.dtype.kind != "f":
        raise RuntimeError(f"result type Float can't be cast to the desired output type {self.dtype} in {name}_")


def _unary(op: type, name: str, floating: bool = True) -> Any:
    def method(self: Tensor) -> Tensor:
        if floating or self.dtype.kind == "f":
            _check_float(self, name)
            return apply_inplace(self, op)
        return self  # floor_/ceil_/trunc_/round_ of an integer tensor change nothing

    method.__name__ = f"{name}_"
    method.__doc__ = f"In-place ``{name}``: writes into this tensor and bumps its version."
    return method


def _binary(op: type, name: str) -> Any:
    def method(self: Tensor, other: Any) -> Tensor:
        other = as_operand(other, self)
        if isinstance(other, Tensor) and other.dtype != self.dtype:
            if other.dtype.kind == "f" and self.dtype.kind != "f":
                _check_float(self, name)
            other = other.to(self.dtype)
        if isinstance(other, float):
            _check_float(self, name)
        return apply_inplace(self, op, other)

    method.__name__ = f"{name}_"
    method.__doc__ = f"In-place ``{name}``."
    return method


sin_, cos_, tan_ = _unary(trig.Sin, "sin"), _unary(trig.Cos, "cos"), _unary(trig.Tan, "tan")
asin_, acos_, atan_ = _unary(trig.Asin, "asin"), _unary(trig.Acos, "acos"), _unary(trig.Atan, "atan")
sinh_, cosh_ = _unary(trig.Sinh, "sinh"), _unary(trig.Cosh, "cosh")
asinh_, acosh_, atanh_ = _unary(trig.Asinh, "asinh"), _unary(trig.Acosh, "acosh"), _unary(trig.Atanh, "atanh")
exp2_, expm1_ = _unary(exponentials.Exp2, "exp2"), _unary(exponentials.Expm1, "expm1")
log2_, log10_ = _unary(exponentials.Log2, "log2"), _unary(exponentials.Log10, "log10")
log1p_, rsqrt_ = _unary(exponentials.Log1p, "log1p"), _unary(exponentials.Rsqrt, "rsqrt")
reciprocal_ = _unary(exponentials.Reciprocal, "reciprocal")
floor_, ceil_ = _unary(rounding.Floor, "floor", False), _unary(rounding.Ceil, "ceil", False)
trunc_, frac_ = _unary(rounding.Trunc, "trunc", False), _unary(rounding.Frac, "frac")
erf_, erfc_, erfinv_ = _unary(special.Erf, "erf"), _unary(special.Erfc, "erfc"), _unary(special.Erfinv, "erfinv")
lgamma_, digamma_ = _unary(special.Lgamma, "lgamma"), _unary(special.Digamma, "digamma")
atan2_, hypot_ = _binary(trig.Atan2, "atan2"), _binary(trig.Hypot, "hypot")
fmod_, remainder_ = _binary(rounding.Fmod, "fmod"), _binary(rounding.Remainder, "remainder")
xlogy_ = _binary(exponentials.Xlogy, "xlogy")


def sign_(self: Tensor) -> Tensor:
    return apply_inplace(self, rounding.Sign) if self.dtype.kind != "b" else self


def round_(self: Tensor, *, decimals: int = 0) -> Tensor:
    if self.dtype.kind != "f":
        rounding.round(self, decimals=decimals)  # raises for decimals != 0; else nothing changes
        return self
    return apply_inplace(self, rounding.Round, int(decimals))


def logit_(self: Tensor, eps: Optional[float] = None) -> Tensor:
    _check_float(self, "logit")
    return apply_inplace(self, exponentials.Logit, eps)
