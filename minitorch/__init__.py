"""minitorch: a from-scratch neural-network library on NumPy (CPU) and CuPy (GPU).

It mirrors PyTorch's API, so ``import minitorch as torch`` runs PyTorch tutorial code::

    import minitorch as torch
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad  # tensor([2., 4.])

Where to read: ``tensor.py`` (the Tensor), ``autograd/`` (graph and backward), ``ops/`` (every
op's forward and backward side by side), ``nn/``, ``optim/``, ``utils/data``, ``datasets/``.
"""
from minitorch import cuda, distributed, dtypes, nn, optim, tensor_methods  # noqa: F401  (tensor_methods attaches Tensor's op methods)
from minitorch.autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from minitorch.autograd.function import Function
from minitorch.autograd.gradcheck import gradcheck
from minitorch.backend import device
from minitorch.creation import (
    arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace, ones, ones_like,
    rand, rand_like, randint, randn, randn_like, randperm, tensor, zeros, zeros_like,
)
from minitorch.ops.arithmetic import add, div, floor_divide, mul, neg, pow, sub
from minitorch.ops.cast import clone
from minitorch.ops.comparison import (
    allclose, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, eq, equal, ge, gt, isfinite, isnan, le,
    logical_not, lt, ne,
)
from minitorch.ops.linalg import bmm, dot, matmul, mm
from minitorch.ops.reduce import all, any, argmax, argmin, max, mean, min, std, sum, var
from minitorch.ops.selection import masked_fill, maximum, minimum, where
from minitorch.ops.shape import (
    broadcast_to, cat, chunk, concat, concatenate, flatten, permute, reshape, split, squeeze, stack,
    swapaxes, t, transpose, unbind, unflatten, unsqueeze,
)
from minitorch.ops.unary import abs, clamp, clip, exp, log, relu, sigmoid, sqrt, square, tanh
# ----- tensor surface A -----
from minitorch.ops.activation import log_softmax, softmax
from minitorch.ops.exponentials import exp2, expm1, log1p, log2, log10, logaddexp, logit, reciprocal, rsqrt, xlogy
from minitorch.ops.rounding import ceil, fix, floor, fmod, frac, remainder, round, sgn, sign, trunc
from minitorch.ops.triangular import diag, diag_embed, diagonal, trace, tril, triu
from minitorch.ops.trig import (
    acos, acosh, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, asin, asinh, atan, atan2, atanh,
    cos, cosh, hypot, sin, sinh, tan,
)
# ----- end of tensor surface A -----
from minitorch.random import Generator, initial_seed, manual_seed
from minitorch.serialization import load, save
from minitorch.tensor import Tensor
from minitorch.threads import get_num_threads, set_num_threads

float16 = half = dtypes.float16
float32 = float = dtypes.float32
float64 = double = dtypes.float64
uint8 = dtypes.uint8
int8 = dtypes.int8
int16 = short = dtypes.int16
int32 = int = dtypes.int32
int64 = long = dtypes.int64
bool = dtypes.bool_

from minitorch import datasets, io, transforms, utils  # noqa: E402  (torchvision's datasets, transforms, io; torch.utils)

__version__ = "0.1.0"


def is_tensor(obj: object) -> "builtins.bool":  # noqa: F821
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> "builtins.int":  # noqa: F821
    return input.numel()


def get_default_dtype():
    return dtypes.default_float
