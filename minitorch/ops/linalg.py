"""Matrix products: ``a @ b`` with PyTorch's rules for 1-D operands and batch broadcasting."""
from __future__ import annotations

from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.ops.broadcast import unbroadcast
from minitorch.ops.operands import promote_operands
from minitorch.tensor import Tensor


class MatMul(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return array_module(a).matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        """d(AB)/dA = G·Bᵀ, d(AB)/dB = Aᵀ·G (batch dims summed back, 1-D operands re-squeezed)."""
        a, b = ctx.saved_tensors
        xp = array_module(grad)
        need_a, need_b = ctx.needs_input_grad
        if a.ndim == 1 and b.ndim == 1:  # a dot product
            return (grad * b if need_a else None), (grad * a if need_b else None)
        a2 = a[None, :] if a.ndim == 1 else a  # a vector acts as a 1×n row
        b2 = b[:, None] if b.ndim == 1 else b  # and as an n×1 column on the right
        g = grad
        if a.ndim == 1:
            g = xp.expand_dims(g, -2)
        if b.ndim == 1:
            g = xp.expand_dims(g, -1)
        grad_a = grad_b = None
        if need_a:
            grad_a = xp.matmul(g, xp.swapaxes(b2, -1, -2))
            grad_a = unbroadcast(grad_a, a2.shape).reshape(a.shape)
        if need_b:
            grad_b = xp.matmul(xp.swapaxes(a2, -1, -2), g)
            grad_b = unbroadcast(grad_b, b2.shape).reshape(b.shape)
        return grad_a, grad_b


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """Matrix product; 1-D operands are vectors, leading dimensions are broadcast batch dimensions."""
    if not isinstance(other, Tensor):
        raise TypeError(f"matmul(): argument 'other' must be Tensor, not {type(other).__name__}")
    if input.ndim == 0 or other.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {input.ndim}D and {other.ndim}D"
        )
    inner_a = input.shape[-1]
    inner_b = other.shape[-2] if other.ndim > 1 else other.shape[0]
    if inner_a != inner_b:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_shape_text(input.shape)} and {_shape_text(other.shape)}): "
            f"{inner_a} columns on the left, {inner_b} rows on the right"
        )
    input, other = promote_operands(input, other)
    try:
        return MatMul.apply(input, other)
    except ValueError:
        raise RuntimeError(
            f"matmul: batch dimensions {list(input.shape[:-2])} and {list(other.shape[:-2])} do not broadcast"
        ) from None


def _shape_text(shape: tuple) -> str:
    return "x".join(str(n) for n in shape)


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"mm: expected 2D matrices, got {input.ndim}D and {mat2.ndim}D")
    return matmul(input, mat2)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    if input.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError(f"bmm: expected 3D tensors, got {input.ndim}D and {mat2.ndim}D")
    if input.shape[0] != mat2.shape[0]:
        raise RuntimeError(f"bmm: batch sizes differ: {input.shape[0]} and {mat2.shape[0]}")
    return matmul(input, mat2)


def dot(input: Tensor, other: Tensor) -> Tensor:
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    return matmul(input, other)
